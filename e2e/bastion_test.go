package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/testcluster"
)

// TestBastion reaches a host through another, as a bastion: the inner
// host's address is a name only the bastion resolves (its /etc/hosts), so
// the run succeeds only if the connection goes through the bastion.
// The bastion's and the inner host's keys are both checked.
func TestBastion(t *testing.T) {
	f := shared(t)
	bastion, inner := slaves[0], slaves[1]
	c := startCluster(t, f, []string{bastion, inner}, false)
	inHost(t, c, bastion, fmt.Sprintf("echo '%s inner.internal' >> /etc/hosts", c.Addr(inner)))

	dir := t.TempDir()
	known, err := os.ReadFile(c.KnownHostsFile())
	if err != nil {
		t.Fatal(err)
	}
	// The inner host's key under the name the controller dials it by.
	var extra []string
	for _, line := range strings.Split(string(known), "\n") {
		if names, key, ok := strings.Cut(line, " "); ok && strings.HasPrefix(names, inner+",") {
			extra = append(extra, "inner.internal "+key)
		}
	}
	if len(extra) == 0 {
		t.Fatalf("no key of %s in %s", inner, c.KnownHostsFile())
	}
	knownFile := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(knownFile, []byte(string(known)+strings.Join(extra, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	play := `- hosts: all
  gather_facts: no
  tasks:
    - command: hostname
      register: name
    - copy: content="{{ name.stdout }} via bastion" dest=/tmp/reached
`
	if err := os.WriteFile(filepath.Join(dir, "play.yml"), []byte(play), 0o644); err != nil {
		t.Fatal(err)
	}
	inventory := func(commonArgs string) string {
		return fmt.Sprintf("inner ansible_host=inner.internal ansible_user=%s ansible_ssh_private_key_file=%s ansible_ssh_common_args=%q\n",
			testcluster.User, c.KeyFile(), commonArgs)
	}
	run := func(inv string) result {
		path := filepath.Join(dir, "hosts")
		if err := os.WriteFile(path, []byte(inv), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, f.gansible, "play.yml", "-i", path)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		return execRun(t, cmd)
	}

	// Without the bastion the name does not resolve: the host is
	// unreachable.
	if r := run(inventory("-o UserKnownHostsFile=" + knownFile)); r.exitCode != 4 {
		t.Fatalf("without a bastion: exit %d, want 4 (unreachable)\n%s", r.exitCode, r.output)
	}
	for _, args := range []string{
		fmt.Sprintf("-o UserKnownHostsFile=%s -o ProxyJump=%s@%s", knownFile, testcluster.User, c.Addr(bastion)),
		fmt.Sprintf("-o UserKnownHostsFile=%s -J %s@%s:22", knownFile, testcluster.User, c.Addr(bastion)),
	} {
		inHost(t, c, inner, "rm -f /tmp/reached")
		if r := run(inventory(args)); r.exitCode != 0 {
			t.Fatalf("through the bastion (%s): exit %d\n%s", args, r.exitCode, r.output)
		}
		got := inHost(t, c, inner, "cat /tmp/reached")
		if want := inner + " via bastion"; strings.TrimSpace(got) != want {
			t.Errorf("the inner host has %q, want %q", got, want)
		}
	}
	// A bastion whose key is not the one known is refused.
	badKnown := filepath.Join(dir, "known_hosts_bad")
	if err := os.WriteFile(badKnown, []byte(strings.Join(extra, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(inventory(fmt.Sprintf("-o UserKnownHostsFile=%s -o ProxyJump=%s@%s", badKnown, testcluster.User, c.Addr(bastion))))
	if r.exitCode == 0 || !strings.Contains(r.output, "jump host") {
		t.Errorf("with the bastion's key unknown: exit %d, want a failure naming the jump host\n%s", r.exitCode, r.output)
	}
}
