package playbook

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/yamlvalue"
)

// roleRefKeywords are keys of a role reference that are keywords rather
// than role parameters.
var roleRefKeywords = map[string]bool{
	"role": true, "name": true, "when": true, "tags": true, "vars": true,
	"become": true, "become_user": true, "become_method": true, "sudo": true,
	"sudo_user": true, "environment": true, "ignore_errors": true, "delegate_to": true,
	"no_log": true, "run_once": true, "check_mode": true, "any_errors_fatal": true,
	"remote_user": true, "connection": true, "diff": true,
}

// playRoles loads a play's roles: list, each with its dependencies first.
func (l *Loader) playRoles(d *decoder, p *Play, n *yaml.Node) []*Task {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, "roles must be a list")
		return nil
	}
	seen := map[string]bool{}
	var out []*Task
	for _, rn := range n.Content {
		blocks := l.roleRef(d, p.Dir, rn, nil, seen, nil)
		if d.err != nil {
			return nil
		}
		out = append(out, blocks...)
	}
	return out
}

// roleRef loads one role reference and its dependencies as blocks, skipping
// a role already loaded with the same parameters in this play. chain holds
// the directories of the roles whose dependencies are being loaded.
func (l *Loader) roleRef(d *decoder, baseDir string, n *yaml.Node, parent *Task, seen map[string]bool, chain []string) []*Task {
	t := &Task{Pos: yamlvalue.At(d.file, n), Parent: parent, Synthetic: true}
	params := map[string]any{}
	var name string
	switch n.Kind {
	case yaml.ScalarNode:
		name = n.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			switch key.Value {
			case "role", "name":
				name = d.str(val)
			case "when":
				t.When = d.list(val)
			case "tags":
				t.Tags = d.tags(val)
			case "vars":
				t.Vars = d.vars(val)
			case "become", "sudo":
				t.Become = d.boolPtr(val)
			case "become_user", "sudo_user":
				t.BecomeUser = d.str(val)
			case "become_method":
				t.BecomeMethod = d.str(val)
			case "environment":
				t.Environment = d.value(val)
			case "ignore_errors":
				t.IgnoreErrors = d.value(val)
			case "delegate_to":
				t.DelegateTo = d.str(val)
			case "no_log":
				t.NoLog = d.value(val)
			case "run_once":
				t.RunOnce = d.bool(val)
			case "check_mode":
				t.CheckMode = d.value(val)
			case "remote_user":
				t.RemoteUser = d.str(val)
			default:
				params[key.Value] = d.value(val)
			}
		}
	default:
		d.fail(n, "a role reference must be a name or a mapping")
		return nil
	}
	if d.err != nil {
		return nil
	}
	if name == "" {
		d.fail(n, "role definitions must contain a role name")
		return nil
	}
	dir, err := l.findRole(name, baseDir)
	if err != nil {
		if d.err == nil {
			d.err = &NotFoundError{Pos: yamlvalue.At(d.file, n), Msg: err.(*NotFoundError).Msg}
		}
		return nil
	}
	for _, c := range chain {
		if c == dir {
			d.err = &GeneralError{Pos: yamlvalue.At(d.file, n), Msg: "A recursion loop was detected with the roles specified. Make sure child roles do not have dependencies on parent roles"}
			return nil
		}
	}
	key := name + "\x00" + canonical(params) + "\x00" + canonical(t.Vars)
	if seen[key] {
		return nil
	}
	seen[key] = true
	role, err := l.loadRole(name, dir, params)
	if err != nil {
		d.err = err
		return nil
	}
	t.Role = role
	t.Name = "role " + role.Name

	var blocks []*Task
	deps, err := l.roleDependencies(dir)
	if err != nil {
		d.err = err
		return nil
	}
	if deps != nil {
		sub := decoder{file: filepath.Join(dir, "meta", "main.yml"), stack: d.stack}
		depChain := append(chain[:len(chain):len(chain)], dir)
		for _, dn := range deps.Content {
			blocks = append(blocks, l.roleRef(&sub, filepath.Dir(dir), dn, parent, seen, depChain)...)
			if sub.err != nil {
				d.err = sub.err
				return nil
			}
		}
	}
	tasksFile := mainFile(filepath.Join(dir, "tasks"))
	if tasksFile != "" {
		t.Block = d.taskFile(l, tasksFile, t, role, Pos{})
	}
	if t.Block == nil {
		t.Block = []*Task{}
	}
	if hf := mainFile(filepath.Join(dir, "handlers")); hf != "" {
		role.Handlers = d.taskFile(l, hf, nil, role, Pos{})
	}
	if d.err != nil {
		return nil
	}
	return append(blocks, t)
}

