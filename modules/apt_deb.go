package modules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gansible/gansible/shell"
)

// aptDebFile is what the probe read of one package file of deb=.
type aptDebFile struct {
	path    string
	fields  map[string]string // the control file's fields
	missing bool              // the file is not there
	openErr string            // dpkg-deb could not read it
}

// aptInstalled is an installed package as dpkg-query lists it.
type aptInstalled struct {
	name, version               string
	provides, conflicts, breaks string
}

// aptInstallDeb is the module's install_deb for deb=FILE[,FILE...]:
// each file whose version is installed already is left alone; the
// others are checked as python-apt's DebPackage.check does (the
// architecture, a later version installed, what it depends on) and
// installed with dpkg -i. Where python-apt would go further than
// gansible's runner does (installing the dependencies a file needs
// from the repositories, conflicts and breaks, multiarch hosts, a URL
// to download), the task fails saying so.
func aptInstallDeb(c *Context, p *aptParams) (*Result, error) {
	if p.state != "present" {
		return Failf("deb only supports state=present"), nil
	}
	if strings.Contains(p.deb, "://") {
		return Failf("deb=%s: installing from a URL is not supported: %s (download it with get_url first)", p.deb, notApt), nil
	}
	files := strings.Split(p.deb, ",")
	rec, err := aptDebProbe(c, files)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(rec["foreign"]) != "" {
		return Failf("deb= on a host with foreign architectures (%s) is not supported: %s", strings.TrimSpace(rec["foreign"]), notApt), nil
	}
	native := strings.TrimSpace(rec["arch"])
	installed := parseAptInstalled(rec["installed"])
	var install []string
	for i, f := range files {
		d := aptDebFile{path: f, missing: rec[fmt.Sprintf("missing.%d", i)] != ""}
		if !d.missing {
			if rc := rec[fmt.Sprintf("control.rc.%d", i)]; rc != "0" {
				d.openErr = strings.TrimSpace(rec[fmt.Sprintf("control.err.%d", i)])
			}
			d.fields = parseDebControl(rec[fmt.Sprintf("control.%d", i)])
		}
		switch {
		case d.missing:
			return Failf("Unable to install package: E:Could not open file %s - open (2: No such file or directory)", f), nil
		case d.openErr != "":
			return Failf("Unable to install package: %s", d.openErr), nil
		}
		name, version := d.fields["Package"], d.fields["Version"]
		if cur, ok := installed[name]; ok && debVersionCompare(version, cur.version) == 0 {
			continue
		}
		if failure, unsupported := aptDebCheck(d, native, installed); unsupported != "" {
			return Failf("deb=%s: %s is not supported: %s", f, unsupported, notApt), nil
		} else if failure != "" && !p.force && !(strings.Contains(failure, "later version") && p.allowDowngrade) {
			return Failf("%s", failure), nil
		}
		install = append(install, f)
	}
	if len(install) == 0 {
		r := &Result{}
		r.Set("stdout", "")
		r.Set("stderr", "")
		r.Set("diff", "")
		return r, nil
	}
	var opts []string
	for _, o := range strings.Split(p.dpkgOptions, ",") {
		opts = append(opts, "--"+o)
	}
	if c.CheckMode {
		opts = append(opts, "--simulate")
	}
	if p.force {
		opts = append(opts, "--force-all")
	}
	// The module's command line, as its message names it.
	cmd := "dpkg " + strings.Join(opts, " ") + " -i " + strings.Join(install, " ")
	out, err := aptRun(c, append(append(append([]string{"dpkg"}, opts...), "-i"), install...), nil, false)
	if err != nil {
		return nil, err
	}
	if out.rc != 0 {
		f := Failf("%s failed", cmd)
		f.Set("stdout", out.stdout)
		f.Set("stderr", out.stderr)
		return f, nil
	}
	r := &Result{Changed: true}
	r.Set("stdout", out.stdout)
	r.Set("stderr", out.stderr)
	r.Set("diff", map[string]any{"prepared": aptPrepared(out.stdout)})
	return r, nil
}

// aptDebProbe reads, in one round trip, the host's architectures, the
// installed packages, and each file's control fields.
func aptDebProbe(c *Context, files []string) (map[string]string, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString("export " + aptEnv + "\n")
	b.WriteString("e=$(mktemp) || exit 1\ntrap 'rm -f \"$e\"' EXIT\n")
	b.WriteString(`rec arch "$(dpkg --print-architecture)"` + "\n")
	b.WriteString(`rec foreign "$(dpkg --print-foreign-architectures | tr '\n' ' ')"` + "\n")
	b.WriteString(`dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Provides}\t${Conflicts}\t${Breaks}\n' 2>/dev/null | recout installed` + "\n")
	for i, f := range files {
		q := shell.Quote(f)
		fmt.Fprintf(&b, "if [ ! -e %s ]; then rec missing.%d 1; else o=$(dpkg-deb -f -- %s 2>\"$e\"); rec control.rc.%d $?; rec control.%d \"$o\"; recout control.err.%d <\"$e\"; fi\n",
			q, i, q, i, i, i)
	}
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	return parseRecords(string(res.Stdout)), nil
}

