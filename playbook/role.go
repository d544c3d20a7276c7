package playbook

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// playRoles loads a play's roles: list, each with its dependencies first.
func (l *Loader) playRoles(d *decoder, p *Play, n *yaml.Node) []*Task {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, "roles must be a list")
		return nil
	}
	seen := map[string]*Role{}
	var out []*Task
	for _, rn := range n.Content {
		blocks, role := l.roleRef(d, p.Dir, rn, nil, seen, nil)
		if d.err != nil {
			return nil
		}
		out = append(out, blocks...)
		// As ansible-core, each entry of roles: adds its role's handlers
		// (dependencies first), even an entry that does not run again.
		p.roleHandlers = append(p.roleHandlers, role.HandlerTasks()...)
	}
	return out
}

// HandlerTasks are the role's handlers, after those of its dependencies.
func (r *Role) HandlerTasks() []*Task {
	if r == nil {
		return nil
	}
	var out []*Task
	for _, dep := range r.Deps {
		out = append(out, dep.HandlerTasks()...)
	}
	return append(out, r.Handlers...)
}

// roleRef loads one role reference and its dependencies as blocks, skipping
// a role already loaded with the same parameters in this play (unless its
// meta/main.yml allows duplicates); it returns the role either way. chain
// holds the directories of the roles whose dependencies are being loaded.
func (l *Loader) roleRef(d *decoder, baseDir string, n *yaml.Node, parent *Task, seen map[string]*Role, chain []string) ([]*Task, *Role) {
	t := &Task{Pos: yamlvalue.At(d.file, n), Parent: parent, Synthetic: true}
	params := map[string]any{}
	var name string
	switch n.Kind {
	case yaml.ScalarNode:
		name = n.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			switch {
			case key.Value == "role" || key.Value == "name":
				name = d.str(val)
			case d.keyword(LevelRole, target{kw: &t.Keywords}, key, val):
			default:
				// Any other key is a role parameter, as in ansible-core.
				params[key.Value] = d.value(val)
			}
		}
	default:
		d.fail(n, "a role reference must be a name or a mapping")
		return nil, nil
	}
	if d.err != nil {
		return nil, nil
	}
	if name == "" {
		d.fail(n, "role definitions must contain a role name")
		return nil, nil
	}
	dir, err := l.findRole(name, baseDir)
	if err != nil {
		if d.err == nil {
			d.err = &NotFoundError{Pos: yamlvalue.At(d.file, n), Msg: err.(*NotFoundError).Msg}
		}
		return nil, nil
	}
	for _, c := range chain {
		if c == dir {
			d.err = &GeneralError{Pos: yamlvalue.At(d.file, n), Msg: "A recursion loop was detected with the roles specified. Make sure child roles do not have dependencies on parent roles"}
			return nil, nil
		}
	}
	// The identity of a role use, as ansible-core's role cache: its
	// parameters, when, tags and vars.
	key := name + "\x00" + canonical(params) + "\x00" + canonical(t.Vars) + "\x00" +
		canonical(map[string]any{"when": t.When, "tags": t.Tags})
	meta, err := l.roleMeta(dir)
	if err != nil {
		d.err = err
		return nil, nil
	}
	// Used again, the role is loaded again under this use's keywords;
	// the runner runs it on the hosts that have not run it yet.
	prev := seen[key]
	t.RoleAgain = prev != nil && !meta.allowDuplicates
	role, err := l.loadRole(name, dir, params, nil)
	if err != nil {
		d.err = err
		return nil, nil
	}
	if prev == nil {
		seen[key] = role
	}
	// The vars: of a roles: entry are the role's vars, under those of its
	// vars/main.yml, as ansible-core's Role.get_vars: the whole play sees
	// them, and they rank as role vars, not as the block's vars.
	if len(t.Vars) > 0 {
		role.Vars = mergeVars(t.Vars, role.Vars)
		t.Vars = nil
	}
	t.Role = role
	role.RunKey = key
	role.AllowDuplicates = meta.allowDuplicates
	t.Name = "role " + role.Name

	var blocks []*Task
	if deps := meta.dependencies; deps != nil {
		sub := decoder{file: meta.file, stack: d.stack, handlers: d.handlers}
		depChain := append(chain[:len(chain):len(chain)], dir)
		// The dependencies inherit the keywords of this use of the role
		// (its when, tags, become...), as ansible-core's dep chain, but
		// not its parameters or vars.
		via := *t
		via.Role, via.Name, via.Vars = nil, "", nil
		for _, dn := range deps.Content {
			depBlocks, dep := l.roleRef(&sub, filepath.Dir(dir), dn, &via, seen, depChain)
			if sub.err != nil {
				d.err = sub.err
				return nil, nil
			}
			blocks = append(blocks, depBlocks...)
			role.Deps = append(role.Deps, dep)
		}
	}
	tasksFile := mainFile(filepath.Join(dir, "tasks"))
	if tasksFile != "" {
		t.Block = d.taskFile(l, tasksFile, t, role, Pos{})
	}
	if t.Block == nil {
		t.Block = []*Task{}
	}
	if v, err := roleValidation(role, "main", params, t); err != nil {
		d.err = err
		return nil, nil
	} else if v != nil {
		t.Block = append([]*Task{v}, t.Block...)
	}
	if t.RoleAgain {
		// The same role for its handlers: notified once, run once.
		role.Handlers = prev.Handlers
	} else if hf := mainFile(filepath.Join(dir, "handlers")); hf != "" {
		// The handlers inherit the role entry's keywords (its when,
		// become, vars...), as ansible-core's handler blocks do through
		// their role.
		hd := *d
		hd.handler = true
		role.Handlers = hd.taskFile(l, hf, t, role, Pos{})
		if hd.err != nil && d.err == nil {
			d.err = hd.err
		}
	}
	if d.err != nil {
		return nil, nil
	}
	return append(blocks, t), role
}

