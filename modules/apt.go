package modules

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("apt", aptModule{}) }

// aptModule is ansible-core 2.14's apt module on Debian hosts, with
// apt-get, apt-cache and dpkg-query in place of python-apt. The first
// round trip updates the cache when asked and reads, for each name, the
// installed version and the versions apt could install; only when
// something must change a second one runs apt-get (with --simulate in
// check mode, as Ansible's does) and marks the packages manual.
type aptModule struct{}

const notApt = "not implemented by gansible's apt runner"

// aptNoRetries: a failed cache update fails the task at once.
const aptNoRetries = "gansible's apt runner updates the cache once, without retries"

func (aptModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "state", Default: "present", Choices: []any{"absent", "build-dep", "fixed", "latest", "present"}},
			{Name: "update_cache", Type: argspec.Bool, Aliases: []string{"update-cache"}},
			{Name: "update_cache_retries", Type: argspec.Int, Default: 5, Unsupported: aptNoRetries},
			{Name: "update_cache_retry_max_delay", Type: argspec.Int, Default: 12, Unsupported: aptNoRetries},
			{Name: "cache_valid_time", Type: argspec.Int, Default: 0},
			{Name: "purge", Type: argspec.Bool, Default: false},
			{Name: "package", Type: argspec.List, Elements: argspec.Str, Aliases: []string{"pkg", "name"}},
			{Name: "deb", Type: argspec.Path},
			{Name: "default_release", Aliases: []string{"default-release"}},
			{Name: "install_recommends", Type: argspec.Bool, Aliases: []string{"install-recommends"}},
			{Name: "force", Type: argspec.Bool, Default: false},
			{Name: "upgrade", Default: "no", Choices: []any{"dist", "full", "no", "safe", "yes"}},
			{Name: "dpkg_options", Default: aptDpkgOptions},
			{Name: "autoremove", Type: argspec.Bool, Default: false},
			{Name: "autoclean", Type: argspec.Bool, Default: false},
			{Name: "fail_on_autoremove", Type: argspec.Bool, Default: false},
			{Name: "policy_rc_d", Type: argspec.Int, Unsupported: notApt},
			{Name: "only_upgrade", Type: argspec.Bool, Default: false},
			{Name: "force_apt_get", Type: argspec.Bool, Default: false},
			{Name: "clean", Type: argspec.Bool, Default: false},
			{Name: "allow_unauthenticated", Type: argspec.Bool, Default: false, Aliases: []string{"allow-unauthenticated"}},
			{Name: "allow_downgrade", Type: argspec.Bool, Default: false, Aliases: []string{"allow-downgrade", "allow_downgrades", "allow-downgrades"}},
			{Name: "allow_change_held_packages", Type: argspec.Bool, Default: false},
			{Name: "lock_timeout", Type: argspec.Int, Default: 60, Unsupported: "gansible's apt runner does not wait for apt's lock"},
		},
		MutuallyExclusive: [][]string{{"deb", "package", "upgrade"}},
		RequiredOneOf:     [][]string{{"autoremove", "deb", "package", "update_cache", "upgrade"}},
	}
}

// aptDpkgOptions is the module's DPKG_OPTIONS.
const aptDpkgOptions = "force-confdef,force-confold"

// aptEnv is what the module sets for every command it runs: apt's
// non-interactive front end and a parsable locale.
const aptEnv = "DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C.UTF-8 LC_ALL=C.UTF-8 LC_MESSAGES=C.UTF-8 LC_CTYPE=C.UTF-8"

// aptParams are the module's parameters once read.
type aptParams struct {
	state                                               string
	packages                                            []string
	updateCache                                         bool
	cacheValidTime                                      int
	purge, force, autoremove, failOnAutoremove          bool
	autoclean, clean                                    bool
	onlyUpgrade, allowUnauth, allowDowngrade, allowHeld bool
	installRecommends                                   *bool
	defaultRelease, dpkgOptions                         string
	upgrade                                             string
	forceAptGet                                         bool
	deb                                                 string
}

