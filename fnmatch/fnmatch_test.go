package fnmatch

import "testing"

// TestMatch checks names against patterns as Python 3.11's
// fnmatch.fnmatch answers.
func TestMatch(t *testing.T) {
	tests := []struct {
		pat, name string
		want      bool
	}{
		{"*.txt", "a.txt", true},
		{"*.txt", "a.txt.bak", false},
		{"*", "dir/file", true},
		{"?.log", "a.log", true},
		{"?.log", "ab.log", false},
		{"[ab]*", "beta", true},
		{"[!ab]*", "beta", false},
		{"[!ab]*", "gamma", true},
		{"[]x]", "]", true},
		{"[a-c]x", "bx", true},
		{"[", "[", true},
		{"a[", "a[", true},
		{`\*`, `\x`, true},
		{"^a", "^a", true},
		{"a.b", "aXb", false},
		{"*.TXT", "a.txt", false},
		{"a\nb", "a\nb", true},
		{"*", "a\nb", true},
	}
	for _, tt := range tests {
		p, err := Compile(tt.pat)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.pat, err)
			continue
		}
		if got := p.Match(tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v (%s)", tt.pat, tt.name, got, tt.want, Translate(tt.pat))
		}
	}
}