// loadRoleTasks loads a role for import_role/include_role: its tasks (or
// tasks_from) under a new Role with the given parameters. stack and at are
// the task files importing it and where, as for decoder.taskFile.
// The handlers of import_role inside the role go to handlers.
func (l *Loader) loadRoleTasks(name, baseDir string, from *Role, args map[string]any, stack []string, at Pos, handlers *[]*Task) (*Role, []*Task, error) {
	if from != nil {
		baseDir = filepath.Dir(from.Path)
	}
	dir, err := l.findRole(name, baseDir)
	if err != nil {
		return nil, nil, err
	}
	role, err := l.loadRole(name, dir, nil, args)
	if err != nil {
		return nil, nil, err
	}
	file := mainFile(filepath.Join(dir, "tasks"), fromFile(args, "tasks"))
	if file == "" {
		if tf, _ := args["tasks_from"].(string); tf != "" {
			// ansible-core's parser error for a tasks_from that is not there.
			msg := "Could not find specified file in role: tasks/" + tf
			if at.File == "" {
				return nil, nil, errors.New(msg)
			}
			return nil, nil, yamlvalue.Errorf(at, "%s", msg)
		}
		return role, []*Task{}, nil
	}
	d := decoder{file: file, stack: stack, handlers: handlers}
	tasks := d.taskFile(l, file, nil, role, at)
	if d.err != nil {
		return nil, nil, d.err
	}
	// include_role and import_role pass no role parameters: the spec's
	// options are read from the variables.
	if v, err := roleValidation(role, fromFile(args, "tasks"), nil, nil); err != nil {
		return nil, nil, err
	} else if v != nil {
		tasks = append([]*Task{v}, tasks...)
	}
	if hf := mainFile(filepath.Join(dir, "handlers"), fromFile(args, "handlers")); hf != "" {
		hd := decoder{file: hf, stack: stack, handlers: handlers, handler: true}
		role.Handlers = hd.taskFile(l, hf, nil, role, at)
		if hd.err != nil {
			return nil, nil, hd.err
		}
	}
	deps, err := l.roleDependencies(role, dir, stack, handlers)
	if err != nil {
		return nil, nil, err
	}
	return role, append(deps, tasks...), nil
}

