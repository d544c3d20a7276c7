package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/testcluster"
)

// TestSite runs the repo as its README says, twice, on hosts without
// Python, checks what it leaves on every host and compares it with what
// ansible-playbook does with the adapted repo on a cluster of its own.
func TestSite(t *testing.T) {
	f := shared(t)
	want := loadSiteExpectations(t)
	c := startCluster(t, f, allHosts, false)
	repo := prepareRepo(t, f)

	first := runGansible(t, f, c, repo)
	firstSnapshots := snapshotAll(t, c)
	t.Run("fresh run", func(t *testing.T) {
		if first.exitCode != 0 {
			t.Errorf("exit code %d, want 0; output:\n%s", first.exitCode, first.output)
		}
		recaps := map[string]testcluster.Recap{}
		for _, h := range allHosts {
			recaps[h] = want.recap(t, h, 1)
		}
		checkRecap(t, first, recaps)
		for _, h := range allHosts {
			want.checkHost(t, c, h)
		}
	})

	second := runGansible(t, f, c, repo)
	secondSnapshots := snapshotAll(t, c)
	t.Run("second run", func(t *testing.T) {
		if second.exitCode != 0 {
			t.Errorf("exit code %d, want 0; output:\n%s", second.exitCode, second.output)
		}
		// Only the init log grows: "chkconfig --add zookeeper" again.
		for _, d := range testcluster.DiffAll(firstSnapshots, secondSnapshots) {
			if !strings.Contains(d, ": /var/log/gansible-init.log: ") {
				t.Errorf("changed by the second run: %s", d)
			}
		}
		recaps := map[string]testcluster.Recap{}
		for _, h := range allHosts {
			recaps[h] = want.recap(t, h, 2)
		}
		checkRecap(t, second, recaps)
		for _, h := range allHosts {
			want.checkHost(t, c, h)
		}
	})

	t.Run("same as ansible-playbook", func(t *testing.T) {
		runs := ansibleBaseline(t, f)
		if d := testcluster.DiffAll(runs[0].Snapshots, firstSnapshots); len(d) > 0 {
			t.Errorf("files changed by the fresh run differ from ansible-playbook's (got vs want):\n%s", strings.Join(d, "\n"))
		}
		for i, r := range []result{first, second} {
			if d := lineDiff(taskResults(runs[i].Output), taskResults(r.output)); d != "" {
				t.Errorf("run %d: task outcomes differ from ansible-playbook's (-ansible +gansible):\n%s", i+1, d)
			}
			checkRecap(t, r, runs[i].Recap)
		}
	})
}

// ansibleBaseline runs ansible-playbook twice on the adapted repo against
// a fresh cluster with Python, which it stops before returning.
func ansibleBaseline(t *testing.T, f fixture) []testcluster.PlaybookRun {
	t.Helper()
	t.Setenv("GANSIBLE_MESOS_REPO", f.repo)
	state := filepath.Join(t.TempDir(), "ansible-cluster")
	runs, err := testcluster.RunAnsibleBaseline(context.Background(), state, f.standins, 2)
	if err != nil {
		t.Fatalf("ansible-playbook baseline: %v", err)
	}
	return runs
}
