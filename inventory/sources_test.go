package inventory

import (
	"strings"
	"testing"
)

// How enable_plugins names resolve. The names Ansible loads and the names
// it names them by in its messages are those ansible-inventory 2.14
// printed (the enable-* goldens of cmd/gansible); a plugin that Ansible
// would load but gansible does not have is an error, never skipped.
func TestLookupPlugin(t *testing.T) {
	for _, tc := range []struct {
		name     string
		wantName string // message name; "" when not found
		wantErr  bool
	}{
		{"ini", "ini", false},
		{"ansible.legacy.ini", "ini", false},
		{"ansible.builtin.ini", "ansible_collections.ansible.builtin.plugins.inventory.ini", false},
		{"advanced_host_list", "advanced_host_list", false},
		{"ansible.builtin.generator", "ansible_collections.ansible.builtin.plugins.inventory.generator", false},
		{"nosuch", "", false},
		{"", "", false},
		{"ansible.builtin.nosuch", "", false},
		{"ansible.legacy.nosuch", "", false},
		{"community.general.nosuch", "", false},
		{"community.general.lxd", "", true},
		{"community.general.docker_swarm", "", true},
		{"amazon.aws.aws_ec2", "", true},
	} {
		p, found, err := lookupPlugin(tc.name)
		if (err != nil) != tc.wantErr {
			t.Errorf("lookupPlugin(%q) error %v, want error %v", tc.name, err, tc.wantErr)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), "'"+tc.name+"' is not supported") {
				t.Errorf("lookupPlugin(%q) error %q does not name the plugin", tc.name, err)
			}
			continue
		}
		if found != (tc.wantName != "") || p.name != tc.wantName {
			t.Errorf("lookupPlugin(%q) = %q, found %v; want %q", tc.name, p.name, found, tc.wantName)
		}
	}
}

// A plugin gansible does not have fails the load naming where
// enable_plugins was set.
func TestUnsupportedEnabledPlugin(t *testing.T) {
	for _, tc := range []struct {
		from, want string
	}{
		{"/etc/ansible/ansible.cfg:3", "/etc/ansible/ansible.cfg:3: enable_plugins: inventory plugin 'community.general.lxd' is not supported by gansible"},
		{"env: ANSIBLE_INVENTORY_ENABLED", "ANSIBLE_INVENTORY_ENABLED: inventory plugin 'community.general.lxd' is not supported by gansible"},
	} {
		inv, err := LoadWith([]string{"testdata/cases/enable_plugins/hosts.ini"}, Options{
			Enabled: []string{"ini", "community.general.lxd"}, EnabledFrom: tc.from,
		})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("enabled from %s: error %v, want one starting %q", tc.from, err, tc.want)
		}
		if inv == nil {
			t.Errorf("enabled from %s: no inventory returned with the error", tc.from)
		}
	}
}

// The plugins are tried in enable_plugins order and the first that
// parses a source wins: the yaml plugin reads a YAML file its own way
// before ini gets to it, and ini alone reads hosts.ini that yaml declines.
func TestEnabledPluginOrder(t *testing.T) {
	for _, tc := range []struct {
		enabled []string
		source  string
		want    []string // host names
	}{
		{[]string{"yaml", "ini"}, "testdata/cases/enable_plugins/hosts.yml", []string{"y1"}},
		{[]string{"yaml"}, "testdata/cases/enable_plugins/hosts.ini", nil},
		{[]string{"ini"}, "testdata/cases/enable_plugins/hosts.ini", []string{"w1", "w2"}},
		{[]string{"host_list"}, "a[1:2],b", []string{"a[1:2]", "b"}},
		{[]string{"advanced_host_list", "host_list"}, "a[1:2],b", []string{"a1", "a2", "b"}},
		{[]string{"host_list", "advanced_host_list"}, "a[1:2],b", []string{"a[1:2]", "b"}},
	} {
		inv, err := LoadWith([]string{tc.source}, Options{Enabled: tc.enabled})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range inv.Hosts() {
			got = append(got, h.Name)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%v on %s: hosts %q, want %q", tc.enabled, tc.source, got, tc.want)
		}
	}
}
