package yamlvalue

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gansible/gansible/value"
)

// FuzzDecode parses and decodes arbitrary YAML. Properties:
//   - a parse or decode error is an *Error naming the file, at a line of
//     the input (or none);
//   - decoding is deterministic;
//   - the decoded value, written back as YAML flow text, decodes to the
//     same value (so the scalar resolution rules agree with themselves).
//
// The corpus in testdata/fuzz/FuzzDecode holds the alias bomb that once
// made Decode run for hours.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"a: 1\nb: [yes, no, 0644, 0x1f, 1.5, ~, .inf]\n",
		"- &x {a: 1}\n- <<: *x\n  b: 2\n",
		"k: !unsafe '{{ x }}'\nl: |\n  text\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yml"
		// libyaml places an error at the end of the stream one line past the last, as PyYAML reports it.
		lines := yamlLines(data) + 1
		node, err := Parse(name, data)
		if err != nil {
			checkPosError(t, err, name, lines)
			return
		}
		v, err := Decode(name, node)
		if err != nil {
			checkPosError(t, err, name, lines)
			return
		}
		again, err := Decode(name, node)
		if err != nil || !sameValue(v, again) {
			t.Fatalf("second decode differs: %#v / %#v, %v", v, again, err)
		}
		text, ok := flowYAML(v)
		if !ok {
			return
		}
		node2, err := Parse(name, []byte(text))
		if err != nil {
			t.Fatalf("re-encoded value %q does not parse: %v", text, err)
		}
		v2, err := Decode(name, node2)
		if err != nil {
			t.Fatalf("re-encoded value %q does not decode: %v", text, err)
		}
		if !sameValue(v, v2) {
			t.Fatalf("round trip through %q: got %#v, want %#v", text, v2, v)
		}
	})
}

// yamlLines counts the lines of data as YAML does: \r\n, \r, \n, NEL,
// LS and PS each end one.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, br := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		n += strings.Count(s, br)
	}
	return n
}

// checkPosError checks that err is an *Error in file name at one of its
// lines (line 0: the error has no line).
func checkPosError(t *testing.T, err error, name string, lines int) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %q (%T) is not a *yamlvalue.Error", err, err)
	}
	if pe.Pos.File != name || pe.Pos.Line < 0 || pe.Pos.Line > lines {
		t.Fatalf("error %q: position %v outside %s (%d lines)", err, pe.Pos, name, lines)
	}
	if !strings.HasPrefix(err.Error(), name) {
		t.Fatalf("error %q does not start with the file name", err)
	}
}

// flowYAML writes v (as Decode returns it) as one line of YAML flow
// text. ok is false for values it cannot write exactly: strings that are
// not valid UTF-8 (YAML cannot carry them).
func flowYAML(v any) (string, bool) {
	var b strings.Builder
	ok := writeFlow(&b, v)
	return b.String(), ok
}

func writeFlow(b *strings.Builder, v any) bool {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		switch {
		case math.IsNaN(x):
			b.WriteString(".nan")
		case math.IsInf(x, 1):
			b.WriteString(".inf")
		case math.IsInf(x, -1):
			b.WriteString("-.inf")
		default:
			// YAML 1.1 floats need a dot, and a signed exponent.
			s := strconv.FormatFloat(x, 'e', -1, 64)
			mant, exp, _ := strings.Cut(s, "e")
			if !strings.Contains(mant, ".") {
				mant += ".0"
			}
			b.WriteString(mant + "e" + exp)
		}
	case string:
		return writeQuoted(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writeFlow(b, e) {
				return false
			}
		}
		b.WriteByte(']')
	case *value.Dict:
		b.WriteByte('{')
		for i, k := range x.Keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writeQuoted(b, k) {
				return false
			}
			b.WriteString(": ")
			e, _ := x.Get(k)
			if !writeFlow(b, e) {
				return false
			}
		}
		b.WriteByte('}')
	default:
		return false
	}
	return true
}

// writeQuoted writes s as a YAML double-quoted scalar, escaping all but
// printable ASCII.
func writeQuoted(b *strings.Builder, s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r <= 0xffff:
			b.WriteString(`\u` + strconv.FormatInt(int64(r)|0x10000, 16)[1:])
		default:
			b.WriteString(`\U` + strconv.FormatInt(int64(r)|0x100000000, 16)[1:])
		}
	}
	b.WriteByte('"')
	return true
}

// sameValue is reflect.DeepEqual with NaN equal to itself.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y && math.Signbit(x) == math.Signbit(y) || math.IsNaN(x) && math.IsNaN(y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case *value.Dict:
		y, ok := b.(*value.Dict)
		if !ok || !slices.Equal(x.Keys(), y.Keys()) {
			return false
		}
		for k, v := range x.All() {
			w, _ := y.Get(k)
			if !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
