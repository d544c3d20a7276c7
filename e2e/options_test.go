package e2e

import (
	"testing"

	"github.com/gansible/gansible/testcluster"
)

// TestCheckMode: --check on fresh hosts changes no file. As with
// ansible-playbook, the package install then fails, since the rpm was
// never copied.
func TestCheckMode(t *testing.T) {
	f := shared(t)
	c := startCluster(t, f, allHosts, false)
	repo := prepareRepo(t, f)
	before := snapshotAll(t, c)
	r := runGansible(t, f, c, repo, "--check")
	checkUnchanged(t, before, snapshotAll(t, c))
	sameAsRecorded(t, r, "check.txt", 2)
}

// TestTagsNothing: the repo tags nothing, so --tags with a tag no task has
// runs only fact gathering, which is tagged "always".
func TestTagsNothing(t *testing.T) {
	f := shared(t)
	c := startCluster(t, f, allHosts, false)
	repo := prepareRepo(t, f)
	before := snapshotAll(t, c)
	r := runGansible(t, f, c, repo, "--tags", "nothing")
	checkUnchanged(t, before, snapshotAll(t, c))
	sameAsRecorded(t, r, "tags-nothing.txt", 0)
}

// TestLimitSlaves: --limit slaves configures the slaves, and only them:
// the masters, absent from the cluster, are never contacted.
func TestLimitSlaves(t *testing.T) {
	f := shared(t)
	want := loadSiteExpectations(t)
	c := startCluster(t, f, slaves, false)
	repo := prepareRepo(t, f)
	r := runGansible(t, f, c, repo, "--limit", "slaves")
	if r.exitCode != 0 {
		t.Errorf("exit code %d, want 0; output:\n%s", r.exitCode, r.output)
	}
	recaps := map[string]testcluster.Recap{}
	for _, h := range slaves {
		recaps[h] = want.recap(t, h, 1)
		want.checkHost(t, c, h)
	}
	checkRecap(t, r, recaps)
}

// TestExtraVars: -e beats every other variable, here the zk_myid of each
// master's host_vars.
func TestExtraVars(t *testing.T) {
	f := shared(t)
	want := loadSiteExpectations(t)
	c := startCluster(t, f, masters, false)
	repo := prepareRepo(t, f)
	r := runGansible(t, f, c, repo, "--limit", "masters", "-e", "zk_myid=42")
	if r.exitCode != 0 {
		t.Errorf("exit code %d, want 0; output:\n%s", r.exitCode, r.output)
	}
	recaps := map[string]testcluster.Recap{}
	myid := "42"
	for _, h := range masters {
		recaps[h] = want.recap(t, h, 1)
		err := checkPath(c.Root(h), pathExpectation{Path: "/etc/zookeeper/myid", Type: "file", Mode: "0644", Content: &myid},
			func(s string) string { return s })
		if err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	checkRecap(t, r, recaps)
}