func readAptParams(args Args) (*aptParams, *Result) {
	p := &aptParams{state: args.String("state"), defaultRelease: args.String("default_release"),
		dpkgOptions: args.String("dpkg_options"), upgrade: args.String("upgrade"), deb: args.String("deb")}
	if p.state == "" {
		p.state = "present"
	}
	if p.dpkgOptions == "" {
		p.dpkgOptions = aptDpkgOptions
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{
		{"update_cache", &p.updateCache}, {"purge", &p.purge}, {"force", &p.force},
		{"autoremove", &p.autoremove}, {"fail_on_autoremove", &p.failOnAutoremove},
		{"autoclean", &p.autoclean}, {"clean", &p.clean},
		{"only_upgrade", &p.onlyUpgrade}, {"allow_unauthenticated", &p.allowUnauth},
		{"allow_downgrade", &p.allowDowngrade}, {"allow_change_held_packages", &p.allowHeld},
		{"force_apt_get", &p.forceAptGet},
	} {
		v, err := args.Bool(b.name, false)
		if err != nil {
			return nil, Failf("%v", err)
		}
		*b.dst = v
	}
	if args.Has("install_recommends") && args["install_recommends"] != nil {
		v, err := args.Bool("install_recommends", false)
		if err != nil {
			return nil, Failf("%v", err)
		}
		p.installRecommends = &v
	}
	var err error
	if p.cacheValidTime, err = args.Int("cache_valid_time", 0); err != nil {
		return nil, Failf("%v", err)
	}
	if p.upgrade == "no" {
		p.upgrade = ""
	}
	for _, item := range args.List("package") {
		if item == "*" {
			return nil, Failf("name='*' (upgrading every package) is not supported: %s", notApt)
		}
		p.packages = append(p.packages, strings.TrimSpace(item))
	}
	for _, pkg := range p.packages {
		if strings.Count(pkg, "=") > 1 {
			return nil, Failf("invalid package spec: %s", pkg)
		}
	}
	return p, nil
}

// aptSplit is the module's package_split: name, "=" or ">=", version.
func aptSplit(spec string) (name, cmp, version string) {
	i := strings.Index(spec, "=")
	if i < 0 {
		return spec, "", ""
	}
	if i > 0 && spec[i-1] == '>' {
		return spec[:i-1], ">=", spec[i+1:]
	}
	return spec[:i], "=", spec[i+1:]
}

func hasWildcard(name string) bool { return strings.ContainsAny(name, "*?[]!") }

func (aptModule) Run(c *Context, args Args) (*Result, error) {
	p, failed := readAptParams(args)
	if failed != nil {
		return failed, nil
	}
	probe, err := aptProbe(c, p)
	if err != nil {
		return nil, err
	}
	if probe["aptget"] == "" {
		return Failf("Failed to find required executable \"apt-get\" in paths: %s", hostPathList), nil
	}
	if p.clean {
		out, errOut := recText(probe, "clean.out"), recText(probe, "clean.err")
		if probe["clean.rc"] != "0" {
			f := Failf("apt-get clean failed")
			f.Set("stdout", out)
			f.Set("rc", atoiOr(probe["clean.rc"], 1))
			return f, nil
		}
		if errOut != "" {
			f := Failf("apt-get clean failed: %s", errOut)
			f.Set("stdout", out)
			f.Set("rc", 0)
			return f, nil
		}
		if len(p.packages) == 0 && p.upgrade == "" && p.deb == "" {
			r := &Result{Changed: true, Msg: out}
			r.Set("stdout", out)
			r.Set("stderr", errOut)
			return r, nil
		}
	}
	r := &Result{}
	cacheUpdated := false
	cacheTime, _ := strconv.Atoi(strings.TrimSpace(probe["cache.before"]))
	if _, asked := probe["cache.stale"]; asked {
		if rc := probe["cache.rc"]; rc != "" && rc != "0" {
			return Failf("Failed to update apt cache: %s", aptFetchError(probe["cache.out"])), nil
		}
		after, _ := strconv.Atoi(strings.TrimSpace(probe["cache.after"]))
		cacheUpdated = c.CheckMode || after != cacheTime
		cacheTime = after
	}
	setCache := func(res *Result) *Result {
		res.Set("cache_updated", cacheUpdated)
		res.Set("cache_update_time", cacheTime)
		return res
	}
	if p.updateCache || p.cacheValidTime > 0 {
		if len(p.packages) == 0 && p.upgrade == "" && p.deb == "" {
			r.Changed = cacheUpdated
			return setCache(r), nil
		}
	}
	if p.upgrade != "" {
		_, aptitude := probe["aptitude"]
		return aptUpgrade(c, p, aptitude)
	}
	if p.deb != "" {
		return aptInstallDeb(c, p)
	}

	pkgs, failed := expandAptPatterns(p.packages, probe)
	if failed != nil {
		return failed, nil
	}
	if len(pkgs) == 0 {
		switch {
		case p.autoclean:
			return aptCleanup(c, p, "autoclean", "Del ")
		case p.autoremove:
			return aptCleanup(c, p, "autoremove", "The following packages will be REMOVED")
		}
	}
	if p.state == "absent" {
		return aptRemove(c, p, pkgs, probe)
	}
	res, err := aptInstall(c, p, pkgs, probe)
	if err != nil || res == nil {
		return res, err
	}
	return setCache(res), nil
}

// hostPathList is where Ansible's get_bin_path looks on the hosts.
const hostPathList = "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin"

// aptFetchError is the error python-apt's update raises from what
// apt-get update printed: its E: and W: lines.
func aptFetchError(out string) string {
	var errs []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "E: ") || strings.HasPrefix(l, "W: ") {
			errs = append(errs, strings.TrimSpace(l))
		}
	}
	if len(errs) == 0 {
		return "unknown reason"
	}
	return strings.Join(errs, ", ")
}

