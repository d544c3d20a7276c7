package value

import (
	"math"
	"strings"
	"testing"
)

// The expected values are Python 3's int(s, base).
func TestParseInt(t *testing.T) {
	for _, tt := range []struct {
		s    string
		base int
		want string // Repr of the result, "" when Python raises ValueError
	}{
		{"42", 10, "42"},
		{"-42", 10, "-42"},
		{"+7", 10, "7"},
		{"ff", 16, "255"},
		{"0x1f", 0, "31"},
		{"0b101", 0, "5"},
		{"9223372036854775807", 10, "9223372036854775807"},
		{"9223372036854775808", 10, "9223372036854775808"},
		{"-99999999999999999999", 10, "-99999999999999999999"},
		{"+99999999999999999999", 10, "99999999999999999999"},
		{"+-1", 10, ""},
		{"1", 1, ""},
		{"1", 37, ""},
		{"12a", 10, ""},
		{strings.Repeat("9", MaxIntBits/3+1), 10, ""},
	} {
		got, ok := ParseInt(tt.s, tt.base)
		if ok != (tt.want != "") || ok && Repr(got) != tt.want {
			t.Errorf("ParseInt(%.20q, %d) = %v, %v; want %q", tt.s, tt.base, got, ok, tt.want)
		}
		if _, isInt := got.(int); ok && !isInt && len(tt.want) < 19 {
			t.Errorf("ParseInt(%q, %d) = %T, want an int", tt.s, tt.base, got)
		}
	}
}

// The expected results are Python 3's int(v), its message when it raises.
func TestPyInt(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want int
		err  string
	}{
		{true, 1, ""},
		{false, 0, ""},
		{7, 7, ""},
		{2.9, 2, ""},
		{-2.9, -2, ""},
		{" 7 \n", 7, ""},
		{"1_0", 10, ""},
		{"+5", 5, ""},
		{Unsafe{V: "3"}, 3, ""},
		{"+-1", 0, "invalid literal for int() with base 10: '+-1'"},
		{"1__0", 0, "invalid literal for int() with base 10: '1__0'"},
		{"_1", 0, "invalid literal for int() with base 10: '_1'"},
		{"1.5", 0, "invalid literal for int() with base 10: '1.5'"},
		{"", 0, "invalid literal for int() with base 10: ''"},
		{math.NaN(), 0, "cannot convert float NaN to integer"},
		{math.Inf(-1), 0, "cannot convert float infinity to integer"},
		{nil, 0, "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"},
		{[]any{}, 0, "int() argument must be a string, a bytes-like object or a real number, not 'list'"},
	} {
		got, err := PyInt(tt.v)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("PyInt(%#v) error = %v, want %q", tt.v, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("PyInt(%#v) = %d, %v, want %d", tt.v, got, err, tt.want)
		}
	}
}
