package testcluster

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed assets/centos assets/standin-init
var hostAssets embed.FS

// user is the account that exists only inside the hosts.
type user struct {
	name     string
	uid, gid int
}

// buildCommonLayer fills dir with what every host of the cluster of one
// flavour ("" for FlavourCentOS) shares, with serviceMgr as its service
// manager.
func buildCommonLayer(ctx context.Context, dir string, u user, clientKey keyPair, rpmKey string, python bool, flavour, serviceMgr string) error {
	l := &layer{dir: dir}
	addUser(l, u, clientKey)
	if flavour == "" {
		addWheelGroup(l)
		looksLikeCentOS(l)
	}
	if flavour == FlavourDebian {
		hideDebianArchive(l)
	}
	initStandins(l)
	hideDebianServiceTools(l)
	if serviceMgr == Systemd {
		systemdStandins(l)
	}

	// The interpreter ansible-core discovers first on RHEL 8, and the one
	// dnf runs on once the other Pythons are hidden.
	python3, err := filepath.EvalSymlinks("/usr/bin/python3")
	if err != nil {
		return fmt.Errorf("python3 for dnf: %w", err)
	}
	l.copyBinary("/usr/libexec/platform-python", python3)
	if !python {
		hidePython(l)
	}
	if l.err != nil {
		return l.err
	}
	return importRPMKey(ctx, dir, rpmKey)
}

// addUser adds u to copies of the machine's account files, with a home
// holding key in authorized_keys and password-less sudo.
func addUser(l *layer, u user, key keyPair) {
	appendLine := func(file, line string) {
		if l.err != nil {
			return
		}
		orig, err := os.ReadFile(file)
		if err != nil {
			l.err = err
			return
		}
		if len(orig) > 0 && !bytes.HasSuffix(orig, []byte("\n")) {
			orig = append(orig, '\n')
		}
		l.writeLike(file, file, append(orig, line+"\n"...))
	}
	home := "/home/" + u.name
	appendLine("/etc/passwd", fmt.Sprintf("%s:x:%d:%d:Ansible:%s:/bin/bash", u.name, u.uid, u.gid, home))
	appendLine("/etc/shadow", u.name+":*:16400:0:99999:7:::")
	appendLine("/etc/group", fmt.Sprintf("%s:x:%d:", u.name, u.gid))
	appendLine("/etc/gshadow", u.name+":!::")
	l.write("/etc/sudoers.d/"+u.name, []byte(u.name+" ALL=(ALL) NOPASSWD: ALL\nDefaults:"+u.name+" !requiretty\n"), 0o440, 0, 0)
	l.mkdir(home, 0o700, u.uid, u.gid)
	l.mkdir(home+"/.ssh", 0o700, u.uid, u.gid)
	l.write(home+"/.ssh/authorized_keys", key.authorized, 0o600, u.uid, u.gid)
}

// addWheelGroup adds the wheel group every CentOS host has (playbooks
// put sudoers in it), with CentOS's gid 10 unless the machine's own group
// file uses it, then the first free gid after. It appends to the layer's
// group files, which addUser wrote.
func addWheelGroup(l *layer) {
	if l.err != nil {
		return
	}
	group, err := os.ReadFile(l.path("/etc/group"))
	if err != nil {
		l.err = err
		return
	}
	used := map[string]bool{}
	for _, line := range strings.Split(string(group), "\n") {
		f := strings.Split(line, ":")
		if len(f) > 2 {
			if f[0] == "wheel" {
				return
			}
			used[f[2]] = true
		}
	}
	gid := 10
	for used[strconv.Itoa(gid)] {
		gid++
	}
	for _, f := range []struct{ file, line string }{
		{"/etc/group", "wheel:x:" + strconv.Itoa(gid) + ":"},
		{"/etc/gshadow", "wheel:::"},
	} {
		b, err := os.ReadFile(l.path(f.file))
		if err != nil {
			l.err = err
			return
		}
		l.writeLike(f.file, f.file, append(b, f.line+"\n"...))
	}
}

// looksLikeCentOS makes ansible-core's facts read CentOS 8 (whose yum
// action runs dnf) with upstart as the service manager, and lays out the
// init directories of a CentOS host.
func looksLikeCentOS(l *layer) {
	asset := func(name string) []byte {
		b, err := hostAssets.ReadFile("assets/centos/" + name)
		if err != nil && l.err == nil {
			l.err = err
		}
		return b
	}
	osRelease := asset("os-release")
	release := asset("redhat-release")
	l.write("/etc/os-release", osRelease, 0o644, 0, 0)
	l.write("/usr/lib/os-release", osRelease, 0o644, 0, 0)
	l.write("/etc/redhat-release", release, 0o644, 0, 0)
	l.write("/etc/centos-release", release, 0o644, 0, 0)
	l.symlink("/etc/system-release", "centos-release")
	l.hide("/etc/debian_version")
	l.hide("/usr/bin/lsb_release")

	// Debian's rpm keeps its database in ~/.rpmdb unless told otherwise.
	l.write("/etc/rpm/macros", asset("rpm-macros"), 0o644, 0, 0)
	l.write("/etc/dnf/vars/releasever", []byte("8\n"), 0o644, 0, 0)
	l.mkdir("/etc/yum.repos.d", 0o755, 0, 0)

	l.mkdir("/etc/init", 0o755, 0, 0)
	l.mkdir("/etc/rc.d/init.d", 0o755, 0, 0)
	for i := 0; i <= 6; i++ {
		l.mkdir(fmt.Sprintf("/etc/rc.d/rc%d.d", i), 0o755, 0, 0)
	}
	l.symlink("/etc/init.d", "rc.d/init.d")
	l.mkdir("/var/lock/subsys", 0o755, 0, 0)
}

