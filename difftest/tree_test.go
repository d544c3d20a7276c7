package difftest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSnapshot(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "h1", "d"), 0o750))
	must(os.WriteFile(filepath.Join(root, "h1", "f"), []byte("path="+root+"/h1\n"), 0o600))
	must(os.Chmod(filepath.Join(root, "h1", "d"), 0o750))
	must(os.Symlink(filepath.Join(root, "h1", "f"), filepath.Join(root, "h1", "abs")))
	must(os.Symlink("f", filepath.Join(root, "h1", "rel")))

	got, err := Snapshot(root)
	must(err)
	want := Tree{
		"h1":     {Type: "dir", Perm: 0o755},
		"h1/d":   {Type: "dir", Perm: 0o750},
		"h1/f":   {Type: "file", Perm: 0o600, Content: "path=@OUT@/h1\n"},
		"h1/abs": {Type: "symlink", Content: "@OUT@/h1/f"},
		"h1/rel": {Type: "symlink", Content: "f"},
	}
	// The mode of h1 depends on the umask; take it from the disk.
	info, err := os.Stat(filepath.Join(root, "h1"))
	must(err)
	want["h1"] = Entry{Type: "dir", Perm: info.Mode().Perm()}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Snapshot =\n%v\nwant\n%v", got, want)
	}

	empty, err := Snapshot(filepath.Join(root, "missing"))
	if err != nil || len(empty) != 0 {
		t.Errorf("Snapshot(missing) = %v, %v; want empty tree", empty, err)
	}
}

func TestDiffTrees(t *testing.T) {
	want := Tree{"a": {Type: "file", Perm: 0o644, Content: "x"}, "d": {Type: "dir", Perm: 0o755}}
	tests := []struct {
		name  string
		got   Tree
		diffs int
	}{
		{"equal", Tree{"a": {Type: "file", Perm: 0o644, Content: "x"}, "d": {Type: "dir", Perm: 0o755}}, 0},
		{"content", Tree{"a": {Type: "file", Perm: 0o644, Content: "y"}, "d": {Type: "dir", Perm: 0o755}}, 1},
		{"mode", Tree{"a": {Type: "file", Perm: 0o600, Content: "x"}, "d": {Type: "dir", Perm: 0o755}}, 1},
		{"type", Tree{"a": {Type: "symlink", Content: "x"}, "d": {Type: "dir", Perm: 0o755}}, 1},
		{"missing and extra", Tree{"a": {Type: "file", Perm: 0o644, Content: "x"}, "e": {Type: "dir", Perm: 0o755}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := DiffTrees(want, tt.got); len(d) != tt.diffs {
				t.Errorf("DiffTrees gave %q, want %d differences", d, tt.diffs)
			}
		})
	}
}
