package playbook

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// decoder turns YAML nodes of one file into plays and tasks. It keeps the
// first error and turns later calls into no-ops, so that decoding code reads
// straight through.
type decoder struct {
	file string
	err  error
	// stack lists the task files being read through static imports,
	// outermost first, so that an import loop is an error instead of an
	// endless recursion.
	stack []string
	// handlers collects the handlers of the roles that import_role loads.
	handlers *[]*Task
	// dynamic: the file is loaded at run time by include_tasks, where a
	// legacy include: is dynamic too.
	dynamic bool
	// handler: the tasks being read are handlers (which have listen).
	handler bool
}

func (d *decoder) fail(n *yaml.Node, format string, args ...any) {
	if d.err == nil {
		d.err = yamlvalue.Errorf(yamlvalue.At(d.file, n), format, args...)
	}
}

func (d *decoder) value(n *yaml.Node) any {
	if d.err != nil {
		return nil
	}
	v, err := yamlvalue.Decode(d.file, n)
	if err != nil {
		d.err = err
	}
	return v
}

func (d *decoder) str(n *yaml.Node) string {
	v := d.value(n)
	switch v.(type) {
	case nil:
		return ""
	case *value.Dict, []any:
		d.fail(n, "expected a string, got a %s", kindName(n))
		return ""
	}
	return yamlvalue.Stringify(v)
}

func (d *decoder) bool(n *yaml.Node) bool {
	p := d.boolPtr(n)
	return p != nil && *p
}

// boolOrTemplate is a boolean keyword that may be templated: its value,
// or the template to decide it with when the task runs.
func (d *decoder) boolOrTemplate(n *yaml.Node) (*bool, string) {
	if s, ok := d.value(n).(string); ok && IsTemplate(s) {
		return nil, s
	}
	return d.boolPtr(n), ""
}

// IsTemplate reports whether s holds a Jinja2 expression or statement.
func IsTemplate(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%")
}

func (d *decoder) boolPtr(n *yaml.Node) *bool {
	switch v := d.value(n).(type) {
	case bool:
		return &v
	case nil:
		return nil
	case string:
		// A templated value is decided at run time; keep it truthy-looking
		// values only for the plain spellings.
		switch strings.ToLower(v) {
		case "yes", "true", "on", "1", "y":
			t := true
			return &t
		case "no", "false", "off", "0", "n":
			f := false
			return &f
		}
		if IsTemplate(v) {
			d.fail(n, "a templated value of this keyword is not supported by gansible yet: %q", n.Value)
			return nil
		}
	case int:
		b := v != 0
		return &b
	}
	d.fail(n, "the value %q is not a valid boolean", n.Value)
	return nil
}

func (d *decoder) list(n *yaml.Node) []any {
	switch v := d.value(n).(type) {
	case []any:
		return v
	case nil:
		return nil
	default:
		return []any{v}
	}
}

func (d *decoder) stringList(n *yaml.Node) []string {
	var out []string
	for _, v := range d.list(n) {
		out = append(out, yamlvalue.Stringify(v))
	}
	return out
}

