package modules

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

func TestCommonPath(t *testing.T) {
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{"/opt/src"}, "/opt/"},
		{[]string{"/opt/src/a.txt", "/opt/src/sub"}, "/opt/src/"},
		{[]string{"/opt/src/a.txt", "/opt/nope"}, "/opt/"},
		// commonprefix works on characters: /a/bc/ and /a/bd/ share /a/b.
		{[]string{"/a/bc/x", "/a/bd/y"}, "/a/"},
		{[]string{"/x", "/y"}, "/"},
		{[]string{"rel"}, ""},
	} {
		if got := commonPath(tc.paths); got != tc.want {
			t.Errorf("commonPath(%q) = %q, want %q", tc.paths, got, tc.want)
		}
	}
}

// TestWalkOrder: os.walk's top-down order, dirs before files in each dir,
// find's order kept within a dir, links to dirs listed but not entered.
func TestWalkOrder(t *testing.T) {
	tree := "f/t/b\nd/t/z\nf/t/z/1\nl/t/link\nd/t/a\nf/t/a/2\nf/t/link/3"
	want := []string{"/t/z", "/t/link", "/t/a", "/t/b", "/t/z/1", "/t/a/2"}
	if got := walkOrder("/t", tree); !reflect.DeepEqual(got, want) {
		t.Errorf("walkOrder = %q, want %q", got, want)
	}
}

// TestArchiveLocal archives a tree on this machine twice: the second run
// finds the same members and reports no change; remove then takes the
// sources.
func TestArchiveLocal(t *testing.T) {
	for _, tool := range []string{"tar", "gzip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip("no " + tool)
		}
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(filepath.Join(src, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a.txt", "sub/b.log"} {
		if err := os.WriteFile(filepath.Join(src, f), []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(dir, "src.tgz")
	run := func(extra map[string]any) *Result {
		t.Helper()
		args := Args{"path": []any{src}, "dest": dest}
		for k, v := range extra {
			args[k] = v
		}
		m, _ := Lookup("community.general.archive")
		v, err := Validate("archive", m, args)
		if err != nil {
			t.Fatal(err)
		}
		c := &Context{Ctx: context.Background(), Conn: envConn{env: map[string]string{"PATH": os.Getenv("PATH"), "HOME": dir}}}
		res, err := m.Run(c, v)
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed {
			t.Fatalf("failed: %s %v", res.Msg, res.Fields)
		}
		return res
	}
	first := run(map[string]any{"exclusion_patterns": []any{"*.log"}})
	if !first.Changed || first.Fields["dest_state"] != "archive" || first.Fields["arcroot"] != dir+"/" {
		t.Fatalf("first: %+v", first)
	}
	if got := first.Fields["archived"].([]any); len(got) != 2 { // sub and a.txt, not b.log
		t.Fatalf("archived %v", got)
	}
	if again := run(map[string]any{"exclusion_patterns": []any{"*.log"}}); again.Changed {
		t.Fatalf("again: %+v", again)
	}
	if more := run(nil); !more.Changed {
		t.Fatalf("one member more, unchanged: %+v", more)
	}
	run(map[string]any{"remove": true})
	if _, err := os.Stat(src); !os.IsNotExist(err) {
		t.Fatalf("remove left the sources: %v", err)
	}
	out, err := exec.Command("tar", "-tzf", dest).Output()
	if err != nil || string(out) != "src/sub/\nsrc/a.txt\nsrc/sub/b.log\n" && string(out) != "src/a.txt\nsrc/sub/\nsrc/sub/b.log\n" {
		t.Fatalf("members %q, %v", out, err)
	}
}
