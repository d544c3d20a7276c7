package modules

import (
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("hostname", hostnameModule{}) }

// hostnameModule is ansible.builtin.hostname for Linux hosts. The
// strategy is Ansible's: the one use names, else hostnamectl when systemd
// runs the host, else the distribution's (RedHat family: HOSTNAME= in
// /etc/sysconfig/network; Debian family: /etc/hostname; Alpine, SLES,
// Gentoo their files). Like Ansible, the RedHat and file strategies change
// only the permanent name, not the running one.
type hostnameModule struct{}

func (hostnameModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "name", Required: true},
		{Name: "use", Choices: []any{"alpine", "debian", "freebsd", "generic", "macos", "macosx", "darwin", "openbsd", "openrc", "redhat", "sles", "solaris", "systemd"}},
	}}
}

// hostnameStrategies maps use to Ansible's strategy.
var hostnameStrategies = map[string]string{
	"alpine": "alpine", "debian": "systemd", "systemd": "systemd", "redhat": "redhat",
	"sles": "sles", "openrc": "openrc", "generic": "generic",
	"freebsd": "bsd", "openbsd": "bsd", "macos": "bsd", "macosx": "bsd", "darwin": "bsd", "solaris": "bsd",
}

// distributionHostnames maps a distribution, named as Ansible's
// get_distribution names it, to its strategy.
var distributionHostnames = map[string]string{}

func init() {
	for _, d := range []string{"Redhat", "Centos", "Anolis", "Cloudlinuxserver", "Cloudlinux", "Alinux", "Scientific",
		"Oracle", "Virtuozzo", "Amazon", "Altlinux", "Eurolinux"} {
		distributionHostnames[d] = "redhat"
	}
	for _, d := range []string{"Debian", "Kylin", "Cumulus-linux", "Kali", "Parrot", "Ubuntu", "Linuxmint", "Linaro",
		"Devuan", "Raspbian", "Uos", "Deepin", "Neon", "Void", "Pop"} {
		distributionHostnames[d] = "file"
	}
	distributionHostnames["Gentoo"] = "openrc"
	distributionHostnames["Alpine"] = "alpine"
	distributionHostnames["Sles"] = "sles"
}

// hostnameProbe reads everything the strategies may need in one command.
const hostnameProbe = `. /etc/os-release 2>/dev/null
rec id "${ID-}"
rec version "${VERSION_ID-}"
if command -v systemctl >/dev/null 2>&1 || [ -x /sbin/systemctl ] || [ -x /usr/sbin/systemctl ]; then
	for d in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do [ -e "$d" ] && rec systemd 1; done
fi
exit 0
`

// distributionID is Ansible's get_distribution: the os-release ID as
// the distro package normalises it, capitalised.
func distributionID(id string) string {
	switch id {
	case "ol":
		id = "oracle"
	case "opensuse-leap":
		id = "opensuse"
	}
	if id == "" {
		return "OtherLinux"
	}
	d := strings.ToUpper(id[:1]) + strings.ToLower(id[1:])
	switch d {
	case "Amzn":
		return "Amazon"
	case "Rhel":
		return "Redhat"
	}
	return d
}

func (hostnameModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runHostname(c, args))
}

// hostnameFile is one file a strategy reads and writes.
type hostnameFile struct {
	path    string
	content string
	exists  bool
}

