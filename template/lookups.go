package template

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
)

// lookupFunc implements a lookup plugin: it returns a list of results.
type lookupFunc func(ev *evaluator, terms []any, kw map[string]any) ([]any, error)

var lookups map[string]lookupFunc

func init() {
	lookups = map[string]lookupFunc{
		"env":         lookupEnv,
		"file":        lookupFile,
		"unvault":     lookupUnvault,
		"template":    lookupTemplate,
		"pipe":        lookupPipe,
		"lines":       lookupLines,
		"items":       lookupItems,
		"list":        func(_ *evaluator, terms []any, _ map[string]any) ([]any, error) { return terms, nil },
		"vars":        lookupVars,
		"first_found": lookupFirstFound,
		"fileglob":    lookupFileglob,
		"dict":        lookupDict,
		"indexed_items": func(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
			items := flattenTerms(terms)
			out := make([]any, len(items))
			for i, item := range items {
				out[i] = tuple{i, item}
			}
			return out, nil
		},
		"sequence": lookupSequence,
	}
}

// lookupFailure is a lookup plugin's error whose Python class matters:
// with no class, an AnsibleLookupError (or, with options, an
// AnsibleOptionsError, raised even with errors='ignore'), which Ansible
// does not wrap; else the class Ansible's wrapping message names.
type lookupFailure struct {
	msg     string
	options bool
	class   string
}

func (e *lookupFailure) Error() string { return e.msg }

// lookupErrorf is an AnsibleLookupError.
func lookupErrorf(format string, a ...any) error {
	return &lookupFailure{msg: fmt.Sprintf(format, a...)}
}

// optionsErrorf is an AnsibleOptionsError.
func optionsErrorf(format string, a ...any) error {
	return &lookupFailure{msg: fmt.Sprintf(format, a...), options: true}
}

// lookup is lookup(name, terms..., wantlist=False) and query(...).
func (ev *evaluator) lookup(a args, wantList bool) (any, error) {
	if len(a.pos) == 0 {
		return nil, fmt.Errorf("lookup requires the name of a lookup plugin")
	}
	name := str(a.pos[0])
	if ev.eng.opts.DisableLookups {
		return nil, fmt.Errorf("The lookup `%s` was found, however lookups were disabled from templating", name)
	}
	if i := strings.LastIndex(name, "."); i >= 0 { // ansible.builtin.env
		name = name[i+1:]
	}
	fn, ok := lookups[name]
	if !ok {
		return nil, fmt.Errorf("lookup plugin (%s) not found", name)
	}
	kw := map[string]any{}
	for k, v := range a.kw {
		kw[k] = v
	}
	if truthy(kw["wantlist"]) {
		wantList = true
	}
	delete(kw, "wantlist")
	onError, _ := kw["errors"].(string)
	delete(kw, "errors")
	ran, err := fn(ev, a.pos[1:], kw)
	if IsUndefined(err) {
		return nil, err // AnsibleUndefinedVariable passes through
	}
	var lf *lookupFailure
	if errors.As(err, &lf) && lf.class == "" && (lf.options || onError != "ignore" && onError != "warn") {
		// AnsibleLookupError and AnsibleOptionsError reach the task as
		// they are.
		return nil, err
	}
	if err != nil {
		switch onError {
		case "ignore", "warn":
			if onError == "warn" {
				if lf != nil && lf.class == "" {
					ev.warn(fmt.Sprintf("Lookup failed but the error is being ignored: %v", err))
				} else {
					ev.warn(fmt.Sprintf("An unhandled exception occurred while running the lookup plugin '%s'. Error was a <class '%s'>, original message: %v", name, lookupErrorClass(err, lf), err))
				}
			}
			// Ansible's "[] if wantlist else None": "" in text.
			if wantList {
				return []any{}, nil
			}
			return nil, nil
		default:
			// Ansible's templar wraps the plugin's error (an AnsibleError
			// unless vault says otherwise), and the wrapper's text repeats
			// the original after a period.
			msg := fmt.Sprintf("An unhandled exception occurred while running the lookup plugin '%s'. Error was a <class '%s'>, original message: %s", name, lookupErrorClass(err, lf), err)
			return nil, fmt.Errorf("%s. %w", msg, err)
		}
	}
	if ran == nil {
		ran = []any{}
	}
	if wantList || len(ran) == 0 {
		// An empty result is not joined: lookup() gives [].
		return ran, nil
	}
	strs := make([]string, len(ran))
	for i, r := range ran {
		s, ok := r.(string)
		if !ok {
			if len(ran) == 1 {
				return ran[0], nil
			}
			return ran, nil
		}
		strs[i] = s
	}
	return strings.Join(strs, ","), nil
}

