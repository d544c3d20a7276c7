package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/testcluster"
)

// accountsRecording holds ansible-playbook's runs of testdata/accounts
// (see testdata/ansible/README); GANSIBLE_RECORD=1 re-records them.
const accountsRecording = "testdata/ansible/accounts"

// accountsHost is the one host of testdata/accounts/inventory.
const accountsHost = "acct01.lab.hdlocal"

// TestAccounts runs testdata/accounts/site.yml (group, user and
// authorized_key beyond what the hdfs repo does: check mode, changes,
// repeated tasks, state=absent, failures) twice on a fresh host and
// compares each run with ansible-playbook's.
func TestAccounts(t *testing.T) {
	f := shared(t)
	if os.Getenv("GANSIBLE_RECORD") == "1" {
		recordAccounts(t, f)
	}
	want := []hdfsRun{loadRecordedRun(t, accountsRecording, "run-1"), loadRecordedRun(t, accountsRecording, "run-2")}
	c := startCluster(t, f, []string{accountsHost}, false)
	repo := accountsProject(t)
	for i, w := range want {
		r := runGansible(t, f, c, repo)
		snap := normalizeAccounts(snapshotAll(t, c), accountsVolatile)
		t.Run(w.name, func(t *testing.T) {
			sameAsHDFSRun(t, r, snap, w)
			if i == 0 {
				checkNoHashInArgv(t, r)
			}
		})
	}
}

// accountsVolatile: the generated key pair's bytes are new each run.
func accountsVolatile(_, p string) bool {
	return strings.HasPrefix(p, "/home/alice/.ssh/id_ed25519")
}

// accountsProject copies testdata/accounts into a fresh directory.
func accountsProject(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "accounts")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"site.yml", "inventory"} {
		b, err := os.ReadFile(filepath.Join("testdata", "accounts", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// checkNoHashInArgv: gansible's output (which shows no command lines)
// must not carry the hash either.
func checkNoHashInArgv(t *testing.T, r result) {
	t.Helper()
	if strings.Contains(r.output, "$6$AGLYCh0AM8JGAN46") {
		t.Errorf("the password hash is in the output:\n%s", r.output)
	}
}

func recordAccounts(t *testing.T, f fixture) {
	t.Helper()
	c := startCluster(t, f, []string{accountsHost}, true)
	repo := accountsProject(t)
	for _, name := range []string{"run-1", "run-2"} {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		out, _ := c.AnsiblePlaybook(ctx, repo).CombinedOutput()
		cancel()
		if _, err := testcluster.ParseRecap(string(out)); err != nil {
			t.Fatalf("ansible-playbook (%s): %v\n%s", name, err, out)
		}
		saveRecordedRun(t, accountsRecording, hdfsRun{name: name, output: string(out), snapshot: normalizeAccounts(snapshotAll(t, c), accountsVolatile)})
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
}
