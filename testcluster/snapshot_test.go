package testcluster

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestIsNoise(t *testing.T) {
	f, err := os.Open("testdata/noise.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verdict, path, ok := strings.Cut(line, " ")
		if !ok || (verdict != "noise" && verdict != "keep") {
			t.Fatalf("bad line %q", line)
		}
		n++
		if got := IsNoise(path); got != (verdict == "noise") {
			t.Errorf("IsNoise(%q) = %v, want %v", path, got, !got)
		}
	}
	if n == 0 {
		t.Fatal("no cases")
	}
}

// TestSnapshotUpper builds an upper and a lower dir by hand, as overlayfs
// would leave them, and checks what counts as changed.
func TestSnapshotUpper(t *testing.T) {
	root := t.TempDir()
	upper, lower := filepath.Join(root, "upper"), filepath.Join(root, "lower")
	mk := func(dir string, mode os.FileMode) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, mode)
	}
	write := func(path, content string, mode os.FileMode) {
		mk(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, mode)
	}
	// Copied up only because of what is inside: not a change.
	mk(filepath.Join(lower, "etc"), 0o755)
	mk(filepath.Join(upper, "etc"), 0o755)
	// New directory and a file with no trailing newline.
	write(filepath.Join(upper, "etc/zookeeper-3.4.6/myid"), "1", 0o644)
	// A directory whose mode changed.
	mk(filepath.Join(lower, "srv"), 0o755)
	mk(filepath.Join(upper, "srv"), 0o700)
	if err := os.Symlink("zookeeper-3.4.6", filepath.Join(upper, "etc/zookeeper")); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(upper, "var/log/wtmp"), "noise", 0o664)
	whiteouts := syscall.Mknod(filepath.Join(upper, "etc/gone"), syscall.S_IFCHR, 0) == nil

	got, err := snapshotUpper(upper, []string{lower})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]FileInfo{
		"/etc/zookeeper-3.4.6":      {Path: "/etc/zookeeper-3.4.6", Type: "dir", Mode: "0755", UID: os.Getuid(), GID: os.Getgid()},
		"/etc/zookeeper-3.4.6/myid": {Path: "/etc/zookeeper-3.4.6/myid", Type: "file", Mode: "0644", UID: os.Getuid(), GID: os.Getgid(), Size: 1, SHA256: "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b", Content: "1"},
		"/etc/zookeeper":            {Path: "/etc/zookeeper", Type: "symlink", UID: os.Getuid(), GID: os.Getgid(), Content: "zookeeper-3.4.6"},
		"/srv":                      {Path: "/srv", Type: "dir", Mode: "0700", UID: os.Getuid(), GID: os.Getgid()},
		"/var":                      {Path: "/var", Type: "dir", Mode: "0755", UID: os.Getuid(), GID: os.Getgid()},
		"/var/log":                  {Path: "/var/log", Type: "dir", Mode: "0755", UID: os.Getuid(), GID: os.Getgid()},
	}
	if whiteouts {
		want["/etc/gone"] = FileInfo{Path: "/etc/gone", Type: "absent"}
	}
	if d := Diff(want, got); len(d) > 0 {
		t.Errorf("snapshot differs:\n%s", strings.Join(d, "\n"))
	}
}

func TestDiff(t *testing.T) {
	base := map[string]FileInfo{
		"/a": {Path: "/a", Type: "file", Mode: "0644", Content: "x", SHA256: "1"},
		"/b": {Path: "/b", Type: "dir", Mode: "0755"},
	}
	tests := []struct {
		name string
		got  map[string]FileInfo
		want []string
	}{
		{"equal", base, nil},
		{"missing", map[string]FileInfo{"/a": base["/a"]}, []string{"/b: missing (want dir 0755 0:0)"}},
		{"extra", map[string]FileInfo{"/a": base["/a"], "/b": base["/b"], "/c": {Type: "absent"}}, []string{"/c: unexpected absent"}},
		{"changed", map[string]FileInfo{
			"/a": {Path: "/a", Type: "file", Mode: "0600", UID: 1, Content: "y", SHA256: "2"},
			"/b": base["/b"],
		}, []string{`/a: mode 0600, want 0644; owner 1:0, want 0:0; content "y", want "x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(base, tt.got)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