// loadRoleTasks loads a role for import_role/include_role: its tasks (or
// tasks_from) under a new Role with the given parameters. stack and at are
// the task files importing it and where, as for decoder.taskFile.
func (l *Loader) loadRoleTasks(name, baseDir string, from *Role, args map[string]any, stack []string, at Pos) (*Role, []*Task, error) {
	if from != nil {
		baseDir = filepath.Dir(from.Path)
	}
	dir, err := l.findRole(name, baseDir)
	if err != nil {
		return nil, nil, err
	}
	role, err := l.loadRole(name, dir, nil)
	if err != nil {
		return nil, nil, err
	}
	tasksFrom, _ := args["tasks_from"].(string)
	tasksFrom = strings.TrimSuffix(strings.TrimSuffix(tasksFrom, ".yml"), ".yaml")
	if tasksFrom == "" {
		tasksFrom = "main"
	}
	file := mainFile(filepath.Join(dir, "tasks"), tasksFrom)
	if file == "" {
		return role, []*Task{}, nil
	}
	d := decoder{file: file, stack: stack}
	tasks := d.taskFile(l, file, nil, role, at)
	if d.err != nil {
		return nil, nil, d.err
	}
	if hf := mainFile(filepath.Join(dir, "handlers")); hf != "" {
		hd := decoder{file: hf, stack: stack}
		role.Handlers = hd.taskFile(l, hf, nil, role, at)
		if hd.err != nil {
			return nil, nil, hd.err
		}
	}
	return role, tasks, nil
}

// LoadRole is loadRoleTasks for the runner's include_role.
func (l *Loader) LoadRole(name, baseDir string, from *Role, args map[string]any) (*Role, []*Task, error) {
	return l.loadRoleTasks(name, baseDir, from, args, nil, Pos{})
}

func (l *Loader) loadRole(name, dir string, params map[string]any) (*Role, error) {
	role := &Role{Name: filepath.Base(name), Path: dir, Params: params}
	var err error
	if role.Defaults, err = loadOptionalVars(filepath.Join(dir, "defaults")); err != nil {
		return nil, err
	}
	if role.Vars, err = loadOptionalVars(filepath.Join(dir, "vars")); err != nil {
		return nil, err
	}
	return role, nil
}

func (l *Loader) roleDependencies(dir string) (*yaml.Node, error) {
	file := mainFile(filepath.Join(dir, "meta"))
	if file == "" {
		return nil, nil
	}
	root, err := yamlvalue.ParseFile(file)
	if err != nil || root == nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, yamlvalue.Errorf(yamlvalue.At(file, root), "role metadata must be a mapping")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "dependencies" {
			deps := root.Content[i+1]
			if deps.Kind == yaml.ScalarNode {
				return nil, nil
			}
			if deps.Kind != yaml.SequenceNode {
				return nil, yamlvalue.Errorf(yamlvalue.At(file, deps), "dependencies must be a list")
			}
			return deps, nil
		}
	}
	return nil, nil
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
		searched = append(searched, filepath.Dir(c))
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

func loadOptionalVars(dir string) (map[string]any, error) {
	file := mainFile(dir)
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
