package template

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Values are plain Go data with Python semantics: nil (None), bool, int,
// float64, string, []any (list and tuple), map[string]any (dict), plus the
// few types below.

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
	return &undefined{fmt.Sprintf("%s has no element %s", strings.Trim(typeRepr(obj), "'"), repr(name))}
}

// tuple is a Python tuple: a list that prints with parentheses. Tuples
// become []any when values leave the package.
type tuple []any

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
type namespace struct{ attrs map[string]any }

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
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if err := strictWithin(x[k], depth+1); err != nil {
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
		return "None"
	case map[string]any:
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
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			n := normalize(e)
			if out == nil && !same(n, e) {
				out = make(map[string]any, len(x))
				for k2, e2 := range x {
					out[k2] = e2
				}
			}
			if out != nil {
				out[k] = n
			}
		}
		if out == nil {
			return x
		}
		return out
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
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[str(normalize(k))] = normalize(e)
		}
		return out
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
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			out[str(normalize(it.Key().Interface()))] = normalize(it.Value().Interface())
		}
		return out
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
		case map[string]any:
			return reflect.ValueOf(x).Pointer() == reflect.ValueOf(b).Pointer()
		}
		return ta == nil
	}
	return a == b
}

// truthy is Python's truth test.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int:
		return x != 0
	case *big.Int:
		return x.Sign() != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case tuple:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	case *hostVarsValue:
		return len(x.hv.Hosts()) > 0
	case pyTimedelta:
		return x.us != 0
	}
	return true
}

// str is Python's str().
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case *big.Int:
		return x.String()
	case float64:
		return formatFloat(x)
	case pyObject:
		return x.pyStr()
	}
	return repr(v)
}

// repr is Python's repr().
func repr(v any) string {
	var sb strings.Builder
	writeRepr(&sb, v)
	return sb.String()
}

func writeRepr(sb *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		sb.WriteString(quotePython(x))
	case []any:
		sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeRepr(sb, e)
		}
		sb.WriteByte(']')
	case tuple:
		sb.WriteByte('(')
		for i, e := range x {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeRepr(sb, e)
		}
		if len(x) == 1 {
			sb.WriteByte(',')
		}
		sb.WriteByte(')')
	case map[string]any:
		sb.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(quotePython(k))
			sb.WriteString(": ")
			writeRepr(sb, x[k])
		}
		sb.WriteByte('}')
	case *function:
		fmt.Fprintf(sb, "<function %s>", x.name)
	case *templateModule:
		sb.WriteString(x.out)
	case *loopObj:
		fmt.Fprintf(sb, "<LoopContext %v/%v>", x.attrs["index"], x.attrs["length"])
	case *selfRef:
		fmt.Fprintf(sb, "<TemplateReference %s>", quotePython(x.tc.name))
	case *namespace:
		sb.WriteString("<Namespace ")
		writeRepr(sb, x.attrs)
		sb.WriteString(">")
	case *hostVarsValue:
		sb.WriteString("{")
		for i, h := range x.hv.Hosts() {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(quotePython(h))
			sb.WriteString(": {...}")
		}
		sb.WriteString("}")
	case *varsValue:
		sb.WriteString("{...}")
	case nil, bool, int, *big.Int, float64:
		sb.WriteString(str(v))
	case pyObject:
		sb.WriteString(x.pyRepr())
	case *undefined:
		// Reached only where the undefined value is not an error (a
		// default(..)-less repr of a list from map, say); Jinja2 writes
		// this. str would come back here for any type it lacks.
		sb.WriteString("Undefined")
	default:
		fmt.Fprintf(sb, "%v", v)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// quotePython quotes s the way Python's repr does.
func quotePython(s string) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = '"'
	}
	var sb strings.Builder
	sb.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			sb.WriteString(`\\`)
		case r == rune(q):
			sb.WriteByte('\\')
			sb.WriteByte(q)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte(q)
	return sb.String()
}

// formatFloat is Python's repr of a float.
func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs >= 1e16 || abs < 1e-4) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		if len(exp) < 2 {
			exp = fmt.Sprintf("%02s", exp)
		}
		return mant + "e" + string(sign) + exp
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// number returns v as a float64 and whether it is a number (bools count,
// as in Python).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

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

// equal is Python's ==.
func equal(a, b any) bool {
	if c, ok := compareBig(a, b); ok || c == 2 {
		return ok && c == 0
	}
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && equalItems(x, y)
	case tuple:
		y, ok := b.(tuple)
		return ok && equalItems(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	}
	return same(a, b)
}

func equalItems(x, y []any) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

// compare orders a and b as Python's < does, failing for mixed types.
func compare(a, b any) (int, error) {
	if c, ok := compareTime(a, b); ok {
		return c, nil
	}
	if c, ok := compareBig(a, b); ok {
		return c, nil
	}
	if fa, ok := number(a); ok {
		if fb, ok := number(b); ok {
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
				if !equal(l[i], r[i]) {
					return compare(l[i], r[i])
				}
			}
			return compareInts(len(l), len(r)), nil
		}
	}
	return 0, fmt.Errorf("'<' not supported between instances of '%s' and '%s'", pyType(a), pyType(b))
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
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []any:
		return "list"
	case tuple:
		return "tuple"
	case map[string]any:
		return "dict"
	case *undefined:
		return "AnsibleUndefined"
	case *loopObj:
		return "LoopContext"
	case pyObject:
		return x.pyTypeName()
	}
	return fmt.Sprintf("%T", v)
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
			if equal(e, needle) {
				return true, nil
			}
		}
		return false, nil
	case map[string]any:
		k, ok := needle.(string)
		if !ok {
			return false, nil
		}
		_, found := h[k]
		return found, nil
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
	case map[string]any:
		keys := sortedKeys(x)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = k
		}
		return out, nil
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
	case map[string]any:
		return len(x), nil
	case *hostVarsValue:
		return len(x.hv.Hosts()), nil
	}
	return 0, fmt.Errorf("object of type '%s' has no len()", pyType(v))
}
