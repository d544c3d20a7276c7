package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/gansible/gansible/testcluster"
)

// The mesos-hdfs-ansible repo, run as its README says: site.yml against
// the six hosts (groups, the hdfs user with its password and
// authorized_keys, the unpacked Hadoop tree and its config), and
// useradd_hdfs_local.yml, which creates the hdfs user on the control host
// itself (connection: local), run inside a cluster host standing in for
// the control host so that this machine's accounts are never touched.
//
// The repo does not depend on anything the mesos repo installs (no
// package, user or file of it is read), so it runs on fresh hosts.
//
// ansible-playbook's side is recorded under testdata/ansible/hdfs (see
// its README); GANSIBLE_RECORD=1 runs ansible-playbook on clusters of its
// own and rewrites the recording first.

const hdfsRecording = "testdata/ansible/hdfs"

// controlHost is the cluster host that stands in for the control host.
const controlHost = "control.lab.hdlocal"

// hdfsRun is one recorded run: its output and what it left on the hosts.
type hdfsRun struct {
	name     string
	output   string
	snapshot map[string]map[string]testcluster.FileInfo
}

func TestHDFS(t *testing.T) {
	f := shared(t)
	if err := testcluster.BuildHDFSStandins(f.standins); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GANSIBLE_RECORD") == "1" {
		recordHDFS(t, f)
	}
	site1, site2, local := loadHDFSRun(t, "site-1"), loadHDFSRun(t, "site-2"), loadHDFSRun(t, "useradd-local")

	c := startCluster(t, f, allHosts, false)
	repo := filepath.Join(t.TempDir(), "mesos-hdfs-ansible")
	if err := testcluster.PrepareHDFSRepo(testcluster.HDFSRepo(), repo, f.standins, false); err != nil {
		t.Fatal(err)
	}
	first := runGansible(t, f, c, repo)
	firstSnap := normalizeHDFS(snapshotAll(t, c))
	t.Run("fresh run", func(t *testing.T) {
		sameAsHDFSRun(t, first, firstSnap, site1)
		checkHDFSUser(t, f, c, firstSnap)
	})
	second := runGansible(t, f, c, repo)
	secondSnap := normalizeHDFS(snapshotAll(t, c))
	t.Run("second run", func(t *testing.T) {
		// Like ansible-playbook's: the shell tasks run again, and so
		// unarchive extracts again over the rearranged tree and the
		// templates and file tasks put it right once more.
		sameAsHDFSRun(t, second, secondSnap, site2)
		checkHDFSUser(t, f, c, secondSnap)
	})

	t.Run("useradd_hdfs_local.yml on a control host", func(t *testing.T) {
		ctl := startCluster(t, f, []string{controlHost}, false)
		copyToHost(t, ctl, controlHost, f.gansible, "/tmp/ctl/gansible")
		dir := filepath.Join(ctl.Root(controlHost), "tmp", "ctl", "repo")
		if err := testcluster.PrepareHDFSRepo(testcluster.HDFSRepo(), dir, f.standins, false); err != nil {
			t.Fatal(err)
		}
		r := runOnHost(t, ctl, controlHost, "cd /tmp/ctl/repo && /tmp/ctl/gansible useradd_hdfs_local.yml")
		snap := normalizeHDFS(snapshotAll(t, ctl))
		sameAsHDFSRun(t, r, snap, local)
		// The generated key pair: its content is new each run, its
		// place, owner and mode are Ansible's.
		for _, p := range []string{"/home/hdfs/.ssh/id_rsa", "/home/hdfs/.ssh/id_rsa.pub"} {
			if fi, ok := snap[controlHost][p]; !ok || fi.Type != "file" {
				t.Errorf("%s: %+v, want a file", p, fi)
			}
		}
		out, _, err := onHost(ctl, controlHost, "sudo ssh-keygen -l -f /home/hdfs/.ssh/id_rsa.pub")
		if err != nil || !strings.Contains(out, "hdfs_user_key (RSA)") {
			t.Errorf("generated key: %q %v", out, err)
		}
	})
}

// sameAsHDFSRun checks a gansible run against ansible-playbook's recorded
// one: exit code 0, task outcomes, recap and the files on every host.
func sameAsHDFSRun(t *testing.T, r result, snap map[string]map[string]testcluster.FileInfo, want hdfsRun) {
	t.Helper()
	if r.exitCode != 0 {
		t.Errorf("exit code %d, want 0; output:\n%s", r.exitCode, r.output)
	}
	if d := lineDiff(taskResults(want.output), taskResults(r.output)); d != "" {
		t.Errorf("task outcomes differ from ansible-playbook's %s (-ansible +gansible):\n%s", want.name, d)
	}
	recap, err := testcluster.ParseRecap(want.output)
	if err != nil {
		t.Fatalf("%s: %v", want.name, err)
	}
	checkRecap(t, r, recap)
	if d := testcluster.DiffAll(want.snapshot, snap); len(d) > 0 {
		t.Errorf("files differ from ansible-playbook's %s (got vs want):\n%s", want.name, strings.Join(d, "\n"))
	}
}

