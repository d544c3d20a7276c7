package e2e

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/gansible/gansible/testcluster"
)

// TestMesosThroughLatency runs the unmodified Mesos playbook on the six
// hosts through the latency proxies at 25 ms round trip (make
// bench-latency measures it at 0, 25 and 100 ms): a test that the proxy
// setup keeps working, so that the benchmark cannot rot. It checks the
// result, not the time.
func TestMesosThroughLatency(t *testing.T) {
	f := shared(t)
	want := loadSiteExpectations(t)
	c := startCluster(t, f, allHosts, false)
	lat, err := c.StartLatency(25 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer lat.Close()
	repo := prepareRepo(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.gansible, "site.yml", "-i", "inventory", "-i", lat.InventoryFile, "-u", testcluster.User)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	r := execRun(t, cmd)
	if r.exitCode != 0 {
		t.Fatalf("exit code %d, want 0; output:\n%s", r.exitCode, r.output)
	}
	recaps := map[string]testcluster.Recap{}
	for _, h := range allHosts {
		recaps[h] = want.recap(t, h, 1)
	}
	checkRecap(t, r, recaps)
	for _, h := range allHosts {
		want.checkHost(t, c, h)
	}
}