func lookupEnv(_ *evaluator, terms []any, kw map[string]any) ([]any, error) {
	out := make([]any, len(terms))
	for i, t := range terms {
		v, ok := os.LookupEnv(str(t))
		if !ok {
			if def, has := kw["default"]; has {
				out[i] = def
				continue
			}
		}
		out[i] = v
	}
	return out, nil
}

// lookupDirs are Ansible's lookup paths: the role's <subdir> and root,
// then the playbook's.
func (ev *evaluator) lookupDirs(subdir string) []string {
	var bases []string
	for _, v := range []string{"role_path", "playbook_dir"} {
		if dir, ok, _ := ev.lookupVar(v); ok {
			if s, isStr := dir.(string); isStr && s != "" {
				bases = append(bases, filepath.Join(s, subdir), s)
			}
		}
	}
	if len(bases) == 0 {
		bases = []string{subdir, "."}
	}
	return bases
}

// warn prints an Ansible warning through the engine's Warn.
func (ev *evaluator) warn(msg string) {
	if ev.eng.opts.Warn != nil {
		ev.eng.opts.Warn(msg)
	}
}

// lookupErrorClass is the Python class Ansible names for a lookup's
// error: AnsibleError unless vault or the plugin says otherwise.
func lookupErrorClass(err error, lf *lookupFailure) string {
	class := "ansible.errors.AnsibleError"
	var ve *vault.Error
	if errors.As(err, &ve) {
		class = ve.PythonClass()
	}
	if lf != nil && lf.class != "" {
		class = lf.class
	}
	return class
}

// findFile searches Ansible's lookup paths, warning as Ansible's
// find_file_in_search_path does when the file is nowhere.
func (ev *evaluator) findFile(subdir, name string) (string, error) {
	p, err := ev.searchFile(subdir, name)
	if err != nil {
		ev.warn(fmt.Sprintf("Unable to find '%s' in expected paths (use -vvvvv to see paths)", name))
	}
	return p, err
}

// searchFile searches Ansible's lookup paths: the role's <subdir> and
// root, then the playbook's.
func (ev *evaluator) searchFile(subdir, name string) (string, error) {
	if filepath.IsAbs(name) {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("could not locate file in lookup: %s", name)
		}
		return name, nil
	}
	for _, b := range ev.lookupDirs(subdir) {
		// Joined as Python's os.path.join, which Ansible's search uses:
		// a "./" in the name stays in the path found.
		p := pyJoin([]string{b, name})
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("could not locate file in lookup: %s", name)
}

func lookupFile(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		p, err := ev.findFile("files", str(t))
		if err != nil {
			return nil, err
		}
		data, err := vault.ReadFile(p)
		if err != nil {
			return nil, err
		}
		s := string(data)
		if v, ok := kw["rstrip"]; !ok || truthy(v) {
			s = strings.TrimRight(s, " \t\r\n")
		}
		if truthy(kw["lstrip"]) {
			s = strings.TrimLeft(s, " \t\r\n")
		}
		out = append(out, s)
	}
	return out, nil
}

// lookupUnvault is lookup('unvault'): a file's content, decrypted when
// vaulted, with nothing stripped. The plaintext stays in memory.
func lookupUnvault(ev *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		p, err := ev.findFile("files", str(t))
		if err != nil {
			return nil, err
		}
		data, err := vault.ReadRealFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, string(data))
	}
	return out, nil
}

