package e2e

import (
	"regexp"
	"testing"

	"github.com/gansible/gansible/testcluster"
)

// TestUnreachableHost: a master whose sshd is down is reported
// UNREACHABLE and left out of the rest of the run; the other hosts are
// configured in full and the exit code is ansible-playbook's for an
// unreachable host.
func TestUnreachableHost(t *testing.T) {
	const down = "cent02.lab.hdlocal"
	f := shared(t)
	want := loadSiteExpectations(t)
	c := startCluster(t, f, allHosts, false)
	repo := prepareRepo(t, f)
	if err := c.StopHost(down); err != nil {
		t.Fatal(err)
	}
	r := runGansible(t, f, c, repo)

	if r.exitCode != 4 {
		t.Errorf("exit code %d, want 4", r.exitCode)
	}
	reported := regexp.MustCompile(`(?m)^fatal: \[` + regexp.QuoteMeta(down) + `\]: UNREACHABLE! => `)
	if n := len(reported.FindAllString(r.output, -1)); n != 1 {
		t.Errorf("%s reported UNREACHABLE %d times, want once", down, n)
	}
	recaps := map[string]testcluster.Recap{down: {Unreachable: 1}}
	for _, h := range allHosts {
		if h != down {
			recaps[h] = want.recap(t, h, 1)
			want.checkHost(t, c, h)
		}
	}
	checkRecap(t, r, recaps)
	if t.Failed() {
		t.Logf("output:\n%s", r.output)
	}
}
