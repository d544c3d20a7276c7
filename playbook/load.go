package playbook

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// Loader loads playbooks, task files and roles. Its methods may be called
// from several goroutines once loading of the playbook is done.
type Loader struct {
	// RolesPath lists directories searched for roles after roles/ beside the playbook.
	RolesPath []string
	// IsAction reports whether name is a module or a runner action; the
	// loader uses it to find a task's action among its keys.
	IsAction func(name string) bool
	// Warn receives deprecation and other warnings.
	Warn func(msg string)
}

func (l *Loader) warn(format string, args ...any) {
	if l.Warn != nil {
		l.Warn(fmt.Sprintf(format, args...))
	}
}

// NotFoundError reports a playbook, task file or role that does not exist.
// ansible-playbook treats these as general errors, not parse errors.
type NotFoundError struct {
	Pos Pos
	Msg string
}

func (e *NotFoundError) Error() string {
	if e.Pos.File == "" {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// MissingFileMessage is ansible-core's AnsibleFileNotFound for a file the
// loader could not read, with its absolute path.
func MissingFileMessage(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "Unable to retrieve file contents\n" +
		"Could not find or access '" + path + "' on the Ansible Controller.\n" +
		"If you are using a module and expect the file to exist on the remote, see the remote_src option"
}

// GeneralError is an error in the content that ansible-playbook reports as
// a general error (exit 1) rather than a parse error.
type GeneralError struct {
	Pos Pos
	Msg string
}

func (e *GeneralError) Error() string { return e.Pos.String() + ": " + e.Msg }

// RecursionError reports a file that imports itself, directly or through
// others. ansible-playbook dies of Python's recursion limit there, with its
// exit code for an unexpected error (250).
type RecursionError struct {
	Pos   Pos
	Chain []string // the files of the loop, the repeated one last
}

func (e *RecursionError) Error() string {
	return fmt.Sprintf("%s: maximum recursion depth exceeded: import loop %s", e.Pos, strings.Join(e.Chain, " -> "))
}

// importLoop returns a *RecursionError when path is already on stack, the
// files being imported; at is where path is imported again.
func importLoop(stack []string, path string, at Pos) error {
	abs := absPath(path)
	for i, f := range stack {
		if absPath(f) == abs {
			chain := append(append([]string{}, stack[i:]...), path)
			return &RecursionError{Pos: at, Chain: chain}
		}
	}
	return nil
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return filepath.Clean(abs)
	}
	return filepath.Clean(p)
}

// LoadPlaybook loads a playbook file and the playbooks it includes.
func (l *Loader) LoadPlaybook(path string) (*Playbook, error) {
	pb := &Playbook{Path: path}
	if err := l.loadPlaysInto(pb, path, nil, nil, Pos{}); err != nil {
		return nil, err
	}
	return pb, nil
}

// loadPlaysInto appends the plays of path to pb; stack holds the playbooks
// importing it, and at is where it is imported.
func (l *Loader) loadPlaysInto(pb *Playbook, path string, vars map[string]any, stack []string, at Pos) error {
	if err := importLoop(stack, path, at); err != nil {
		return err
	}
	stack = append(stack[:len(stack):len(stack)], path)
	root, err := yamlvalue.ParseFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return &NotFoundError{Msg: fmt.Sprintf("the playbook: %s could not be found", path)}
		}
		return err
	}
	if root == nil {
		return yamlvalue.Errorf(Pos{File: path}, "Empty playbook, nothing to do: %s", absPath(path))
	}
	if root.Kind == yaml.SequenceNode && len(root.Content) == 0 {
		return yamlvalue.Errorf(yamlvalue.At(path, root), "A playbook must contain at least one play: %s", absPath(path))
	}
	if root.Kind != yaml.SequenceNode {
		return yamlvalue.Errorf(yamlvalue.At(path, root), "A playbook must be a list of plays, got a %s instead", kindName(root))
	}
	dir := filepath.Dir(path)
	for _, n := range root.Content {
		if n.Kind != yaml.MappingNode {
			return yamlvalue.Errorf(yamlvalue.At(path, n), "A playbook must be a list of plays, got a %s instead", kindName(n))
		}
		if inc, incNode, ok := playbookImport(n); ok {
			target, extra, err := l.importTarget(path, incNode, inc)
			if err != nil {
				return err
			}
			if inc == "include" {
				l.warn("'include' for playbook includes is deprecated; use 'import_playbook' instead (%s)", yamlvalue.At(path, n))
			}
			var tags []string
			if extra, tags, err = importKeywords(path, n, extra); err != nil {
				return err
			}
			first := len(pb.Plays)
			// As ansible-core's PlaybookInclude, the vars of an outer
			// import win over an inner one's, which win over the plays'.
			if err := l.loadPlaysInto(pb, filepath.Join(dir, target), mergeVars(extra, vars), stack, yamlvalue.At(path, n)); err != nil {
				return err
			}
			for _, p := range pb.Plays[first:] {
				p.Tags = append(p.Tags, tags...)
			}
			continue
		}
		play, err := l.loadPlay(path, n)
		if err != nil {
			return err
		}
		if len(vars) > 0 {
			play.Vars = mergeVars(play.Vars, vars)
		}
		pb.Plays = append(pb.Plays, play)
	}
	return nil
}

