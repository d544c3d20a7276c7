package template

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"github.com/gansible/gansible/value"
)

// Values are package value's: nil (None), bool, int, *big.Int, float64,
// string, []any (list), tuple, *value.Dict (dict), plus the few types
// below.

// undefined is Jinja2's Undefined: a value that fails as soon as it is
// used, except in "is defined" tests and the default filter. Looking up an
// attribute or item of it yields itself, so the first failure is reported,
// as with Ansible's AnsibleUndefined.
type undefined struct{ msg string }

func undefinedName(name string) *undefined {
	return &undefined{fmt.Sprintf("'%s' is undefined", name)}
}

func undefinedAttr(obj any, name any) *undefined {
	if s, ok := name.(string); ok {
		return &undefined{fmt.Sprintf("%s has no attribute '%s'", typeRepr(obj), s)}
	}
	return &undefined{fmt.Sprintf("%s has no element %s", strings.Trim(typeRepr(obj), "'"), value.Repr(name))}
}

// tuple is a Python tuple: a list that prints with parentheses. Tuples
// become []any when values leave the package.
type tuple = value.Tuple

// dict is a Python dict, in insertion order.
type dict = value.Dict

// newDict returns an empty dict with room for n keys.
func newDict(n int) *dict { return value.NewDict(n) }

// asSeq returns the items of a list or tuple.
func asSeq(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case tuple:
		return x, true
	}
	return nil, false
}

// function is a callable value: a global, a macro or a bound method.
type function struct {
	name string
	call func(ev *evaluator, args []any, kwargs map[string]any) (any, error)
}

// namespace is the mutable object made by namespace().
type namespace struct{ attrs *dict }

func (f *function) Repr() string { return fmt.Sprintf("<function %s>", f.name) }

func (n *namespace) Repr() string { return "<Namespace " + value.Repr(n.attrs) + ">" }

func (h *hostVarsValue) Repr() string {
	var sb strings.Builder
	sb.WriteString("{")
	for i, name := range h.hv.Hosts() {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(value.Quote(name))
		sb.WriteString(": {...}")
	}
	sb.WriteString("}")
	return sb.String()
}

func (*varsValue) Repr() string { return "{...}" }

// Reached only where the undefined value is not an error (a default(..)-less
// repr of a list from map, say); Jinja2 writes this.
func (*undefined) Repr() string { return "Undefined" }

// strict returns the error an undefined value carries, or nil.
func strict(v any) error {
	if u, ok := v.(*undefined); ok {
		return &undefinedError{u.msg}
	}
	return nil
}

// strictDeep is strict for a value and all it holds: Ansible fails a
// template whose result holds an undefined value anywhere (the items of
// l | map(attribute='missing') | list, say), as printing it would.
func strictDeep(v any) error { return strictWithin(v, 0) }

