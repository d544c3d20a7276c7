package modules

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReplaceEdit checks the edit against what Ansible 2.14's replace
// produces for the same arguments.
func TestReplaceEdit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    Args
		in, out string
		n       int
		nomatch bool
	}{
		{"every match", Args{"regexp": "a", "replace": "b"}, "aXa\na\n", "bXb\nb\n", 3, false},
		{"multiline anchors", Args{"regexp": `^(\w+)=(\d+)$`, "replace": `\2=\1`}, "k=1\nj=2\n", "1=k\n2=j\n", 2, false},
		{"no match", Args{"regexp": "z", "replace": "y"}, "abc\n", "abc\n", 0, false},
		{"same text is no change", Args{"regexp": "a", "replace": "a"}, "abc\n", "abc\n", 0, false},
		{"after only", Args{"regexp": "x", "replace": "y", "after": "mid"}, "x mid x\n", "x mid y\n", 1, false},
		{"before only", Args{"regexp": "x", "replace": "y", "before": "mid"}, "x mid x\n", "y mid x\n", 1, false},
		{"between, lazily", Args{"regexp": "x", "replace": "y", "after": "<", "before": ">"}, "x<x>x<x>\n", "x<y>x<x>\n", 1, false},
		{"section of runes", Args{"regexp": "é", "replace": "e", "after": "ü"}, "é ü é\n", "é ü e\n", 1, false},
		{"after without a match", Args{"regexp": "x", "replace": "y", "after": "nope"}, "x\n", "x\n", 0, true},
		{"named group", Args{"regexp": `(?P<k>\w+):`, "replace": `\g<k>=`}, "a: 1\n", "a= 1\n", 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, err := Validate("replace", replaceModule{}, withPath(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			e, err := replaceEditFrom(args)
			if err != nil {
				t.Fatal(err)
			}
			out, n, msg, err := e.apply(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if out != tt.out || n != tt.n || (msg != "") != tt.nomatch {
				t.Errorf("got %q, %d, %q; want %q, %d, no match %v", out, n, msg, tt.out, tt.n, tt.nomatch)
			}
		})
	}
}

func withPath(a Args) Args {
	out := Args{"path": "/x"}
	for k, v := range a {
		out[k] = v
	}
	return out
}

func TestReplace(t *testing.T) {
	t.Parallel()
	conf := func(t *testing.T, dir string) { write(t, filepath.Join(dir, "conf"), "port=80\nhost=a\n", 0o640) }
	runIdempotence(t, "replace", []idempotenceCase{{
		name:   "replace keeps the mode",
		setup:  conf,
		args:   Args{"path": "$DIR/conf", "regexp": "^port=80$", "replace": "port=8080"},
		files:  []wantFile{{"conf", "port=8080\nhost=a\n", 0o640}},
		fields: map[string]any{"rc": 0},
	}, {
		name:  "mode alone",
		setup: conf,
		args:  Args{"path": "$DIR/conf", "regexp": "nothing", "mode": "0600"},
		files: []wantFile{{"conf", "port=80\nhost=a\n", 0o600}},
	}, {
		name:  "through a link",
		setup: func(t *testing.T, dir string) { conf(t, dir); symlink(t, "conf", filepath.Join(dir, "link")) },
		args:  Args{"path": "$DIR/link", "regexp": "host=a", "replace": "host=b"},
		files: []wantFile{{"conf", "port=80\nhost=b\n", 0o640}},
	}})
}

func TestReplaceFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "conf"), "a\n", 0o644)
	tests := []struct {
		name string
		args Args
		msg  string
	}{
		{"missing", Args{"path": dir + "/nope", "regexp": "a"}, "Path " + dir + "/nope does not exist !"},
		{"directory", Args{"path": dir, "regexp": "a"}, "Path " + dir + " is a directory !"},
		{"bad regexp", Args{"path": dir + "/conf", "regexp": "("}, ""},
		{"validation", Args{"path": dir + "/conf", "regexp": "a", "replace": "b", "validate": "false %s"}, "failed to validate: rc:1 error:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runModule(t, testContext(t, nil), "replace", tt.args)
			if !res.Failed || (tt.msg != "" && res.Msg != tt.msg) {
				t.Errorf("got failed=%v %q, want %q", res.Failed, res.Msg, tt.msg)
			}
		})
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
