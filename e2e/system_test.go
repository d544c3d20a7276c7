package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/testcluster"
)

// startSystemdCluster boots one systemd host (see
// testcluster.Options.ServiceManager) and stops it when the test ends.
func startSystemdCluster(t *testing.T, f fixture, host string, python bool) *testcluster.Cluster {
	t.Helper()
	c, err := testcluster.Start(context.Background(), testcluster.Options{
		Hosts: []string{host}, StateDir: t.TempDir(), Python: python,
		StandinDir: f.standins, ServiceManager: testcluster.Systemd,
	})
	if err != nil {
		t.Fatalf("starting cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("stopping cluster: %v", err)
		}
	})
	return c
}

// TestSystemModulesMatchAnsible runs testdata/system/site.yml (systemd,
// sysctl, mount, cron, wait_for, script on a systemd host) with gansible
// on one host and with ansible-playbook on another, and compares what
// changed on the hosts and the recaps.
func TestSystemModulesMatchAnsible(t *testing.T) {
	f := shared(t)
	refenv.Require(t, "ansible-core")
	ansible, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Fatal(err)
	}
	const host = "sys1.lab.hdlocal"
	g := startSystemdCluster(t, f, host, false)
	a := startSystemdCluster(t, f, host, true)
	project, err := filepath.Abs("testdata/system")
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := onHost(g, host, "cat /proc/1/comm; test -d /run/systemd/system && echo booted"); err != nil || out != "systemd\nbooted\n" {
		t.Fatalf("the host does not look systemd-managed: %q %v", out, err)
	}
	run := func(prog string, c *testcluster.Cluster) result {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, prog, "site.yml", "-i", c.InventoryFile(), "-u", testcluster.User)
		cmd.Dir = project
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "ANSIBLE_NOCOLOR=1")
		return execRun(t, cmd)
	}
	want := run(ansible, a)
	got := run(f.gansible, g)
	t.Logf("recap: ansible-playbook %+v, gansible %+v", want.recap[host], got.recap[host])
	if want.exitCode != 0 {
		t.Fatalf("ansible-playbook exited %d:\n%s", want.exitCode, want.output)
	}
	if got.exitCode != want.exitCode {
		t.Errorf("exit code %d, ansible-playbook's %d", got.exitCode, want.exitCode)
	}
	if got.recap[host] != want.recap[host] {
		t.Errorf("recap %+v, ansible-playbook's %+v", got.recap[host], want.recap[host])
	}
	ws, err := a.Snapshot(host)
	if err != nil {
		t.Fatal(err)
	}
	gs, err := g.Snapshot(host)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/var/log/gansible-init.log", "/var/lib/init-standin/gansible-demo", "/etc/cron.d/gansible", "/etc/sysctl.d/90-gansible.conf", "/var/tmp/gansible-script"} {
		if _, ok := ws[p]; !ok {
			t.Errorf("ansible-playbook's run left no %s: the comparison would not see it", p)
		}
	}
	if d := testcluster.Diff(ws, gs); len(d) > 0 {
		t.Errorf("the hosts differ (ansible-playbook's, then gansible's):\n%v", d)
	}
	if t.Failed() {
		t.Logf("gansible output:\n%s\nansible-playbook output:\n%s", got.output, want.output)
	}
}
