package testcluster

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/gansible/gansible/refenv"
)

// needE2E skips tests that need root, namespaces and the packages of
// install-deps.sh unless GANSIBLE_E2E=1.
func needE2E(t *testing.T) {
	t.Helper()
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to run (needs root; see testcluster/install-deps.sh)")
	}
	if os.Geteuid() != 0 {
		refenv.Unavailable(t, "needs root")
	}
	refenv.Require(t)
}

// startForTest starts a cluster and stops it at the end of the test,
// checking that nothing stays mounted or running.
func startForTest(t *testing.T, o Options) *Cluster {
	t.Helper()
	if o.StateDir == "" {
		o.StateDir = t.TempDir()
	}
	c, err := Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var pids []int
		for _, h := range c.hosts {
			pids = append(pids, h.PID)
		}
		if err := c.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
		mounts, _ := os.ReadFile("/proc/self/mounts")
		if strings.Contains(string(mounts), c.StateDir()) {
			t.Errorf("mounts left under %s:\n%s", c.StateDir(), mounts)
		}
		for i, pid := range pids {
			if pid != 0 && c.owns(c.hosts[i], pid) {
				t.Errorf("init %d of %s still running", pid, c.hosts[i].Name)
			}
		}
	})
	return c
}

// dial logs in to host as the cluster's user, checking the host key
// against the cluster's known_hosts.
func dial(t *testing.T, c *Cluster, host string) *ssh.Client {
	t.Helper()
	key, err := os.ReadFile(c.KeyFile())
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	hostKeys, err := knownhosts.New(c.KnownHostsFile())
	if err != nil {
		t.Fatal(err)
	}
	client, err := ssh.Dial("tcp", net.JoinHostPort(c.Addr(host), "22"), &ssh.ClientConfig{
		User:            User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeys,
		Timeout:         10 * time.Second,
	})
	if err != nil {
		t.Fatalf("%s: %v", host, err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

// run runs cmd through client and returns its trimmed stdout.
func run(t *testing.T, client *ssh.Client, cmd string) string {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	if err := sess.Run(cmd); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

func TestClusterHosts(t *testing.T) {
	needE2E(t)
	hosts := []string{"cent01.lab.hdlocal", "slave1.lab.hdlocal", "slave2.lab.hdlocal"}
	start := time.Now()
	c := startForTest(t, Options{Hosts: hosts})
	t.Logf("started %d hosts in %v", len(hosts), time.Since(start))

	clients := map[string]*ssh.Client{}
	for _, h := range hosts {
		clients[h] = dial(t, c, h)
		tests := []struct{ cmd, want string }{
			{"hostname", h},
			{"cat /proc/1/comm", "init"},
			{"id -un", "ansible"},
			{"sudo -n id -u", "0"},
			{"cat /etc/centos-release", "CentOS Linux release 8.5.2111"},
			{"command -v python python3 python3.11 || echo none", "none"},
			{"readlink /etc/init.d", "rc.d/init.d"},
			{"test -d /etc/init && test -x /sbin/initctl && test -x /sbin/chkconfig && echo upstart", "upstart"},
			{"ls /usr/sbin/update-rc.d /usr/sbin/invoke-rc.d /usr/bin/systemctl 2>/dev/null | wc -l", "0"},
			{"sudo -n dnf --version | head -n 1", "4.14.0"},
			{"rpm -q gpg-pubkey --qf '%{SUMMARY}\\n'", signingUID + " public key"},
			{"getent hosts " + hosts[0] + " | awk '{print $1, $2}'", c.Addr(hosts[0]) + " " + hosts[0]},
		}
		for _, tt := range tests {
			if got := run(t, clients[h], tt.cmd); got != tt.want {
				t.Errorf("%s: %s = %q, want %q", h, tt.cmd, got, tt.want)
			}
		}
	}

	// A write anywhere lands in the host's upper dir, never on the machine.
	probe := "/usr/bin/gansible-testcluster-probe"
	run(t, clients[hosts[0]], "sudo -n touch "+probe+" && sudo -n rm -f /etc/debian_version.x && echo ok")
	if _, err := os.Stat(probe); err == nil {
		t.Fatalf("%s reached the machine", probe)
	}
	snap, err := c.Snapshot(hosts[0])
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := snap[probe]; !ok || f.Type != "file" || f.UID != 0 {
		t.Errorf("snapshot of %s lacks %s: %v", hosts[0], probe, snap)
	}
	if _, ok := snap["/var/log/wtmp"]; ok {
		t.Errorf("snapshot holds noise: %v", snap)
	}
	if other, _ := c.Snapshot(hosts[1]); len(other[probe].Path) != 0 {
		t.Errorf("%s sees a file written on %s", hosts[1], hosts[0])
	}

	// An unreachable host: its address refuses connections, others answer.
	if err := c.StopHost(hosts[2]); err != nil {
		t.Fatal(err)
	}
	if err := sshBanner(c.Addr(hosts[2]), c.Port(hosts[2])); err == nil {
		t.Errorf("%s still answers after StopHost", hosts[2])
	}
	if got := run(t, dial(t, c, hosts[1]), "hostname"); got != hosts[1] {
		t.Errorf("%s: hostname %q after stopping another host", hosts[1], got)
	}

	// Another process can stop the cluster from its state dir.
	loaded, err := Load(c.StateDir())
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.running() {
		t.Error("loaded cluster does not look running")
	}
}

func TestClusterThirtyHosts(t *testing.T) {
	needE2E(t)
	var hosts []string
	for i := 1; i <= BatchHosts; i++ {
		hosts = append(hosts, fmt.Sprintf("node%02d.lab.hdlocal", i))
	}
	start := time.Now()
	c := startForTest(t, Options{Hosts: hosts})
	t.Logf("started %d hosts in %v", len(hosts), time.Since(start))
	if got := run(t, dial(t, c, hosts[29]), "hostname"); got != hosts[29] {
		t.Errorf("hostname %q, want %q", got, hosts[29])
	}
}
