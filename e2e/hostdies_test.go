package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/testcluster"
)

// TestHostDiesMidRun: a host whose sshd and every other process die while
// a task runs on it is reported UNREACHABLE once and left out of the rest
// of the play; the other hosts finish it, and the exit code is
// ansible-playbook's for an unreachable host.
func TestHostDiesMidRun(t *testing.T) {
	f := shared(t)
	hosts := allHosts[:3]
	dies := hosts[1]
	c := startCluster(t, f, hosts, false)
	const play = `- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
    - shell: touch "$HOME/started"; sleep 5
    - command: "true"
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "play.yml"), []byte(play), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.gansible, "play.yml", "-i", c.InventoryFile(), "-u", testcluster.User)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	done := make(chan result, 1)
	go func() { done <- execRun(t, cmd) }()

	// Kill the host once the long task has started on it.
	started := `test -e "$(getent passwd ` + testcluster.User + ` | cut -d: -f6)/started" && echo yes || true`
	deadline := time.Now().Add(2 * time.Minute)
	for strings.TrimSpace(inHost(t, c, dies, started)) != "yes" {
		if time.Now().After(deadline) {
			t.Fatal("the long task never started on " + dies)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := c.StopHost(dies); err != nil {
		t.Fatal(err)
	}
	r := <-done

	if r.exitCode != 4 {
		t.Errorf("exit code %d, want 4", r.exitCode)
	}
	reported := regexp.MustCompile(`(?m)^fatal: \[` + regexp.QuoteMeta(dies) + `\]: UNREACHABLE! => `)
	if n := len(reported.FindAllString(r.output, -1)); n != 1 {
		t.Errorf("%s reported UNREACHABLE %d times, want once", dies, n)
	}
	want := map[string]testcluster.Recap{dies: {OK: 1, Changed: 1, Unreachable: 1}}
	for _, h := range hosts {
		if h != dies {
			want[h] = testcluster.Recap{OK: 3, Changed: 3}
		}
	}
	checkRecap(t, r, want)
	if t.Failed() {
		t.Logf("output:\n%s", r.output)
	}
}
