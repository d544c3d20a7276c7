package template

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// Ansible's file, uri, math and result tests beyond those in tests.go
// (ansible/plugins/test/files.py, uri.py, mathstuff.py, core.py), and
// Jinja2's escaped, filter and test.
func init() {
	fileTests := map[string]func(string) bool{
		"directory":   func(p string) bool { st, err := os.Stat(p); return err == nil && st.IsDir() },
		"file":        func(p string) bool { st, err := os.Stat(p); return err == nil && st.Mode().IsRegular() },
		"link":        func(p string) bool { st, err := os.Lstat(p); return err == nil && st.Mode()&os.ModeSymlink != 0 },
		"exists":      func(p string) bool { _, err := os.Stat(p); return err == nil },
		"link_exists": func(p string) bool { _, err := os.Lstat(p); return err == nil },
		"mount":       isMount,
	}
	for name, fn := range fileTests {
		tests[name] = pathTest(fn)
	}
	for alias, name := range map[string]string{"is_dir": "directory", "is_file": "file", "is_link": "link", "is_mount": "mount"} {
		tests[alias] = tests[name]
	}
	tests["is_abs"] = tests["abs"]
	tests["same_file"] = testSameFile
	tests["is_same_file"] = testSameFile
	tests["issubset"] = tests["subset"]
	tests["issuperset"] = tests["superset"]
	tests["nan"] = func(_ *evaluator, v any, _ args) (bool, error) { f, ok := v.(float64); return ok && math.IsNaN(f), nil }
	tests["isnan"] = tests["nan"]
	tests["any"] = func(_ *evaluator, v any, _ args) (bool, error) {
		items, err := iterate(v)
		if err != nil {
			return false, err
		}
		for _, x := range items {
			if truthy(x) {
				return true, nil
			}
		}
		return false, nil
	}
	tests["all"] = func(_ *evaluator, v any, _ args) (bool, error) {
		items, err := iterate(v)
		if err != nil {
			return false, err
		}
		for _, x := range items {
			if !truthy(x) {
				return false, nil
			}
		}
		return true, nil
	}
	tests["uri"] = func(_ *evaluator, v any, a args) (bool, error) {
		schemes, _ := a.get(0, "schemes")
		return isURI(v, schemes), nil
	}
	tests["url"] = func(_ *evaluator, v any, a args) (bool, error) {
		schemes, _ := a.get(0, "schemes")
		if !isURI(v, schemes) {
			return false, nil
		}
		parts, _ := urlSplit(v.(string))
		return parts["netloc"] != "" || parts["scheme"] == "file", nil
	}
	tests["urn"] = func(_ *evaluator, v any, _ args) (bool, error) { return isURI(v, []any{"urn"}), nil }
	tests["truthy"] = func(_ *evaluator, v any, a args) (bool, error) { return truthy(convertBool(v, a)), nil }
	tests["falsy"] = func(_ *evaluator, v any, a args) (bool, error) { return !truthy(convertBool(v, a)), nil }
	tests["started"] = resultTestNamed("started", func(r *dict) bool {
		s, ok := r.Get("started")
		return !ok || value.Equal(s, 1)
	})
	// vault_encrypted is decided in evalTest, on the raw value; a value
	// that reaches a test as a value (select('vault_encrypted')) has lost
	// its vault.
	tests["vault_encrypted"] = func(*evaluator, any, args) (bool, error) { return false, nil }
	tests["escaped"] = func(*evaluator, any, args) (bool, error) { return false, nil }
	tests["filter"] = pluginTest(func(name string) bool { _, ok := filters[name]; return ok })
	tests["test"] = pluginTest(func(name string) bool { _, ok := tests[name]; return ok })
}

// pathTest is a test on a path of the controller, as os.path's isdir,
// isfile... which are false for a path that cannot be read.
func pathTest(fn func(string) bool) testFunc {
	return func(_ *evaluator, v any, _ args) (bool, error) {
		p, err := pathArg(v)
		if err == errNotAPath {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return fn(p), nil
	}
}

var errNotAPath = errors.New("a file descriptor is not a path")

func pathArg(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int, bool:
		// os.stat takes a file descriptor: none that a playbook means.
		return "", errNotAPath
	}
	return "", fmt.Errorf("stat: path should be string, bytes, os.PathLike or integer, not %s", pyType(v))
}