// roleDependencies loads the meta dependencies of a role that
// import_role or include_role uses, as blocks to run before its tasks.
// A dependency runs only on the hosts that have not run it with the same
// parameters yet (ansible-core's has_run), unless it allows duplicates.
func (l *Loader) roleDependencies(role *Role, dir string, stack []string, handlers *[]*Task) ([]*Task, error) {
	meta, err := l.roleMeta(dir)
	if err != nil || meta.dependencies == nil {
		return nil, err
	}
	d := decoder{file: meta.file, stack: stack, handlers: handlers}
	seen := map[string]*Role{}
	var blocks []*Task
	for _, dn := range meta.dependencies.Content {
		depBlocks, dep := l.roleRef(&d, filepath.Dir(dir), dn, nil, seen, []string{dir})
		if d.err != nil {
			return nil, d.err
		}
		for _, b := range depBlocks {
			if b.Role != nil && b.Synthetic && !b.Role.AllowDuplicates {
				b.RoleAgain = true
			}
		}
		blocks = append(blocks, depBlocks...)
		role.Deps = append(role.Deps, dep)
	}
	return blocks, nil
}

// LoadRole is loadRoleTasks for the runner's include_role: args holds its
// tasks_from, vars_from, defaults_from and handlers_from. The handlers of
// the role, and of import_role in its tasks, are returned apart.
func (l *Loader) LoadRole(name, baseDir string, from *Role, args map[string]any) (*Role, []*Task, []*Task, error) {
	var handlers []*Task
	role, tasks, err := l.loadRoleTasks(name, baseDir, from, args, nil, Pos{}, &handlers)
	if err != nil {
		return nil, nil, nil, err
	}
	return role, tasks, append(handlers, role.HandlerTasks()...), nil
}

// fromFile is the file of a role directory that import_role or
// include_role asks for with KIND_from (its base name without a YAML
// extension, as Ansible looks it up), or main.
func fromFile(args map[string]any, kind string) string {
	name, _ := args[kind+"_from"].(string)
	if kind != "tasks" {
		name = filepath.Base(name)
	}
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".yml"), ".yaml")
	if name == "" || name == "." {
		return "main"
	}
	return name
}

// loadRole reads a role's defaults and vars; from holds the vars_from and
// defaults_from of import_role and include_role.
func (l *Loader) loadRole(name, dir string, params, from map[string]any) (*Role, error) {
	role := &Role{Name: filepath.Base(name), Path: dir, Params: params}
	var err error
	if role.Defaults, err = loadRoleVars(filepath.Join(dir, "defaults"), fromFile(from, "defaults")); err != nil {
		return nil, roleVarsError(role, "defaults", err)
	}
	if role.Vars, err = loadRoleVars(filepath.Join(dir, "vars"), fromFile(from, "vars")); err != nil {
		return nil, roleVarsError(role, "vars", err)
	}
	return role, nil
}

// roleVarsError words a role's defaults or vars that are no mapping as
// ansible-core's Role does, which names main.yml whatever the file.
func roleVarsError(role *Role, subdir string, err error) error {
	var nm *NotMappingError
	if !errors.As(err, &nm) {
		return err
	}
	// Ansible shows no excerpt of the file: a position in the text only.
	return fmt.Errorf("%s: The %s/main.yml file for role '%s' must contain a dictionary of variables", nm.Pos, subdir, role.Name)
}

// roleMetadata is what gansible reads of a role's meta/main.yml.
type roleMetadata struct {
	file            string
	dependencies    *yaml.Node
	allowDuplicates bool
}

func (l *Loader) roleMeta(dir string) (roleMetadata, error) {
	meta := roleMetadata{file: mainFile(filepath.Join(dir, "meta"))}
	if meta.file == "" {
		return meta, nil
	}
	root, err := yamlvalue.ParseFile(meta.file)
	if err != nil || root == nil {
		return meta, err
	}
	if root.Kind != yaml.MappingNode {
		return meta, yamlvalue.Errorf(yamlvalue.At(meta.file, root), "role metadata must be a mapping")
	}
	d := decoder{file: meta.file}
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch val := root.Content[i+1]; root.Content[i].Value {
		case "dependencies":
			if val.Kind == yaml.ScalarNode {
				continue
			}
			if val.Kind != yaml.SequenceNode {
				return meta, yamlvalue.Errorf(yamlvalue.At(meta.file, val), "dependencies must be a list")
			}
			meta.dependencies = val
		case "allow_duplicates":
			meta.allowDuplicates = d.bool(val)
		}
	}
	return meta, d.err
}