// aptProbe runs the first round trip: the cache update, and for every
// named package its dpkg status and installed version and the versions
// in apt's cache ("apt-cache madison"), with the candidate apt would pick.
func aptProbe(c *Context, p *aptParams) (map[string]string, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString("export " + aptEnv + "\n")
	b.WriteString(`a=$(command -v apt-get 2>/dev/null) && rec aptget "$a"` + "\n")
	b.WriteString(`cache_mtime() { if [ -e /var/lib/apt/periodic/update-success-stamp ]; then stat -c %Y /var/lib/apt/periodic/update-success-stamp; elif [ -e /var/lib/apt/lists ]; then stat -c %Y /var/lib/apt/lists; else echo 0; fi; }` + "\n")
	if p.clean {
		b.WriteString("e=$(mktemp) || exit 1\no=$(apt-get clean 2>\"$e\" </dev/null); rec clean.rc $?; rec clean.out \"$o\"; recout clean.err <\"$e\"; rm -f \"$e\"\n")
	}
	b.WriteString("t=$(cache_mtime); rec cache.before \"$t\"\n")
	if p.upgrade != "" {
		b.WriteString(aptitudeProbe + "\n")
	}
	if p.updateCache || p.cacheValidTime > 0 {
		fmt.Fprintf(&b, "if [ $((t + %d)) -lt \"$(date +%%s)\" ]; then rec cache.stale 1\n", p.cacheValidTime)
		if !c.CheckMode {
			b.WriteString("  o=$(apt-get update -q 2>&1); rec cache.rc $?; rec cache.out \"$o\"\n")
		}
		b.WriteString("  rec cache.after \"$(cache_mtime)\"\nfi\n")
	}
	wild := false
	for _, spec := range p.packages {
		name, _, _ := aptSplit(spec)
		if hasWildcard(name) {
			wild = true
		}
	}
	if wild {
		b.WriteString("apt-cache pkgnames 2>/dev/null | sort | recout names\n")
		b.WriteString("dpkg-query -W -f '${Package}\\n' 2>/dev/null | sort -u | recout names.installed\n")
	}
	if p.defaultRelease != "" {
		b.WriteString("rel=" + shell.Quote("-oAPT::Default-Release="+p.defaultRelease) + "\n")
	} else {
		b.WriteString("rel=-oAPT::Default-Release=\n")
	}
	// For a pattern the names are only known on the controller; the
	// packages are then asked for by name in one more query, in the
	// same script, over what apt-cache pkgnames listed.
	b.WriteString(`pkginfo() {
	rec "status.$1" "$(dpkg-query -W -f '${db:Status-Abbrev}\t${Version}' -- "$1" 2>/dev/null)"
	apt-cache "$rel" policy -- "$1" 2>/dev/null | sed -n 's/^  Candidate: //p' | recout "cand.$1"
	apt-cache madison -- "$1" 2>/dev/null | awk -F' [|] ' '{ gsub(/ /, "", $2); print $2 }' | recout "vers.$1"
}
`)
	for _, spec := range p.packages {
		name, _, _ := aptSplit(spec)
		if hasWildcard(name) {
			fmt.Fprintf(&b, "for n in $(apt-cache pkgnames 2>/dev/null; dpkg-query -W -f '${Package}\\n' 2>/dev/null); do case $n in %s) pkginfo \"$n\";; esac; done\n", aptShellPattern(name))
		} else {
			fmt.Fprintf(&b, "pkginfo %s\n", shell.Quote(name))
		}
	}
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	return parseRecords(string(res.Stdout)), nil
}

