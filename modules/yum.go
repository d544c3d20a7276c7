package modules

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/gansible/gansible/modules/argspec"

	"github.com/gansible/gansible/shell"
)

func init() {
	Register("yum", yumModule{yumArgSpec})
	Register("dnf", yumModule{dnfArgSpec})
}

// yumModule installs and removes rpm packages, by name or from a local
// .rpm file, with dnf (yum where dnf is missing). It reports as Ansible's
// dnf module does, the backend Ansible uses for yum on EL8 hosts. One
// round trip asks rpm what is installed; a second one, only when
// something must change, runs dnf.
type yumModule struct{ spec *argspec.Spec }

// rpmCommand is the rpm query command; tests point it elsewhere.
var rpmCommand = "rpm"

// dnfParams are ansible-core 2.14's dnf module's, the backend Ansible's
// yum and package actions run on a host with dnf.
var dnfParams = []argspec.Param{
	{Name: "allow_downgrade", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "autoremove", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "bugfix", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "cacheonly", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "conf_file"},
	{Name: "disable_excludes", Unsupported: notDnf},
	{Name: "disable_gpg_check", Type: argspec.Bool, Default: false},
	{Name: "disable_plugin", Type: argspec.List, Elements: argspec.Str, Default: []any{}, Unsupported: notDnf},
	{Name: "disablerepo", Type: argspec.List, Elements: argspec.Str, Default: []any{}},
	{Name: "download_only", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "download_dir", Unsupported: notDnf},
	{Name: "enable_plugin", Type: argspec.List, Elements: argspec.Str, Default: []any{}, Unsupported: notDnf},
	{Name: "enablerepo", Type: argspec.List, Elements: argspec.Str, Default: []any{}},
	{Name: "exclude", Type: argspec.List, Elements: argspec.Str, Default: []any{}, Unsupported: notDnf},
	{Name: "installroot", Default: "/", Unsupported: notDnf},
	{Name: "install_repoquery", Type: argspec.Bool, Default: true, Unsupported: notDnf},
	{Name: "install_weak_deps", Type: argspec.Bool, Default: true, Unsupported: notDnf},
	{Name: "list", Unsupported: notDnf},
	{Name: "name", Type: argspec.List, Elements: argspec.Str, Default: []any{}, Aliases: []string{"pkg"}},
	{Name: "releasever", Unsupported: notDnf},
	{Name: "security", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "skip_broken", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "state", Choices: []any{"absent", "installed", "latest", "present", "removed"}},
	{Name: "update_cache", Type: argspec.Bool, Default: false, Aliases: []string{"expire-cache"}},
	{Name: "update_only", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "validate_certs", Type: argspec.Bool, Default: true, Unsupported: notDnf},
	{Name: "sslverify", Type: argspec.Bool, Default: true, Unsupported: notDnf},
	{Name: "lock_timeout", Type: argspec.Int, Default: 30, Unsupported: notDnf},
	{Name: "allowerasing", Type: argspec.Bool, Default: false, Unsupported: notDnf},
	{Name: "nobest", Type: argspec.Bool, Default: false, Unsupported: notDnf},
}

const notDnf = "not implemented by gansible's dnf runner"

func dnfSpec(actionParams ...argspec.Param) *argspec.Spec {
	return &argspec.Spec{
		Module:            "ansible.legacy.dnf",
		Params:            append(append([]argspec.Param(nil), dnfParams...), actionParams...),
		MutuallyExclusive: [][]string{{"name", "list"}},
		RequiredOneOf:     [][]string{{"name", "list", "update_cache"}},
	}
}

var (
	dnfArgSpec = dnfSpec()
	// yum's action plugin picks the backend with use_backend (or use),
	// which gansible always does itself: dnf, yum where dnf is missing.
	yumArgSpec = dnfSpec(
		argspec.Param{Name: "use_backend", Default: "auto", Choices: []any{"auto", "yum", "yum4", "dnf"}, ActionOnly: true},
		argspec.Param{Name: "use", ActionOnly: true, Unsupported: "the package manager is always detected on the host"})
)