// isMount is os.path.ismount: the path and its parent are on different
// devices, or are the same inode (the root).
func isMount(p string) bool {
	st, err := os.Lstat(p)
	if err != nil || st.Mode()&os.ModeSymlink != 0 || !st.IsDir() {
		return false
	}
	parent, err := os.Lstat(filepath.Join(p, ".."))
	if err != nil {
		return false
	}
	a, ok1 := st.Sys().(*syscall.Stat_t)
	b, ok2 := parent.Sys().(*syscall.Stat_t)
	if !ok1 || !ok2 {
		return false
	}
	return a.Dev != b.Dev || a.Ino == b.Ino
}

// testSameFile is os.path.samefile, which fails on a missing path.
func testSameFile(_ *evaluator, v any, a args) (bool, error) {
	p1, err := pathArg(v)
	if err != nil {
		return false, err
	}
	p2, err := pathArg(a.at(0))
	if err != nil {
		return false, err
	}
	s1, err := os.Stat(p1)
	if err != nil {
		return false, fmt.Errorf("[Errno 2] No such file or directory: %s", value.Quote(p1))
	}
	s2, err := os.Stat(p2)
	if err != nil {
		return false, fmt.Errorf("[Errno 2] No such file or directory: %s", value.Quote(p2))
	}
	return os.SameFile(s1, s2), nil
}

// isURI is uri.py's is_uri: any string Python's urlparse accepts, with a
// scheme among schemes when they are given.
func isURI(v any, schemes any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	parts, err := urlSplit(s)
	if err != nil {
		return false
	}
	if !truthy(schemes) {
		return true
	}
	in, err := contains(schemes, parts["scheme"])
	return err == nil && in
}

// convertBool is the convert_bool option of truthy and falsy: boolean-like
// values become booleans, others stay as they are.
func convertBool(v any, a args) any {
	if !a.boolean(0, "convert_bool", false) {
		return v
	}
	switch x := v.(type) {
	case bool:
		return x
	case int, float64:
		if value.Equal(x, 1) {
			return true
		}
		if value.Equal(x, 0) {
			return false
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "y", "yes", "on", "1", "true", "t":
			return true
		case "n", "no", "off", "0", "false", "f":
			return false
		}
	}
	return v
}

// resultTestNamed is a result test whose error names it, as Ansible's
// "The 'started' test expects a dictionary".
func resultTestNamed(name string, fn func(*dict) bool) testFunc {
	return func(_ *evaluator, v any, _ args) (bool, error) {
		r, ok := v.(*dict)
		if !ok {
			return false, fmt.Errorf("The '%s' test expects a dictionary", name)
		}
		return fn(r), nil
	}
}

// pluginTest is Jinja2's filter and test tests: whether a name is a
// filter (test). Ansible's plugin loader fails on unknown names.
func pluginTest(known func(string) bool) testFunc {
	return func(_ *evaluator, v any, _ args) (bool, error) {
		name, ok := v.(string)
		if !ok {
			return false, fmt.Errorf("key must be a string, got <class '%s'> instead", pyType(v))
		}
		if !known(name) {
			return false, fmt.Errorf("Could not load \"%s\": '%s'", name, name)
		}
		return true, nil
	}
}

// isVaulted is the vault_encrypted test: whether x names a variable (or
// a key of one, d.k or d['k']) whose raw value is an inline !vault value.
// Like Ansible's AnsibleVaultEncryptedUnicode, the value stops being one
// when templated: a variable set to "{{ secret }}" is not vaulted.
func (ev *evaluator) isVaulted(x syntax.Expr, f *frame) bool {
	raw, ok := ev.rawValue(x, f)
	if !ok {
		return false
	}
	switch r := raw.(type) {
	case Unsafe:
		return r.Vault
	case Deferred:
		return true
	}
	return false
}

func (ev *evaluator) rawValue(x syntax.Expr, f *frame) (any, bool) {
	switch n := x.(type) {
	case *syntax.NameExpr:
		if _, local := f.get(n.Name); local {
			return nil, false
		}
		return ev.vars.Lookup(n.Name)
	case *syntax.AttrExpr:
		return ev.rawKey(n.Obj, n.Attr, f)
	case *syntax.ItemExpr:
		if k, ok := n.Key.(*syntax.LiteralExpr); ok {
			if s, isStr := k.Val.(string); isStr {
				return ev.rawKey(n.Obj, s, f)
			}
		}
	}
	return nil, false
}

func (ev *evaluator) rawKey(obj syntax.Expr, key string, f *frame) (any, bool) {
	container, ok := ev.rawValue(obj, f)
	if !ok {
		return nil, false
	}
	if u, isUnsafe := container.(Unsafe); isUnsafe {
		container = u.V
	}
	switch m := container.(type) {
	case *dict:
		return m.Get(key)
	case map[string]any: // a raw variable Go code built
		v, ok := m[key]
		return v, ok
	}
	return nil, false
}
