package runner

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gansible/gansible/difftest"
	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/template"
)

// outputCase is a playbook run on the local connection whose printed
// output is checked. Its archive under testdata/output holds the project
// files (inventory and site.yml at least) and these sections:
//
//	args      command-line flags, one a line: -v, -vv, -vvv, --diff
//	want      the whole output, with the project directory as @OUT@
//	contains  lines that must appear in this order (for output with
//	          timings or nonces, such as -vvv)
//	hidden    strings that must appear nowhere in the output
//	recorded  "ansible-core VERSION": the ansible-playbook want came from
//
// A want section is ansible-playbook 2.14's output for the same project
// (TestOutputCasesAreAnsibles checks it, and with -record, which make
// record passes, rewrites it and the recorded section); a case whose
// output differs from Ansible's on purpose uses contains and hidden, and
// says why.
type outputCase struct {
	name     string
	path     string
	archive  *difftest.Archive
	files    map[string]string
	args     []string
	want     string
	recorded string // the ansible-core version of want
	contains []string
	hidden   []string
}

// Sections of an output case that are not project files.
const (
	sectionWant     = "want"
	sectionRecorded = "recorded"
	recordedPrefix  = "ansible-core "
)

// recordFlag makes TestOutputCasesAreAnsibles rewrite the want sections
// with what ansible-playbook prints (make record).
var recordFlag = flag.Bool("record", false, "rewrite the want sections of testdata/output with ansible-playbook's output (make record)")

func loadOutputCases(t *testing.T) []outputCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "output", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases in testdata/output: %v", err)
	}
	var cases []outputCase
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := outputCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), path: p, archive: difftest.ParseArchive(data), files: map[string]string{}}
		for _, f := range c.archive.Files {
			switch f.Name {
			case "args":
				c.args = nonBlankLines(string(f.Data))
			case sectionWant:
				c.want = string(f.Data)
			case sectionRecorded:
				v, ok := strings.CutPrefix(strings.TrimSpace(string(f.Data)), recordedPrefix)
				if !ok || v == "" {
					t.Fatalf("%s: section %q: want %q", p, sectionRecorded, recordedPrefix+"VERSION")
				}
				c.recorded = v
			case "contains":
				c.contains = nonBlankLines(string(f.Data))
			case "hidden":
				c.hidden = nonBlankLines(string(f.Data))
			default:
				c.files[f.Name] = string(f.Data)
			}
		}
		if c.want == "" && len(c.contains) == 0 {
			t.Fatalf("%s: neither want nor contains", p)
		}
		if c.want != "" && c.recorded == "" && !*recordFlag {
			t.Fatalf("%s: a want section needs a %q section naming the ansible-core it came from (make record CASE=%s writes both)", p, sectionRecorded, c.name)
		}
		cases = append(cases, c)
	}
	return cases
}

func nonBlankLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// timings are the parts of the output that change from run to run.
var timings = regexp.MustCompile(`after [0-9.]+(µs|ms|s)`)