// checkHDFSUser checks, beside the comparison, what the repo is for: the
// hdfs user in its groups with the repo's password hash, and the stand-in
// public key authorized, mode 0600, owned by hdfs.
func checkHDFSUser(t *testing.T, f fixture, c *testcluster.Cluster, snap map[string]map[string]testcluster.FileInfo) {
	t.Helper()
	pub, err := os.ReadFile(filepath.Join(f.standins, testcluster.HDFSPubKey))
	if err != nil {
		t.Fatal(err)
	}
	const hash = "$6$AGLYCh0AM8JGAN46$g3nU4C0wUbBxnovk1wp6cZdVv0kOKwdDZRDx0LZLRYtmZLMAxID6i8u1etlg0OTD7EpCfMYWAI7Urme1WqRQP/"
	for _, h := range allHosts {
		out, _, err := onHost(c, h, "id -nG hdfs && sudo getent shadow hdfs | cut -d: -f2")
		if err != nil {
			t.Errorf("%s: %v", h, err)
			continue
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) == 2 {
			groups := strings.Fields(lines[0])
			sort.Strings(groups[1:]) // the primary group first, then in the group file's order
			lines[0] = strings.Join(groups, " ")
		}
		if len(lines) != 2 || lines[0] != "hdfs hadoop wheel" || lines[1] != hash {
			t.Errorf("%s: groups and hash %q", h, lines)
		}
		ak := snap[h]["/home/hdfs/.ssh/authorized_keys"]
		if ak.Content != string(pub) || ak.Mode != "0600" || ak.UID != snap[h]["/home/hdfs"].UID {
			t.Errorf("%s: authorized_keys %+v, want the stand-in key, mode 0600, owned by hdfs", h, ak)
		}
	}
}

// copyToHost puts a file of this machine into a host, executable.
func copyToHost(t *testing.T, c *testcluster.Cluster, host, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(c.Root(host), dst)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// runOnHost runs a playbook command inside a host over SSH.
func runOnHost(t *testing.T, c *testcluster.Cluster, host, cmd string) result {
	t.Helper()
	stdout, stderr, err := onHost(c, host, cmd)
	r := result{output: stdout + stderr}
	var exitErr *ssh.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.exitCode = exitErr.ExitStatus()
	case err != nil:
		t.Fatalf("%s on %s: %v\n%s", cmd, host, err, r.output)
	}
	r.recap, _ = testcluster.ParseRecap(r.output)
	return r
}

// testAccounts are the accounts whose lines the account files keep after
// normalizing: the cluster's user, CentOS's wheel, and those the hdfs repo
// and the accounts playbook create.
var testAccounts = map[string]bool{
	testcluster.User: true, "wheel": true, "hdfs": true, "hadoop": true,
	"ops": true, "gone": true, "alice": true, "bob": true,
}

// normalizeHDFS keeps of the snapshots what does not depend on the
// machine or the day:
//   - the account files keep the lines of the test's accounts only (the
//     rest is this machine's own), with the shadow's day of the last
//     password change as DAY;
//   - /etc/shadow- is left out: the shadow tools' backup of the file
//     before their last write, which is useradd's for ansible-playbook (it
//     passes the hash in useradd's argv) and chpasswd's for gansible (the
//     hash on chpasswd's stdin);
//   - the tarball the repo repacks on the namenode, and the key pair
//     useradd_hdfs_local.yml generates, keep their kind, owner and mode
//     but not their bytes, new on every run;
//   - the gansible binary and repo copied into the control host are left
//     out.
func normalizeHDFS(snaps map[string]map[string]testcluster.FileInfo) map[string]map[string]testcluster.FileInfo {
	return normalizeAccounts(snaps, func(host, p string) bool {
		return p == "/home/hdfs/hadoop-2.5.0-cdh5.2.0.tar.gz" ||
			host == controlHost && (p == "/home/hdfs/.ssh/id_rsa" || p == "/home/hdfs/.ssh/id_rsa.pub")
	})
}

