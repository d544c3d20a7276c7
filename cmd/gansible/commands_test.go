package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestDispatch: the command is chosen by the binary's name, then by the
// first argument; everything else is ansible-playbook.
func TestDispatch(t *testing.T) {
	saved := commands
	defer func() { commands = saved }()
	commands = map[string]command{
		"ansible-playbook": func(args []string, _ io.Reader, out, _ io.Writer) int {
			io.WriteString(out, "playbook "+strings.Join(args, " "))
			return 0
		},
		"ansible-test": func(args []string, _ io.Reader, out, _ io.Writer) int {
			io.WriteString(out, "test "+strings.Join(args, " "))
			return 3
		},
	}
	tests := []struct {
		argv0 string
		args  []string
		want  string
		code  int
	}{
		{"/usr/bin/ansible-test", []string{"a", "b"}, "test a b", 3},
		{"ansible-playbook", []string{"test"}, "playbook test", 0},
		{"gansible", []string{"test", "x"}, "test x", 3},
		{"gansible", []string{"site.yml"}, "playbook site.yml", 0},
		{"gansible", []string{"./test"}, "playbook ./test", 0}, // a path is a playbook
		{"./bin/gansible", []string{"unknown", "-v"}, "playbook unknown -v", 0},
		{"gansible", nil, "playbook ", 0},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		code := dispatch(tt.argv0, tt.args, nil, &out, io.Discard)
		if out.String() != tt.want || code != tt.code {
			t.Errorf("dispatch(%q, %q) = %q, %d; want %q, %d", tt.argv0, tt.args, out.String(), code, tt.want, tt.code)
		}
	}
}