// lookupTemplate is lookup('template'): each file rendered with the
// variables, the template_* variables and template_vars, its includes
// found beside it and then on the lookup paths, with the lookup's
// delimiter options.
func lookupTemplate(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	syn := syntax.DefaultSyntax()
	for name, dst := range map[string]*string{
		"variable_start_string": &syn.VariableStart, "variable_end_string": &syn.VariableEnd,
		"comment_start_string": &syn.CommentStart, "comment_end_string": &syn.CommentEnd,
	} {
		if v, ok := kw[name]; ok && v != nil {
			*dst = str(v)
		}
	}
	extra := map[string]any{}
	if tv, ok := kw["template_vars"]; ok && tv != nil {
		m, isMap := tv.(*dict)
		if !isMap {
			return nil, fmt.Errorf("template_vars must be a dict, got %s", pyType(tv))
		}
		for k, v := range m.All() {
			extra[k] = v
		}
	}
	var out []any
	for _, t := range terms {
		p, err := ev.findFile("templates", str(t))
		if err != nil {
			return nil, fmt.Errorf("the template file %s could not be found for the lookup", str(t))
		}
		data, err := vault.ReadFile(p)
		if err != nil {
			return nil, err
		}
		full, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		fv, err := FileVars(str(t), full, "", "Ansible managed", ev.eng.opts.Now())
		if err != nil {
			return nil, err
		}
		for k, v := range extra {
			fv[k] = v
		}
		search := append([]string{filepath.Dir(full)}, ev.lookupDirs("templates")...)
		// Rendered within this call's limits, so that a template looking
		// itself up ends at the recursion limit.
		if err := ev.enter(); err != nil {
			return nil, err
		}
		s, err := ev.eng.renderFile(newEvaluatorSharing(ev, overlayVars{fv, ev.vars}), p, string(data), syn, search)
		ev.leave()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// overlayVars puts some variables over others.
type overlayVars struct {
	top  map[string]any
	rest Vars
}

func (o overlayVars) Lookup(name string) (any, bool) {
	if v, ok := o.top[name]; ok {
		return v, true
	}
	return o.rest.Lookup(name)
}

// runPipe runs term with /bin/sh in the playbook's directory (Ansible's
// loader basedir, for a role's tasks too), as the pipe and lines lookups
// do; lines lets the command's stderr through to the terminal.
func runPipe(ev *evaluator, plugin, term string) (string, error) {
	cmd := exec.Command("/bin/sh", "-c", term)
	if dir, ok, _ := ev.lookupVar("playbook_dir"); ok {
		if s, isStr := dir.(string); isStr && s != "" {
			cmd.Dir = s
		}
	}
	if plugin == "lines" {
		cmd.Stderr = os.Stderr
	}
	outb, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return "", fmt.Errorf("lookup_plugin.%s(%s) returned %d", plugin, term, exit.ExitCode())
	}
	if err != nil {
		return "", fmt.Errorf("lookup_plugin.%s(%s) could not run: %v", plugin, term, err)
	}
	return string(outb), nil
}

func lookupPipe(ev *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		s, err := runPipe(ev, "pipe", str(t))
		if err != nil {
			return nil, err
		}
		out = append(out, strings.TrimRight(s, " \t\r\n"))
	}
	return out, nil
}

func lookupLines(ev *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		s, err := runPipe(ev, "lines", str(t))
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			out = append(out, l)
		}
	}
	return out, nil
}

func flattenTerms(terms []any) []any {
	var out []any
	for _, t := range terms {
		if l, ok := asSeq(t); ok {
			out = append(out, l...)
		} else {
			out = append(out, t)
		}
	}
	return out
}

func lookupItems(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
	return flattenTerms(terms), nil
}

