package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gansible/gansible/testcluster"
)

// inHost runs a shell command as root inside host and returns its
// output; a failure fails the test.
func inHost(t *testing.T, c *testcluster.Cluster, host, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd, err := c.RootCommand(ctx, host, "/bin/sh", "-c", script)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %s: %v\n%s", host, script, err, out)
	}
	return string(out)
}

// runPlaybook writes play.yml and files into a fresh dir and runs
// gansible on it against the cluster.
func runPlaybook(t *testing.T, f fixture, c *testcluster.Cluster, play string, files map[string][]byte) result {
	t.Helper()
	dir := t.TempDir()
	files["play.yml"] = []byte(play)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.gansible, "play.yml", "-i", c.InventoryFile(), "-u", testcluster.User)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	return execRun(t, cmd)
}

// shellDirs lists the directories of host's own shell servers in its
// /tmp: those whose pid file names the host. (The machine's /tmp shows
// through the hosts' root overlay, with the shells of other runs on the
// machine.)
func shellDirs(t *testing.T, c *testcluster.Cluster, host string) string {
	t.Helper()
	return strings.TrimSpace(inHost(t, c, host, `for d in /tmp/.gansible-sh.*; do
	read -r pid name 2>/dev/null <"$d/pid" && [ "$name" = "$(hostname)" ] && echo "$d"
done; true`))
}