// tags reads a tag list: a YAML list, or a comma-separated string.
func (d *decoder) tags(n *yaml.Node) []string {
	var out []string
	for _, v := range d.list(n) {
		for _, t := range strings.Split(yamlvalue.Stringify(v), ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

func (d *decoder) hostPattern(n *yaml.Node) (pattern string, entries []string) {
	if n.Kind == yaml.SequenceNode {
		entries = d.stringList(n)
		return strings.Join(entries, ","), entries
	}
	s := d.str(n)
	return s, []string{s}
}

// vars reads a vars: keyword into a set of variables; their values keep
// their order (package value), the set itself is looked up by name only.
func (d *decoder) vars(n *yaml.Node) map[string]any {
	switch v := d.value(n).(type) {
	case *value.Dict:
		return v.Map()
	case nil:
		return nil
	case []any:
		// Ansible 1.x accepted a list of single-key mappings.
		out := map[string]any{}
		for _, e := range v {
			m, ok := e.(*value.Dict)
			if !ok {
				d.fail(n, "vars must be a mapping")
				return nil
			}
			for k, x := range m.All() {
				out[k] = x
			}
		}
		return out
	}
	d.fail(n, "Vars in a Play must be specified as a dictionary")
	return nil
}

// taskFile reads a file of tasks; at is where it is imported from (zero for
// a role's own files and run-time includes).
func (d *decoder) taskFile(l *Loader, path string, parent *Task, role *Role, at Pos) []*Task {
	if d.err != nil {
		return nil
	}
	if err := importLoop(d.stack, path, at); err != nil {
		d.err = err
		return nil
	}
	root, err := yamlvalue.ParseFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			d.err = &NotFoundError{Msg: MissingFileMessage(path)}
		} else {
			d.err = err
		}
		return nil
	}
	if root == nil {
		return nil
	}
	sub := decoder{file: path, stack: append(d.stack[:len(d.stack):len(d.stack)], path), handlers: d.handlers, dynamic: d.dynamic, handler: d.handler}
	tasks := sub.tasks(l, root, parent, role)
	if sub.err != nil {
		d.err = sub.err
	}
	return tasks
}

func (d *decoder) tasks(l *Loader, n *yaml.Node, parent *Task, role *Role) []*Task {
	if d.err != nil || n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode && (n.Value == "" || n.Tag == "!!null") {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, "A malformed block was encountered while loading tasks: expected a list of tasks, got a %s", kindName(n))
		return nil
	}
	var out []*Task
	for _, tn := range n.Content {
		// "- *anchor": the task written at the anchor, again.
		for tn.Kind == yaml.AliasNode && tn.Alias != nil {
			tn = tn.Alias
		}
		if tn.Kind != yaml.MappingNode {
			d.fail(tn, "A malformed block was encountered while loading tasks: %q should be a list or None", tn.Value)
			return nil
		}
		t := d.task(l, tn, parent, role)
		if d.err != nil {
			return nil
		}
		out = append(out, t...)
	}
	return out
}

// includeArgs are the arguments ansible-core accepts for its include and
// import actions (the legacy include: takes any, as parameters).
var includeArgs = map[string]map[string]bool{
	"include_tasks": {"file": true, "_raw_params": true, "apply": true},
	"import_tasks":  {"file": true, "_raw_params": true},
	"include_role": {"name": true, "role": true, "tasks_from": true, "vars_from": true, "defaults_from": true,
		"handlers_from": true, "public": true, "allow_duplicates": true, "rolespec_validate": true, "apply": true},
	"import_role": {"name": true, "role": true, "tasks_from": true, "vars_from": true, "defaults_from": true,
		"handlers_from": true, "allow_duplicates": true, "rolespec_validate": true},
}

// staticImports are expanded at load time.
var staticImports = map[string]bool{"import_tasks": true, "import_role": true, "include": true}