func lookupVars(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		if _, ok := t.(string); !ok {
			return nil, fmt.Errorf("Invalid setting identifier, \"%s\" is not a string, its a <class '%s'>", str(t), pyType(t))
		}
		v, ok, err := ev.lookupVar(str(t))
		if err != nil {
			return nil, err
		}
		if !ok {
			if def, has := kw["default"]; has {
				v = def
			} else {
				// AnsibleUndefinedVariable: the task reports it as an
				// undefined variable.
				return nil, &undefinedError{"No variable found with this name: " + str(t)}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// lookupFirstFound is first_found: the first of the candidate files that
// exists in the lookup search paths. A term is a file name, a list of
// terms, or a dict of files and paths (strings split on "," and ";",
// paths also on ":"); kwargs files=, paths= and skip= apply to plain
// string terms.
func lookupFirstFound(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	var search []string
	skip := false
	var walk func(terms []any) error
	walk = func(terms []any) error {
		for _, t := range terms {
			opts := kw
			switch x := t.(type) {
			case *dict:
				opts = x.Map()
			case string:
			case []any, tuple:
				l, _ := asSeq(x)
				if err := walk(l); err != nil {
					return err
				}
				continue
			default:
				return lookupErrorf("Invalid term supplied, can handle string, mapping or list of strings but got: <class '%s'> for %s", pyType(t), str(t))
			}
			files := splitOn(opts["files"], ",;")
			paths := splitOn(opts["paths"], ",:;")
			skip = truthy(opts["skip"])
			switch {
			case len(paths) > 0:
				for _, p := range paths {
					for _, f := range files {
						search = append(search, pyJoin([]string{p, f}))
					}
				}
			case len(files) > 0:
				// As in Ansible, files= replaces what came before.
				search = files
			default:
				search = append(search, str(t))
			}
		}
		return nil
	}
	if err := walk(terms); err != nil {
		return nil, err
	}
	subdir := "files"
	if ev.loopSubdir != "" {
		subdir = ev.loopSubdir
	}
	for _, n := range search {
		// first_found looks quietly: a candidate that is not there is
		// no warning.
		if p, err := ev.searchFile(subdir, n); err == nil {
			if !filepath.IsAbs(p) {
				p, _ = filepath.Abs(p)
			}
			return []any{p}, nil
		}
	}
	if skip {
		return []any{}, nil
	}
	return nil, &lookupFailure{msg: "No file was found when using first_found."}
}

// splitOn is first_found's _split_on: strings split on any of seps,
// lists split item by item.
func splitOn(v any, seps string) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return strings.FieldsFunc(x, func(r rune) bool { return strings.ContainsRune(seps, r) })
	}
	var out []string
	items, _ := iterate(v)
	for _, item := range items {
		out = append(out, splitOn(item, seps)...)
	}
	return out
}

func lookupFileglob(ev *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		pattern := str(t)
		dirs := []string{""}
		if !filepath.IsAbs(pattern) {
			// Each base's files/ and then the base itself; a pattern
			// with a directory part looks for that directory in them.
			dirs = nil
			for _, v := range []string{"role_path", "playbook_dir"} {
				if dir, ok, _ := ev.lookupVar(v); ok {
					dirs = append(dirs, filepath.Join(str(dir), "files"), str(dir))
				}
			}
			if sub := filepath.Dir(pattern); sub != "." {
				var found []string
				for _, d := range dirs {
					if st, err := os.Stat(filepath.Join(d, sub)); err == nil && st.IsDir() {
						found = append(found, d)
						break
					}
				}
				dirs = found
			}
		}
		for _, d := range dirs {
			matches, _ := filepath.Glob(filepath.Join(d, pattern))
			if len(matches) > 0 {
				sort.Strings(matches)
				for _, m := range matches {
					if st, err := os.Stat(m); err == nil && !st.IsDir() {
						out = append(out, m)
					}
				}
				break
			}
		}
	}
	return out, nil
}

func lookupDict(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		m, ok := t.(*dict)
		if !ok {
			return nil, fmt.Errorf("with_dict expects a dict")
		}
		for k, v := range m.All() {
			out = append(out, value.DictOf("key", k, "value", v))
		}
	}
	return out, nil
}

// strideDirection is the sequence's sanity check of a stride that leads
// away from end.
func strideDirection(start, end, stride int) error {
	switch {
	case stride > 0 && end < start:
		return errors.New("to count backwards make stride negative")
	case stride < 0 && end > start:
		return errors.New("to count forward don't make stride negative")
	}
	return nil
}

