package value

import (
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
