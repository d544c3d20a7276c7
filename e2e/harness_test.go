package e2e

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/gansible/gansible/testcluster"
)

// runTimeout bounds one playbook run; a hung run fails its test instead of
// the whole binary.
const runTimeout = 15 * time.Minute

// Host names of the repo's inventory.
var (
	masters = []string{"cent01.lab.hdlocal", "cent02.lab.hdlocal", "cent03.lab.hdlocal"}
	slaves  = []string{"slave1.lab.hdlocal", "slave2.lab.hdlocal", "slave3.lab.hdlocal"}
	// allHosts is the whole inventory, masters first as in the repo.
	allHosts = append(append([]string{}, masters...), slaves...)
)

// startCluster boots a fresh cluster of hosts, without Python unless
// python is set, and stops it when the test ends.
func startCluster(t *testing.T, f fixture, hosts []string, python bool) *testcluster.Cluster {
	t.Helper()
	start := time.Now()
	c, err := testcluster.Start(context.Background(), testcluster.Options{
		Hosts:      hosts,
		StateDir:   t.TempDir(),
		Python:     python,
		StandinDir: f.standins,
	})
	if err != nil {
		t.Fatalf("starting cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("stopping cluster: %v", err)
		}
	})
	t.Logf("started %d hosts in %v", len(hosts), time.Since(start).Round(time.Millisecond))
	return c
}

// prepareRepo copies the unmodified repo, with the stand-ins in
// roles/mesos/files, into a fresh dir and returns it.
func prepareRepo(t *testing.T, f fixture) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mesos-ansible")
	if err := testcluster.PrepareRepo(f.repo, dir, f.standins, false); err != nil {
		t.Fatal(err)
	}
	return dir
}

// result is the outcome of one playbook run.
type result struct {
	output   string
	exitCode int
	// recap is nil when the output has no PLAY RECAP.
	recap map[string]testcluster.Recap
}

// runGansible runs "gansible site.yml -i inventory -i CLUSTER -u ansible
// ARGS..." in the repo dir, as the repo's README runs ansible-playbook. An
// exit code other than 0 is not an error: tests check it.
func runGansible(t *testing.T, f fixture, c *testcluster.Cluster, repo string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	full := append([]string{"site.yml", "-i", "inventory", "-i", c.InventoryFile(), "-u", testcluster.User}, args...)
	cmd := exec.CommandContext(ctx, f.gansible, full...)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	return execRun(t, cmd)
}

// execRun runs a playbook command and collects its output and exit code.
func execRun(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r := result{output: string(out)}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.exitCode = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	t.Logf("%s: exit %d after %v", strings.Join(cmd.Args, " "), r.exitCode, time.Since(start).Round(time.Millisecond))
	r.recap, _ = testcluster.ParseRecap(r.output)
	return r
}

// onHost runs a shell command on host over SSH as the cluster's user and
// returns its stdout and stderr.
func onHost(c *testcluster.Cluster, host, cmd string) (stdout, stderr string, err error) {
	key, err := os.ReadFile(c.KeyFile())
	if err != nil {
		return "", "", err
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		return "", "", err
	}
	hostKeys, err := knownhosts.New(c.KnownHostsFile())
	if err != nil {
		return "", "", err
	}
	client, err := ssh.Dial("tcp", net.JoinHostPort(c.Addr(host), "22"), &ssh.ClientConfig{
		User:            testcluster.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeys,
		Timeout:         30 * time.Second,
	})
	if err != nil {
		return "", "", err
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return "", "", err
	}
	defer sess.Close()
	var out, errOut bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errOut
	err = sess.Run(cmd)
	return out.String(), errOut.String(), err
}

// snapshotAll returns what changed on every host of c.
func snapshotAll(t *testing.T, c *testcluster.Cluster) map[string]map[string]testcluster.FileInfo {
	t.Helper()
	s, err := c.SnapshotAll()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
