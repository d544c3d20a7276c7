package testcluster

import (
	"strings"
	"testing"
)

// TestClusterFlavours: a Debian host beside a CentOS one shows the
// machine's own release files, apt and dpkg, and none of CentOS's; both
// keep the user, sudo and the init stand-ins.
func TestClusterFlavours(t *testing.T) {
	needE2E(t)
	c := startForTest(t, Options{Hosts: []string{"deb1", "cent1"}, Flavours: map[string]string{"deb1": FlavourDebian}})
	deb, cent := dial(t, c, "deb1"), dial(t, c, "cent1")
	tests := []struct{ cmd, deb, cent string }{
		{"id -un", "ansible", "ansible"},
		{"sudo -n id -u", "0", "0"},
		{". /etc/os-release && echo $ID", "debian", "centos"},
		{"test -e /etc/debian_version && echo yes || echo no", "yes", "no"},
		{"test -e /etc/redhat-release && echo yes || echo no", "no", "yes"},
		{"test -e /etc/rpm/macros && echo yes || echo no", "no", "yes"},
		{"command -v apt-get dpkg-query | wc -l", "2", "2"},
		{"dpkg-query -W -f '${Status}' coreutils", "install ok installed", "install ok installed"},
		{"test -x /sbin/chkconfig && echo standins", "standins", "standins"},
	}
	for _, tt := range tests {
		if got := run(t, deb, tt.cmd); got != tt.deb {
			t.Errorf("deb1: %s = %q, want %q", tt.cmd, got, tt.deb)
		}
		if got := run(t, cent, tt.cmd); got != tt.cent {
			t.Errorf("cent1: %s = %q, want %q", tt.cmd, got, tt.cent)
		}
	}
	// Each host's snapshot is against its own flavour's layer: nothing
	// changed yet on either.
	for _, h := range c.Hosts() {
		snap, err := c.Snapshot(h)
		if err != nil {
			t.Fatal(err)
		}
		for p := range snap {
			if !strings.HasPrefix(p, "/home/ansible") && !strings.HasPrefix(p, "/var/log") {
				t.Errorf("%s: change %s before anything ran", h, p)
			}
		}
	}
	loaded, err := Load(c.StateDir())
	if err != nil {
		t.Fatal(err)
	}
	if loaded.byName["deb1"].Flavour != FlavourDebian || loaded.byName["cent1"].Flavour != "" {
		t.Errorf("loaded flavours: %+v %+v", loaded.byName["deb1"], loaded.byName["cent1"])
	}
}

func TestStartRefusesBadFlavours(t *testing.T) {
	for _, o := range []Options{
		{Hosts: []string{"a"}, StateDir: t.TempDir(), Flavours: map[string]string{"b": FlavourDebian}},
		{Hosts: []string{"a"}, StateDir: t.TempDir(), Flavours: map[string]string{"a": "solaris"}},
	} {
		if _, err := Start(t.Context(), o); err == nil || !strings.Contains(err.Error(), "flavour") {
			t.Errorf("Start(%v): %v, want a flavour error", o.Flavours, err)
		}
	}
}

func TestStartRefusesPythonsOfOtherHosts(t *testing.T) {
	o := Options{Hosts: []string{"a"}, StateDir: t.TempDir(), Pythons: map[string]bool{"b": true}}
	if _, err := Start(t.Context(), o); err == nil || !strings.Contains(err.Error(), `python for "b"`) {
		t.Errorf("Start(%v): %v, want an error naming b", o.Pythons, err)
	}
}