func (d *decoder) task(l *Loader, n *yaml.Node, parent *Task, role *Role) []*Task {
	t := &Task{Pos: yamlvalue.At(d.file, n), Parent: parent, Role: role}
	var actionKey, actionVal *yaml.Node
	var argsNode *yaml.Node
	candidates := map[string]bool{}
	var blockNode, rescueNode, alwaysNode *yaml.Node
	level := LevelTask
	if d.handler {
		level = LevelHandler
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; k == "block" || k == "rescue" || k == "always" {
			level = LevelBlock
		}
	}
	o := target{kw: &t.Keywords, task: t}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		k := key.Value
		switch {
		case k == "name":
			t.Name = d.str(val)
		case k == "block":
			blockNode = val
		case k == "rescue":
			rescueNode = val
		case k == "always":
			alwaysNode = val
		case level == LevelBlock:
			// A block has only the keywords of the table's Block level.
			if !d.keyword(level, o, key, val) {
				d.fail(n, "'%s' is not a valid attribute for a Block", k)
			}
		case k == "action" || k == "local_action":
			actionKey, actionVal = key, val
			candidates[k] = true
			if k == "local_action" {
				t.DelegateTo = "localhost"
			}
		case k == "args":
			argsNode = val
		case strings.HasPrefix(k, "with_"):
			t.LoopKind = strings.TrimPrefix(k, "with_")
			t.Loop = d.value(val)
		case d.keyword(level, o, key, val):
		case level == LevelTask && isKeyword(k, LevelHandler):
			// A handler's keyword (listen) is no action: ansible-core's
			// task refuses it as an attribute.
			d.fail(n, "'%s' is not a valid attribute for a Task", k)
		default:
			// Any other key names the action, as in ansible-core.
			candidates[k] = true
			actionKey, actionVal = key, val
		}
		if d.err != nil {
			return nil
		}
	}
	if blockNode != nil || rescueNode != nil || alwaysNode != nil {
		if len(candidates) > 0 {
			d.fail(n, "conflicting action statements: block, %s", strings.Join(sortedKeys(candidates), ", "))
			return nil
		}
		if blockNode == nil {
			d.fail(n, "a block with rescue or always needs a 'block' section")
			return nil
		}
		t.Block = d.tasks(l, blockNode, t, role)
		t.Rescue = d.tasks(l, rescueNode, t, role)
		t.Always = d.tasks(l, alwaysNode, t, role)
		if t.Block == nil {
			t.Block = []*Task{}
		}
		return []*Task{t}
	}
	switch len(candidates) {
	case 0:
		d.fail(n, "no module/action detected in task.")
		return nil
	case 1:
	default:
		d.fail(n, "conflicting action statements: %s", strings.Join(sortedKeys(candidates), ", "))
		return nil
	}
	d.actionArgs(t, actionKey, actionVal)
	if t.ActionTemplate != "" {
		if argsNode != nil {
			d.fail(argsNode, "args cannot be given with a templated action: put them in the action string")
			return nil
		}
		return []*Task{t}
	}
	if argsNode != nil {
		extra, ok := d.value(argsNode).(*value.Dict)
		if !ok && d.err == nil {
			d.fail(argsNode, "args must be a mapping")
		}
		// As Ansible's _normalize_parameters: the args keyword's values
		// come first, and the module's own override them.
		names := extra.Keys()
		for k, v := range extra.All() {
			if _, own := t.Args[k]; !own {
				t.Args[k] = v
			}
		}
		for _, k := range t.ArgNames {
			if _, dup := extra.Get(k); !dup {
				names = append(names, k)
			}
		}
		t.ArgNames = names
	}
	if d.err != nil {
		return nil
	}
	if l.IsAction != nil && !l.IsAction(t.Action) {
		d.fail(actionKey, "couldn't resolve module/action '%s'. This often indicates a misspelling, missing collection, or incorrect module path.", t.Action)
		return nil
	}
	if valid, ok := includeArgs[t.Action]; ok {
		var bad []string
		for k := range t.Args {
			if !valid[k] {
				bad = append(bad, k)
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			d.err = yamlvalue.Errorf(t.Pos, "Invalid options for %s: %s", t.Action, strings.Join(bad, ","))
			return nil
		}
	}
	if staticImports[t.Action] {
		return d.expandImport(l, t)
	}
	return []*Task{t}
}

