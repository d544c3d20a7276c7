package testcluster

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"strconv"
	"text/template"
)

//go:embed assets/sshd_config.tmpl
var sshdConfigText string

var sshdConfig = template.Must(template.New("sshd_config").Parse(sshdConfigText))

// hostConfigDir holds each host's sshd config and host key, as the host
// sees it.
const hostConfigDir = "/etc/gansible-testcluster"

// buildHostLayer fills dir with what is particular to host h: its name,
// the names and addresses of the whole cluster, sshd's config and key.
func buildHostLayer(dir string, h *Host, all []*Host, u user, hostKey keyPair) error {
	l := &layer{dir: dir}
	l.write("/etc/hostname", []byte(h.Name+"\n"), 0o644, 0, 0)

	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.Write(hosts)
	b.WriteString("\n# gansible test cluster\n")
	for _, o := range all {
		fmt.Fprintf(&b, "%s\t%s\n", o.Addr, o.Name)
	}
	l.write("/etc/hosts", b.Bytes(), 0o644, 0, 0)

	var cfg bytes.Buffer
	if err := sshdConfig.Execute(&cfg, map[string]string{"Name": h.Name, "Addr": h.Addr, "Port": strconv.Itoa(h.SSHPort()), "User": u.name}); err != nil {
		return err
	}
	l.mkdir(hostConfigDir, 0o755, 0, 0)
	l.write(hostConfigDir+"/sshd_config", cfg.Bytes(), 0o644, 0, 0)
	l.write(hostConfigDir+"/ssh_host_ed25519_key", hostKey.private, 0o600, 0, 0)
	l.write(hostConfigDir+"/ssh_host_ed25519_key.pub", hostKey.authorized, 0o644, 0, 0)
	return l.err
}