// parseAptInstalled reads dpkg-query's lines: only installed packages
// ("ii", or half-configured states that dpkg lists with i second) count.
func parseAptInstalled(s string) map[string]aptInstalled {
	out := map[string]aptInstalled{}
	for _, l := range strings.Split(s, "\n") {
		f := strings.Split(l, "\t")
		if len(f) < 6 || len(f[0]) < 2 || f[0][1] != 'i' {
			continue
		}
		out[f[1]] = aptInstalled{name: f[1], version: f[2], provides: f[3], conflicts: f[4], breaks: f[5]}
	}
	return out
}

// parseDebControl reads a control file's fields; continuation lines
// join their field's value.
func parseDebControl(s string) map[string]string {
	fields := map[string]string{}
	last := ""
	for _, l := range strings.Split(s, "\n") {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && last != "" {
			fields[last] += "\n" + strings.TrimSpace(l)
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		last = k
		fields[k] = strings.TrimSpace(v)
	}
	return fields
}

// A debRelation is one alternative of a dependency: a name and maybe a
// version constraint ("name (>= 1.0)").
type debRelation struct{ name, op, version string }

// parseDebRelations splits a relation field into its and-groups of
// alternatives.
func parseDebRelations(s string) [][]debRelation {
	var groups [][]debRelation
	for _, g := range strings.Split(s, ",") {
		if strings.TrimSpace(g) == "" {
			continue
		}
		var alts []debRelation
		for _, a := range strings.Split(g, "|") {
			a = strings.TrimSpace(a)
			r := debRelation{name: a}
			if i := strings.Index(a, "("); i >= 0 {
				r.name = strings.TrimSpace(a[:i])
				cons := strings.TrimSuffix(strings.TrimSpace(a[i+1:]), ")")
				for _, op := range []string{">=", "<=", ">>", "<<", "=", ">", "<"} {
					if v, ok := strings.CutPrefix(strings.TrimSpace(cons), op); ok {
						r.op, r.version = op, strings.TrimSpace(v)
						break
					}
				}
			}
			if i := strings.Index(r.name, ":"); i >= 0 {
				// name:any and name:native mean the name here.
				r.name = r.name[:i]
			}
			alts = append(alts, r)
		}
		groups = append(groups, alts)
	}
	return groups
}

// satisfiedBy says whether version meets the relation's constraint.
func (r debRelation) satisfiedBy(version string) bool {
	if r.op == "" {
		return true
	}
	cmp := debVersionCompare(version, r.version)
	switch r.op {
	case ">=", ">":
		return cmp >= 0
	case "<=", "<":
		return cmp <= 0
	case ">>":
		return cmp > 0
	case "<<":
		return cmp < 0
	}
	return cmp == 0
}

// installedSatisfies is python-apt's _is_or_group_satisfied over the
// installed packages: a package of the name whose version fits, or one
// that provides the name (with a version that fits, when it gives one).
func installedSatisfies(group []debRelation, installed map[string]aptInstalled) bool {
	for _, r := range group {
		if p, ok := installed[r.name]; ok && r.satisfiedBy(p.version) {
			return true
		}
		for _, p := range installed {
			for _, prov := range parseDebRelations(p.provides) {
				if len(prov) == 1 && prov[0].name == r.name && (r.op == "" || prov[0].op == "=" && r.satisfiedBy(prov[0].version)) {
					return true
				}
			}
		}
	}
	return false
}

// aptDebCheck is DebPackage.check as far as gansible's runner goes: the
// failure python-apt reports, or what the runner does not support.
func aptDebCheck(d aptDebFile, native string, installed map[string]aptInstalled) (failure, unsupported string) {
	arch, ok := d.fields["Architecture"]
	if !ok {
		return "No Architecture field in the package", ""
	}
	if arch != "all" && arch != native {
		return fmt.Sprintf("Wrong architecture '%s' -- Run dpkg --add-architecture to add it and update afterwards", arch), ""
	}
	name := d.fields["Package"]
	if cur, ok := installed[name]; ok && debVersionCompare(d.fields["Version"], cur.version) < 0 {
		return "A later version is already installed", ""
	}
	for _, field := range []string{"Conflicts", "Breaks"} {
		if strings.TrimSpace(d.fields[field]) != "" {
			return "", "a package file with " + field
		}
	}
	for _, p := range installed {
		for _, rel := range []string{p.conflicts, p.breaks} {
			for _, g := range parseDebRelations(rel) {
				for _, r := range g {
					if r.name == name {
						return "", "a package file an installed package (" + p.name + ") conflicts with or breaks"
					}
				}
			}
		}
	}
	for _, field := range []string{"Pre-Depends", "Depends"} {
		for _, g := range parseDebRelations(d.fields[field]) {
			if !installedSatisfies(g, installed) {
				var alts []string
				for _, r := range g {
					alts = append(alts, r.name)
				}
				return "", "installing the missing dependency " + strconv.Quote(strings.Join(alts, " | ")) + " of a package file"
			}
		}
	}
	return "", ""
}