func (m yumModule) Spec() *argspec.Spec { return m.spec }

// packageNames splits the comma-separated items of a list parameter and
// trims them ("git, vim" is two names), as Ansible's yumdnf does.
func packageNames(list []string) []string {
	var out []string
	for _, item := range list {
		for _, n := range strings.Split(item, ",") {
			if n = strings.TrimSpace(n); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// rpmQueryFormat prints name, epoch, version, release and arch.
const rpmQueryFormat = `%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n`

// rpmPackage is one package's identity.
type rpmPackage struct {
	name, epoch, version, release, arch string
}

func parseRPMPackages(out string) []rpmPackage {
	var pkgs []rpmPackage
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 5 {
			pkgs = append(pkgs, rpmPackage{f[0], f[1], f[2], f[3], f[4]})
		}
	}
	return pkgs
}

// String is dnf's name for the package: name-[epoch:]version-release.arch.
func (p rpmPackage) String() string {
	evr := p.version + "-" + p.release
	if p.epoch != "" && p.epoch != "0" {
		evr = p.epoch + ":" + evr
	}
	return p.name + "-" + evr + "." + p.arch
}

// compare orders two packages by epoch, version and release.
func (p rpmPackage) compare(q rpmPackage) int {
	if c := rpmVerCmp(p.epoch, q.epoch); c != 0 {
		return c
	}
	if c := rpmVerCmp(p.version, q.version); c != 0 {
		return c
	}
	return rpmVerCmp(p.release, q.release)
}

// rpmNEVR is the dnf module's rpm_nevr_re.
var rpmNEVR = regexp.MustCompile(`^(\S+)-(?:(\d*):)?(.*)-(~?\w+[\w.+]*)`)

// rpmArches are the architectures the dnf module's _split_package_arch
// knows.
var rpmArches = strings.Fields(`aarch64 alphaev56 alphaev5 alphaev67 alphaev6 alpha alphapca56 amd64 armv3l armv4b
	armv4l armv5tejl armv5tel armv5tl armv6hl armv6l armv7hl armv7hnl armv7l athlon geode i386 i486 i586 i686 ia32e
	ia64 m68k mips64el mips64 mips64r6el mips64r6 mipsel mips mipsr6el mipsr6 noarch pentium3 pentium4 ppc32dy4
	ppc64iseries ppc64le ppc64 ppc64p7 ppc64pseries ppc8260 ppc8560 ppciseries ppc ppcpseries riscv64 s390 s390x sh3
	sh4a sh4 sh sparc64 sparc64v sparc sparcv8 sparcv9 sparcv9v x86_64`)

// dnfPackageNameDict is the dnf module's _packagename_dict: the name,
// epoch, version and release of a spec that names them all
// (name-[epoch:]version-release[.arch]), or false.
func dnfPackageNameDict(spec string) (rpmPackage, bool) {
	spec = strings.TrimSuffix(spec, ".rpm")
	if i := strings.LastIndex(spec, "."); i > 0 && slices.Contains(rpmArches, spec[i+1:]) {
		spec = spec[:i]
	}
	m := rpmNEVR.FindStringSubmatch(spec)
	if m == nil {
		return rpmPackage{}, false
	}
	name, epoch, version, release := m[1], m[2], m[3], m[4]
	first, _, _ := strings.Cut(version, ".")
	if version == "" || first == "" || strings.Trim(first, "0123456789") != "" {
		return rpmPackage{}, false
	}
	if epoch == "" {
		epoch = "0"
	}
	if e, n, ok := strings.Cut(name, ":"); ok {
		epoch, name = e, strings.ReplaceAll(n, ":", "")
	}
	return rpmPackage{name: name, epoch: epoch, version: version, release: release}, true
}

// isRPMFile tells a local package file from a package name, as dnf does.
func isRPMFile(name string) bool {
	return strings.HasSuffix(name, ".rpm") && strings.Contains(name, "/")
}

func (yumModule) Run(c *Context, args Args) (*Result, error) {
	names := packageNames(args.List("name"))
	state := args.String("state")
	switch state {
	case "":
		state = "present"
	case "installed":
		state = "present"
	case "removed":
		state = "absent"
	case "present", "absent", "latest":
	default:
		return Failf("value of state must be one of: absent, installed, latest, present, removed, got: %s", state), nil
	}
	updateCache, err := args.Bool("update_cache", false)
	if err != nil {
		return Failf("%v", err), nil
	}
	if !updateCache {
		updateCache, _ = args.Bool("expire-cache", false)
	}
	if len(names) == 0 && !updateCache {
		return Failf("one of the following is required: name, list, update_cache"), nil
	}
	noGPG, err := args.Bool("disable_gpg_check", false)
	if err != nil {
		return Failf("%v", err), nil
	}
	opts := dnfOptions{
		noGPGCheck:  noGPG,
		enableRepo:  packageNames(args.List("enablerepo")),
		disableRepo: packageNames(args.List("disablerepo")),
		confFile:    args.String("conf_file"),
	}

	probe, err := probePackages(c, names)
	if err != nil {
		return nil, err
	}
	if probe["dnf"] == "" {
		return Failf("Could not find dnf or yum on the host"), nil
	}
	plan, failed := planPackages(names, state, probe)
	if failed != nil {
		return failed, nil
	}

	// dnf's module reports each package file it was given before what
	// the transaction did, whether or not it installs anything.
	var fileLines []string
	if state != "absent" {
		for _, n := range names {
			if isRPMFile(n) {
				fileLines = append(fileLines, "Installed "+n)
			}
		}
	}
	withFiles := func(r *Result, err error) (*Result, error) {
		if r != nil && !r.Failed && len(fileLines) > 0 {
			rs, _ := r.Fields["results"].([]string)
			r.Set("results", append(slices.Clone(fileLines), rs...))
		}
		return r, err
	}

	r := &Result{}
	r.Set("rc", 0)
	r.Set("results", plan.results)
	if len(plan.install) == 0 && len(plan.remove) == 0 && len(plan.latest) == 0 && !updateCache {
		r.Msg = "Nothing to do"
		return withFiles(r, nil)
	}
	if len(names) == 0 {
		// update_cache alone: the module refreshes the cache and stops,
		// in check mode too.
		return applyPackages(c, r, probe["dnf"], opts, plan, updateCache)
	}
	r.Changed = len(plan.install) > 0 || len(plan.remove) > 0
	if c.CheckMode {
		// What dnf would install (dependencies and upgrades too) is
		// known once it has resolved the transaction: it is asked to,
		// and answers no.
		// A fresh install of local files only is known from the files.
		if (len(plan.install) > 0 && !plan.onlyNewFiles) || len(plan.latest) > 0 {
			results, failure, err := dnfPlanned(c, probe["dnf"], opts, plan, names, probe)
			if err != nil || failure != nil {
				return failure, err
			}
			r.Set("results", results)
			r.Changed = len(results) > 0
		}
		if r.Changed {
			r.Msg = "Check mode: No changes made, but would have if not in check mode"
		}
		return withFiles(r, nil)
	}
	return withFiles(applyPackages(c, r, probe["dnf"], opts, plan, updateCache))
}

// probePackages asks the host, in one round trip, for the package tool
// and, for each name, the package a file holds and what is installed.
func probePackages(c *Context, names []string) (map[string]string, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString(`for t in dnf yum; do p=$(command -v "$t" 2>/dev/null) && { rec dnf "$p"; break; }; done` + "\n")
	q := shell.Quote(rpmQueryFormat)
	rpm := rpmCommand
	for i, name := range names {
		if isRPMFile(name) {
			fmt.Fprintf(&b, "%s -qp --qf %s -- %s 2>&1 | recout file%d\n", rpm, q, shell.Quote(name), i)
			fmt.Fprintf(&b, "n=$(%s -qp --qf '%%{NAME}' -- %s 2>/dev/null) && %s -q --qf %s -- \"$n\" 2>/dev/null | recout installed%d\n",
				rpm, shell.Quote(name), rpm, q, i)
		} else {
			fmt.Fprintf(&b, "%s -q --qf %s -- %s 2>/dev/null | recout installed%d\n", rpm, q, shell.Quote(name), i)
			if want, ok := dnfPackageNameDict(name); ok {
				fmt.Fprintf(&b, "%s -q --qf %s -- %s 2>/dev/null | recout named%d\n", rpm, q, shell.Quote(want.name), i)
			}
		}
	}
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	return parseRecords(string(res.Stdout)), nil
}

// packagePlan is what must change.
type packagePlan struct {
	install []string // names or file paths for dnf install
	latest  []string // installed names to upgrade
	remove  []string // names for dnf remove
	results []string // dnf's report lines, known before running it
	// onlyNewFiles says that everything to install is a local package
	// file of a package that has no version installed.
	onlyNewFiles bool
	// named says that the task named packages: dnf then reports
	// "Nothing to do" when none changed, also after a cache update.
	named bool
}

// planPackages decides, from the probe, what to install or remove.
func planPackages(names []string, state string, probe map[string]string) (*packagePlan, *Result) {
	plan := &packagePlan{results: []string{}, onlyNewFiles: true, named: len(names) > 0}
	for i, name := range names {
		installed := parseRPMPackages(probe[fmt.Sprintf("installed%d", i)])
		if isRPMFile(name) {
			if state == "absent" {
				r := Failf("Cannot remove paths -- please specify package name.")
				r.Set("results", []string{})
				return nil, r
			}
			files := parseRPMPackages(probe[fmt.Sprintf("file%d", i)])
			if len(files) == 0 {
				r := Failf("Error occurred attempting remote rpm install of package: %s. %s", name, strings.TrimSpace(probe[fmt.Sprintf("file%d", i)]))
				r.Set("results", []string{})
				r.Set("rc", 1)
				return nil, r
			}
			file := files[0]
			upToDate := false
			for _, p := range installed {
				if p.compare(file) >= 0 {
					upToDate = true
				}
			}
			if !upToDate {
				if len(installed) > 0 {
					plan.onlyNewFiles = false
				}
				plan.install = append(plan.install, name)
				plan.results = append(plan.results, "Installed: "+file.String())
			}
			continue
		}
		if state != "absent" && len(installed) == 0 {
			if want, ok := dnfPackageNameDict(name); ok {
				if newer := parseRPMPackages(probe[fmt.Sprintf("named%d", i)]); len(newer) > 0 && newer[0].compare(want) > 0 {
					// A newer version is installed: dnf's module does
					// not downgrade (allow_downgrade is not supported).
					continue
				}
			}
		}
		switch {
		case state == "absent" && len(installed) > 0:
			plan.remove = append(plan.remove, name)
			for _, p := range installed {
				plan.results = append(plan.results, "Removed: "+p.String())
			}
		case state == "present" && len(installed) == 0, state == "latest" && len(installed) == 0:
			plan.onlyNewFiles = false
			plan.install = append(plan.install, name)
		case state == "latest":
			plan.latest = append(plan.latest, name)
		}
	}
	return plan, nil
}

// dnfOptions are the options given to every dnf command.
type dnfOptions struct {
	noGPGCheck  bool
	enableRepo  []string
	disableRepo []string
	confFile    string
}

// repoFree says that no option asks for a repository or dnf's own
// configuration.
func (o dnfOptions) repoFree() bool {
	return len(o.enableRepo) == 0 && len(o.disableRepo) == 0 && o.confFile == ""
}

func (o dnfOptions) words() []string {
	w := []string{"-y"}
	if o.noGPGCheck {
		w = append(w, "--nogpgcheck")
	}
	for _, r := range o.disableRepo {
		w = append(w, "--disablerepo="+r)
	}
	for _, r := range o.enableRepo {
		w = append(w, "--enablerepo="+r)
	}
	if o.confFile != "" {
		// One word: a file name starting with "-" stays the value.
		w = append(w, "--config="+o.confFile)
	}
	return w
}

// applyPackages runs dnf and reports what it did. Upgrades for "latest"
// are asked of dnf, which says whether there was anything to do.
func applyPackages(c *Context, r *Result, dnf string, opts dnfOptions, plan *packagePlan, updateCache bool) (*Result, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString(`o=$(mktemp) && e=$(mktemp) || exit 1
trap 'rm -f "$o" "$e"' EXIT
`)
	// listInstalled records the installed packages under key.
	listInstalled := func(key string) string {
		return fmt.Sprintf("%s -q --qf %s -a 2>/dev/null | sort | recout %s\n", rpmCommand, shell.Quote(rpmQueryFormat), key)
	}
	// runDNF runs dnf with words, recording its status and errors under key.
	runDNF := func(key string, words ...string) string {
		cmd := shell.Join(append(append([]string{dnf}, opts.words()...), words...)...)
		return fmt.Sprintf("LANG=C LC_ALL=C %s </dev/null >\"$o\" 2>\"$e\"; rec %s.rc $?; recout %s.err <\"$e\"", cmd, key, key)
	}
	step := func(key string, words ...string) {
		b.WriteString(runDNF(key, words...) + "\n" + listInstalled(key+".after"))
	}
	b.WriteString(listInstalled("before"))
	if updateCache {
		step("cache", "makecache")
	}
	if len(plan.install) > 0 {
		install := append([]string{"install", "--"}, plan.install...)
		if plan.onlyNewFiles && opts.repoFree() && !updateCache {
			// A fresh install from local files needs no repository, and
			// rpm does in a moment what dnf takes its start-up to do;
			// dnf still runs when rpm refuses (a missing dependency, say).
			fmt.Fprintf(&b, "if %s -U -- %s >/dev/null 2>&1; then rec install.rc 0; else %s; fi\n%s",
				rpmCommand, shell.Join(plan.install...), runDNF("install", install...), listInstalled("install.after"))
		} else {
			step("install", install...)
		}
	}
	if len(plan.latest) > 0 {
		step("upgrade", append([]string{"upgrade", "--"}, plan.latest...)...)
	}
	if len(plan.remove) > 0 {
		step("remove", append([]string{"remove", "--"}, plan.remove...)...)
	}
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	rec := parseRecords(string(res.Stdout))

	// What changed is the difference of the package sets.
	before := rpmSet(rec["before"])
	after := before
	var failures []string
	for _, key := range []string{"cache", "install", "upgrade", "remove"} {
		if _, ran := rec[key+".after"]; !ran {
			continue
		}
		after = rpmSet(rec[key+".after"])
		if rec[key+".rc"] != "0" {
			failures = append(failures, dnfFailure(strings.TrimSpace(rec[key+".err"])))
		}
	}
	var results []string
	for _, p := range sortedKeys(after) {
		if !before[p] {
			results = append(results, "Installed: "+p)
		}
	}
	for _, p := range sortedKeys(before) {
		if !after[p] {
			results = append(results, "Removed: "+p)
		}
	}
	if results == nil {
		results = []string{}
	}
	if len(failures) > 0 {
		f := Failf("Failed to install some of the specified packages")
		f.Set("failures", failures)
		f.Set("results", []string{})
		f.Set("rc", 1)
		return f, nil
	}
	r.Set("results", results)
	r.Changed = len(results) > 0
	// dnf's result carries msg even when it is empty.
	r.Msg = ""
	r.Set("msg", "")
	if !r.Changed && (!updateCache || plan.named) {
		r.Msg = "Nothing to do"
	}
	if !plan.named {
		r.Msg = "Cache updated"
	}
	return r, nil
}

// dnfPlanned runs dnf with --assumeno for the plan's installs and
// upgrades and reads the transaction it printed: "Installed: NEVRA" for
// every package it would install (sorted), then the plan's removals and
// "Removed: NEVRA" of every version an upgrade replaces.
func dnfPlanned(c *Context, dnf string, opts dnfOptions, plan *packagePlan, names []string, probe map[string]string) ([]string, *Result, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString("o=$(mktemp) && e=$(mktemp) || exit 1\ntrap 'rm -f \"$o\" \"$e\"' EXIT\n")
	words := func(op string, list []string) string {
		// opts.words() starts with -y, which --assumeno replaces.
		w := append(append([]string{dnf}, opts.words()[1:]...), "--assumeno", op, "--")
		return shell.Join(append(w, list...)...)
	}
	if len(plan.install) > 0 {
		fmt.Fprintf(&b, "LANG=C LC_ALL=C %s </dev/null >\"$o\" 2>\"$e\"; recout install.out <\"$o\"; recout install.err <\"$e\"\n", words("install", plan.install))
	}
	if len(plan.latest) > 0 {
		fmt.Fprintf(&b, "LANG=C LC_ALL=C %s </dev/null >\"$o\" 2>\"$e\"; recout upgrade.out <\"$o\"; recout upgrade.err <\"$e\"\n", words("upgrade", plan.latest))
	}
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	rec := parseRecords(string(res.Stdout))
	var installed, removed []string
	upgraded := map[string]bool{}
	for _, key := range []string{"install", "upgrade"} {
		out, ran := rec[key+".out"]
		if !ran {
			continue
		}
		errText := rec[key+".err"]
		if strings.Contains(errText, "Error:") || strings.Contains(errText, "No match for argument") {
			f := Failf("Failed to install some of the specified packages")
			f.Set("failures", []string{dnfFailure(strings.TrimSpace(errText))})
			f.Set("results", []string{})
			f.Set("rc", 1)
			return nil, f, nil
		}
		section := ""
		for _, line := range strings.Split(out, "\n") {
			if strings.HasSuffix(line, ":") && !strings.HasPrefix(line, " ") {
				section = strings.TrimSuffix(line, ":")
				continue
			}
			f := strings.Fields(line)
			if !strings.HasPrefix(line, " ") || len(f) < 5 {
				if !strings.HasPrefix(line, " ") {
					section = ""
				}
				continue
			}
			pkg := f[0] + "-" + f[2] + "." + f[1]
			switch {
			case strings.HasPrefix(section, "Installing"), strings.HasPrefix(section, "Upgrading"), strings.HasPrefix(section, "Downgrading"):
				installed = append(installed, "Installed: "+pkg)
				if strings.HasPrefix(section, "Upgrading") || strings.HasPrefix(section, "Downgrading") {
					upgraded[f[0]] = true
				}
			case strings.HasPrefix(section, "Removing"):
				removed = append(removed, "Removed: "+pkg)
			}
		}
	}
	for i := range names {
		for _, p := range parseRPMPackages(probe[fmt.Sprintf("installed%d", i)]) {
			if upgraded[p.name] {
				removed = append(removed, "Removed: "+p.String())
			}
		}
	}
	for _, r := range plan.results {
		if strings.HasPrefix(r, "Installed: ") {
			installed = append(installed, r)
		} else {
			removed = append(removed, r)
		}
	}
	sort.Strings(installed)
	results := []string{}
	for i, r := range append(installed, removed...) {
		if i < len(installed) && i > 0 && installed[i-1] == r {
			continue
		}
		results = append(results, r)
	}
	return results, nil, nil
}

// dnfFailure turns dnf's error output into the dnf module's failure text.
func dnfFailure(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if name, ok := strings.CutPrefix(line, "No match for argument: "); ok {
			return fmt.Sprintf("No package %s available.", strings.TrimSpace(name))
		}
	}
	return stderr
}

// rpmSet is the set of packages, as dnf names them, in rpm query output.
func rpmSet(out string) map[string]bool {
	set := map[string]bool{}
	for _, p := range parseRPMPackages(out) {
		set[p.String()] = true
	}
	return set
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
