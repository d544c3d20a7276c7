package playbooks_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/testcluster"
)

// TestBundledPlaybookOnCluster runs the bundled playbook with gansible on
// hosts without Python, checks that a second run changes nothing, and
// that gansible leaves the hosts, and its recap, as ansible-playbook does.
func TestBundledPlaybookOnCluster(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("end-to-end test on a local SSH cluster; set GANSIBLE_E2E=1")
	}
	refenv.Require(t, "ansible-core", "python3-jinja2", "python3-yaml", "python3-passlib")
	ctx := t.Context()
	dir := t.TempDir()
	gansible := filepath.Join(dir, "gansible")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", gansible, "github.com/gansible/gansible/cmd/gansible").CombinedOutput(); err != nil {
		t.Fatalf("building gansible: %v\n%s", err, out)
	}
	standins := filepath.Join(dir, "standins")
	if err := testcluster.BuildStandins(ctx, standins); err != nil {
		t.Fatal(err)
	}
	hosts := inventoryHosts(t, "hosts.ini")

	c := startCluster(t, hosts, standins, false)
	out := runPlaybook(t, c, standins, gansible)
	first := recapOf(t, out, hosts)
	for h, r := range first {
		if r.Failed != 0 || r.Unreachable != 0 || r.Changed == 0 {
			t.Errorf("first run, %s: %+v; want changes and no failure", h, r)
		}
	}
	got, err := c.SnapshotAll()
	if err != nil {
		t.Fatal(err)
	}
	for h, r := range recapOf(t, runPlaybook(t, c, standins, gansible), hosts) {
		if r.Changed != 0 || r.Failed != 0 {
			t.Errorf("second run, %s: %+v; want nothing changed", h, r)
		}
	}

	ac := startCluster(t, hosts, standins, true)
	if ansible := recapOf(t, runPlaybook(t, ac, standins, "ansible-playbook"), hosts); !reflect.DeepEqual(first, ansible) {
		t.Errorf("recap of the first run:\ngansible:         %+v\nansible-playbook: %+v", first, ansible)
	}
	want, err := ac.SnapshotAll()
	if err != nil {
		t.Fatal(err)
	}
	if diffs := testcluster.DiffAll(want, got); len(diffs) > 0 {
		t.Errorf("hosts after gansible differ from hosts after ansible-playbook:\n%s", strings.Join(diffs, "\n"))
	}
}

func inventoryHosts(t *testing.T, path string) []string {
	t.Helper()
	inv, err := inventory.Load([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range inv.Hosts() {
		names = append(names, h.Name)
	}
	return names
}

// startCluster starts the hosts, stopped again when the test ends.
func startCluster(t *testing.T, hosts []string, standins string, python bool) *testcluster.Cluster {
	t.Helper()
	state := t.TempDir() // removed after the cluster is stopped
	c, err := testcluster.Start(t.Context(), testcluster.Options{Hosts: hosts, StateDir: state, Python: python, StandinDir: standins})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("stopping the cluster: %v", err)
		}
	})
	return c
}

// runPlaybook runs site.yml against the cluster with program (gansible
// or ansible-playbook) and returns its output; a failed run fails the test.
func runPlaybook(t *testing.T, c *testcluster.Cluster, standins, program string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), program, "site.yml",
		"-i", "hosts.ini", "-i", c.InventoryFile(), "--forks", "6",
		"-e", "mesos_package_dir="+standins)
	home := filepath.Join(c.StateDir(), "ansible")
	cmd.Env = append(os.Environ(),
		"ANSIBLE_HOME="+home,
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(home, "tmp"),
		"ANSIBLE_SSH_CONTROL_PATH_DIR="+filepath.Join(home, "cp"),
		"ANSIBLE_RETRY_FILES_ENABLED=0",
		"ANSIBLE_NOCOLOR=1",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	return string(out)
}

// recapOf parses the play recap and checks that it lists every host.
func recapOf(t *testing.T, out string, hosts []string) map[string]testcluster.Recap {
	t.Helper()
	recap, err := testcluster.ParseRecap(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(recap) != len(hosts) {
		t.Fatalf("recap lists %d hosts, want %d:\n%s", len(recap), len(hosts), out)
	}
	return recap
}
