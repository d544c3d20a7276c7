package modules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/value"
)

func init() { Register("package_facts", packageFactsModule{}) }

// packageFactsModule is ansible-core 2.14's package_facts for rpm and
// apt: ansible_facts.packages maps each installed package's name to the
// list of its installed versions. Ansible judges a library manager
// usable when its Python binding imports; the hosts have no Python, so
// gansible judges rpm by the rpm command and apt by dpkg-query, and reads
// both with them in one round trip. The other managers Ansible knows are
// CLI managers, usable when their command is found: gansible reports
// them as not supported then.
type packageFactsModule struct{}

func (packageFactsModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "manager", Type: argspec.List, Elements: argspec.Str, Default: []any{"auto"}},
		{Name: "strategy", Default: "first", Choices: []any{"first", "all"}},
	}}
}

// packageManagerNames are Ansible's, in the order 'auto' tries them
// (the order get_all_pkg_managers finds the classes), with the command
// that makes each usable here.
var packageManagerNames = []struct{ name, cli string }{
	{"rpm", "rpm"}, {"apt", "dpkg-query"}, {"pacman", "pacman"}, {"pkg", "pkg"},
	{"portage", "qlist"}, {"apk", "apk"}, {"pkg_info", "pkg_info"},
}

// packageFactsProbe finds each manager's command and lists the rpm and
// dpkg databases, with apt's package files and the index each installed
// version comes from first (its origin).
const packageFactsProbe = `PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
for t in rpm dpkg-query pacman pkg qlist apk pkg_info; do command -v "$t" >/dev/null 2>&1 && rec "has.$t" 1; done
if command -v rpm >/dev/null 2>&1; then
	rpm -qa --qf '%{NAME}\t%{VERSION}\t%{RELEASE}\t%{EPOCH}\t%{ARCH}\n' 2>/dev/null | recout rpm
fi
if command -v dpkg-query >/dev/null 2>&1; then
	rec arch "$(dpkg --print-architecture 2>/dev/null)"
	dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t${Section}\n' 2>/dev/null | recout dpkg
	if command -v apt-cache >/dev/null 2>&1; then
		LC_ALL=C apt-cache policy 2>/dev/null | recout policy
		dpkg-query -W -f '${db:Status-Abbrev} ${Package}:${Architecture}\n' 2>/dev/null |
			awk '$1 ~ /^.[iUFWth]/ { print $2 }' | LC_ALL=C xargs -r apt-cache policy -- 2>/dev/null | recout versions
	fi
fi
`

func (packageFactsModule) Run(c *Context, args Args) (*Result, error) {
	given := args.List("manager")
	var managers []string
	for _, m := range given {
		managers = append(managers, strings.ToLower(m))
	}
	if i := slices.Index(managers, "auto"); i >= 0 {
		for _, m := range packageManagerNames {
			managers = append(managers, m.name)
		}
		managers = slices.Delete(managers, i, i+1)
	}
	var unsupported []string
	for _, m := range managers {
		known := slices.ContainsFunc(packageManagerNames, func(k struct{ name, cli string }) bool { return k.name == m })
		if !known && !slices.Contains(unsupported, m) {
			unsupported = append(unsupported, m)
		}
	}
	if len(unsupported) > 0 {
		if slices.Contains(given, "auto") {
			return Failf("Could not auto detect a usable package manager, check warnings for details."), nil
		}
		return Failf("Unsupported package managers requested: %s", strings.Join(unsupported, ", ")), nil
	}
	strategy := args.String("strategy")

	res, err := c.Run(recordFuncs+packageFactsProbe, nil)
	if err != nil {
		return nil, err
	}
	rec := parseRecords(string(res.Stdout))
	packages := map[string]any{}
	found := 0
	seen := map[string]bool{}
	for _, m := range managers {
		if found > 0 && strategy == "first" {
			break
		}
		if seen[m] {
			continue
		}
		seen[m] = true
		cli := ""
		for _, k := range packageManagerNames {
			if k.name == m {
				cli = k.cli
			}
		}
		if rec["has."+cli] == "" {
			continue
		}
		found++
		switch m {
		case "rpm":
			mergePackages(packages, rpmPackageFacts(rec["rpm"]))
		case "apt":
			mergePackages(packages, aptPackageFacts(rec))
		default:
			return Failf("package_facts: manager %s is not supported by gansible", m), nil
		}
	}
	if found == 0 {
		return Failf("Could not detect a supported package manager from the following list: %s, "+
			"or the required Python library is not installed. Check warnings for details.", pyStrList(managers)), nil
	}
	r := &Result{}
	r.Set("ansible_facts", map[string]any{"packages": packages})
	return r, nil
}