// unpack writes the case's project into a new directory, @OUT@ replaced
// by that directory.
func (c outputCase) unpack(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range c.files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(content, "@OUT@", dir)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runOutputCase runs the case's playbook and returns its output, with
// the project directory replaced by @OUT@ and timings by "after T".
func runOutputCase(t *testing.T, c outputCase) string {
	t.Helper()
	dir := c.unpack(t)
	verbosity, diff, forks := 0, false, 5
	for _, a := range c.args {
		switch {
		case a == "--diff":
			diff = true
		case strings.HasPrefix(a, "--forks="):
			n, err := strconv.Atoi(strings.TrimPrefix(a, "--forks="))
			if err != nil {
				t.Fatalf("bad argument %q", a)
			}
			forks = n
		case strings.HasPrefix(a, "-v") && strings.Trim(a[1:], "v") == "":
			verbosity = len(a) - 1
		default:
			t.Fatalf("unsupported argument %q", a)
		}
	}
	inv, err := inventory.Load([]string{filepath.Join(dir, "inventory")})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o := output.NewDefault(&out, &out, false, verbosity)
	loader := &playbook.Loader{IsAction: IsAction, Warn: o.Deprecation}
	pb, err := loader.LoadPlaybook(filepath.Join(dir, "site.yml"))
	if err != nil {
		t.Fatal(err)
	}
	opts := &Options{Inventory: inv, Loader: loader, Engine: template.New(template.Options{}), Out: o,
		Forks: forks, Gathering: "explicit", Verbosity: verbosity, Diff: diff}
	// The exit status is not what these cases check: the recap says it.
	_ = Run(context.Background(), opts, []*playbook.Playbook{pb})
	got := strings.ReplaceAll(out.String(), dir, "@OUT@")
	return timings.ReplaceAllString(got, "after T")
}

func TestOutputCases(t *testing.T) {
	for _, c := range loadOutputCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got := runOutputCase(t, c)
			if c.want != "" && got != c.want {
				t.Errorf("output differs\n--- got ---\n%s\n--- want ---\n%s", got, c.want)
			}
			rest := got
			for _, l := range c.contains {
				i := strings.Index(rest, l)
				if i < 0 {
					t.Errorf("output lacks %q (in order)\n%s", l, got)
					break
				}
				rest = rest[i+len(l):]
			}
			for _, h := range c.hidden {
				if strings.Contains(got, h) {
					t.Errorf("output shows %q\n%s", h, got)
				}
			}
		})
	}
}

// TestOutputCasesAreAnsibles checks that the want sections are what
// ansible-playbook prints for the same project, with the ansible-core
// they were recorded with. With -record it rewrites them instead.
func TestOutputCasesAreAnsibles(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" && !*recordFlag {
		t.Skip("set GANSIBLE_E2E=1 to compare with ansible-playbook")
	}
	refenv.Require(t, "ansible-core")
	out, err := exec.Command("ansible-playbook", "--version").Output()
	if err != nil {
		t.Fatalf("ansible-playbook --version: %v", err)
	}
	installed, err := difftest.CoreVersion(string(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range loadOutputCases(t) {
		if c.want == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			got := ansibleOutput(t, c)
			if *recordFlag {
				c.rewrite(t, installed, got)
				return
			}
			if c.recorded != installed {
				t.Fatalf("recorded with ansible-core %s, installed %s: re-record (make record CASE=%s)", c.recorded, installed, c.name)
			}
			if got != c.want {
				t.Errorf("ansible-playbook prints\n%s\nthe case wants\n%s\n(re-record: make record CASE=%s)", got, c.want, c.name)
			}
		})
	}
}

// ansibleOutput runs ansible-playbook on the case's project and returns
// its output, the project directory replaced by @OUT@.
func ansibleOutput(t *testing.T, c outputCase) string {
	t.Helper()
	dir := c.unpack(t)
	cmd := exec.Command("ansible-playbook", append([]string{"-i", "inventory", "site.yml"}, c.args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0")
	out, _ := cmd.CombinedOutput()
	var kept []string
	for _, l := range strings.SplitAfter(string(out), "\n") {
		if !strings.HasPrefix(l, "No config file found") {
			kept = append(kept, l)
		}
	}
	return strings.ReplaceAll(strings.Join(kept, ""), dir, "@OUT@")
}

// rewrite stores want, recorded with ansible-core version, in the case's
// archive, the rest of the archive unchanged.
func (c outputCase) rewrite(t *testing.T, version, want string) {
	t.Helper()
	if !strings.HasSuffix(want, "\n") {
		t.Fatalf("ansible-playbook's output does not end in a newline, which a want section cannot hold:\n%s", want)
	}
	a := &difftest.Archive{Comment: c.archive.Comment}
	for _, f := range c.archive.Files {
		switch f.Name {
		case sectionRecorded:
		case sectionWant:
			a.Files = append(a.Files,
				difftest.ArchiveFile{Name: sectionRecorded, Data: []byte(recordedPrefix + version + "\n")},
				difftest.ArchiveFile{Name: sectionWant, Data: []byte(want)})
		default:
			a.Files = append(a.Files, f)
		}
	}
	if err := os.WriteFile(c.path, a.Format(), 0o644); err != nil {
		t.Fatal(err)
	}
}
