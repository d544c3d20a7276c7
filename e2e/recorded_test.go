package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gansible/gansible/testcluster"
)

// recordedRun is the output of an ansible-playbook run kept under
// testdata/ansible (see its README).
func recordedRun(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ansible", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameAsRecorded checks that r ended as ansible-playbook's recorded run of
// the same command did: exit code, task outcomes and recap.
func sameAsRecorded(t *testing.T, r result, name string, exitCode int) {
	t.Helper()
	want := recordedRun(t, name)
	if r.exitCode != exitCode {
		t.Errorf("exit code %d, want %d as ansible-playbook", r.exitCode, exitCode)
	}
	if d := lineDiff(taskResults(want), taskResults(r.output)); d != "" {
		t.Errorf("task outcomes differ from ansible-playbook's (-ansible +gansible):\n%s", d)
	}
	recap, err := testcluster.ParseRecap(want)
	if err != nil {
		t.Fatalf("testdata/ansible/%s: %v", name, err)
	}
	checkRecap(t, r, recap)
	if t.Failed() {
		t.Logf("gansible output:\n%s", r.output)
	}
}

// checkUnchanged reports files that differ between two snapshots of the
// cluster's hosts.
func checkUnchanged(t *testing.T, before, after map[string]map[string]testcluster.FileInfo) {
	t.Helper()
	for _, d := range testcluster.DiffAll(before, after) {
		t.Errorf("changed: %s", d)
	}
}
