package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveOnHost(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"etc/zookeeper-3.4.6/conf", "etc/rc.d/init.d"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"etc/zookeeper": "zookeeper-3.4.6",
		"etc/init.d":    "rc.d/init.d",
		"etc/abs":       "/etc/zookeeper",
		"etc/escape":    "../../../../etc",
		"etc/loop":      "loop",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		path       string
		followLast bool
		want       string // relative to root; "" for an error
	}{
		{"/etc/zookeeper/myid", false, "etc/zookeeper-3.4.6/myid"},
		{"/etc/zookeeper", false, "etc/zookeeper"},
		{"/etc/zookeeper", true, "etc/zookeeper-3.4.6"},
		{"/etc/init.d/zookeeper", true, "etc/rc.d/init.d/zookeeper"},
		{"/etc/abs/conf/zoo.cfg", false, "etc/zookeeper-3.4.6/conf/zoo.cfg"},
		{"/etc/escape/zookeeper/myid", false, "etc/zookeeper-3.4.6/myid"},
		{"/../../etc/missing/x", true, "etc/missing/x"},
		{"/etc/loop/x", false, ""},
	}
	for _, tt := range tests {
		got, err := resolveOnHost(root, tt.path, tt.followLast)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("resolveOnHost(%s) = %s, want an error", tt.path, got)
		case tt.want != "" && err != nil:
			t.Errorf("resolveOnHost(%s): %v", tt.path, err)
		case tt.want != "" && got != filepath.Join(root, tt.want):
			t.Errorf("resolveOnHost(%s, %v) = %s, want %s", tt.path, tt.followLast, got, filepath.Join(root, tt.want))
		}
	}
}

func TestCheckPath(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc/zookeeper-3.4.6"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/zookeeper-3.4.6/myid"), []byte("1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("zookeeper-3.4.6", filepath.Join(root, "etc/zookeeper")); err != nil {
		t.Fatal(err)
	}
	text := func(s string) *string { return &s }
	expand := strings.NewReplacer("{myid}", "1").Replace
	tests := []struct {
		want pathExpectation
		ok   bool
	}{
		{pathExpectation{Path: "/etc/zookeeper/myid", Type: "file", Mode: "0644", Content: text("{myid}")}, true},
		{pathExpectation{Path: "/etc/zookeeper/myid", Type: "file", Content: text("1\n")}, false},
		{pathExpectation{Path: "/etc/zookeeper/myid", Type: "file", Mode: "0600"}, false},
		{pathExpectation{Path: "/etc/zookeeper/myid", Type: "file", Lines: []string{"1"}}, true},
		{pathExpectation{Path: "/etc/zookeeper/myid", Type: "file", Lines: []string{"2"}}, false},
		{pathExpectation{Path: "/etc/zookeeper", Type: "symlink", Target: "zookeeper-3.4.6"}, true},
		{pathExpectation{Path: "/etc/zookeeper", Type: "symlink", Target: "zookeeper"}, false},
		{pathExpectation{Path: "/etc/zookeeper", Type: "dir"}, false},
		{pathExpectation{Path: "/etc/zookeeper", Type: "absent"}, false},
		{pathExpectation{Path: "/etc/mesos/zk", Type: "absent"}, true},
		{pathExpectation{Path: "/etc/mesos/zk", Type: "file"}, false},
	}
	for _, tt := range tests {
		err := checkPath(root, tt.want, expand)
		if (err == nil) != tt.ok {
			t.Errorf("checkPath(%+v) = %v, want ok=%v", tt.want, err, tt.ok)
		}
	}
}