// importKeywords reads the keywords beside an import_playbook: its vars
// (with the k=v variables, the imported plays' variables over their own)
// and tags (added to each imported play's). Any other is refused rather
// than dropped.
func importKeywords(file string, n *yaml.Node, kv map[string]any) (map[string]any, []string, error) {
	vars := mergeVars(nil, kv)
	var tags []string
	d := decoder{file: file}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		switch key.Value {
		case "import_playbook", "ansible.builtin.import_playbook", "include", "name":
		case "vars":
			v, err := yamlvalue.Decode(file, val)
			if err != nil {
				return nil, nil, err
			}
			m, ok := v.(*value.Dict)
			if v != nil && !ok {
				return nil, nil, yamlvalue.Errorf(yamlvalue.At(file, val), "Vars in a playbook import must be specified as a dictionary")
			}
			// As ansible-core 2.14, vars: replaces the k=v variables of
			// the import line rather than adding to them.
			vars = mergeVars(nil, m.Map())
		case "tags":
			tags = d.tags(val)
			if d.err != nil {
				return nil, nil, d.err
			}
		default:
			return nil, nil, yamlvalue.Errorf(yamlvalue.At(file, key), "'%s' on a playbook import is not supported by gansible yet", key.Value)
		}
	}
	return vars, tags, nil
}

// playbookImport recognises `- include: x.yml` and `- import_playbook: x.yml`
// at play level.
func playbookImport(n *yaml.Node) (keyword string, value *yaml.Node, ok bool) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; k {
		case "import_playbook", "ansible.builtin.import_playbook", "include":
			return strings.TrimPrefix(k, "ansible.builtin."), n.Content[i+1], true
		}
	}
	return "", nil, false
}

// importTarget reads "file.yml k=v ..." of a playbook include.
func (l *Loader) importTarget(file string, n *yaml.Node, keyword string) (string, map[string]any, error) {
	if n.Kind != yaml.ScalarNode {
		return "", nil, yamlvalue.Errorf(yamlvalue.At(file, n), "%s expects a file name", keyword)
	}
	args, err := ParseKV(n.Value, "include")
	if err != nil {
		return "", nil, yamlvalue.Errorf(yamlvalue.At(file, n), "%v", err)
	}
	target, _ := args["_raw_params"].(string)
	delete(args, "_raw_params")
	if target == "" {
		return "", nil, yamlvalue.Errorf(yamlvalue.At(file, n), "%s expects a file name", keyword)
	}
	if strings.Contains(target, "{{") {
		return "", nil, yamlvalue.Errorf(yamlvalue.At(file, n), "templated playbook includes are not supported: %s", target)
	}
	return target, args, nil
}

