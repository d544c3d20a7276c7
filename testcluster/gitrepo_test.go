package testcluster

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitRepoReproducible builds the repository twice: every ref names
// the same object each time, so cases can record commit ids.
func TestGitRepoReproducible(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	refs := func() string {
		dir := t.TempDir()
		if err := buildGitRepo(context.Background(), dir); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("git", "--git-dir", filepath.Join(dir, GitRepo), "for-each-ref", "--format=%(objectname) %(objecttype) %(refname)").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	first, second := refs(), refs()
	if first != second {
		t.Fatalf("two builds differ:\n%s\n%s", first, second)
	}
	for _, want := range []string{"commit refs/heads/master", "commit refs/heads/feature", "commit refs/tags/v1.0", "tag refs/tags/v2.0"} {
		if !strings.Contains(first, want) {
			t.Errorf("no %q in\n%s", want, first)
		}
	}
}
