package modules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gansible/gansible/value"
)

// Args are a task's module arguments after templating: values are strings,
// ints, floats, bools, []any or *value.Dict, as YAML or k=v parsing and
// Jinja2 produced them.
type Args map[string]any

// dataParams are the parameters whose values travel as data (on stdin, or
// only used on the controller), never inside a command line.
var dataParams = map[string]bool{
	"content": true, "stdin": true, "line": true, "regexp": true, "regex": true,
	"search_string": true, "insertafter": true, "insertbefore": true,
}

// checkNUL refuses a NUL byte in any value that may reach a command line:
// no argument vector can hold one, and a shell would silently drop it.
func checkNUL(a Args) error {
	names := make([]string, 0, len(a))
	for k := range a {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !dataParams[k] && hasNUL(a[k]) {
			return fmt.Errorf("argument '%s' contains a NUL byte, which no command line can carry", k)
		}
	}
	return nil
}

func hasNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.IndexByte(x, 0) >= 0
	case []any:
		for _, e := range x {
			if hasNUL(e) {
				return true
			}
		}
	case []string:
		for _, e := range x {
			if hasNUL(e) {
				return true
			}
		}
	case *value.Dict:
		for k, e := range x.All() {
			if hasNUL(k) || hasNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if hasNUL(k) || hasNUL(e) {
				return true
			}
		}
	}
	return false
}

// Has reports whether the parameter was given.
func (a Args) Has(name string) bool {
	v, ok := a[name]
	return ok && v != nil
}

// String returns a parameter as a string ("" when absent), the first of
// the given names (a parameter and its aliases) that is set.
func (a Args) String(names ...string) string {
	for _, n := range names {
		if v, ok := a[n]; ok && v != nil {
			return Stringify(v)
		}
	}
	return ""
}

// Stringify formats a scalar as Ansible's str() would.
func Stringify(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case nil:
		return ""
	default:
		return value.Str(x) // Python's str(), as Ansible converts a parameter
	}
}

// Bool reads a boolean parameter with Ansible's spellings (yes/no, true/false,
// on/off, 1/0, y/n); def is returned when the parameter is absent.
func (a Args) Bool(name string, def bool) (bool, error) {
	v, ok := a[name]
	if !ok || v == nil {
		return def, nil
	}
	b, err := ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("argument '%s' is of type %T and we were unable to convert to bool: %v", name, v, err)
	}
	return b, nil
}

// ParseBool converts a value to a boolean the way Ansible's module
// argument checking does: value.ParseBool's spellings, and also "1.0",
// "0.0" and the empty string.
func ParseBool(v any) (bool, error) {
	if s, ok := v.(string); ok {
		switch strings.TrimSpace(s) {
		case "1.0":
			return true, nil
		case "0.0", "":
			return false, nil
		}
	}
	b, err := value.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("The value '%v' is not a valid boolean. Valid booleans include: 'y', 'yes', 'on', '1', 'true', 't', 'n', 'no', 'off', '0', 'false', 'f'", v)
	}
	return b, nil
}

// Int reads an integer parameter; def when absent.
func (a Args) Int(name string, def int) (int, error) {
	v, ok := a[name]
	if !ok || v == nil {
		return def, nil
	}
	switch x := v.(type) {
	case int:
		return x, nil
	case float64:
		return int(x), nil
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("argument '%s' is of type %T and we were unable to convert to int", name, v)
}

// List reads a list parameter: a YAML list, or a comma-separated string.
func (a Args) List(names ...string) []string {
	for _, n := range names {
		v, ok := a[n]
		if !ok || v == nil {
			continue
		}
		switch x := v.(type) {
		case []any:
			out := make([]string, 0, len(x))
			for _, e := range x {
				out = append(out, Stringify(e))
			}
			return out
		case []string:
			return x
		default:
			var out []string
			for _, p := range strings.Split(Stringify(x), ",") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		}
	}
	return nil
}