// TestHostDiskFull: a file copied to hosts whose temp dir is full, whose
// destination is full, or whose destination is read-only fails on those
// hosts with a message saying so; no byte of the file runs as a command,
// nothing half-written is left, and the other hosts finish, one of them
// with a read-only temp dir (its commands run in sessions of their own).
// Each line pair of the copied file is a request the hosts' shells would
// run if they ever read it as one.
func TestHostDiskFull(t *testing.T) {
	f := shared(t)
	tmpFull, destFull, destRO, fine, tmpRO := allHosts[0], allHosts[1], allHosts[2], allHosts[3], allHosts[4]
	hosts := []string{tmpFull, destFull, destRO, fine, tmpRO}
	c := startCluster(t, f, hosts, false)
	for _, h := range hosts {
		inHost(t, c, h, "mkdir -p /srv/ok /srv/small /srv/ro")
	}
	inHost(t, c, tmpFull, "mount -t tmpfs -o size=64k,mode=1777 tmpfs /tmp")
	inHost(t, c, destFull, "mount -t tmpfs -o size=64k tmpfs /srv/small")
	inHost(t, c, destRO, "mount -t tmpfs -o ro,size=64k tmpfs /srv/ro")
	inHost(t, c, tmpRO, "mount -t tmpfs -o ro,size=64k tmpfs /tmp")

	const stray = "/var/tmp/stray-command-ran"
	chunk := "abc 1 0\ntouch " + stray + "\n"
	big := bytes.Repeat([]byte(chunk), (1<<20)/len(chunk)+1)
	play := fmt.Sprintf(`- hosts: all
  gather_facts: no
  become: yes
  vars:
    dests:
      %s: /srv/small
      %s: /srv/ro
    dest: "{{ dests[inventory_hostname] | default('/srv/ok') }}"
  tasks:
    - copy: src=big.bin dest={{ dest }}/big.bin
    - copy: content=done dest=/srv/ok/done
`, destFull, destRO)
	r := runPlaybook(t, f, c, play, map[string][]byte{"big.bin": big})

	if r.exitCode != 2 {
		t.Errorf("exit code %d, want 2", r.exitCode)
	}
	for host, msg := range map[string]string{
		tmpFull:  `host's temp dir is full or not writable: .*No space left on device`,
		destFull: `/srv/small/big.bin not writable or failed to write: .*No space left on device`,
		destRO:   `/srv/ro/big.bin not writable or failed to write: .*Read-only file system`,
	} {
		re := regexp.MustCompile(`(?m)^fatal: \[` + regexp.QuoteMeta(host) + `\]: FAILED! => .*` + msg)
		if !re.MatchString(r.output) {
			t.Errorf("%s: no failure matching %q", host, msg)
		}
	}
	failed := testcluster.Recap{Failed: 1}
	checkRecap(t, r, map[string]testcluster.Recap{
		tmpFull: failed, destFull: failed, destRO: failed,
		fine: {OK: 2, Changed: 2}, tmpRO: {OK: 2, Changed: 2},
	})

	want := sha256.Sum256(big)
	for _, h := range []string{fine, tmpRO} {
		if got := strings.Fields(inHost(t, c, h, "sha256sum /srv/ok/big.bin"))[0]; got != fmt.Sprintf("%x", want) {
			t.Errorf("%s: the copied file's sha256 is %s, want %x", h, got, want)
		}
	}
	for _, h := range hosts {
		if out := inHost(t, c, h, "ls "+stray+" 2>/dev/null || true"); out != "" {
			t.Errorf("%s: a line of the file ran as a command: %s", h, out)
		}
		if dirs := shellDirs(t, c, h); dirs != "" {
			t.Errorf("%s: shell directories left: %s", h, dirs)
		}
	}
	for h, dir := range map[string]string{tmpFull: "/srv/ok", destFull: "/srv/small", destRO: "/srv/ro"} {
		if out := inHost(t, c, h, "ls -A "+dir); out != "" {
			t.Errorf("%s: %s holds %s, want nothing", h, dir, out)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", r.output)
	}
}

// TestInterruptRemovesShellDirectories: gansible interrupted while its
// commands run leaves no shell directory on the hosts, with become and
// without; and a directory left by a shell that is gone is removed at the
// next run. Without become the TERM that ends the session reaches the
// command, which ends at once; sudo (with use_pty, as on Debian) passes
// it to the shell only, which ends once its command has, 8 seconds on.
func TestInterruptRemovesShellDirectories(t *testing.T) {
	f := shared(t)
	plain, become := slaves[0], slaves[1]
	c := startCluster(t, f, []string{plain, become}, false)
	dir := t.TempDir()
	play := fmt.Sprintf(`- hosts: all
  gather_facts: no
  tasks:
    - command: cat
      args:
        stdin: data
      become: yes
    - command: cat
      args:
        stdin: data
    - shell: sleep {{ 8 if use_become else 120 }}
      vars:
        use_become: "{{ inventory_hostname == '%s' }}"
        ansible_become: "{{ use_become }}"
`, become)
	if err := os.WriteFile(filepath.Join(dir, "play.yml"), []byte(play), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(f.gansible, "play.yml", "-i", c.InventoryFile(), "-u", testcluster.User)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for _, h := range []string{plain, become} {
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
			if strings.TrimSpace(inHost(t, c, h, "pgrep -x sleep || true")) != "" {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("%s: the sleep never started\n%s", h, out.String())
			}
		}
		if dirs := shellDirs(t, c, h); strings.Count(dirs, "\n") != 1 {
			t.Errorf("%s: want two shells' directories while the sleep runs, got %q", h, dirs)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("gansible still runs 30s after SIGINT\n%s", out.String())
	}
	for _, h := range []string{plain, become} {
		wait := 5 * time.Second
		if h == become {
			wait = 15 * time.Second
		}
		for deadline := time.Now().Add(wait); ; time.Sleep(100 * time.Millisecond) {
			dirs, sleeps := shellDirs(t, c, h), strings.TrimSpace(inHost(t, c, h, "pgrep -x sleep || true"))
			if dirs == "" && sleeps == "" {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s: after SIGINT, shell directories %q and sleeps %q are left", h, dirs, sleeps)
				break
			}
		}
	}

	// A shell killed outright leaves its directory; the next shell of
	// the same user on the host removes it.
	stale := "/tmp/.gansible-sh.stale"
	inHost(t, c, plain, "mkdir "+stale+" && echo \"999999 $(hostname)\" >"+stale+"/pid && chown -R "+testcluster.User+" "+stale)
	r := runPlaybook(t, f, c, "- hosts: all\n  gather_facts: no\n  tasks:\n    - command: /bin/true\n", map[string][]byte{})
	if r.exitCode != 0 {
		t.Fatalf("exit code %d\n%s", r.exitCode, r.output)
	}
	if out := inHost(t, c, plain, "ls -d "+stale+" 2>/dev/null || true"); out != "" {
		t.Errorf("%s: the stale directory is still there", plain)
	}
	if t.Failed() {
		t.Logf("interrupted run's output:\n%s", out.String())
	}
}
