package modules

import (
	"path/filepath"
	"testing"
)

// TestBlockEdit checks the edit against what Ansible 2.14's blockinfile
// produces for the same arguments.
func TestBlockEdit(t *testing.T) {
	t.Parallel()
	const m0, m1 = "# BEGIN ANSIBLE MANAGED BLOCK\n", "# END ANSIBLE MANAGED BLOCK\n"
	tests := []struct {
		name string
		args Args
		in   *string
		out  string
		msg  string
	}{
		{"append", Args{"block": "x"}, str("a\n"), "a\n" + m0 + "x\n" + m1, "Block inserted"},
		{"append after a missing newline", Args{"block": "x"}, str("a"), "a\n" + m0 + "x\n" + m1, "Block inserted"},
		{"present already", Args{"block": "x"}, str("a\n" + m0 + "x\n" + m1), "a\n" + m0 + "x\n" + m1, ""},
		{"replaced in place", Args{"block": "y", "insertbefore": "BOF"}, str("a\n" + m0 + "x\n" + m1 + "b\n"), "a\n" + m0 + "y\n" + m1 + "b\n", "Block inserted"},
		{"markers reversed", Args{"block": "y"}, str(m1 + "a\n" + m0), m0 + "y\n" + m1, "Block inserted"},
		{"bof", Args{"block": "x", "insertbefore": "BOF"}, str("a\n"), m0 + "x\n" + m1 + "a\n", "Block inserted"},
		{"after the last match", Args{"block": "x", "insertafter": "^k"}, str("k1\nk2\nz\n"), "k1\nk2\n" + m0 + "x\n" + m1 + "z\n", "Block inserted"},
		{"before, no match goes to the end", Args{"block": "x", "insertbefore": "^q"}, str("a\n"), "a\n" + m0 + "x\n" + m1, "Block inserted"},
		{"multiline pattern", Args{"block": "x", "insertafter": `(?m)^a\nb$`}, str("a\nb\nc\n"), "a\nb\n" + m0 + "x\n" + m1 + "c\n", "Block inserted"},
		{"custom markers", Args{"block": "x", "marker": "<{mark}>", "marker_begin": "1", "marker_end": "2"}, str(""), "<1>\nx\n<2>\n", "Block inserted"},
		{"removed", Args{"state": "absent"}, str("a\n" + m0 + "x\n" + m1), "a\n", "Block removed"},
		{"empty block removes", Args{"block": ""}, str(m0 + "x\n" + m1), "", "Block removed"},
		{"new file", Args{"block": "x"}, nil, m0 + "x\n" + m1, "File created"},
		{"crlf lines", Args{"block": "x", "insertafter": "^a"}, str("a\r\nb\r\n"), "a\r\n" + m0 + "x\n" + m1 + "b\r\n", "Block inserted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, err := Validate("blockinfile", blockinfileModule{}, withPath(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			e, err := blockEditFrom(args)
			if err != nil {
				t.Fatal(err)
			}
			var in []byte
			if tt.in != nil {
				in = []byte(*tt.in)
			}
			out, msg, err := e.apply(in)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.out || msg != tt.msg {
				t.Errorf("got %q (%q), want %q (%q)", out, msg, tt.out, tt.msg)
			}
		})
	}
}

func str(s string) *string { return &s }

func TestInlineMultiline(t *testing.T) {
	for p, want := range map[string]bool{"(?m)^a": true, "(?im)x": true, "(?i)(?m)x": true, "(?m:x)": false, "^a": false, "a(?m)": false} {
		if got := inlineMultiline(p); got != want {
			t.Errorf("inlineMultiline(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestBlockinfile(t *testing.T) {
	t.Parallel()
	conf := func(t *testing.T, dir string) { write(t, filepath.Join(dir, "conf"), "a=1\n", 0o640) }
	runIdempotence(t, "blockinfile", []idempotenceCase{{
		name:  "insert keeps the mode",
		setup: conf,
		args:  Args{"path": "$DIR/conf", "block": "b=2"},
		files: []wantFile{{"conf", "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nb=2\n# END ANSIBLE MANAGED BLOCK\n", 0o640}},
	}, {
		name:  "create in a new directory with a mode",
		args:  Args{"path": "$DIR/sub/new", "block": "b=2", "create": true, "mode": "0600"},
		files: []wantFile{{"sub/new", "# BEGIN ANSIBLE MANAGED BLOCK\nb=2\n# END ANSIBLE MANAGED BLOCK\n", 0o600}},
	}})
}