func strictWithin(v any, depth int) error {
	if depth > maxDepth {
		return nil // deeper than any value a template can build
	}
	switch x := v.(type) {
	case *undefined:
		return &undefinedError{x.msg}
	case []any:
		for _, e := range x {
			if err := strictWithin(e, depth+1); err != nil {
				return err
			}
		}
	case tuple:
		for _, e := range x {
			if err := strictWithin(e, depth+1); err != nil {
				return err
			}
		}
	case *dict:
		for _, e := range x.All() {
			if err := strictWithin(e, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// typeRepr names a value's type as Jinja2 does in undefined messages.
func typeRepr(v any) string {
	switch v.(type) {
	case nil:
		return "'None'" // Jinja2's repr of object_type_repr(None)
	case *dict:
		return "'dict object'"
	case []any:
		return "'list object'"
	case tuple:
		return "'tuple object'"
	case string:
		return "'str object'"
	case int, *big.Int:
		return "'int object'"
	case float64:
		return "'float object'"
	case bool:
		return "'bool object'"
	case *varsValue:
		return "'ansible.vars.hostvars.HostVarsVars object'"
	case *hostVarsValue:
		return "'ansible.vars.hostvars.HostVars object'"
	case *templateModule:
		return "'jinja2.environment.TemplateModule object'"
	case *loopObj:
		return "'jinja2.runtime.LoopContext object'"
	case *selfRef:
		return "'jinja2.runtime.TemplateReference object'"
	}
	return fmt.Sprintf("'%T object'", v)
}

// normalize converts foreign Go data (int64, float32, []string,
// map[any]any, json.Number...) into this package's value types, copying
// only what has to change.
func normalize(v any) any {
	switch x := v.(type) {
	case nil, bool, int, float64, string, *undefined, *function, *namespace, tuple:
		return v
	case *big.Int:
		return intValue(x)
	case []any:
		var out []any
		for i, e := range x {
			n := normalize(e)
			if out == nil && !same(n, e) {
				out = make([]any, len(x))
				copy(out, x[:i])
			}
			if out != nil {
				out[i] = n
			}
		}
		if out == nil {
			return x
		}
		return out
	case *dict:
		var out *dict
		for k, e := range x.All() {
			n := normalize(e)
			if out == nil && !same(n, e) {
				out = x.Copy()
			}
			if out != nil {
				out.Set(k, n)
			}
		}
		if out == nil {
			return x
		}
		return out
	case map[string]any:
		// Go code's maps have no order: sorted, as Ansible prints them.
		return normalize(value.FromMap(x))
	case Unsafe:
		return normalize(x.V)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[str(normalize(k))] = e
		}
		return normalize(m)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normalize(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		m := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			m[str(normalize(it.Key().Interface()))] = it.Value().Interface()
		}
		return normalize(m)
	}
	return v
}

// same reports whether two values are the identical Go value, without
// comparing uncomparable types.
func same(a, b any) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb {
		return false
	}
	if ta == nil || !ta.Comparable() {
		switch x := a.(type) {
		case []any:
			y := b.([]any)
			return len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
		case tuple:
			y := b.(tuple)
			return len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
		}
		return ta == nil
	}
	return a == b
}

// truthy is Python's truth test.
func truthy(v any) bool {
	switch x := v.(type) {
	case *hostVarsValue:
		return len(x.hv.Hosts()) > 0
	case pyTimedelta:
		return x.us != 0
	}
	return value.Truthy(v)
}

// str is Python's str().
func str(v any) string {
	if p, ok := v.(pyObject); ok {
		return p.pyStr()
	}
	return value.Str(v)
}

// The template package's own objects print as Jinja2's (value.Reprer).

func (m *templateModule) Repr() string { return m.out }

func (l *loopObj) Repr() string {
	return fmt.Sprintf("<LoopContext %v/%v>", l.attrs["index"], l.attrs["length"])
}

func (s *selfRef) Repr() string { return "<TemplateReference " + value.Quote(s.tc.name) + ">" }

func (d pyDatetime) Repr() string { return d.pyRepr() }

func (d pyTimedelta) Repr() string { return d.pyRepr() }

// integer returns v as an int when it is an int or bool.
func integer(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// compare orders a and b as Python's < does, failing for mixed types.
func compare(a, b any) (int, error) {
	if c, ok := compareTime(a, b); ok {
		return c, nil
	}
	if c, ok := compareBig(a, b); ok {
		return c, nil
	}
	if fa, ok := value.Float(a); ok {
		if fb, ok := value.Float(b); ok {
			switch {
			case fa < fb:
				return -1, nil
			case fa > fb:
				return 1, nil
			}
			return 0, nil
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), nil
		}
	case []any, tuple:
		l, _ := asSeq(x)
		if r, ok := asSeq(b); ok && pyType(a) == pyType(b) {
			for i := 0; i < len(l) && i < len(r); i++ {
				if !value.Equal(l[i], r[i]) {
					return compare(l[i], r[i])
				}
			}
			return compareInts(len(l), len(r)), nil
		}
	}
	return 0, &typeError{fmt.Sprintf("'<' not supported between instances of '%s' and '%s'", pyType(a), pyType(b))}
}

func compareInts(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pyType is the Python type name of a value, for error messages.
func pyType(v any) string {
	switch x := v.(type) {
	case *undefined:
		return "AnsibleUndefined"
	case *loopObj:
		return "LoopContext"
	case pyObject:
		return x.pyTypeName()
	}
	return value.TypeName(v)
}

// contains is Python's "needle in haystack".
func contains(haystack, needle any) (bool, error) {
	switch h := haystack.(type) {
	case string:
		n, ok := needle.(string)
		if !ok {
			return false, fmt.Errorf("'in <string>' requires string as left operand, not %s", pyType(needle))
		}
		return strings.Contains(h, n), nil
	case []any, tuple:
		items, _ := asSeq(h)
		for _, e := range items {
			if value.Equal(e, needle) {
				return true, nil
			}
		}
		return false, nil
	case *dict:
		k, ok := needle.(string)
		if !ok {
			return false, nil
		}
		return h.Has(k), nil
	case *hostVarsValue:
		k, _ := needle.(string)
		_, found := h.hv.Host(k)
		return found, nil
	case *varsValue:
		k, _ := needle.(string)
		_, found := h.ev.vars.Lookup(k)
		return found, nil
	}
	return false, fmt.Errorf("argument of type '%s' is not iterable", pyType(haystack))
}

// iterate lists the items a for loop or filter walks over.
func iterate(v any) ([]any, error) {
	if err := strict(v); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case []any:
		return x, nil
	case tuple:
		return x, nil
	case *dict:
		return toList(x.Keys()), nil
	case string:
		out := make([]any, 0, len(x))
		for _, r := range x {
			out = append(out, string(r))
		}
		return out, nil
	case *hostVarsValue:
		hosts := x.hv.Hosts()
		out := make([]any, len(hosts))
		for i, h := range hosts {
			out[i] = h
		}
		return out, nil
	}
	return nil, fmt.Errorf("'%s' object is not iterable", pyType(v))
}

// length is Python's len().
func length(v any) (int, error) {
	switch x := v.(type) {
	case string:
		return len([]rune(x)), nil
	case []any:
		return len(x), nil
	case tuple:
		return len(x), nil
	case *dict:
		return x.Len(), nil
	case *hostVarsValue:
		return len(x.hv.Hosts()), nil
	}
	return 0, fmt.Errorf("object of type '%s' has no len()", pyType(v))
}