// mergePackages is dict.update: a later manager's list replaces an
// earlier one's of the same name.
func mergePackages(dst map[string]any, src map[string][]any) {
	for k, v := range src {
		dst[k] = v
	}
}

// pyStrList is a Python list of strings as str() prints it.
func pyStrList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = "'" + s + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// rpmPackageFacts reads rpm -qa: the binding's epoch and arch are None
// where rpm prints "(none)", the epoch a number otherwise.
func rpmPackageFacts(out string) map[string][]any {
	pkgs := map[string][]any{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			continue
		}
		var epoch, arch any
		if n, err := strconv.Atoi(f[3]); err == nil {
			epoch = n
		}
		if f[4] != "(none)" {
			arch = f[4]
		}
		pkgs[f[0]] = append(pkgs[f[0]], value.DictOf(
			"name", f[0], "version", f[1], "release", f[2], "epoch", epoch, "arch", arch, "source", "rpm"))
	}
	return pkgs
}

// aptPackageFacts reads the dpkg database as python-apt's cache shows
// it: installed packages (a current version: not only config files
// left), named with their architecture when it is a foreign one, with
// the origin of the first package file holding the installed version.
func aptPackageFacts(rec map[string]string) map[string][]any {
	native := strings.TrimSpace(rec["arch"])
	origins := aptOrigins(rec["policy"])
	installedFrom := aptInstalledFiles(rec["versions"])
	pkgs := map[string][]any{}
	for _, line := range strings.Split(rec["dpkg"], "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 || len(f[0]) < 2 || !strings.ContainsRune("iUFWth", rune(f[0][1])) {
			continue
		}
		name, version, arch, section := f[1], f[2], f[3], f[4]
		key := name
		if arch != native && arch != "all" {
			key = name + ":" + arch
		}
		origin := origins[installedFrom[key]]
		pkgs[key] = append(pkgs[key], value.DictOf(
			"name", key, "version", version, "arch", arch, "category", section, "origin", origin, "source", "apt"))
	}
	return pkgs
}

// aptOrigins maps each package file of apt-cache policy to the origin
// (o=) of its release; the dpkg status file has none.
func aptOrigins(policy string) map[string]string {
	out := map[string]string{}
	file := ""
	for _, line := range strings.Split(policy, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "     "):
			// " 500 http://... Packages": priority, then the file.
			if _, rest, ok := strings.Cut(trimmed, " "); ok {
				file = rest
				out[file] = ""
			}
		case strings.HasPrefix(trimmed, "release ") && file != "":
			for _, kv := range strings.Split(strings.TrimPrefix(trimmed, "release "), ",") {
				if v, ok := strings.CutPrefix(kv, "o="); ok {
					out[file] = v
				}
			}
		}
	}
	return out
}

// aptInstalledFiles maps "name:arch" to the first package file listed
// under the installed version ("***") in apt-cache policy's version
// tables.
func aptInstalledFiles(versions string) map[string]string {
	out := map[string]string{}
	pkg := ""
	inInstalled := false
	for _, line := range strings.Split(versions, "\n") {
		switch {
		case line != "" && !strings.HasPrefix(line, " ") && strings.HasSuffix(line, ":"):
			pkg, inInstalled = strings.TrimSuffix(line, ":"), false
		case strings.HasPrefix(line, " *** "):
			inInstalled = true
		case inInstalled && strings.HasPrefix(line, "        "):
			if _, ok := out[pkg]; !ok {
				if _, file, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
					out[pkg] = file
				}
			}
		case strings.HasPrefix(line, "     "):
			inInstalled = false
		}
	}
	return out
}
