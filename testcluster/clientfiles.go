package testcluster

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
	"gopkg.in/yaml.v3"
)

// writeClientFiles writes what a client needs to reach the hosts: the
// inventory, an ssh_config and known_hosts.
func (c *Cluster) writeClientFiles(hostKeys map[string]keyPair) error {
	inv, err := c.inventory()
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.InventoryFile(), inv, 0o644); err != nil {
		return err
	}
	var known bytes.Buffer
	for _, h := range c.hosts {
		addr := h.Addr
		if h.SSHPort() != sshPort {
			addr = "[" + h.Addr + "]:" + strconv.Itoa(h.SSHPort())
		}
		known.WriteString(h.Name + "," + addr + " " + string(ssh.MarshalAuthorizedKey(hostKeys[h.Name].public)))
	}
	if err := os.WriteFile(c.KnownHostsFile(), known.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(c.SSHConfigFile(), c.sshConfig(), 0o644)
}

// inventory renders cluster-hosts.yml. Used with the playbook's own
// inventory (-i inventory -i cluster-hosts.yml) it leaves the groups and
// variables alone and only says how to reach each host.
func (c *Cluster) inventory() ([]byte, error) {
	type hostVars struct {
		Host          string `yaml:"ansible_host"`
		Port          int    `yaml:"ansible_port"`
		User          string `yaml:"ansible_user"`
		KeyFile       string `yaml:"ansible_ssh_private_key_file"`
		SSHCommonArgs string `yaml:"ansible_ssh_common_args"`
	}
	hosts := yaml.Node{Kind: yaml.MappingNode}
	for _, h := range c.hosts {
		var v yaml.Node
		if err := v.Encode(hostVars{
			Host:          h.Addr,
			Port:          h.SSHPort(),
			User:          c.user.name,
			KeyFile:       c.KeyFile(),
			SSHCommonArgs: "-o UserKnownHostsFile=" + c.KnownHostsFile(),
		}); err != nil {
			return nil, err
		}
		v.Style = yaml.FlowStyle
		hosts.Content = append(hosts.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: h.Name}, &v)
	}
	doc := yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "all"},
		{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "hosts"},
			&hosts,
		}},
	}}
	var b bytes.Buffer
	b.WriteString("# Addresses of the gansible test cluster in " + c.stateDir + ".\n")
	b.WriteString("# Generated; use beside the playbook's inventory: -i inventory -i cluster-hosts.yml\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

func (c *Cluster) sshConfig() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Hosts of the gansible test cluster in %s; ssh -F %s HOST\n", c.stateDir, c.SSHConfigFile())
	for _, h := range c.hosts {
		fmt.Fprintf(&b, "\nHost %s\n    HostName %s\n    Port %d\n", h.Name, h.Addr, h.SSHPort())
	}
	fmt.Fprintf(&b, "\nHost %s\n", strings.Join(c.Hosts(), " "))
	fmt.Fprintf(&b, "    User %s\n    IdentityFile %s\n    IdentitiesOnly yes\n", c.user.name, c.KeyFile())
	fmt.Fprintf(&b, "    UserKnownHostsFile %s\n    StrictHostKeyChecking yes\n", c.KnownHostsFile())
	return []byte(b.String())
}
