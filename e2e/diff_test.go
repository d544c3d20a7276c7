package e2e

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDiff: after a variable changes, --diff shows each changed template
// as ansible-playbook does, and the run notifies the handlers of the
// changed upstart jobs.
func TestDiff(t *testing.T) {
	hosts := []string{"cent01.lab.hdlocal", "slave1.lab.hdlocal"}
	limit := strings.Join(hosts, ",")
	f := shared(t)
	c := startCluster(t, f, hosts, false)
	repo := prepareRepo(t, f)
	if r := runGansible(t, f, c, repo, "--limit", limit); r.exitCode != 0 {
		t.Fatalf("first run: exit code %d; output:\n%s", r.exitCode, r.output)
	}
	setJavaHome(t, repo, "/usr/lib/jvm/jre-1.8.0")
	r := runGansible(t, f, c, repo, "--limit", limit, "--diff")
	sameAsRecorded(t, r, "diff.txt", 0)
	want := diffBlocks(recordedRun(t, "diff.txt"))
	got := diffBlocks(r.output)
	if len(want) == 0 {
		t.Fatal("testdata/ansible/diff.txt holds no diff")
	}
	if d := lineDiff(want, got); d != "" {
		t.Errorf("diffs differ from ansible-playbook's (-ansible +gansible):\n%s", d)
	}
	if t.Failed() {
		t.Logf("gansible output:\n%s", r.output)
	}
}

var javaHomeLine = regexp.MustCompile(`(?m)^java_home: .*$`)

// setJavaHome changes java_home in the repo's group_vars/all, which the
// mesos-master and mesos-slave upstart templates use.
func setJavaHome(t *testing.T, repo, value string) {
	t.Helper()
	file := filepath.Join(repo, "group_vars", "all")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !javaHomeLine.Match(b) {
		t.Fatalf("%s: no java_home", file)
	}
	if err := os.WriteFile(file, javaHomeLine.ReplaceAll(b, []byte("java_home: "+value)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// diffBlocks returns the distinct diffs of a --diff run's output, each as
// one string, sorted. The "after" header names a temporary file, so only
// its base name is kept.
func diffBlocks(output string) []string {
	var blocks []string
	var cur []string
	end := func() {
		if cur != nil {
			if b := strings.Join(cur, "\n"); !slices.Contains(blocks, b) {
				blocks = append(blocks, b)
			}
			cur = nil
		}
	}
	for _, l := range strings.Split(output, "\n") {
		switch {
		case strings.HasPrefix(l, "--- before"):
			end()
			cur = []string{l}
		case cur == nil:
		case strings.HasPrefix(l, "+++ after: "):
			cur = append(cur, "+++ after: "+path.Base(strings.TrimPrefix(l, "+++ after: ")))
		case strings.HasPrefix(l, "@@"), strings.HasPrefix(l, " "), strings.HasPrefix(l, "-"),
			strings.HasPrefix(l, "+"), strings.HasPrefix(l, `\`):
			cur = append(cur, l)
		default:
			end()
		}
	}
	end()
	slices.Sort(blocks)
	return blocks
}