// initStandins installs service, chkconfig and initctl (with upstart's
// start/stop/... links), and shutdown and reboot, in /sbin, which is
// /usr/sbin on the machine.
func initStandins(l *layer) {
	read := func(name string) []byte {
		b, err := hostAssets.ReadFile("assets/standin-init/" + name)
		if err != nil && l.err == nil {
			l.err = err
		}
		return b
	}
	l.write("/usr/libexec/init-standin/lib.sh", read("lib.sh"), 0o644, 0, 0)
	for _, tool := range []string{"service", "chkconfig", "initctl"} {
		l.write("/usr/sbin/"+tool, read(tool), 0o755, 0, 0)
	}
	for _, alias := range []string{"start", "stop", "restart", "reload", "status"} {
		l.symlink("/usr/sbin/"+alias, "initctl")
	}
	// Regular files, as the reboot action's find looks for.
	for _, tool := range []string{"shutdown", "reboot"} {
		l.write("/usr/sbin/"+tool, read("shutdown"), 0o755, 0, 0)
	}
}

// systemdStandins makes systemd the hosts' service manager: the systemctl
// stand-in replaces the hidden systemctl, and upstart's /etc/init goes so
// that nothing reads as upstart. PID 1's name and /run/systemd/system
// are the init's (see init.sh).
func systemdStandins(l *layer) {
	b, err := hostAssets.ReadFile("assets/standin-init/systemctl")
	if err != nil && l.err == nil {
		l.err = err
	}
	l.write("/usr/bin/systemctl", b, 0o755, 0, 0)
	l.hide("/etc/init")
	l.mkdir("/etc/systemd/system", 0o755, 0, 0)
}

// hideDebianServiceTools removes the tools the service module prefers over
// chkconfig and initctl.
// hideDebianArchive hides the machine's apt sources and the package
// lists and caches fetched from them: on the hosts, apt knows only the
// installed packages and what a case's sources (the cluster's own
// repository) bring, and apt-get update reaches no address but the
// cluster's.
func hideDebianArchive(l *layer) {
	for _, pattern := range []string{"/etc/apt/sources.list", "/etc/apt/sources.list.d/*", "/var/lib/apt/lists/*", "/var/cache/apt/*.bin"} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			if st, err := os.Lstat(m); err == nil && !st.IsDir() {
				l.hide(m)
			}
		}
	}
}

func hideDebianServiceTools(l *layer) {
	for _, p := range []string{"/usr/sbin/update-rc.d", "/usr/sbin/invoke-rc.d", "/usr/sbin/insserv", "/usr/bin/systemctl", "/usr/sbin/systemctl"} {
		l.hide(p)
	}
}

// hidePython hides every python on the PATHs of the hosts, and gives dnf
// (itself a Python program) /usr/libexec/platform-python, as on a minimal
// RHEL 8 host.
func hidePython(l *layer) {
	for _, dir := range []string{"/usr/bin", "/usr/local/bin", "/usr/sbin", "/usr/local/sbin"} {
		matches, _ := filepath.Glob(filepath.Join(dir, "python*"))
		for _, m := range matches {
			l.hide(m)
		}
	}
	dnf, err := filepath.EvalSymlinks("/usr/bin/dnf")
	if err != nil {
		if l.err == nil {
			l.err = fmt.Errorf("dnf: %w", err)
		}
		return
	}
	script, err := os.ReadFile(dnf)
	if err != nil {
		if l.err == nil {
			l.err = err
		}
		return
	}
	if i := bytes.IndexByte(script, '\n'); bytes.HasPrefix(script, []byte("#!")) && i > 0 {
		script = append([]byte("#!/usr/libexec/platform-python"), script[i:]...)
	}
	l.writeLike(dnf, dnf, script)
}

// importRPMKey imports the stand-in signing key into the rpm database of
// the layer, at the %_dbpath the hosts use.
func importRPMKey(ctx context.Context, dir, key string) error {
	db := filepath.Join(dir, "var/lib/rpm")
	if err := os.MkdirAll(db, 0o755); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, "rpm", "--dbpath", db, "--import", key).CombinedOutput()
	if err != nil {
		return fmt.Errorf("rpm --import %s: %w\n%s", key, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// pickUser returns the user for the hosts with ids unused on the machine,
// so that files it owns inside hosts never look like a machine user's.
func pickUser(name string) (user, error) {
	taken := func(file string) (map[string]bool, error) {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		ids := map[string]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Split(line, ":"); len(f) > 2 {
				ids[f[2]] = true
				if f[0] == name {
					return nil, fmt.Errorf("%s: user %s already exists on this machine", file, name)
				}
			}
		}
		return ids, nil
	}
	uids, err := taken("/etc/passwd")
	if err != nil {
		return user{}, err
	}
	gids, err := taken("/etc/group")
	if err != nil {
		return user{}, err
	}
	for id := 2000; id < 60000; id++ {
		s := fmt.Sprint(id)
		if !uids[s] && !gids[s] {
			return user{name: name, uid: id, gid: id}, nil
		}
	}
	return user{}, fmt.Errorf("no free uid for %s", name)
}