// actionArgs fills t.Action and t.Args from `module: args`, `action: module
// args` or `local_action: ...`, where args are a k=v string or a mapping.
func (d *decoder) actionArgs(t *Task, key, val *yaml.Node) {
	name := key.Value
	v := d.value(val)
	if name == "action" || name == "local_action" {
		switch x := v.(type) {
		case string:
			fields := strings.Fields(x)
			if len(fields) == 0 {
				d.fail(val, "%s requires a module name", name)
				return
			}
			name = fields[0]
			if strings.Contains(name, "{{") {
				// Resolved per host at run time, as Ansible does; the
				// banner shows the first word, Jinja2 blocks whole.
				rest := ""
				if words, err := splitArgs(strings.TrimSpace(x)); err == nil && len(words) > 0 {
					name = words[0].text
					rest = strings.TrimSpace(strings.TrimSpace(x)[words[0].end:])
				}
				// The arguments are split now, as for a module that
				// takes no free form; only the name waits for the host.
				args, names, err := parseKV(rest, "")
				if err != nil {
					d.fail(val, "%v", err)
					return
				}
				t.Action, t.ActionTemplate, t.Args, t.ArgNames = name, name, args, names
				return
			}
			v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(x), fields[0]))
		case *value.Dict:
			modV, _ := x.Get("module")
			mod, _ := modV.(string)
			if mod == "" {
				d.fail(val, "%s requires a 'module' key", name)
				return
			}
			name = mod
			args := x.Copy()
			args.Delete("module")
			v = args
		default:
			d.fail(val, "%s requires a module name", name)
			return
		}
	}
	t.Action = strings.TrimPrefix(strings.TrimPrefix(name, "ansible.builtin."), "ansible.legacy.")
	if name != t.Action {
		t.ActionWritten = name
	}
	defer d.moveCmd(t, val)
	switch x := v.(type) {
	case nil:
		t.Args = map[string]any{}
	case string:
		args, names, err := parseKV(x, t.Action)
		if err != nil {
			d.fail(val, "%v", err)
			return
		}
		t.Args, t.ArgNames = args, names
	case *value.Dict:
		// Module arguments are options looked up by name.
		t.Args, t.ArgNames = x.Map(), x.Keys()
	case []any:
		d.fail(val, "the arguments of %s must be a mapping or a k=v string, got a list", t.Action)
	default:
		t.Args = map[string]any{"_raw_params": yamlvalue.Stringify(x)}
		t.ArgNames = []string{"_raw_params"}
	}
	if _, extra := t.Args["_raw_params"]; extra && !rawParamActions[t.Action] && d.err == nil {
		// At the task, as ansible-core reports it.
		d.err = yamlvalue.Errorf(t.Pos, "%s", extraParamsMessage(t.Action))
	}
}

// cmdActions take their free form under the key cmd too, which Ansible's
// task loader moves to _raw_params.
var cmdActions = map[string]bool{"command": true, "shell": true, "script": true}

// moveCmd moves cmd to _raw_params for command, shell and script, as
// Ansible's Task.preprocess_data.
func (d *decoder) moveCmd(t *Task, val *yaml.Node) {
	cmd, ok := t.Args["cmd"]
	if !cmdActions[t.Action] || !ok {
		return
	}
	if raw, ok := t.Args["_raw_params"]; ok && raw != "" {
		d.fail(val, "The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything in one or the other place.")
		return
	}
	t.Args["_raw_params"] = cmd
	delete(t.Args, "cmd")
	names := slices.DeleteFunc(t.ArgNames, func(k string) bool { return k == "cmd" || k == "_raw_params" })
	t.ArgNames = append(names, "_raw_params")
}

// ResolveAction is the task an ActionTemplate names once its module name
// is templated (rendered), on a copy of t. isAction says which names are
// actions; includes, imports and meta cannot be chosen this way.
func ResolveAction(t *Task, rendered string, isAction func(string) bool) (*Task, error) {
	name := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(rendered), "ansible.builtin."), "ansible.legacy.")
	if isAction != nil && !isAction(name) {
		// Found only when the task runs: a host failure, as in Ansible.
		return nil, fmt.Errorf("The module %s was not found in configured module paths", name)
	}
	if staticImports[name] || includeArgs[name] != nil || name == "meta" {
		return nil, fmt.Errorf("%s: %s cannot be chosen by a templated action name in gansible", t.Pos, name)
	}
	resolved := *t
	resolved.Action, resolved.ActionTemplate = name, ""
	return &resolved, nil
}