func runHostname(c *Context, args Args) (*Result, error) {
	name := args["name"].(string)
	out, err := runChecked(c, "failed to inspect the host", recordFuncs+hostnameProbe, nil)
	if err != nil {
		return nil, err
	}
	rec := parseRecords(string(out))
	file := func(p string) (hostnameFile, error) {
		pr, err := probe(c, nil, nil, probeRequest{Path: p, Follow: true, Content: true})
		if err != nil {
			return hostnameFile{}, err
		}
		f := pr.Files[0]
		return hostnameFile{path: p, content: string(f.Content), exists: f.IsReg()}, nil
	}

	strategy := ""
	if use, ok := args["use"].(string); ok {
		strategy = hostnameStrategies[use]
	} else if _, ok := rec["systemd"]; ok {
		strategy = "systemd"
	} else {
		dist := distributionID(rec["id"])
		strategy = distributionHostnames[dist]
		if strategy == "sles" {
			v, err := strconv.ParseFloat(rec["version"], 64)
			if err != nil || v < 10 || v > 12 {
				strategy = ""
			}
		}
		if strategy == "" {
			return nil, failf("hostname module cannot be used on platform Linux (%s)", dist)
		}
	}

	var current, permanent string
	var setPermanent func(string) error
	setCurrent := func(string) error { return nil }
	switch strategy {
	case "generic", "bsd":
		return nil, failf("the %s hostname strategy is not supported by gansible", args["use"])
	case "systemd":
		if current, err = hostnamectl(c, "--transient", "status"); err != nil {
			return nil, err
		}
		if permanent, err = hostnamectl(c, "--static", "status"); err != nil {
			return nil, err
		}
		setPermanent = func(n string) error {
			if len(n) > 64 {
				return failf("name cannot be longer than 64 characters on systemd servers, try a shorter name")
			}
			_, err := hostnamectl(c, "--pretty", "--static", "set-hostname", n)
			return err
		}
		setCurrent = func(n string) error {
			if len(n) > 64 {
				return failf("name cannot be longer than 64 characters on systemd servers, try a shorter name")
			}
			_, err := hostnamectl(c, "--transient", "set-hostname", n)
			return err
		}
	case "redhat":
		f, err := file("/etc/sysconfig/network")
		if err != nil {
			return nil, err
		}
		if permanent, err = redhatNetworkName(f.content); err != nil {
			return nil, err
		}
		current = permanent
		setPermanent = func(n string) error {
			return writeHostnameFile(c, f.path, redhatNetworkWith(f.content, n))
		}
	case "file", "alpine", "sles":
		p := "/etc/hostname"
		if strategy == "sles" {
			p = "/etc/HOSTNAME"
		}
		f, err := file(p)
		if err != nil {
			return nil, err
		}
		permanent = strings.TrimSpace(f.content)
		current = permanent
		setPermanent = func(n string) error { return writeHostnameFile(c, p, n+"\n") }
		if strategy == "alpine" {
			// Ansible runs hostname -F before it writes the file: the
			// running name becomes the file's old content.
			setCurrent = func(string) error {
				_, err := runChecked(c, "Command failed", "hostname -F /etc/hostname", nil)
				return err
			}
		}
	case "openrc":
		f, err := file("/etc/conf.d/hostname")
		if err != nil {
			return nil, err
		}
		permanent = openrcName(f.content)
		current = permanent
		setPermanent = func(n string) error {
			return writeHostnameFile(c, f.path, openrcWith(f.content, n))
		}
	}

	res := &Result{}
	updateCurrent := func() error {
		if current != name {
			res.Changed = true
			if !c.CheckMode {
				return setCurrent(name)
			}
		}
		return nil
	}
	updatePermanent := func() error {
		if permanent != name {
			res.Changed = true
			if !c.CheckMode {
				return setPermanent(name)
			}
		}
		return nil
	}
	steps := []func() error{updateCurrent, updatePermanent}
	if strategy == "systemd" {
		// The permanent name first, as Ansible does for NetworkManager.
		steps = []func() error{updatePermanent, updateCurrent}
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, err
		}
	}
	before := permanent
	if name != current {
		before = current
	}

	fqdn, err := hostFQDN(c)
	if err != nil {
		return nil, err
	}
	domain := ""
	if _, d, ok := strings.Cut(fqdn, "."); ok {
		domain = d
	}
	res.Set("name", name)
	res.Set("ansible_facts", map[string]any{
		"ansible_hostname": strings.SplitN(name, ".", 2)[0], "ansible_nodename": name,
		"ansible_fqdn": fqdn, "ansible_domain": domain,
	})
	if res.Changed {
		res.Diff = append(res.Diff, Diff{Before: "hostname = " + before + "\n", After: "hostname = " + name + "\n"})
	}
	return res, nil
}

