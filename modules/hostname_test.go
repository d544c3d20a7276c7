package modules

import "testing"

func TestDistributionID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{
		"centos": "Centos", "rhel": "Redhat", "amzn": "Amazon", "ol": "Oracle", "debian": "Debian",
		"": "OtherLinux", "opensuse-leap": "Opensuse", "cumulus-linux": "Cumulus-linux",
	} {
		if got := distributionID(id); got != want {
			t.Errorf("%q: %q, want %q", id, got, want)
		}
	}
	// The test cluster's hosts claim CentOS: Ansible edits
	// /etc/sysconfig/network there.
	if distributionHostnames[distributionID("centos")] != "redhat" || distributionHostnames["Debian"] != "file" {
		t.Error("strategy of CentOS or Debian")
	}
}

// TestRedhatNetwork checks the /etc/sysconfig/network edits against what
// Ansible 2.14 read and wrote on the test cluster.
func TestRedhatNetwork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, name, err, out string
	}{
		{in: "NETWORKING=yes\nHOSTNAME=old\n", name: "old", out: "NETWORKING=yes\nHOSTNAME=new\n"},
		{in: "  HOSTNAME = spaced \nHOSTNAME=second\n", name: "spaced", out: "HOSTNAME=new\nHOSTNAME=new\n"},
		{in: "NETWORKING=yes\n", err: "Unable to locate HOSTNAME entry in /etc/sysconfig/network", out: "NETWORKING=yes\nHOSTNAME=new\n"},
		{in: "", err: "Unable to locate HOSTNAME entry in /etc/sysconfig/network", out: "HOSTNAME=new\n"},
		{in: "HOSTNAME\n", err: "failed to read hostname: not enough values to unpack (expected 2, got 1)", out: "HOSTNAME=new\n"},
		{in: "HOSTNAME=a=b\n", err: "failed to read hostname: too many values to unpack (expected 2)", out: "HOSTNAME=new\n"},
		{in: "A=1\nHOSTNAME=x", name: "x", out: "A=1\nHOSTNAME=new\n"},
	}
	for _, tt := range tests {
		name, err := redhatNetworkName(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: %v, want %q", tt.in, err, tt.err)
			}
		} else if err != nil || name != tt.name {
			t.Errorf("%q: %q %v, want %q", tt.in, name, err, tt.name)
		}
		if out := redhatNetworkWith(tt.in, "new"); out != tt.out {
			t.Errorf("%q: wrote %q, want %q", tt.in, out, tt.out)
		}
	}
}

func TestOpenrcHostname(t *testing.T) {
	t.Parallel()
	if got := openrcName("# c\nhostname=\"gentoo\"\n"); got != "gentoo" {
		t.Errorf("name %q", got)
	}
	for in, want := range map[string]string{
		"# c\n hostname=\"old\"\n": "# c\nhostname=\"new\"\n",
		"":                         "\n",
		"x=1":                      "x=1\n",
	} {
		if got := openrcWith(in, "new"); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
