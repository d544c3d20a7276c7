package hostdiff

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gansible/gansible/difftest"
	"github.com/gansible/gansible/testcluster"
)

// Sections of a case archive that are not files of the project.
const (
	sectionArgs    = "args"            // extra command-line arguments, one per line
	sectionRuns    = "runs"            // the runs, in order, one kind per line
	sectionHosts   = "hosts"           // how many hosts the case gets
	sectionFields  = "fields"          // result fields compared besides the default ones
	sectionFlavour = "flavour"         // what the hosts look like: "centos" (default)
	sectionManager = "service-manager" // the hosts' service manager: "upstart" (default)
	sectionPython  = "python"          // "visible": the hosts show Python to gansible too
	sectionRepo    = "repo"            // "listed": the hosts list the cluster's package repository
)

// standinsPlaceholder is replaced, in every unpacked file, by the
// directory of the stand-in packages the hosts trust (testcluster).
const standinsPlaceholder = "@STANDINS@"

// aptRepoPlaceholder and dnfRepoPlaceholder are replaced by the URLs of
// the cluster's package repositories (testcluster's AptRepoURL and
// DnfRepoURL), for cases that add them to a host's sources.
const (
	aptRepoPlaceholder = "@APTREPO@"
	// aptListPlaceholder stands for apt_repository's file name of a line
	// of the apt repository (see aptListName).
	aptListPlaceholder = "@APTREPO_LIST@"
	dnfRepoPlaceholder = "@DNFREPO@"
	// httpPlaceholder stands for the base URL of the cluster's fixed
	// HTTP endpoints (testcluster's HTTPURL), for get_url and uri.
	httpPlaceholder = "@HTTP@"
)

// Run kinds: each is one playbook run with the case's args plus these.
var runKinds = map[string][]string{
	"apply": nil,                   // a plain run
	"again": nil,                   // a plain run after another: must be as idempotent as Ansible's
	"check": {"--check", "--diff"}, // check mode, with the diffs compared
	"diff":  {"--diff"},            // a plain run that shows its diffs
}

// DefaultRuns are the runs of a case without a runs section. Check mode
// comes first, on the fresh host, where it has something to predict and
// its diffs say what apply will do; then apply, and apply again, which
// shows whether the second run is as idempotent as Ansible's.
var DefaultRuns = []string{"check", "apply", "again"}

// DefaultFields are the result fields compared for every task.
var DefaultFields = []string{"changed", "failed", "rc", "msg"}

// MaxCaseHosts bounds the hosts one case may ask for.
const MaxCaseHosts = 4

// Flavours of host a case can ask for (testcluster's).
var flavours = []string{testcluster.FlavourCentOS, testcluster.FlavourDebian}

// Service managers a case's hosts can have (testcluster's).
var serviceManagers = []string{testcluster.Upstart, testcluster.Systemd}

// A Case is one host differential test: a playbook project run, in
// order, by each of Runs against fresh hosts h1..hN of group targets.
type Case struct {
	Name    string
	Comment string
	Files   []difftest.ArchiveFile
	Args    []string
	Runs    []string
	Hosts   int
	Fields  []string // DefaultFields plus the case's own, without repeats
	Flavour string
	// Repo says that the hosts list the cluster's package repository
	// (testcluster's ListRepo) before the first run.
	Repo bool
	// ServiceManager is the hosts' service manager.
	ServiceManager string
	// Python: the hosts show the machine's Python on gansible's side too
	// (Ansible's always do).
	Python bool
	// Sum identifies the archive's bytes, so that a recording of an
	// older version of the case is found stale.
	Sum string
}

var fieldRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// LoadCase reads and parses the case archive at path.
func LoadCase(path string) (*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseCase(strings.TrimSuffix(filepath.Base(path), ".txtar"), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// LoadCases reads every case of dir, sorted by name.
func LoadCases(dir string) ([]*Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	slices.Sort(paths)
	var cases []*Case
	for _, p := range paths {
		c, err := LoadCase(p)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

var caseNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,40}$`)

// ParseCase builds a Case from txtar data. The project must contain
// site.yml and no inventory: the harness writes that.
func ParseCase(name string, data []byte) (*Case, error) {
	if !caseNameRE.MatchString(name) {
		return nil, fmt.Errorf("case name %q: want lower-case letters, digits and underscores, at most 41", name)
	}
	a := difftest.ParseArchive(data)
	c := &Case{Name: name, Comment: strings.TrimSpace(string(a.Comment)), Runs: DefaultRuns, Hosts: 1,
		Fields: slices.Clone(DefaultFields), Flavour: "centos", ServiceManager: testcluster.Upstart, Sum: difftest.CaseSum(data)}
	seen := map[string]bool{}
	for _, f := range a.Files {
		if seen[f.Name] {
			return nil, fmt.Errorf("section %q appears twice", f.Name)
		}
		seen[f.Name] = true
		var err error
		switch f.Name {
		case sectionArgs:
			c.Args = lines(f.Data)
		case sectionRuns:
			c.Runs, err = parseRuns(f.Data)
		case sectionHosts:
			c.Hosts, err = parseHosts(f.Data)
		case sectionFields:
			for _, l := range lines(f.Data) {
				if !fieldRE.MatchString(l) {
					err = fmt.Errorf("bad field name %q", l)
					break
				}
				if !slices.Contains(c.Fields, l) {
					c.Fields = append(c.Fields, l)
				}
			}
		case sectionFlavour:
			l := lines(f.Data)
			if len(l) != 1 || !slices.Contains(flavours, l[0]) {
				err = fmt.Errorf("want one of %s", strings.Join(flavours, ", "))
				break
			}
			c.Flavour = l[0]
		case sectionManager:
			l := lines(f.Data)
			if len(l) != 1 || !slices.Contains(serviceManagers, l[0]) {
				err = fmt.Errorf("want one of %s", strings.Join(serviceManagers, ", "))
				break
			}
			c.ServiceManager = l[0]
		case sectionPython:
			if l := lines(f.Data); len(l) != 1 || l[0] != "visible" {
				err = fmt.Errorf("want visible")
				break
			}
			c.Python = true
		case sectionRepo:
			if l := lines(f.Data); len(l) != 1 || l[0] != "listed" {
				err = fmt.Errorf("want %q", "listed")
				break
			}
			c.Repo = true
		case "inventory":
			err = fmt.Errorf("the harness writes the inventory (hosts h1..hN in group targets); ask for hosts in section %q", sectionHosts)
		default:
			clean := filepath.ToSlash(filepath.Clean(f.Name))
			if filepath.IsAbs(f.Name) || clean == ".." || strings.HasPrefix(clean, "../") || clean != f.Name {
				err = fmt.Errorf("file %q escapes the project or is not a clean path", f.Name)
			}
			c.Files = append(c.Files, f)
		}
		if err != nil {
			return nil, fmt.Errorf("section %q: %w", f.Name, err)
		}
	}
	if !seen["site.yml"] {
		return nil, fmt.Errorf("missing file %q", "site.yml")
	}
	return c, nil
}

func parseRuns(data []byte) ([]string, error) {
	runs := lines(data)
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs")
	}
	for _, r := range runs {
		if _, ok := runKinds[r]; !ok {
			return nil, fmt.Errorf("unknown run %q (want apply, again, check or diff)", r)
		}
	}
	return runs, nil
}

func parseHosts(data []byte) (int, error) {
	l := lines(data)
	if len(l) != 1 {
		return 0, fmt.Errorf("want one number")
	}
	n, err := strconv.Atoi(l[0])
	if err != nil || n < 1 || n > MaxCaseHosts {
		return 0, fmt.Errorf("want a number of hosts from 1 to %d, got %q", MaxCaseHosts, l[0])
	}
	return n, nil
}

// lines returns the non-blank lines of data, with surrounding space
// removed. Lines starting with # are comments.
func lines(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// HostNames are the inventory names of the case's hosts: h1..hN.
func (c *Case) HostNames() []string {
	names := make([]string, c.Hosts)
	for i := range names {
		names[i] = "h" + strconv.Itoa(i+1)
	}
	return names
}

// ClusterHost is the cluster's name for the case's host h (h1..hN),
// which is also the host's hostname, the same in every recording and
// replay.
func (c *Case) ClusterHost(h string) string {
	return strings.ReplaceAll(c.Name, "_", "-") + "-" + h
}

// Unpack writes the project into dir, replacing each placeholder (a key of
// subst, such as @STANDINS@) by its value.
func (c *Case) Unpack(dir string, subst map[string]string) error {
	var pairs []string
	for k, v := range subst {
		pairs = append(pairs, k, v)
	}
	r := strings.NewReplacer(pairs...)
	for _, f := range c.Files {
		text := r.Replace(string(f.Data))
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