// expandImport loads import_tasks, import_role and legacy include: of a task
// file statically, under a synthetic block that carries the import's keywords.
func (d *decoder) expandImport(l *Loader, t *Task) []*Task {
	t.Synthetic = true
	block := t
	args := t.Args
	switch t.Action {
	case "import_role":
		name, _ := args["name"].(string)
		if name == "" {
			d.err = yamlvalue.Errorf(t.Pos, "import_role requires a role name")
			return nil
		}
		role, tasks, err := l.loadRoleTasks(name, filepath.Dir(d.file), t.Role, args, d.stack, t.Pos, d.handlers)
		if nf, ok := err.(*NotFoundError); ok && nf.Pos.File == "" {
			nf.Pos = t.Pos
		}
		if err != nil {
			d.err = err
			return nil
		}
		if d.handlers != nil {
			*d.handlers = append(*d.handlers, role.HandlerTasks()...)
		}
		block.Role = role
		block.Block = tasks
		for _, c := range tasks {
			reparent(c, block)
		}
		block.Action = ""
		return []*Task{block}
	}
	file, _ := args["_raw_params"].(string)
	if file == "" {
		file, _ = args["file"].(string)
	}
	if file == "" {
		d.err = yamlvalue.Errorf(t.Pos, "%s requires a file name", t.Action)
		return nil
	}
	if t.Action == "include" && (strings.Contains(file, "{{") || t.Loop != nil || d.dynamic) {
		// As ansible-core, a legacy include: is dynamic when its name is
		// templated, when it loops, or inside a dynamic include.
		// The runner runs it as include_tasks; it keeps its name.
		t.Synthetic = false
		return []*Task{t}
	}
	if strings.Contains(file, "{{") {
		d.err = yamlvalue.Errorf(t.Pos, "%s of a templated file name is not supported statically; use include_tasks", t.Action)
		return nil
	}
	params := map[string]any{}
	for k, v := range args {
		if k != "_raw_params" && k != "file" {
			params[k] = v
		}
	}
	if len(params) > 0 {
		block.Vars = mergeVars(params, block.Vars)
	}
	path := resolveTaskFile(file, d.file, t.Role)
	block.Action = ""
	block.Block = d.taskFile(l, path, block, t.Role, t.Pos)
	if block.Block == nil {
		block.Block = []*Task{}
	}
	return []*Task{block}
}

func reparent(t *Task, parent *Task) {
	if t.Parent == nil {
		t.Parent = parent
	}
}

// resolveTaskFile finds an imported task file: relative to the role's tasks/
// directory inside a role, else relative to the importing file.
func resolveTaskFile(file, from string, role *Role) string {
	if filepath.IsAbs(file) {
		return file
	}
	if role != nil {
		p := filepath.Join(role.Path, "tasks", file)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join(filepath.Dir(from), file)
}

// ResolveTaskFile is resolveTaskFile for the runner's include_tasks.
func ResolveTaskFile(file, from string, role *Role) string { return resolveTaskFile(file, from, role) }

// loopControlKeys are the attributes of Ansible's LoopControl.
var loopControlKeys = map[string]bool{
	"loop_var": true, "index_var": true, "label": true, "pause": true,
	"extended": true, "extended_allitems": true,
}

// ApplyBlock is the block that include_tasks' or include_role's apply:
// puts around the included tasks: its keywords apply to each of them.
func (l *Loader) ApplyBlock(apply map[string]any, at Pos, parent *Task, role *Role) (*Task, error) {
	m := make(map[string]any, len(apply)+1)
	for k, v := range apply {
		if k == "block" || k == "rescue" || k == "always" {
			return nil, yamlvalue.Errorf(at, "'%s' is not a valid keyword for apply", k)
		}
		m[k] = v
	}
	m["block"] = []any{}
	var n yaml.Node
	if err := n.Encode(m); err != nil {
		return nil, yamlvalue.Errorf(at, "apply: %v", err)
	}
	d := decoder{file: at.File}
	tasks := d.task(l, &n, parent, role)
	if d.err != nil {
		return nil, d.err
	}
	b := tasks[0]
	b.Pos, b.Synthetic = at, true
	return b, nil
}
