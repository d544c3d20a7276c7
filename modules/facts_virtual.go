package modules

import (
	"regexp"
	"sort"
	"strings"
)

// virtualFacts computes virtualization_type, _role, _tech_guest and
// _tech_host in the order of Ansible's Linux checks: containers (init's
// cgroup and environment, /.dockerenv, systemd's container file), OpenVZ,
// Xen, the DMI product and vendor names, then the kvm module or device
// for a host. Ansible's further guest checks (cpuinfo's QEMU or
// hypervisor flag, VirtualBox and Hyper-V from lspci/dmidecode, Linux
// VServer, RHEV's vdsm) are not made: such a guest reports what the
// checks above found, else "NA".
func virtualFacts(rec map[string]string, sysfs map[string]string) map[string]any {
	typ, role := "", ""
	guest, host := map[string]bool{}, map[string]bool{}
	found := func() bool { return typ != "" }
	setGuest := func(tech string) {
		guest[tech] = true
		if !found() {
			typ, role = tech, "guest"
		}
	}
	present := lineSet(rec["virt_present"])

	for _, line := range strings.Split(rec["cgroup1"], "\n") {
		if regexp.MustCompile(`/docker(/|-[0-9a-f]+\.scope)`).MatchString(line) {
			setGuest("docker")
		}
		if regexp.MustCompile(`/lxc/|/machine.slice/machine-lxc`).MatchString(line) {
			setGuest("lxc")
		}
		if strings.Contains(line, "/system.slice/containerd.service") {
			setGuest("containerd")
		}
	}
	for _, line := range strings.Split(rec["container_env"], "\n") {
		switch {
		case strings.Contains(line, "container=lxc"):
			setGuest("lxc")
		case strings.Contains(line, "container=podman"):
			setGuest("podman")
		case regexp.MustCompile(`^container=.`).MatchString(line):
			setGuest("container")
		}
	}
	if present["/proc/vz"] {
		if present["/proc/bc"] {
			host["openvz"] = true
			if !found() {
				typ, role = "openvz", "host"
			}
		} else {
			setGuest("openvz")
		}
	}
	if sc := strings.TrimSpace(rec["systemd_container"]); sc != "" {
		setGuest(sc)
	}
	if present["/.dockerenv"] || present["/.dockerinit"] {
		setGuest("docker")
	}
	if guest["docker"] || guest["lxc"] || guest["podman"] || guest["openvz"] || guest["containerd"] || rec["systemd_container"] != "" {
		guest["container"] = true
	}
	if present["/proc/xen"] {
		if strings.Contains(rec["xen_caps"], "control_d") {
			host["xen"] = true
			if !found() {
				typ, role = "xen", "host"
			}
		} else {
			setGuest("xen")
		}
	}

	product, vendor, bios := dmiValue(sysfs, "product_name"), dmiValue(sysfs, "sys_vendor"), dmiValue(sysfs, "bios_vendor")
	family := dmiValue(sysfs, "product_family")
	// Each DMI match adds its technology, as Ansible's separate checks.
	if product == "KVM" || product == "KVM Server" || product == "Bochs" || product == "AHV" {
		setGuest("kvm")
	}
	if vendor == "oVirt" {
		setGuest("oVirt")
	}
	if vendor == "Red Hat" && family == "RHV" {
		setGuest("RHV")
	}
	if vendor == "Red Hat" && product == "RHEV Hypervisor" {
		setGuest("RHEV")
	}
	if product == "VMware Virtual Platform" || product == "VMware7,1" {
		setGuest("VMware")
	}
	if product == "OpenStack Compute" || product == "OpenStack Nova" {
		setGuest("openstack")
	}
	if bios == "Xen" {
		setGuest("xen")
	}
	if bios == "innotek GmbH" {
		setGuest("virtualbox")
	}
	if bios == "Amazon EC2" || bios == "DigitalOcean" || bios == "Hetzner" {
		setGuest("kvm")
	}
	if vendor == "QEMU" || vendor == "Amazon EC2" || vendor == "DigitalOcean" || vendor == "Google" || vendor == "Scaleway" || vendor == "Nutanix" {
		setGuest("kvm")
	}

	kvmModule := false
	for _, line := range strings.Split(rec["modules"], "\n") {
		if strings.SplitN(line, " ", 2)[0] == "kvm" {
			kvmModule = true
		}
	}
	if kvmModule || present["/dev/kvm"] {
		host["kvm"] = true
		if !found() {
			typ, role = "kvm", "host"
		}
	}
	if !found() {
		typ, role = "NA", "NA"
	}
	return map[string]any{
		"virtualization_type":       typ,
		"virtualization_role":       role,
		"virtualization_tech_guest": sortedMembers(guest),
		"virtualization_tech_host":  sortedMembers(host),
	}
}

// sortedMembers lists a set's members in order; Ansible's come from a Python
// set, in no fixed order.
func sortedMembers(set map[string]bool) []any {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}