// roleValidation is the task ansible-core puts first in a role whose
// argument specs (meta/argument_specs.yml, else the argument_specs of
// meta/main.yml) have the entry point the role runs: it checks the
// role's parameters and variables against that entry point's options.
// nil when the role declares no spec for it.
func roleValidation(role *Role, entry string, params map[string]any, parent *Task) (*Task, error) {
	file := mainFile(filepath.Join(role.Path, "meta"), "argument_specs")
	if file == "" {
		file = mainFile(filepath.Join(role.Path, "meta"))
	}
	if file == "" {
		return nil, nil
	}
	root, err := yamlvalue.ParseFile(file)
	if err != nil || root == nil {
		return nil, err
	}
	doc, err := yamlvalue.Decode(file, root)
	if err != nil {
		return nil, err
	}
	specs, _ := doc.(*value.Dict)
	all, _ := specs.Get("argument_specs")
	entries, _ := all.(*value.Dict)
	raw, ok := entries.Get(entry)
	if !ok {
		return nil, nil
	}
	spec, ok := raw.(*value.Dict)
	if !ok {
		return nil, yamlvalue.Errorf(yamlvalue.At(file, root), "the argument spec of entry point %s must be a mapping", entry)
	}
	name := "Validating arguments against arg spec '" + entry + "'"
	if d, ok := spec.Get("short_description"); ok {
		name += " - " + value.Str(d)
	}
	options, _ := spec.Get("options")
	if options == nil {
		options = value.NewDict(0)
	}
	provided := value.NewDict(len(params))
	for _, k := range slices.Sorted(maps.Keys(params)) {
		provided.Set(k, params[k])
	}
	context := value.NewDict(4)
	context.Set("argument_spec_name", entry)
	context.Set("name", role.Name)
	context.Set("path", role.Path)
	context.Set("type", "role")
	args := map[string]any{"argument_spec": options, "provided_arguments": provided, "validate_args_context": context}
	return &Task{
		Pos: yamlvalue.At(file, root), Name: name, Action: "validate_argument_spec", Args: args,
		ArgNames: []string{"argument_spec", "provided_arguments", "validate_args_context"},
		Keywords: Keywords{Tags: []string{"always"}}, Parent: parent, Role: role,
	}, nil
}

// findRole looks for a role as Ansible does: a path, roles/ beside the
// playbook, the roles path, then beside the playbook.
func (l *Loader) findRole(name, baseDir string) (string, error) {
	var candidates []string
	if filepath.IsAbs(name) {
		candidates = append(candidates, name)
	} else {
		candidates = append(candidates, filepath.Join(baseDir, "roles", name))
		for _, p := range l.RolesPath {
			candidates = append(candidates, filepath.Join(p, name))
		}
		candidates = append(candidates, filepath.Join(baseDir, name))
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			abs, _ := filepath.Abs(c)
			return abs, nil
		}
	}
	var searched []string
	for _, c := range candidates {
		dir, _ := filepath.Abs(filepath.Dir(c))
		searched = append(searched, dir)
	}
	return "", &NotFoundError{Msg: fmt.Sprintf("the role '%s' was not found in %s", name, strings.Join(searched, ":"))}
}

// mainFile finds dir/NAME(.yml|.yaml|.json|""); NAME defaults to main.
func mainFile(dir string, name ...string) string {
	base := "main"
	if len(name) > 0 {
		base = name[0]
	}
	for _, ext := range []string{"", ".yml", ".yaml", ".json"} {
		p := filepath.Join(dir, base+ext)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// loadRoleVars reads a role's vars or defaults: dir/NAME as a file (with
// or without a YAML extension), or as a directory whose files are merged
// in name order, as Ansible does.
func loadRoleVars(dir, name string) (map[string]any, error) {
	if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
		var files []string
		err := filepath.WalkDir(filepath.Join(dir, name), func(p string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch filepath.Ext(p) {
			case "", ".yml", ".yaml", ".json":
				if !e.IsDir() {
					files = append(files, p)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		merged := map[string]any{}
		for _, f := range files {
			vars, err := LoadVarsFile(f)
			if err != nil {
				return nil, err
			}
			for k, v := range vars.All() {
				merged[k] = v
			}
		}
		return merged, nil
	}
	file := mainFile(dir, name)
	if file == "" {
		return nil, nil
	}
	vars, err := LoadVarsFile(file)
	if err != nil {
		return nil, err
	}
	return vars.Map(), nil
}

// canonical is a stable text form of params, to tell role uses apart.
func canonical(v map[string]any) string {
	if len(v) == 0 {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