// hostnamectl runs hostnamectl with the given words and returns its
// output, trimmed; a failure fails the task with Ansible's message.
func hostnamectl(c *Context, words ...string) (string, error) {
	r, err := c.Run(shell.Join(append([]string{"hostnamectl"}, words...)...), nil)
	if err != nil {
		return "", err
	}
	if r.ExitCode != 0 {
		return "", failf("Command failed rc=%d, out=%s, err=%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	return strings.TrimSpace(string(r.Stdout)), nil
}

// writeHostnameFile replaces a name file atomically; an existing file
// keeps its owner and mode.
func writeHostnameFile(c *Context, p, content string) error {
	pr, err := probe(c, nil, nil, probeRequest{Path: p, Follow: true})
	if err != nil {
		return err
	}
	cur := &pr.Files[0]
	target := p
	if cur.RealPath != "" {
		target = cur.RealPath
	}
	_, err = writeFile(c, writeRequest{Dest: target, Content: []byte(content), Existing: cur, Probe: pr})
	return err
}

// hostFQDN is Python's socket.getfqdn() on the host, as the setup
// module computes ansible_fqdn.
func hostFQDN(c *Context) (string, error) {
	script := recordFuncs + `node=$(uname -n)
rec nodename "$node"
set -- $(getent hosts "$node" 2>/dev/null)
[ -n "${1-}" ] && rec hosts "$(getent hosts "$1" 2>/dev/null)"
exit 0
`
	out, err := runChecked(c, "failed to read the host's name", script, nil)
	if err != nil {
		return "", err
	}
	rec := parseRecords(string(out))
	return fqdnOf(rec["nodename"], rec["hosts"]), nil
}

// redhatNetworkName reads the name from /etc/sysconfig/network as
// Ansible's RedHatStrategy does, with its failures.
func redhatNetworkName(content string) (string, error) {
	for _, line := range pythonLines(strings.TrimSpace(content)) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "HOSTNAME") {
			continue
		}
		parts := strings.Split(line, "=")
		switch {
		case len(parts) < 2:
			return "", failf("failed to read hostname: not enough values to unpack (expected 2, got 1)")
		case len(parts) > 2:
			return "", failf("failed to read hostname: too many values to unpack (expected 2)")
		}
		return strings.TrimSpace(parts[1]), nil
	}
	return "", failf("Unable to locate HOSTNAME entry in /etc/sysconfig/network")
}

// redhatNetworkWith replaces every HOSTNAME line, or adds one.
func redhatNetworkWith(content, name string) string {
	var b strings.Builder
	done := false
	for _, line := range splitLinesWithEnds(content) {
		if strings.HasPrefix(strings.TrimSpace(line), "HOSTNAME") {
			b.WriteString("HOSTNAME=" + name + "\n")
			done = true
		} else {
			b.WriteString(line)
		}
	}
	if !done {
		b.WriteString("HOSTNAME=" + name + "\n")
	}
	return b.String()
}

// openrcName reads hostname="..." from /etc/conf.d/hostname.
func openrcName(content string) string {
	for _, line := range pythonLines(strings.TrimSpace(content)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "hostname=") {
			return strings.Trim(line[len("hostname="):], `"`)
		}
	}
	return ""
}

// openrcWith replaces the first hostname= line; like Ansible, it adds
// none when there is none.
func openrcWith(content, name string) string {
	var lines []string
	if c := strings.TrimSpace(content); c != "" {
		lines = pythonLines(c)
	}
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "hostname=") {
			lines[i] = `hostname="` + name + `"`
			break
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
