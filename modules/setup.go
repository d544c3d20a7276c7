package modules

import (
	_ "embed"
	"path"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() {
	Register("setup", setupModule{})
}

// setupModule gathers facts about the host. One script collects the raw
// material (files, command output) in a single round trip; the facts are
// computed here, named and shaped as Ansible's setup module returns them:
// ansible_facts holds ansible_-prefixed keys.
//
// Left out on purpose: ansible_python, ansible_python_version,
// ansible_selinux_python_present and discovered_interpreter_python, which
// Ansible takes from the Python interpreter running its module; gansible
// runs no Python on hosts, so there is no interpreter to describe.
// Not gathered: local facts (fact_path), ethtool's interface features,
// a block device's PCI host name (lspci) and sg_inq serial. gather_subset
// takes Ansible's subset names all, min, hardware, network, virtual and
// the collectors loadavg, chroot, iscsi, nvme and fibre_channel (each
// with "!"); facter, ohai and single-fact collector names are refused.
type setupModule struct{}

//go:embed setup_facts.sh
var setupScript string

var setupArgSpec = &argspec.Spec{
	Params: []argspec.Param{
		{Name: "gather_subset", Type: argspec.List, Elements: argspec.Str, Default: []any{"all"}},
		// On Linux, Ansible bounds only each mount's size query by it.
		{Name: "gather_timeout", Type: argspec.Int, Default: 10},
		{Name: "filter", Type: argspec.List, Elements: argspec.Str, Default: []any{}},
		{Name: "fact_path", Type: argspec.Path, Default: "/etc/ansible/facts.d"},
	},
}

func (setupModule) Spec() *argspec.Spec { return setupArgSpec }

func (setupModule) Run(c *Context, args Args) (*Result, error) {
	subset := args.List("gather_subset")
	if len(subset) == 0 {
		subset = []string{"all"}
	}
	groups, err := factGroups(subset)
	if err != nil {
		return nil, err
	}
	factPath := args.String("fact_path")
	timeout, err := args.Int("gather_timeout", 10)
	if err != nil {
		return nil, err
	}
	if timeout == 0 {
		// Ansible's collectors take 0 as "the default".
		timeout = 10
	}
	res, err := c.Run(recordFuncs+"fact_path="+shell.Quote(factPath)+"\ngather_timeout="+strconv.Itoa(timeout)+"\n"+setupScript, nil)
	if err != nil {
		return nil, err
	}
	rec := parseRecords(string(res.Stdout))
	facts, warnings := computeFacts(rec, groups)
	local, localWarnings := localFacts(rec, factPath)
	warnings = append(warnings, localWarnings...)
	facts["ansible_local"] = local
	facts["gather_subset"] = subset
	facts["module_setup"] = true
	if filters := args.List("filter"); len(filters) > 0 {
		facts = filterFacts(facts, filters)
	}
	r := &Result{}
	r.Set("ansible_facts", detachStrings(facts))
	if len(warnings) > 0 {
		r.Set("warnings", strList(warnings))
	}
	return r, nil
}

// computeFacts turns the script's records into the facts of the chosen
// groups (see factGroups), with the warnings of the collectors.
func computeFacts(rec map[string]string, groups map[string]bool) (f map[string]any, warnings []string) {
	f = map[string]any{}
	set := func(name string, v any) { f["ansible_"+name] = v }
	sysfs := sysfsValues(rec["sysfs"])
	if groups["hardware"] {
		for k, v := range hardwareFacts(rec) {
			set(k, v)
		}
		for k, v := range dmiFacts(rec, sysfs) {
			set(k, v)
		}
		mounts, mountWarnings := mountFacts(rec)
		set("mounts", mounts)
		warnings = append(warnings, mountWarnings...)
		set("lvm", lvmFacts(rec))
		links := deviceLinks(rec)
		set("device_links", links)
		set("devices", deviceFacts(rec, links))
		set("uptime_seconds", uptimeSeconds(rec["uptime"]))
	}
	if groups["network"] {
		for k, v := range networkFacts(rec) {
			set(k, v)
		}
		ifaces := interfaceFacts(rec, sysfs)
		for name, d := range ifaces {
			set(strings.ReplaceAll(name, "-", "_"), d)
		}
		for k, v := range ipv6Facts(rec, ifaces) {
			set(k, v)
		}
	}
	if groups["virtual"] {
		for k, v := range virtualFacts(rec, sysfs) {
			set(k, v)
		}
	}
	if groups["loadavg"] {
		set("loadavg", loadavgFacts(rec["loadavg"]))
	}
	if groups["chroot"] {
		set("is_chroot", isChroot(rec))
	}
	ids := storageIDFacts(rec, sysfs)
	for group, name := range map[string]string{"iscsi": "iscsi_iqn", "nvme": "hostnqn", "fibre_channel": "fibre_channel_wwn"} {
		if groups[group] {
			set(name, ids[name])
		}
	}
	if !groups["min"] {
		return f, warnings
	}

	set("system", rec["uname_s"])
	set("kernel", rec["uname_r"])
	set("kernel_version", rec["uname_v"])
	set("machine", rec["uname_m"])
	set("architecture", architecture(rec["uname_m"]))
	set("userspace_architecture", architecture(rec["uname_m"]))

	node := rec["nodename"]
	set("nodename", node)
	set("hostname", strings.SplitN(node, ".", 2)[0])
	fqdn := fqdnOf(node, rec["hosts"])
	set("fqdn", fqdn)
	domain := ""
	if _, d, ok := strings.Cut(fqdn, "."); ok {
		domain = d
	}
	set("domain", domain)

	dist := distributionFacts(rec)
	for k, v := range dist {
		set(k, v)
	}
	present := lineSet(rec["present"])
	tools := lineSet(rec["tools"])
	set("pkg_mgr", pkgMgr(present, dist))
	set("service_mgr", serviceMgr(rec, present, tools))
	if lsb := lsbFacts(rec); len(lsb) > 0 {
		set("lsb", lsb)
	}
	set("selinux", selinuxFacts(rec))

	for k, v := range systemFacts(rec) {
		set(k, v)
	}
	for k, v := range userFacts(rec) {
		set(k, v)
	}
	set("env", envFacts(rec["env"]))
	set("date_time", dateTimeFacts(rec["date"]))
	return f, warnings
}

// filterFacts keeps the facts whose names match one of the shell-style
// patterns, as setup's filter option does.
func filterFacts(facts map[string]any, patterns []string) map[string]any {
	out := map[string]any{}
	for name, v := range facts {
		for _, p := range patterns {
			if ok, _ := path.Match(p, name); ok {
				out[name] = v
				break
			}
		}
	}
	return out
}

// architecture is Ansible's name for a machine type.
func architecture(machine string) string {
	switch machine {
	case "i386", "i486", "i586", "i686":
		return "i386"
	}
	return machine
}

// fqdnOf mimics Python's socket.getfqdn: the first of the host's
// canonical name and aliases (from `getent hosts ADDRESS`) that has a
// dot, else the canonical name, else the node name.
func fqdnOf(node, hostsLine string) string {
	fields := strings.Fields(hostsLine)
	if len(fields) < 2 {
		return node
	}
	for _, name := range fields[1:] {
		if strings.Contains(name, ".") {
			return name
		}
	}
	return fields[1]
}

// lineSet is the set of a record's lines.
func lineSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			set[l] = true
		}
	}
	return set
}

// atoi is strconv.Atoi of a trimmed string, 0 when it is not a number.
func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// detachStrings copies every string in facts. Facts are cut from the
// script's output, so each one would otherwise keep the whole output (and
// the records joined from it) alive for as long as the host keeps its
// facts: the whole run, several times the facts' own size, on every host.
func detachStrings(v any) any {
	switch x := v.(type) {
	case string:
		return strings.Clone(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[strings.Clone(k)] = detachStrings(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = detachStrings(e)
		}
		return out
	case []string:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = strings.Clone(e)
		}
		return out
	}
	return v
}
