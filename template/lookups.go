package template

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

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
				out[i] = []any{i, item}
			}
			return out, nil
		},
		"sequence": lookupSequence,
	}
}

// lookup is lookup(name, terms..., wantlist=False) and query(...).
func (ev *evaluator) lookup(a args, wantList bool) (any, error) {
	if len(a.pos) == 0 {
		return nil, fmt.Errorf("lookup requires the name of a lookup plugin")
	}
	name := str(a.pos[0])
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
	if err != nil {
		switch onError {
		case "ignore", "warn":
			ran = nil
		default:
			// Ansible's templar wraps the plugin's error (an AnsibleError
			// unless vault says otherwise), and the wrapper's text repeats
			// the original after a period.
			class := "ansible.errors.AnsibleError"
			var ve *vault.Error
			if errors.As(err, &ve) {
				class = ve.PythonClass()
			}
			msg := fmt.Sprintf("An unhandled exception occurred while running the lookup plugin '%s'. Error was a <class '%s'>, original message: %s", name, class, err)
			return nil, fmt.Errorf("%s. %w", msg, err)
		}
	}
	if ran == nil {
		ran = []any{}
	}
	if wantList {
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

// findFile searches Ansible's lookup paths: the role's <subdir> and root,
// then the playbook's.
func (ev *evaluator) findFile(subdir, name string) (string, error) {
	if filepath.IsAbs(name) {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("could not locate file in lookup: %s", name)
		}
		return name, nil
	}
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
	for _, b := range bases {
		p := filepath.Join(b, name)
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

func lookupTemplate(ev *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		p, err := ev.findFile("templates", str(t))
		if err != nil {
			return nil, err
		}
		data, err := vault.ReadFile(p)
		if err != nil {
			return nil, err
		}
		s, err := ev.eng.Render(p, string(data), ev.vars)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func runPipe(term string) (string, error) {
	cmd := exec.Command("/bin/sh", "-c", term)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("lookup_plugin.pipe(%s) returned %v: %s", term, err, strings.TrimSpace(stderr.String()))
	}
	return string(outb), nil
}

func lookupPipe(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		s, err := runPipe(str(t))
		if err != nil {
			return nil, err
		}
		out = append(out, strings.TrimRight(s, " \t\r\n"))
	}
	return out, nil
}

func lookupLines(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		s, err := runPipe(str(t))
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			out = append(out, l)
		}
	}
	return out, nil
}

// flattenTerms flattens lists one level, as the items lookup does.
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
		v, ok, err := ev.lookupVar(str(t))
		if err != nil {
			return nil, err
		}
		if !ok {
			if def, has := kw["default"]; has {
				v = def
			} else {
				return nil, fmt.Errorf("No variable found with this name: %s", str(t))
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func lookupFirstFound(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	var names []any
	for _, t := range flattenTerms(terms) {
		if m, ok := t.(*dict); ok {
			fv, _ := m.Get("files")
			pv, _ := m.Get("paths")
			files, _ := iterate(fv)
			paths, _ := iterate(pv)
			for _, f := range files {
				if len(paths) == 0 {
					names = append(names, f)
				}
				for _, p := range paths {
					names = append(names, filepath.Join(str(p), str(f)))
				}
			}
			continue
		}
		names = append(names, t)
	}
	for _, n := range names {
		if p, err := ev.findFile("files", str(n)); err == nil {
			abs, _ := filepath.Abs(p)
			return []any{abs}, nil
		}
	}
	if truthy(kw["skip"]) {
		return []any{}, nil
	}
	return nil, fmt.Errorf("No file was found when using first_found.")
}

func lookupFileglob(ev *evaluator, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		pattern := str(t)
		dirs := []string{""}
		if !filepath.IsAbs(pattern) {
			dirs = nil
			for _, v := range []string{"role_path", "playbook_dir"} {
				if dir, ok, _ := ev.lookupVar(v); ok {
					dirs = append(dirs, filepath.Join(str(dir), "files"))
				}
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
			n = inclusiveLen(start, end, stride)
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
				return nil, err
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
	if _, ok := lookups[name]; !ok {
		return nil, false, nil
	}
	ev := newEvaluator(e, vars)
	v, err := ev.lookup(args{pos: append([]any{name}, terms...), kw: map[string]any{}}, true)
	if err != nil {
		return nil, true, err
	}
	list, _ := v.([]any)
	return list, true, nil
}