// normalizeAccounts is normalizeHDFS's account files, shadow backup and
// control-host copies, with volatile naming the files whose bytes are
// new on every run.
func normalizeAccounts(snaps map[string]map[string]testcluster.FileInfo, volatile func(host, p string) bool) map[string]map[string]testcluster.FileInfo {
	out := map[string]map[string]testcluster.FileInfo{}
	for host, files := range snaps {
		keep := map[string]testcluster.FileInfo{}
		for p, fi := range files {
			switch {
			case p == "/etc/shadow-" || p == "/tmp/ctl" || strings.HasPrefix(p, "/tmp/ctl/"):
				continue
			case isAccountFile(p) && fi.Type == "file":
				fi.Content = accountLines(p, fi.Content)
				sum := sha256.Sum256([]byte(fi.Content))
				fi.SHA256, fi.Size = hex.EncodeToString(sum[:]), int64(len(fi.Content))
			case volatile(host, p):
				fi.Content, fi.SHA256, fi.Size = "", "", 0
			}
			keep[p] = fi
		}
		out[host] = keep
	}
	return out
}

func isAccountFile(p string) bool {
	switch strings.TrimSuffix(p, "-") {
	case "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/subuid", "/etc/subgid":
		return true
	}
	return false
}

func accountLines(p, content string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(content, "\n") {
		name, rest, _ := strings.Cut(line, ":")
		if !testAccounts[name] {
			continue
		}
		if strings.HasPrefix(p, "/etc/shadow") {
			f := strings.Split(rest, ":")
			if len(f) > 1 {
				f[1] = "DAY"
			}
			rest = strings.Join(f, ":")
		}
		b.WriteString(name + ":" + rest)
	}
	return b.String()
}

// loadHDFSRun reads one recorded run.
func loadHDFSRun(t *testing.T, name string) hdfsRun {
	t.Helper()
	return loadRecordedRun(t, hdfsRecording, name)
}

// loadRecordedRun reads the run name recorded in dir.
func loadRecordedRun(t *testing.T, dir, name string) hdfsRun {
	t.Helper()
	out, err := os.ReadFile(filepath.Join(dir, name+".out"))
	if err != nil {
		t.Fatalf("%v (GANSIBLE_RECORD=1 records it)", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	r := hdfsRun{name: name, output: string(out)}
	if err := json.Unmarshal(b, &r.snapshot); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	return r
}

func saveHDFSRun(t *testing.T, r hdfsRun) {
	t.Helper()
	saveRecordedRun(t, hdfsRecording, r)
}

// saveRecordedRun writes a run into dir, as loadRecordedRun reads it.
func saveRecordedRun(t *testing.T, dir string, r hdfsRun) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(r.snapshot, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, r.name+".json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, r.name+".out"), []byte(r.output), 0o644); err != nil {
		t.Fatal(err)
	}
}

// recordHDFS runs ansible-playbook as TestHDFS runs gansible, on the copy
// adapted for ansible-core (see testcluster.PrepareHDFSRepo) and on
// clusters with Python, and rewrites the recording.
func recordHDFS(t *testing.T, f fixture) {
	t.Helper()
	c := startCluster(t, f, allHosts, true)
	repo := filepath.Join(t.TempDir(), "mesos-hdfs-ansible")
	if err := testcluster.PrepareHDFSRepo(testcluster.HDFSRepo(), repo, f.standins, true); err != nil {
		t.Fatal(err)
	}
	// ansible.cfg is ignored in a world-writable directory.
	if err := os.Chmod(repo, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"site-1", "site-2"} {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		out, err := c.AnsiblePlaybook(ctx, repo).CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("ansible-playbook (%s): %v\n%s", name, err, out)
		}
		saveHDFSRun(t, hdfsRun{name: name, output: string(out), snapshot: normalizeHDFS(snapshotAll(t, c))})
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	ctl := startCluster(t, f, []string{controlHost}, true)
	dir := filepath.Join(ctl.Root(controlHost), "tmp", "ctl", "repo")
	if err := testcluster.PrepareHDFSRepo(testcluster.HDFSRepo(), dir, f.standins, true); err != nil {
		t.Fatal(err)
	}
	r := runOnHost(t, ctl, controlHost, "cd /tmp/ctl/repo && ANSIBLE_NOCOLOR=1 ansible-playbook useradd_hdfs_local.yml")
	if r.exitCode != 0 {
		t.Fatalf("ansible-playbook useradd_hdfs_local.yml: exit %d\n%s", r.exitCode, r.output)
	}
	saveHDFSRun(t, hdfsRun{name: "useradd-local", output: r.output, snapshot: normalizeHDFS(snapshotAll(t, ctl))})
	if err := ctl.Stop(); err != nil {
		t.Fatal(err)
	}
}
