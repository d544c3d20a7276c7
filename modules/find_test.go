package modules

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gansible/gansible/value"
)

func TestFind(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"a.txt", "b.log", ".h.txt", "sub/s.txt", "sub/deep/d.txt", ".hd/in.txt"} {
		write(t, filepath.Join(dir, f), f+"\n", 0o644)
	}
	if err := os.Symlink("sub", filepath.Join(dir, "ln")); err != nil {
		t.Fatal(err)
	}
	// The counts and paths are what Ansible 2.14's find gives on this tree.
	tests := []struct {
		name     string
		args     Args
		paths    []string // sorted, relative to dir
		examined int
	}{
		{"top level glob", Args{"patterns": "*.txt"}, []string{"a.txt"}, 6},
		{"recurse", Args{"patterns": "*.txt", "recurse": true}, []string{".hd/in.txt", "a.txt", "sub/deep/d.txt", "sub/s.txt"}, 10},
		{"depth", Args{"patterns": "*.txt", "recurse": true, "depth": 1, "hidden": true}, []string{".h.txt", "a.txt"}, 9},
		{"follow", Args{"patterns": "s.txt", "recurse": true, "follow": true}, []string{"ln/s.txt", "sub/s.txt"}, 13},
		{"directories", Args{"file_type": "directory", "recurse": true}, []string{"sub", "sub/deep"}, 10},
		{"regex and excludes", Args{"patterns": `^[ab]\.`, "excludes": `.*log`, "use_regex": true}, []string{"a.txt"}, 6},
		{"contains", Args{"contains": "^b", "recurse": true}, []string{"b.log"}, 10},
		{"size", Args{"size": "6", "file_type": "any"}, []string{"a.txt", "b.log", "ln", "sub"}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := Args{"paths": dir}
			for k, v := range tt.args {
				args[k] = v
			}
			res := mustSucceed(t, runModule(t, testContext(t, nil), "find", args))
			var got []string
			for _, f := range res.Fields["files"].([]any) {
				p, _ := f.(*value.Dict).Get("path")
				rel, _ := filepath.Rel(dir, p.(string))
				got = append(got, rel)
			}
			sortStrings(got)
			if !equalStrings(got, tt.paths) || res.Fields["examined"] != tt.examined || res.Fields["matched"] != len(tt.paths) {
				t.Errorf("got %q examined %v, want %q examined %d", got, res.Fields["examined"], tt.paths, tt.examined)
			}
		})
	}
}

// TestFindWalkOrder checks that the files of a directory come before its
// subdirectories, and a directory's entries before those of its
// subdirectories, as os.walk yields them.
func TestFindWalkOrder(t *testing.T) {
	fp := &foundPath{path: "/r"}
	for _, e := range []struct {
		p   string
		dir bool
	}{{"/r/d1", true}, {"/r/d1/x", false}, {"/r/f1", false}, {"/r/d2", true}, {"/r/d2/y", false}} {
		fp.entries = append(fp.entries, &foundEntry{remoteFile: remoteFile{Path: e.p, Exists: true}, isDir: e.dir})
	}
	var order []string
	n, _ := fp.walk(false, func(e *foundEntry, _ int) bool { order = append(order, e.rel); return true })
	want := []string{"f1", "d1", "d2", "d1/x", "d2/y"}
	if !equalStrings(order, want) || n != 5 {
		t.Errorf("walk order %q (%d), want %q", order, n, want)
	}
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
