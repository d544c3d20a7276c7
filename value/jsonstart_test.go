package value

import "testing"

func TestJSONStartError(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when Python's error is not reproduced
	}{
		{"- hosts: all\n", "Expecting value: line 1 column 1 (char 0)"},
		{"---\n- a\n", "Expecting value: line 1 column 1 (char 0)"},
		{"\n\n- hosts: all\n", "Expecting value: line 3 column 1 (char 2)"},
		{"  # c\nx: 1\n", "Expecting value: line 1 column 3 (char 2)"},
		{"", "Expecting value: line 1 column 1 (char 0)"},
		{`{"a": [1, 2}`, ""},
		{"[1, 2", ""},
		{"-1 x", ""},
		{"-Infinity x", ""},
		{"true x", ""},
	}
	for _, tt := range tests {
		got, ok := JSONStartError(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("JSONStartError(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}
