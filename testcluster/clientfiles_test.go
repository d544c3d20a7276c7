package testcluster

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestInventory(t *testing.T) {
	c := &Cluster{stateDir: "/state", user: user{name: User}, byName: map[string]*Host{}}
	for i, name := range []string{"cent01.lab.hdlocal", "slave1.lab.hdlocal"} {
		h := &Host{Name: name, Addr: "127.0.1." + string(rune('1'+i))}
		c.hosts = append(c.hosts, h)
		c.byName[name] = h
	}
	b, err := c.inventory()
	if err != nil {
		t.Fatal(err)
	}
	var inv struct {
		All struct {
			Hosts map[string]map[string]any `yaml:"hosts"`
		} `yaml:"all"`
	}
	if err := yaml.Unmarshal(b, &inv); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	for _, h := range c.hosts {
		vars := inv.All.Hosts[h.Name]
		want := map[string]any{
			"ansible_host":                 h.Addr,
			"ansible_port":                 22,
			"ansible_user":                 "ansible",
			"ansible_ssh_private_key_file": "/state/id_ed25519",
		}
		for k, v := range want {
			if vars[k] != v {
				t.Errorf("%s: %s = %v, want %v\n%s", h.Name, k, vars[k], v, b)
			}
		}
	}

	cfg := string(c.sshConfig())
	for _, want := range []string{"Host cent01.lab.hdlocal\n    HostName 127.0.1.1\n", "IdentityFile /state/id_ed25519", "UserKnownHostsFile /state/known_hosts"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("ssh_config lacks %q:\n%s", want, cfg)
		}
	}
}
