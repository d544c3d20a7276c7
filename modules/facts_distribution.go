package modules

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/shlex"
)

// distributionFacts computes distribution, distribution_version,
// distribution_major_version, distribution_release,
// distribution_file_variety and os_family the way Ansible does: a guess
// from the `distro` library's sources (os-release, lsb, the release file),
// then the distribution's name from the first release file Ansible
// recognizes.
func distributionFacts(rec map[string]string) map[string]any {
	osr := parseOSRelease(rec["os_release"])
	releaseFile := rec["centos_release"]
	releaseFileID := "centos"
	if releaseFile == "" {
		releaseFile, releaseFileID = rec["redhat_release"], "rhel"
	}
	fileName, fileVersion, fileCodename := parseReleaseFile(releaseFile)
	if releaseFile == "" {
		releaseFileID = ""
	}

	id := strings.ToLower(osr["ID"])
	if id == "" {
		id = releaseFileID
	}

	// distro.version(best=True): the candidate with the most dots.
	version := osr["VERSION_ID"]
	if version == "" {
		version = fileVersion
	}
	if id == "centos" || id == "debian" {
		best := version
		for _, v := range []string{osr["VERSION_ID"], fileVersion, strings.TrimSpace(rec["debian_version"])} {
			if strings.Count(v, ".") > strings.Count(best, ".") && regexp.MustCompile(`^[0-9.]+$`).MatchString(v) {
				best = v
			}
		}
		version = best
		if id == "centos" {
			parts := strings.Split(version, ".")
			if len(parts) > 2 {
				parts = parts[:2]
			}
			version = strings.Join(parts, ".")
		}
	}

	codename := osr["VERSION_CODENAME"]
	if codename == "" {
		codename = osr["UBUNTU_CODENAME"]
	}
	if codename == "" {
		if m := regexp.MustCompile(`\((.+)\)`).FindStringSubmatch(osr["VERSION"]); m != nil {
			codename = m[1]
		} else {
			codename = fileCodename
		}
	}
	release := codename
	if release == "" {
		release = "NA"
	}

	name := capitalize(id)
	if name == "" {
		name = "OtherLinux"
	}
	variety, varietyPath := "", ""
	osText := rec["os_release"]
	switch {
	case rec["redhat_release"] != "":
		variety, varietyPath = "RedHat", "/etc/redhat-release"
		if strings.Contains(rec["redhat_release"], "Red Hat") {
			name = "RedHat"
		} else {
			name = fileName
		}
		if strings.Contains(rec["redhat_release"], "CentOS Stream") {
			release = "Stream"
		}
	case strings.Contains(osText, "Debian") || strings.Contains(osText, "Raspbian"):
		variety, name, varietyPath = "Debian", "Debian", "/etc/os-release"
		if m := regexp.MustCompile(`PRETTY_NAME=[^(]+ \(?([^)]+?)\)`).FindStringSubmatch(osText); m != nil {
			release = m[1]
		}
	case strings.Contains(osText, "Ubuntu"):
		variety, name, varietyPath = "Debian", "Ubuntu", "/etc/os-release"
	}
	if version == "" {
		version = "NA"
	}
	facts := map[string]any{
		"distribution":               name,
		"distribution_version":       version,
		"distribution_major_version": strings.Split(version, ".")[0],
		"distribution_release":       release,
		"os_family":                  osFamily(name),
	}
	// ansible-core 2.14 sets distribution_minor_version only where its
	// distribution file parsers do: Debian's /etc/debian_version
	// ("12.5"), and Amazon's version ("NA" without a minor).
	parts := strings.Split(version, ".")
	switch {
	case name == "Debian" && len(parts) > 1 && parts[1] != "":
		facts["distribution_minor_version"] = parts[1]
	case name == "Amazon":
		facts["distribution_minor_version"] = "NA"
		if len(parts) > 1 && parts[1] != "" {
			facts["distribution_minor_version"] = parts[1]
		}
	}
	if variety != "" {
		facts["distribution_file_variety"] = variety
		facts["distribution_file_path"] = varietyPath
		facts["distribution_file_parsed"] = true
	}
	return facts
}

// parseOSRelease reads /etc/os-release's KEY=value lines.
func parseOSRelease(text string) map[string]string {
	vals := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		if words, err := shlex.Split(v); err == nil && len(words) == 1 {
			v = words[0]
		}
		vals[k] = v
	}
	return vals
}

// parseReleaseFile reads a line like "CentOS release 6.5 (Final)".
func parseReleaseFile(text string) (name, version, codename string) {
	line := strings.TrimSpace(strings.SplitN(text, "\n", 2)[0])
	if f := strings.Fields(line); len(f) > 0 {
		name = f[0]
	}
	if m := regexp.MustCompile(`release\s+([\d.]+)`).FindStringSubmatch(line); m != nil {
		version = m[1]
	}
	if m := regexp.MustCompile(`\((.+)\)`).FindStringSubmatch(line); m != nil {
		codename = m[1]
	}
	return name, version, codename
}

