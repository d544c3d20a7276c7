package modules

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLineEdit checks the edit itself against what Ansible 2.14 produces.
func TestLineEdit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    Args
		in, out string
		msg     string
	}{
		{"append", Args{"line": "c"}, "a\nb\n", "a\nb\nc\n", "line added"},
		{"append after a missing newline", Args{"line": "c"}, "a\nb", "a\nb\nc\n", "line added"},
		{"present already", Args{"line": "b"}, "a\nb\nc\n", "a\nb\nc\n", ""},
		{"replace by regexp", Args{"regexp": "^b=", "line": "b=2"}, "a=1\nb=1\nc=1\n", "a=1\nb=2\nc=1\n", "line replaced"},
		{"last match replaced", Args{"regexp": "^x", "line": "x9"}, "x1\nx2\n", "x1\nx9\n", "line replaced"},
		{"firstmatch", Args{"regexp": "^x", "line": "x9", "firstmatch": true}, "x1\nx2\n", "x9\nx2\n", "line replaced"},
		{"regexp without match appends", Args{"regexp": "^z", "line": "z=1"}, "a\n", "a\nz=1\n", "line added"},
		{"insertafter regexp", Args{"line": "new", "insertafter": "^a"}, "a\nb\n", "a\nnew\nb\n", "line added"},
		{"insertbefore regexp", Args{"line": "new", "insertbefore": "^b"}, "a\nb\n", "a\nnew\nb\n", "line added"},
		{"insertbefore BOF", Args{"line": "new", "insertbefore": "BOF"}, "a\n", "new\na\n", "line added"},
		{"insertafter no match goes to end", Args{"line": "new", "insertafter": "^q"}, "a\n", "a\nnew\n", "line added"},
		{"backrefs", Args{"regexp": `^(\w+)=(\d+)$`, "line": `\2=\1 \g<1>$`, "backrefs": true}, "k=5\n", "5=k k$\n", "line replaced"},
		{"backrefs without match", Args{"regexp": "^nomatch", "line": "x", "backrefs": true}, "a\n", "a\n", ""},
		{"lookahead", Args{"regexp": "^(?!#)key=", "line": "key=2"}, "#key=old\nkey=1\nab ab\n", "#key=old\nkey=2\nab ab\n", "line replaced"},
		{"backreference in regexp", Args{"regexp": `^(ab) \1$`, "line": `dup \1`, "backrefs": true}, "#key=old\nkey=1\nab ab\n", "#key=old\nkey=1\ndup ab\n", "line replaced"},
		{"named group and lookahead", Args{"regexp": `^(?P<k>key)=(?=\d)`, "line": `\g<k>: \g<0>`, "backrefs": true}, "#key=old\nkey=1\nab ab\n", "#key=old\nkey: key=\nab ab\n", "line replaced"},
		{"search string", Args{"search_string": "b=", "line": "b=2"}, "a\nb=1\n", "a\nb=2\n", "line replaced"},
		{"absent by line", Args{"line": "b", "state": "absent"}, "a\nb\nc\nb\n", "a\nc\n", "2 line(s) removed"},
		{"absent by regexp", Args{"regexp": "^#", "state": "absent"}, "#x\na\n", "a\n", "1 line(s) removed"},
		{"absent nothing", Args{"line": "q", "state": "absent"}, "a\n", "a\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := lineEditFrom(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			out, msg, _ := e.apply([]byte(tt.in))
			if string(out) != tt.out || msg != tt.msg {
				t.Errorf("got %q (%q), want %q (%q)", out, msg, tt.out, tt.msg)
			}
		})
	}
}

func TestLineinfile(t *testing.T) {
	t.Parallel()
	conf := func(t *testing.T, dir string) { write(t, filepath.Join(dir, "conf"), "a=1\nb=1\n", 0o600) }
	runIdempotence(t, "lineinfile", []idempotenceCase{{
		name:   "replace keeps the mode",
		setup:  conf,
		args:   Args{"path": "$DIR/conf", "regexp": "^b=", "line": "b=2"},
		files:  []wantFile{{"conf", "a=1\nb=2\n", 0o600}},
		fields: map[string]any{"backup": ""},
	}, {
		name:  "create",
		args:  Args{"dest": "$DIR/sub/new", "line": "x", "create": "yes", "mode": "0640"},
		files: []wantFile{{"sub/new", "x\n", 0o640}},
	}, {
		name:  "mode only",
		setup: conf,
		args:  Args{"path": "$DIR/conf", "line": "a=1", "mode": "0644"},
		files: []wantFile{{"conf", "a=1\nb=1\n", 0o644}},
	}, {
		name:   "absent",
		setup:  conf,
		args:   Args{"path": "$DIR/conf", "regexp": "^a", "state": "absent"},
		files:  []wantFile{{"conf", "b=1\n", 0o600}},
		fields: map[string]any{"found": 1},
	}})
}

func TestLineinfileMessages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "conf"), "a\n", 0o644)
	c := testContext(t, nil)
	res := mustSucceed(t, runModule(t, c, "lineinfile", Args{"path": dir + "/conf", "line": "b", "mode": "0600"}))
	if res.Msg != "line added and ownership, perms or SE linux context changed" {
		t.Errorf("msg %q", res.Msg)
	}
	tests := []struct {
		args Args
		msg  string
	}{
		{Args{"path": dir + "/missing", "line": "x"}, "Destination " + dir + "/missing does not exist !"},
		{Args{"path": dir, "line": "x"}, "Path " + dir + " is a directory !"},
		{Args{"path": dir + "/conf"}, "line is required with state=present"},
		{Args{"path": dir + "/conf", "line": "x", "backrefs": true}, "regexp is required with backrefs=true"},
		{Args{"path": dir + "/conf", "state": "absent"}, "one of line, search_string, or regexp is required with state=absent"},
	}
	for _, tt := range tests {
		res := runModule(t, c, "lineinfile", tt.args)
		if !res.Failed || res.Msg != tt.msg {
			t.Errorf("lineinfile %v: failed=%v msg %q, want %q", tt.args, res.Failed, res.Msg, tt.msg)
		}
	}
	if _, err := os.Stat(dir + "/missing"); err == nil {
		t.Errorf("missing file created")
	}
	m, _ := Lookup("lineinfile")
	if _, err := Validate("lineinfile", m, Args{"path": "/x", "line": "y", "bogus": 1}); err == nil {
		t.Errorf("unknown parameter accepted")
	}
}
