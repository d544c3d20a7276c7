package modules

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	hostKey1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmhyCSj822nNsGWSoAqSEeGotMse5pxrAjHH3V7nCMc"
	hostKey2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDxlsiPl5sU0NxYW+WCd50k3BDV3SJunqvjYLD5fU4w+"
)

// TestKnownHosts runs the module with this machine's ssh-keygen on a file
// in a temporary directory; the files are what ansible-core 2.14 wrote for
// the same tasks on the test cluster.
func TestKnownHosts(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	foo1, bar1, foo2 := "foo.example "+hostKey1+"\n", "bar.example "+hostKey1+"\n", "foo.example "+hostKey2+"\n"
	tests := []struct {
		name    string
		before  string
		args    Args
		after   string
		changed bool
		fail    string
	}{
		{name: "add to a new file", args: Args{"name": "Foo.example", "key": "foo.example " + hostKey1}, after: foo1, changed: true},
		{name: "present already", before: foo1, args: Args{"name": "foo.example", "key": "foo.example " + hostKey1}, after: foo1},
		{name: "another host is added", before: foo1, args: Args{"name": "bar.example", "key": "bar.example " + hostKey1}, after: foo1 + bar1, changed: true},
		{name: "a new key of the same type replaces the line", before: foo1 + bar1, args: Args{"name": "foo.example", "key": "foo.example " + hostKey2},
			after: bar1 + foo2, changed: true},
		{name: "absent by key", before: bar1 + foo2, args: Args{"name": "foo.example", "key": "foo.example " + hostKey2, "state": "absent"},
			after: bar1, changed: true},
		// A key of the same type counts as the host's, as in Ansible.
		{name: "absent by another key of the type", before: bar1, args: Args{"name": "bar.example", "key": "bar.example " + hostKey2, "state": "absent"},
			changed: true},
		{name: "absent by a key of another type changes nothing", before: bar1,
			args: Args{"name": "bar.example", "key": "bar.example ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC1", "state": "absent"}, after: bar1},
		{name: "absent by host", before: bar1 + foo2, args: Args{"name": "bar.example", "state": "absent"}, after: foo2, changed: true},
		{name: "key for another host", args: Args{"name": "foo.example", "key": "bar.example " + hostKey2}, fail: "Host parameter does not match hashed host field in supplied key"},
		{name: "comma list", args: Args{"name": "a,b", "key": "a " + hostKey2}, fail: "Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file."},
		{name: "no key", args: Args{"name": "x"}, fail: "No key specified when adding a host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "known")
			if tt.before != "" {
				write(t, p, tt.before, 0o600)
			}
			args := Args{"path": p}
			for k, v := range tt.args {
				args[k] = v
			}
			if tt.fail != "" {
				res := runModule(t, testContext(t, nil), "known_hosts", args)
				if !res.Failed || res.Msg != tt.fail {
					t.Errorf("%+v, want failure %q", res, tt.fail)
				}
				return
			}
			check := testContext(t, nil)
			check.CheckMode = true
			if res := mustSucceed(t, runModule(t, check, "known_hosts", args)); res.Changed != tt.changed {
				t.Errorf("check mode: changed = %v, want %v", res.Changed, tt.changed)
			}
			res := mustSucceed(t, runModule(t, testContext(t, nil), "known_hosts", args))
			if res.Changed != tt.changed {
				t.Errorf("changed = %v, want %v", res.Changed, tt.changed)
			}
			b, _ := os.ReadFile(p)
			if string(b) != tt.after {
				t.Errorf("file\n%s\nwant\n%s", b, tt.after)
			}
			if again := mustSucceed(t, runModule(t, testContext(t, nil), "known_hosts", args)); again.Changed {
				t.Errorf("second run changed")
			}
		})
	}
}

func TestKnownHostsHashed(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	p := filepath.Join(t.TempDir(), "known")
	args := Args{"path": p, "name": "baz.example", "key": "baz.example " + hostKey2, "hash_host": true}
	if res := mustSucceed(t, runModule(t, testContext(t, nil), "known_hosts", args)); !res.Changed {
		t.Error("first run: not changed")
	}
	b, _ := os.ReadFile(p)
	if !strings.HasPrefix(string(b), "|1|") || strings.Contains(string(b), "baz") {
		t.Errorf("not hashed: %s", b)
	}
	// A hashed entry matches whatever salt the next hash draws.
	if res := mustSucceed(t, runModule(t, testContext(t, nil), "known_hosts", args)); res.Changed {
		t.Error("second run changed")
	}
	if out, err := exec.Command("ssh-keygen", "-F", "baz.example", "-f", p).Output(); err != nil || len(out) == 0 {
		t.Errorf("ssh-keygen does not find the hashed host: %v", err)
	}
}