// lookupSequence is with_sequence: "start=1 end=5 stride=1 format=%d" or
// the short form "[start-]end[/stride][:format]".
func lookupSequence(_ *evaluator, terms []any, kw map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		opts := map[string]string{"start": "1", "stride": "1", "format": "%d"}
		for k, v := range kw {
			opts[k] = str(v)
		}
		for _, f := range strings.Fields(str(t)) {
			if k, v, ok := strings.Cut(f, "="); ok {
				opts[k] = v
				continue
			}
			if rest, format, ok := strings.Cut(f, ":"); ok {
				opts["format"], f = format, rest
			}
			if rest, stride, ok := strings.Cut(f, "/"); ok {
				opts["stride"], f = stride, rest
			}
			if start, end, ok := strings.Cut(f, "-"); ok {
				opts["start"], opts["end"] = start, end
			} else {
				opts["end"] = f
			}
		}
		num := func(k string) (int, error) {
			n, err := strconv.ParseInt(opts[k], 0, 64)
			if err != nil {
				return 0, fmt.Errorf("can't parse %s=%s as integer", k, opts[k])
			}
			return int(n), nil
		}
		start, err := num("start")
		if err != nil {
			return nil, err
		}
		stride, err := num("stride")
		if err != nil {
			return nil, err
		}
		var n int
		if _, ok := opts["count"]; ok {
			if n, err = num("count"); err != nil {
				return nil, err
			}
			if stride == 0 {
				n = 0
			}
		} else {
			end, err := num("end")
			if err != nil {
				return nil, err
			}
			if err := strideDirection(start, end, stride); err != nil {
				return nil, err
			}
			n = inclusiveLen(start, end, stride)
		}
		// Ansible's sanity check: one conversion, no more, no less.
		if strings.Count(opts["format"], "%") != 1 {
			return nil, fmt.Errorf("bad formatting string: %s", opts["format"])
		}
		if n > maxListItems {
			return nil, &limitError{fmt.Sprintf("value too large: a sequence of more than %d items (MemoryError)", maxListItems)}
		}
		if n > 0 {
			// The last item must be an int too: start+(n-1)*stride
			// may not wrap.
			span, _, _ := intArithmetic("*", n-1, stride)
			if last, _, _ := intArithmetic("+", start, span); !isSmallInt(last) {
				return nil, &limitError{"value too large: sequence items beyond the 64-bit range"}
			}
		}
		for k := range max(n, 0) {
			s, err := percentFormat(opts["format"], start+k*stride)
			if err != nil {
				// Ansible turns the ValueError or TypeError into its own.
				return nil, fmt.Errorf("problem formatting %s with %s", value.Repr(start+k*stride), value.Repr(opts["format"]))
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// inclusiveLen counts start, start+stride, ... up to and including end,
// in uint64 so that spans near the int limits do not overflow; it
// saturates at maxListItems+1.
func inclusiveLen(start, end, stride int) int {
	var span, by uint64
	switch {
	case stride > 0 && end >= start:
		span, by = uint64(end)-uint64(start), uint64(stride)
	case stride < 0 && end <= start:
		span, by = uint64(start)-uint64(end), uint64(-(stride+1))+1
	default:
		return 0
	}
	if n := span/by + 1; n <= maxListItems {
		return int(n)
	}
	return maxListItems + 1
}

// Query runs the lookup plugin name on terms, as a with_<name> loop does
// (query(name, *terms)), and returns the list of its results. ok is false
// when there is no such lookup.
func (e *Engine) Query(name string, terms []any, vars Vars) (results []any, ok bool, err error) {
	return e.QueryForAction(name, "", terms, vars)
}

// QueryForAction is Query for the with_<name> loop of a task running
// action: as Ansible's task executor tells it, first_found then searches
// templates/ for a template task, vars/ for include_vars, files/ for the
// rest.
func (e *Engine) QueryForAction(name, action string, terms []any, vars Vars) (results []any, ok bool, err error) {
	if _, ok := lookups[name]; !ok {
		return nil, false, nil
	}
	ev := newEvaluator(e, vars)
	ev.loopSubdir = "files"
	for _, sub := range []string{"template", "var"} {
		if strings.Contains(action, sub) {
			ev.loopSubdir = sub + "s"
			break
		}
	}
	v, err := ev.lookup(args{pos: append([]any{name}, terms...), kw: map[string]any{}}, true)
	if err != nil {
		return nil, true, err
	}
	list, _ := plain(v).([]any)
	return list, true, nil
}