// aptShellPattern quotes an fnmatch pattern for a sh case branch: the
// wildcards stay, everything else is quoted. fnmatch's [!...] is sh's too.
func aptShellPattern(pat string) string {
	var b strings.Builder
	for _, r := range pat {
		switch r {
		case '*', '?', '[', ']', '!':
			b.WriteRune(r)
		default:
			b.WriteString(shell.Quote(string(r)))
		}
	}
	return b.String()
}

// expandAptPatterns is the module's expand_pkgspec_from_fnmatches: a
// name with wildcards becomes every package of the cache it matches
// (native packages only, unless the pattern names an architecture).
func expandAptPatterns(specs []string, probe map[string]string) ([]string, *Result) {
	var out []string
	var names []string
	if list, ok := probe["names"]; ok {
		seen := map[string]bool{}
		for _, n := range strings.Split(list+"\n"+probe["names.installed"], "\n") {
			if n != "" && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		sort.Strings(names)
	}
	for _, spec := range specs {
		name, _, _ := aptSplit(spec)
		if !hasWildcard(name) {
			out = append(out, spec)
			continue
		}
		var matches []string
		for _, n := range names {
			if !strings.Contains(name, ":") && strings.Contains(n, ":") {
				continue
			}
			if ok, _ := path.Match(name, n); ok {
				matches = append(matches, n)
			}
		}
		if len(matches) == 0 {
			return nil, Failf("No package(s) matching '%s' available", name)
		}
		out = append(out, matches...)
	}
	return out, nil
}

// aptPackage is what the probe found of one package.
type aptPackage struct {
	known     bool   // apt or dpkg knows the name
	installed bool   // dpkg's state is installed
	hasFiles  bool   // installed, or removed with its conffiles left
	version   string // the installed version
	candidate string // what apt would install
	versions  []string
}

func aptPackageInfo(name string, probe map[string]string) aptPackage {
	var p aptPackage
	status, hasStatus := probe["status."+name]
	if hasStatus && status != "" {
		abbrev, version, _ := strings.Cut(status, "\t")
		p.known = true
		p.installed = strings.HasPrefix(abbrev, "ii") || strings.HasPrefix(abbrev, "hi")
		p.hasFiles = p.installed || (len(abbrev) > 1 && abbrev[1] == 'c')
		if p.installed {
			p.version = version
		}
	}
	cand := strings.TrimSpace(probe["cand."+name])
	if cand != "" {
		p.known = true
		if cand != "(none)" {
			p.candidate = cand
		}
	}
	for _, v := range strings.Split(probe["vers."+name], "\n") {
		if v = strings.TrimSpace(v); v != "" {
			p.versions = append(p.versions, v)
			p.known = true
		}
	}
	if p.installed {
		p.versions = append(p.versions, p.version)
	}
	return p
}

// bestMatch is the module's package_best_match: with "=", the highest
// version matching the pattern (a pin of priority 1001 on it); else the
// candidate.
func (p aptPackage) bestMatch(cmp, version string) string {
	if cmp != "=" {
		return p.candidate
	}
	best := ""
	for _, v := range p.versions {
		if ok, _ := path.Match(version, v); ok && (best == "" || debVersionCompare(v, best) > 0) {
			best = v
		}
	}
	return best
}

// aptCommandOptions is the module's expand_dpkg_options.
func aptCommandOptions(dpkgOptions string) string {
	var out []string
	for _, o := range strings.Split(dpkgOptions, ",") {
		out = append(out, fmt.Sprintf(`-o "Dpkg::Options::=--%s"`, o))
	}
	return strings.Join(out, " ")
}

func flag(on bool, word string) string {
	if on {
		return word
	}
	return ""
}

// aptInstall is the module's install for states present, latest and
// fixed.
func aptInstall(c *Context, p *aptParams, pkgs []string, probe map[string]string) (*Result, error) {
	if p.state == "build-dep" {
		return aptBuildDep(c, p, pkgs)
	}
	var list, names []string
	for _, spec := range pkgs {
		name, cmp, version := aptSplit(spec)
		names = append(names, name)
		info := aptPackageInfo(name, probe)
		if !info.known {
			return Failf("No package matching '%s' is available", name), nil
		}
		best := info.bestMatch(cmp, version)
		installable := ""
		versionInstalled := false
		if info.installed {
			switch cmp {
			case "=":
				versionInstalled, _ = path.Match(version, info.version)
				if m, _ := path.Match(version, best); best != "" && info.version != best && m {
					installable = best
				}
			case ">=":
				versionInstalled = debVersionCompare(info.version, version) >= 0
				if best != "" && info.version != best && debVersionCompare(best, version) >= 0 {
					installable = best
				}
			default:
				versionInstalled = true
				if best != "" && info.version != best {
					installable = best
				}
			}
		} else {
			installable = best
		}
		if !info.installed && p.onlyUpgrade {
			continue
		}
		if !versionInstalled && installable == "" {
			return Failf("no available installation candidate for %s", spec), nil
		}
		switch {
		case installable != "" && ((!info.installed && !p.onlyUpgrade) || p.state == "latest" || !versionInstalled):
			list = append(list, "'"+name+"="+installable+"'")
		case versionInstalled && installable != "" && cmp == "=":
			list = append(list, "'"+name+"="+version+"'")
		}
	}
	r := &Result{}
	if len(list) == 0 {
		if !c.CheckMode && len(names) > 0 {
			return aptMarkManual(c, r, names)
		}
		return r, nil
	}
	cmd := fmt.Sprintf("/usr/bin/apt-get -y %s %s %s %s %s %s %s install %s",
		aptCommandOptions(p.dpkgOptions), flag(p.onlyUpgrade, "--only-upgrade"), flag(p.state == "fixed", "--fix-broken"),
		flag(p.force, "--force-yes"), flag(p.autoremove, "--auto-remove"), flag(p.failOnAutoremove, "--no-remove"),
		flag(c.CheckMode, "--simulate"), strings.Join(list, " "))
	if p.defaultRelease != "" {
		cmd += fmt.Sprintf(" -t '%s'", p.defaultRelease)
	}
	if p.installRecommends != nil {
		if *p.installRecommends {
			cmd += " -o APT::Install-Recommends=yes"
		} else {
			cmd += " -o APT::Install-Recommends=no"
		}
	}
	cmd += flag(p.allowUnauth, " --allow-unauthenticated") + flag(p.allowDowngrade, " --allow-downgrades") +
		flag(p.allowHeld, " --allow-change-held-packages")
	out, err := aptRun(c, aptWords(p, "install", list, c.CheckMode), names, !c.CheckMode)
	if err != nil {
		return nil, err
	}
	if out.rc != 0 {
		return out.failure(fmt.Sprintf("'%s' failed", cmd)), nil
	}
	if out.markRC != 0 {
		f := Failf("'/usr/bin/apt-mark manual %s' failed: %s", strings.Join(names, " "), out.markErr)
		f.Set("stdout", out.markOut)
		f.Set("stderr", out.markErr)
		f.Set("rc", out.markRC)
		return f, nil
	}
	r.Changed = true
	r.Set("stdout", out.stdout)
	r.Set("stderr", out.stderr)
	if c.DiffMode {
		r.Set("diff", map[string]any{"prepared": aptPrepared(out.stdout)})
	} else {
		r.Set("diff", map[string]any{})
	}
	return r, nil
}

// aptBuildDep is the module's install with build_dep: apt-get build-dep
// of the specs as given, apt deciding what to install; changed unless
// apt-get says nothing was; no packages marked manual.
func aptBuildDep(c *Context, p *aptParams, pkgs []string) (*Result, error) {
	r := &Result{}
	if len(pkgs) == 0 {
		return r, nil
	}
	var list []string
	for _, spec := range pkgs {
		list = append(list, "'"+spec+"'")
	}
	cmd := fmt.Sprintf("/usr/bin/apt-get -y %s %s %s %s %s %s build-dep %s",
		aptCommandOptions(p.dpkgOptions), flag(p.onlyUpgrade, "--only-upgrade"), flag(p.state == "fixed", "--fix-broken"),
		flag(p.force, "--force-yes"), flag(p.failOnAutoremove, "--no-remove"), flag(c.CheckMode, "--simulate"), strings.Join(list, " "))
	if p.defaultRelease != "" {
		cmd += fmt.Sprintf(" -t '%s'", p.defaultRelease)
	}
	if p.installRecommends != nil {
		cmd += " -o APT::Install-Recommends=" + map[bool]string{true: "yes", false: "no"}[*p.installRecommends]
	}
	cmd += flag(p.allowUnauth, " --allow-unauthenticated") + flag(p.allowDowngrade, " --allow-downgrades") +
		flag(p.allowHeld, " --allow-change-held-packages")
	out, err := aptRun(c, aptWords(p, "build-dep", list, c.CheckMode), nil, false)
	if err != nil {
		return nil, err
	}
	if out.rc != 0 {
		return out.failure(fmt.Sprintf("'%s' failed", cmd)), nil
	}
	r.Changed = !strings.Contains(out.stdout, aptUpgradeZero)
	r.Set("stdout", out.stdout)
	r.Set("stderr", out.stderr)
	if c.DiffMode {
		r.Set("diff", map[string]any{"prepared": aptPrepared(out.stdout)})
	} else {
		r.Set("diff", map[string]any{})
	}
	return r, nil
}

// aptWords is the apt-get command as words for the host, with the
// options of the command line Ansible reports, all before "--" so that no
// package spec is read as an option.
func aptWords(p *aptParams, op string, list []string, check bool) []string {
	w := []string{"apt-get"}
	if op == "remove" {
		w = append(w, "-q")
	}
	w = append(w, "-y")
	for _, o := range strings.Split(p.dpkgOptions, ",") {
		w = append(w, "-o", "Dpkg::Options::=--"+o)
	}
	add := func(on bool, word string) {
		if on {
			w = append(w, word)
		}
	}
	if op == "install" || op == "build-dep" {
		add(p.onlyUpgrade, "--only-upgrade")
		add(p.state == "fixed", "--fix-broken")
		add(p.force, "--force-yes")
		// build-dep's command line has no --auto-remove.
		add(p.autoremove && op == "install", "--auto-remove")
		add(p.failOnAutoremove, "--no-remove")
		if p.defaultRelease != "" {
			w = append(w, "-t", p.defaultRelease)
		}
		if p.installRecommends != nil {
			w = append(w, "-o", "APT::Install-Recommends="+map[bool]string{true: "yes", false: "no"}[*p.installRecommends])
		}
		add(p.allowUnauth, "--allow-unauthenticated")
		add(p.allowDowngrade, "--allow-downgrades")
		add(p.allowHeld, "--allow-change-held-packages")
	} else {
		add(p.purge, "--purge")
		add(p.force, "--force-yes")
		add(p.autoremove, "--auto-remove")
	}
	add(check, "--simulate")
	w = append(w, op, "--")
	for _, l := range list {
		w = append(w, strings.Trim(l, "'"))
	}
	return w
}

type aptOutput struct {
	rc               int
	stdout, stderr   string
	markRC           int
	markOut, markErr string
}

// failure is the task's failure for apt-get's non-zero exit: msg and
// the command's output, as Ansible's module reports it.
func (o *aptOutput) failure(msg string) *Result {
	f := Failf("%s: %s", msg, o.stderr)
	f.Set("stdout", o.stdout)
	f.Set("stderr", o.stderr)
	f.Set("rc", o.rc)
	return f
}

// aptRun runs apt-get, then, if mark, apt-mark manual for names.
func aptRun(c *Context, words, names []string, mark bool) (*aptOutput, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString("export " + aptEnv + "\n")
	b.WriteString("o=$(mktemp) && e=$(mktemp) || exit 1\ntrap 'rm -f \"$o\" \"$e\"' EXIT\n")
	fmt.Fprintf(&b, "%s </dev/null >\"$o\" 2>\"$e\"; rec rc $?; recout out <\"$o\"; recout err <\"$e\"\n", shell.Join(words...))
	if mark {
		fmt.Fprintf(&b, "apt-mark manual -- %s </dev/null >\"$o\" 2>\"$e\"; rec mark.rc $?; recout mark.out <\"$o\"; recout mark.err <\"$e\"\n", shell.Join(names...))
	}
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	rec := parseRecords(string(res.Stdout))
	o := &aptOutput{stdout: recText(rec, "out"), stderr: recText(rec, "err"), markOut: recText(rec, "mark.out"), markErr: recText(rec, "mark.err")}
	o.rc, _ = strconv.Atoi(rec["rc"])
	o.markRC, _ = strconv.Atoi(rec["mark.rc"])
	return o, nil
}

// recText is a recorded command output with its final newline, as
// run_command returns it (recout drops nothing but the record keeps
// lines, so the text ends with a newline when there was any).
func recText(rec map[string]string, key string) string {
	v, ok := rec[key]
	if !ok || v == "" {
		return ""
	}
	return v + "\n"
}

// aptMarkManual marks packages that need no install manual, as the
// module does after every install outside check mode.
func aptMarkManual(c *Context, r *Result, names []string) (*Result, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString("export " + aptEnv + "\n")
	b.WriteString("o=$(mktemp) && e=$(mktemp) || exit 1\ntrap 'rm -f \"$o\" \"$e\"' EXIT\n")
	fmt.Fprintf(&b, "apt-mark manual -- %s </dev/null >\"$o\" 2>\"$e\"; rec mark.rc $?; recout mark.out <\"$o\"; recout mark.err <\"$e\"\n", shell.Join(names...))
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	rec := parseRecords(string(res.Stdout))
	if rec["mark.rc"] != "0" {
		f := Failf("'/usr/bin/apt-mark manual %s' failed: %s", strings.Join(names, " "), recText(rec, "mark.err"))
		f.Set("stdout", recText(rec, "mark.out"))
		f.Set("stderr", recText(rec, "mark.err"))
		rc, _ := strconv.Atoi(rec["mark.rc"])
		f.Set("rc", rc)
		return f, nil
	}
	return r, nil
}

// aptRemove is the module's remove (state absent).
func aptRemove(c *Context, p *aptParams, pkgs []string, probe map[string]string) (*Result, error) {
	var list []string
	for _, spec := range pkgs {
		name, cmp, version := aptSplit(spec)
		info := aptPackageInfo(name, probe)
		versionInstalled := info.installed
		switch {
		case info.installed && cmp == "=":
			versionInstalled, _ = path.Match(version, info.version)
		case info.installed && cmp == ">=":
			versionInstalled = debVersionCompare(info.version, version) >= 0
		}
		if versionInstalled || (info.hasFiles && p.purge) {
			list = append(list, "'"+spec+"'")
		}
	}
	if len(list) == 0 {
		return &Result{}, nil
	}
	out, err := aptRun(c, aptWords(p, "remove", list, c.CheckMode), nil, false)
	if err != nil {
		return nil, err
	}
	if out.rc != 0 {
		return out.failure(fmt.Sprintf("'apt-get remove %s' failed", strings.Join(list, " "))), nil
	}
	r := &Result{Changed: true}
	r.Set("stdout", out.stdout)
	r.Set("stderr", out.stderr)
	if c.DiffMode {
		r.Set("diff", map[string]any{"prepared": aptPrepared(out.stdout)})
	} else {
		r.Set("diff", map[string]any{})
	}
	return r, nil
}

// aptPrepared is the module's parse_diff: apt-get's plan, from after
// "Reading state information..." to the "N upgraded" line.
func aptPrepared(out string) string {
	// Python's splitlines: dpkg's progress ends lines with \r too.
	lines := splitLines(out)
	start := -1
	for i, l := range lines {
		if l == "Reading state information..." {
			start = i
			break
		}
	}
	end := len(lines)
	for i, l := range lines {
		if aptUpgradedLine(l) {
			end = i
			break
		}
	}
	start++
	end++
	if end > len(lines) {
		end = len(lines)
	}
	if start > end {
		return ""
	}
	return strings.Join(lines[start:end], "\n")
}

// aptUpgradedLine is re.match('[0-9]+ (packages )?upgraded', line).
func aptUpgradedLine(l string) bool {
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	rest := l[i:]
	return strings.HasPrefix(rest, " upgraded") || strings.HasPrefix(rest, " packages upgraded")
}

// aptCleanup is the module's cleanup: apt-get autoremove or autoclean
// when no package is named; changed when apt-get's output says it
// removed something.
func aptCleanup(c *Context, p *aptParams, op, changedMark string) (*Result, error) {
	w := []string{"apt-get", "-y"}
	for _, o := range strings.Split(p.dpkgOptions, ",") {
		w = append(w, "-o", "Dpkg::Options::=--"+o)
	}
	if p.purge {
		w = append(w, "--purge")
	}
	if p.force {
		w = append(w, "--force-yes")
	}
	w = append(w, op)
	if c.CheckMode {
		w = append(w, "--simulate")
	}
	out, err := aptRun(c, w, nil, false)
	if err != nil {
		return nil, err
	}
	if out.rc != 0 {
		return out.failure(fmt.Sprintf("'apt-get %s' failed", op)), nil
	}
	r := &Result{Changed: strings.Contains(out.stdout, changedMark)}
	r.Set("stdout", out.stdout)
	r.Set("stderr", out.stderr)
	if c.DiffMode {
		r.Set("diff", map[string]any{"prepared": aptPrepared(out.stdout)})
	} else {
		r.Set("diff", map[string]any{})
	}
	return r, nil
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	return def
}
