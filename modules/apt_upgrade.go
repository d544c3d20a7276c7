package modules

import (
	"fmt"
	"strings"
)

// aptUpgradeZero is the module's APT_GET_ZERO: apt-get's report of an
// upgrade with nothing to do.
const aptUpgradeZero = "\n0 upgraded, 0 newly installed"

// aptUpgrade is the module's upgrade for upgrade=yes, safe, full or
// dist with apt-get: "upgrade --with-new-pkgs" for yes and safe,
// "dist-upgrade" for dist and full. Ansible runs aptitude instead for
// yes, safe and full when the host has it and force_apt_get is off;
// gansible does not drive aptitude and says so. The result is the
// module's own exit: no cache fields.
func aptUpgrade(c *Context, p *aptParams, hasAptitude bool) (*Result, error) {
	if hasAptitude && !p.forceAptGet && p.upgrade != "dist" {
		return Failf("upgrade=%s with aptitude, which the host has, is not supported: %s; set force_apt_get=true for apt-get", p.upgrade, notApt), nil
	}
	// The module's command: its name in messages keeps the trailing
	// space of "%s" with no --auto-remove; the words are run_command's
	// split of it, without the empty ones.
	base := "upgrade --with-new-pkgs"
	if p.upgrade == "dist" || p.upgrade == "full" {
		base = "dist-upgrade"
	}
	name := base + " " + flag(p.autoremove, "--auto-remove")
	op := strings.Fields(name)
	w := []string{"apt-get", "-y"}
	for _, o := range strings.Split(p.dpkgOptions, ",") {
		w = append(w, "-o", "Dpkg::Options::=--"+o)
	}
	for _, f := range []struct {
		on   bool
		word string
	}{{p.force, "--force-yes"}, {p.failOnAutoremove, "--no-remove"}, {p.allowUnauth, "--allow-unauthenticated"},
		{p.allowDowngrade, "--allow-downgrades"}, {c.CheckMode, "--simulate"}} {
		if f.on {
			w = append(w, f.word)
		}
	}
	w = append(w, op...)
	if p.defaultRelease != "" {
		w = append(w, "-t", p.defaultRelease)
	}
	out, err := aptRun(c, w, nil, false)
	if err != nil {
		return nil, err
	}
	if out.rc != 0 {
		f := Failf("'apt-get %s' failed: %s", name, out.stderr)
		f.Set("stdout", out.stdout)
		f.Set("rc", out.rc)
		return f, nil
	}
	r := &Result{Msg: out.stdout}
	r.Set("stdout", out.stdout)
	r.Set("stderr", out.stderr)
	if strings.Contains(out.stdout, aptUpgradeZero) {
		return r, nil
	}
	r.Changed = true
	if c.DiffMode {
		r.Set("diff", map[string]any{"prepared": aptPrepared(out.stdout)})
	} else {
		r.Set("diff", map[string]any{})
	}
	return r, nil
}

// aptitudeProbe records whether the host has aptitude where the module's
// get_bin_path looks.
var aptitudeProbe = fmt.Sprintf(`PATH=$PATH:%s command -v aptitude >/dev/null 2>&1 && rec aptitude 1`, hostPathList)
