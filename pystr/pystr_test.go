package pystr

import "testing"

func TestUnescape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, ``},
		{`plain`, `plain`},
		{`a\nb\tc\rd`, "a\nb\tc\rd"},
		{`\a\b\f\v`, "\a\b\f\v"},
		{`\\ \' \"`, `\ ' "`},
		{`\x41\u00e9\U0001F600`, "Aé😀"},
		{`\101\0\7x`, "A\x00\x07x"},
		{`\1234`, "S4"},
		{`\q \xZZ \x4`, `\q \xZZ \x4`},
		{`ends with \`, `ends with \`},
	} {
		if got := Unescape(tc.in); got != tc.want {
			t.Errorf("Unescape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUnescapeKV(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`a\nb\tc`, "a\nb\tc"},
		{`\x41\u00e9`, "Aé"},
		{`a=\1x \0 \101`, `a=\1x \0 \101`},
		{`\\1`, `\1`},
	} {
		if got := UnescapeKV(tc.in); got != tc.want {
			t.Errorf("UnescapeKV(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