func (l *Loader) loadPlay(file string, n *yaml.Node) (*Play, error) {
	p := &Play{Pos: yamlvalue.At(file, n), Dir: filepath.Dir(file)}
	var importHandlers []*Task
	d := decoder{file: file, handlers: &importHandlers}
	var roleNodes, handlerNodes *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		switch key.Value {
		case "name":
			p.Name = d.str(val)
		case "hosts":
			p.Hosts, p.HostsEntries = d.hostPattern(val)
		case "roles":
			roleNodes = val
		case "pre_tasks":
			p.PreTasks = d.tasks(l, val, nil, nil)
		case "tasks":
			p.Tasks = d.tasks(l, val, nil, nil)
		case "post_tasks":
			p.PostTasks = d.tasks(l, val, nil, nil)
		case "handlers":
			handlerNodes = val
		default:
			if !d.keyword(LevelPlay, target{kw: &p.Keywords, play: p}, key, val) {
				d.fail(key, "'%s' is not a valid attribute for a Play", key.Value)
			} else if key.Value == "sudo" {
				l.warn("Play keyword 'sudo' is deprecated; use 'become' (%s)", yamlvalue.At(file, key))
			}
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	if p.Hosts == "" && d.err == nil {
		d.fail(n, "the field 'hosts' is required but was not set")
	}
	if roleNodes != nil {
		p.Roles = l.playRoles(&d, p, roleNodes)
	}
	if handlerNodes != nil {
		d.handler = true
		p.Handlers = d.tasks(l, handlerNodes, nil, nil)
		d.handler = false
	}
	if d.err != nil {
		return nil, d.err
	}
	p.Handlers = FlattenHandlers(append(append(p.roleHandlers, p.Handlers...), importHandlers...))
	p.roleHandlers = nil
	return p, nil
}

// FlattenHandlers puts the handlers that import_tasks brought into a
// handlers section (the loader's blocks) in the place of the import, as
// ansible-core finds them by name and listen topic; they keep the block
// as their parent, for what they inherit.
func FlattenHandlers(handlers []*Task) []*Task {
	var out []*Task
	for _, hd := range handlers {
		if hd.Synthetic && hd.IsBlock() {
			out = append(out, FlattenHandlers(hd.Block)...)
			continue
		}
		out = append(out, hd)
	}
	return out
}

// LoadTasks loads a task file (include_tasks at run time); parent and role
// are what the included tasks inherit from. It returns the handlers of the
// import_role tasks in the file apart.
func (l *Loader) LoadTasks(path string, parent *Task, role *Role) ([]*Task, []*Task, error) {
	var handlers []*Task
	d := decoder{file: path, handlers: &handlers, dynamic: true}
	tasks := d.taskFile(l, path, parent, role, Pos{})
	return tasks, handlers, d.err
}

// LoadVarsFile reads a YAML or JSON file of variables (vars_files,
// include_vars), in the order they are written.
func LoadVarsFile(path string) (*value.Dict, error) {
	root, err := yamlvalue.ParseFile(path)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return value.NewDict(0), nil
	}
	v, err := yamlvalue.Decode(path, root)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*value.Dict)
	if !ok {
		return nil, &NotMappingError{Pos: yamlvalue.At(path, root), Path: path, Got: v}
	}
	return m, nil
}

// A NotMappingError is a file of variables that holds something other
// than a mapping. Each of Ansible's readers of such files words it its
// own way, so the callers of LoadVarsFile reword it.
type NotMappingError struct {
	Pos  yamlvalue.Pos
	Path string
	Got  any
}

func (e *NotMappingError) Error() string {
	return e.Pos.String() + ": vars file must be a mapping of variable names to values"
}

// A VarsFileContentError is a play's vars_files entry that holds neither
// a mapping nor a list of mappings: an AnsibleError, not a parser error.
type VarsFileContentError struct {
	Pos yamlvalue.Pos
	Got any
}

func (e *VarsFileContentError) Error() string {
	return fmt.Sprintf("%s: variable files must contain either a dictionary of variables, or a list of dictionaries. Got: %s (<class '%s'>)",
		e.Pos, value.Str(e.Got), loadedClass(e.Got))
}

// loadedClass is the Python class of a value Ansible's YAML loader built.
func loadedClass(v any) string {
	switch name := value.TypeName(v); name {
	case "list":
		return "ansible.parsing.yaml.objects.AnsibleSequence"
	case "str":
		return "ansible.parsing.yaml.objects.AnsibleUnicode"
	case "dict":
		return "ansible.parsing.yaml.objects.AnsibleMapping"
	default:
		return name
	}
}

// LoadPlayVarsFile reads a file a play's vars_files names, as Ansible's
// variable manager does (preprocess_vars): a mapping, or a list of
// mappings merged in order.
func LoadPlayVarsFile(path string) (*value.Dict, error) {
	root, err := yamlvalue.ParseFile(path)
	if err != nil || root == nil {
		return value.NewDict(0), err
	}
	v, err := yamlvalue.Decode(path, root)
	if err != nil {
		return nil, err
	}
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	merged := value.NewDict(0)
	for _, item := range items {
		d, ok := item.(*value.Dict)
		if !ok {
			return nil, &VarsFileContentError{Pos: yamlvalue.At(path, root), Got: v}
		}
		for k, x := range d.All() {
			merged.Set(k, x)
		}
	}
	return merged, nil
}

func mergeVars(base, over map[string]any) map[string]any {
	if len(base) == 0 {
		return over
	}
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "dict"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "string"
	}
	return "value"
}

// sortedKeys is used to report several offending keys in a stable order.
func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// KnownStrategy reports whether a strategy plugin name is one gansible
// runs (linear, free or host_pinned), and whether ansible-core 2.14 has
// it at all (those and debug, whose interactive debugger gansible does
// not have).
func KnownStrategy(name string) (runs, exists bool) {
	switch strings.TrimPrefix(name, "ansible.builtin.") {
	case "linear", "free", "host_pinned":
		return true, true
	case "debug":
		return false, true
	}
	return false, false
}