func capitalize(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

// osFamilies maps a distribution to its os_family, as Ansible's OS_FAMILY.
var osFamilies = map[string][]string{
	"RedHat":    {"RedHat", "Fedora", "CentOS", "Scientific", "SLC", "Ascendos", "CloudLinux", "PSBM", "OracleLinux", "OVS", "OEL", "Amazon", "Virtuozzo", "XenServer", "Alibaba", "EulerOS", "openEuler", "AlmaLinux", "Rocky", "TencentOS", "EuroLinux"},
	"Debian":    {"Ubuntu", "Debian", "Raspbian", "Neon", "KDE neon", "Linux Mint", "SteamOS", "Devuan", "Kali", "Cumulus Linux", "Pop!_OS", "Parrot", "Pardus GNU/Linux", "Uos", "Deepin", "OSMC"},
	"Suse":      {"SuSE", "SLES", "SLED", "openSUSE", "openSUSE Tumbleweed", "SLES_SAP", "SUSE_LINUX", "openSUSE Leap"},
	"Archlinux": {"Archlinux", "Antergos", "Manjaro"},
	"Alpine":    {"Alpine"},
	"Gentoo":    {"Gentoo", "Funtoo"},
}

func osFamily(dist string) string {
	for family, members := range osFamilies {
		for _, m := range members {
			if m == dist {
				return family
			}
		}
	}
	return dist
}

// pkgMgrPaths is Ansible's PKG_MGRS, in order: the last one present wins.
var pkgMgrPaths = []struct{ path, name string }{
	{"/usr/bin/rpm-ostree", "atomic_container"},
	{"/usr/bin/yum", "yum"},
	{"/usr/bin/dnf", "dnf"},
	{"/usr/bin/apt-get", "apt"},
	{"/usr/bin/zypper", "zypper"},
	{"/usr/sbin/urpmi", "urpmi"},
	{"/usr/bin/pacman", "pacman"},
	{"/bin/opkg", "opkg"},
	{"/sbin/apk", "apk"},
	{"/usr/bin/emerge", "portage"},
}

// pkgMgr is the pkg_mgr fact: RHEL clones use yum before 8 and dnf from 8.
func pkgMgr(present map[string]bool, dist map[string]any) string {
	name := "unknown"
	for _, p := range pkgMgrPaths {
		if present[p.path] {
			name = p.name
		}
	}
	if dist["os_family"] == "RedHat" {
		if present["/run/ostree-booted"] {
			return "atomic_container"
		}
		major, err := strconv.Atoi(dist["distribution_major_version"].(string))
		switch {
		case dist["distribution"] == "Fedora" && (err != nil || major >= 23) && present["/usr/bin/dnf"]:
			name = "dnf"
		case dist["distribution"] == "Fedora" && present["/usr/bin/yum"]:
			name = "yum"
		case dist["distribution"] != "Fedora" && err == nil && major < 8:
			name = "yum"
		case dist["distribution"] != "Fedora":
			name = "dnf"
		}
	}
	return name
}

// serviceMgr is the service_mgr fact: PID 1's name unless it is "init" or
// a shell, else systemd, upstart, openrc or sysvinit from what is on disk.
func serviceMgr(rec map[string]string, present, tools map[string]bool) string {
	proc1 := strings.TrimSpace(rec["proc1"])
	if proc1 == "" {
		proc1 = strings.TrimSpace(rec["sbin_init"])
		if i := strings.LastIndex(proc1, "/"); i >= 0 {
			proc1 = proc1[i+1:]
		}
	}
	if proc1 != "" && proc1 != "init" && !strings.HasSuffix(proc1, "sh") {
		switch proc1 {
		case "procd":
			return "openwrt_init"
		case "runit-init":
			return "runit"
		case "svscan":
			return "svc"
		case "openrc-init":
			return "openrc"
		}
		return proc1
	}
	systemdBooted := present["/run/systemd/system/"] || present["/dev/.run/systemd/"] || present["/dev/.systemd/"]
	switch {
	case tools["systemctl"] && systemdBooted:
		return "systemd"
	case tools["initctl"] && present["/etc/init/"]:
		return "upstart"
	case present["/sbin/openrc"]:
		return "openrc"
	case strings.HasSuffix(strings.TrimSpace(rec["sbin_init"]), "systemd"):
		return "systemd"
	case present["/etc/init.d/"]:
		return "sysvinit"
	}
	return "service"
}

// lsbFacts reads `lsb_release -a`, or /etc/lsb-release without it.
func lsbFacts(rec map[string]string) map[string]any {
	lsb := map[string]any{}
	if out := rec["lsb_release"]; out != "" {
		keys := map[string]string{"Distributor ID": "id", "Release": "release", "Description": "description", "Codename": "codename"}
		for _, line := range strings.Split(out, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if key, known := keys[strings.TrimSpace(k)]; ok && known {
				lsb[key] = strings.TrimSpace(v)
			}
		}
	} else if text := rec["lsb_release_file"]; text != "" {
		keys := map[string]string{"DISTRIB_ID": "id", "DISTRIB_RELEASE": "release", "DISTRIB_DESCRIPTION": "description", "DISTRIB_CODENAME": "codename"}
		for k, v := range parseOSRelease(text) {
			if key, known := keys[k]; known {
				lsb[key] = v
			}
		}
	}
	if r, ok := lsb["release"].(string); ok {
		lsb["major_release"] = strings.Split(r, ".")[0]
	}
	return lsb
}

// selinuxFacts reports SELinux as Ansible does.
func selinuxFacts(rec map[string]string) map[string]any {
	enforce, ok := rec["selinux_enforce"]
	if !ok {
		return map[string]any{"status": "disabled"}
	}
	mode := "permissive"
	if strings.TrimSpace(enforce) == "1" {
		mode = "enforcing"
	}
	return map[string]any{"status": "enabled", "mode": mode}
}
