// Package playbook loads Ansible playbooks, roles and task files into plays
// and tasks that keep their source positions.
//
// Static constructs (include: and import_playbook: of playbooks, roles:,
// import_tasks, import_role and the legacy task-level include:) are expanded
// here; dynamic ones (include_tasks, include_role) are left to the runner,
// which loads them through a Loader.
package playbook

import (
	"github.com/gansible/gansible/yamlvalue"
)

// Pos is a source position.
type Pos = yamlvalue.Pos

// Playbook is a loaded playbook file with its imported playbooks expanded.
type Playbook struct {
	Path  string
	Plays []*Play
}

// Play is one play.
type Play struct {
	Pos  Pos
	Name string
	// Hosts is the host pattern (a YAML list is joined with ",").
	Hosts string
	// HostsEntries are the entries of hosts as written: a list's, or the
	// one string, which Ansible keeps whole even with commas in it.
	HostsEntries []string
	// Dir is the directory of the playbook file the play came from.
	Dir string

	VarsFiles  []any // each a path, or a list of paths of which the first found is used
	VarsPrompt []any

	PreTasks  []*Task
	Roles     []*Task // one block per role (dependencies first), holding the role's tasks
	Tasks     []*Task
	PostTasks []*Task
	// Handlers are the roles' handlers, the play's, then those of
	// import_role, as ansible-core lists them: a notify by name finds the
	// last one of that name.
	Handlers []*Task
	// roleHandlers are the handlers of the roles: entries, while loading.
	roleHandlers []*Task

	// Keywords are the play's keywords its tasks inherit.
	Keywords

	GatherFacts       *bool
	GatherSubset      any // gather_subset, for the implicit fact gathering
	GatherTimeout     any // gather_timeout, likewise
	FactPath          string
	Serial            []any
	MaxFailPercentage *float64
	Strategy          string
	Forks             int
	Order             string
	ForceHandlers     *bool
	// Templated are the play keywords written as a template
	// (gather_facts: "{{ gather }}"), by name, whose field above is left
	// unset: Ansible templates a play's keywords with its variables when
	// the play starts (its post_validate), and so does the runner.
	Templated map[string]string
}

func (p *Play) templated(keyword, tmpl string) {
	if p.Templated == nil {
		p.Templated = map[string]string{}
	}
	p.Templated[keyword] = tmpl
}

// Role is a loaded role.
type Role struct {
	Name     string
	Path     string
	Defaults map[string]any
	Vars     map[string]any
	Params   map[string]any // role: x, param: value
	Handlers []*Task
	// Deps are the roles of its meta dependencies, in order.
	Deps []*Role
	// RunKey names the role and its parameters, as ansible-core's role
	// cache: a role used again with the same key is one it has run.
	RunKey string
	// AllowDuplicates is its meta/main.yml's allow_duplicates.
	AllowDuplicates bool
}

// Task is a task, a handler or a block (Block != nil).
type Task struct {
	Pos    Pos
	Name   string
	Action string         // module or action name, "" for a block
	Args   map[string]any // raw module arguments; a free-form string is in _raw_params
	// ArgNames are the names of Args in Ansible's order of task.args:
	// the args keyword's first, then the module's own as written, with
	// a cmd moved to _raw_params last. Callbacks that print a task's
	// arguments (junit) follow it.
	ArgNames []string
	// ActionTemplate is a templated module name (action: "{{ prefix }}copy
	// src=a dest=b"): it is resolved for each host when the task runs (see
	// ResolveAction); until then Action holds it too, for the banner, and
	// Args the arguments, split as for a module without free form.
	ActionTemplate string
	// ActionWritten is the module name as the task wrote it
	// (ansible.builtin.file) when it differs from Action; a module's
	// messages name it so, as Ansible's do.
	ActionWritten string

	Block, Rescue, Always []*Task
	// Parent is the enclosing block, or the synthetic block of a role or an
	// import; keywords such as when, tags, become and vars are inherited from it.
	Parent *Task
	// Synthetic marks a block made by the loader (role, import) rather than written.
	Synthetic bool
	// IncludedByHandler marks the block of tasks a handler included: they
	// run as handlers do (RUNNING HANDLER, no tag selection).
	IncludedByHandler bool
	// RoleAgain marks a role block that uses its role again with the
	// same parameters (without allow_duplicates): it runs only on the
	// hosts that ran none of the role's tasks yet, as ansible-core's
	// role has_run.
	RoleAgain bool

	Role *Role // the role the task belongs to, nil for play tasks

	// Keywords are the task's (or block's) keywords that tasks inherit.
	Keywords

	Loop        any
	LoopKind    string // "" (loop:), or the lookup of with_<kind>
	LoopControl map[string]any
	Register    string
	Listen      []string
	ChangedWhen []any
	FailedWhen  []any
	Until       any
	Retries     any
	Delay       any
	// Async is the async keyword (seconds a module may run, as a
	// background job), Poll the poll keyword (seconds between checks; 0
	// does not wait). Both may be templated; nil when not given.
	Async any
	Poll  any
}

// IsBlock reports whether t is a block rather than a task.
func (t *Task) IsBlock() bool {
	return t.Block != nil || t.Rescue != nil || t.Always != nil || t.Action == ""
}

// Ancestors returns t's enclosing blocks from the outermost inwards.
func (t *Task) Ancestors() []*Task {
	var chain []*Task
	for p := t.Parent; p != nil; p = p.Parent {
		chain = append([]*Task{p}, chain...)
	}
	return chain
}

// DisplayName is the name Ansible prints: the task's name, or its action,
// prefixed with the role name as "role : name".
func (t *Task) DisplayName() string {
	name := t.Name
	if name == "" && t.Action == "include_role" {
		// ansible-core's IncludeRole names itself after the role, with
		// no role prefix.
		if role, ok := t.Args["name"].(string); ok {
			return "include_role : " + role
		}
	}
	if name == "" {
		name = t.Action
		if t.ActionWritten != "" {
			name = t.ActionWritten // ansible.builtin.debug, as written
		}
	}
	if t.Role != nil {
		return t.Role.Name + " : " + name
	}
	return name
}
