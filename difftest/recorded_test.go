package difftest

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// recordFlag makes TestRecord run ansible-playbook on the cases and
// rewrite their recordings (make record).
var recordFlag = flag.Bool("record", false, "run ansible-playbook on the cases and rewrite testdata/recorded (make record)")

// A suite is a directory of cases under testdata and how gansible's run
// of one of its cases is judged against ansible-playbook's.
type suite struct {
	dir   string
	judge func(t *testing.T, c *Case, want, got run)
}

var (
	suiteCases  = suite{"cases", judgeOutcome}
	suiteErrors = suite{"errors", judgeFailure}
	suites      = []suite{suiteCases, suiteErrors}
)

// replayParallel bounds the offline replay: gansible's runs are short
// and mostly wait on the processes they start.
var replayParallel = max(2, runtime.NumCPU())

func recordingPath(dir, name string) string {
	return filepath.Join("testdata", "recorded", dir, name+".txtar")
}

// recorded returns the run a recording read from path describes,
// without output.
func (r *Recording) recorded(path string) run {
	return run{Result: Result{Exit: r.Exit}, Recap: r.Recap, Tree: r.Tree, ErrorLine: r.ErrorLine, Recorded: path}
}

// newRecording keeps what the comparisons look at of ansible-playbook's
// run of c: the error line only where the case expects an error.
func newRecording(c *Case, version string, r run) *Recording {
	rec := &Recording{Version: version, CaseSum: c.Sum, Exit: r.Exit, Recap: r.Recap, Tree: r.Tree}
	if c.Exit != 0 {
		rec.ErrorLine = r.ErrorLine
	}
	if rec.Recap == nil {
		rec.Recap = Recap{}
	}
	return rec
}

// loadRecording reads the recording of c and fails t when there is none
// or it was made from another version of the case.
func loadRecording(t *testing.T, s suite, c *Case) *Recording {
	t.Helper()
	path := recordingPath(s.dir, c.Name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("no recording: run make record CASE=%s", c.Name)
	}
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ParseRecording(data)
	if err != nil {
		t.Fatalf("%s: %v (re-record: make record CASE=%s)", path, err, c.Name)
	}
	if rec.CaseSum != c.Sum {
		t.Fatalf("%s is stale: testdata/%s/%s.txtar changed since it was recorded: run make record CASE=%s", path, s.dir, c.Name, c.Name)
	}
	return rec
}

// checkRecorded fails t when ansible-playbook's live run of c no longer
// gives the case's recording, or comes from another ansible-core.
func checkRecorded(t *testing.T, s suite, c *Case, live run) {
	t.Helper()
	rec := loadRecording(t, s, c)
	if v := installedCoreVersion(t); rec.Version != v {
		t.Fatalf("recorded with ansible-core %s, installed %s: re-record (make record)", rec.Version, v)
	}
	diffs := compareRuns(rec.recorded(recordingPath(s.dir, c.Name)), live)
	if c.Exit != 0 && live.ErrorLine != rec.ErrorLine {
		diffs = append(diffs, fmt.Sprintf("first error line:\n\tgot  %s\n\twant %s", live.ErrorLine, rec.ErrorLine))
	}
	if len(diffs) > 0 {
		t.Errorf("ansible-playbook no longer does what %s says (a stale recording, or a case that is not stable): "+
			"make the case stable, then run make record CASE=%s\n%s\n\n===== ansible-playbook output =====\n%s",
			recordingPath(s.dir, c.Name), c.Name, strings.Join(diffs, "\n"), live.Output)
	}
}

var (
	versionOnce sync.Once
	version     string
	versionErr  error
)

// installedCoreVersion is the ansible-core version ansible-playbook on
// $PATH reports.
func installedCoreVersion(t *testing.T) string {
	t.Helper()
	versionOnce.Do(func() {
		out, err := exec.Command("ansible-playbook", "--version").Output()
		if err != nil {
			versionErr = fmt.Errorf("ansible-playbook --version: %v", err)
			return
		}
		version, versionErr = CoreVersion(string(out))
	})
	if versionErr != nil {
		t.Fatal(versionErr)
	}
	return version
}

// unmetNeed says why this machine cannot run c offline, or "" if it can.
func unmetNeed(c *Case) string {
	if c.NeedsRoot && os.Geteuid() != 0 {
		return "the case needs root (become through sudo, chown): run the tests as root"
	}
	for _, name := range c.Commands {
		if _, err := exec.LookPath(name); err != nil {
			return fmt.Sprintf("the case needs the command %s, which is not installed", name)
		}
	}
	return ""
}

// TestReplay runs gansible on every case and compares its run with the
// case's recording of ansible-playbook's: the differential suite without
// ansible-playbook, in plain go test.
func TestReplay(t *testing.T) {
	if *recordFlag {
		t.Skip("recording")
	}
	slots := make(chan struct{}, replayParallel)
	for _, s := range suites {
		t.Run(s.dir, func(t *testing.T) {
			t.Parallel()
			cases := loadCases(t, s.dir)
			checkOrphans(t, s, cases)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					rec := loadRecording(t, s, c)
					if reason := unmetNeed(c); reason != "" {
						refenv.Unavailable(t, "%s", reason)
					}
					gansible := gansibleBinary(t)
					slots <- struct{}{}
					defer func() { <-slots }()
					got := runCase(t, c, gansible, false)
					s.judge(t, c, rec.recorded(recordingPath(s.dir, c.Name)), got)
				})
			}
		})
	}
}

// checkOrphans fails t for each recording whose case is gone.
func checkOrphans(t *testing.T, s suite, cases []*Case) {
	t.Helper()
	for _, name := range orphans(t, s, cases) {
		t.Errorf("%s records a case that no longer exists: delete it (make record does)", recordingPath(s.dir, name))
	}
}

func orphans(t *testing.T, s suite, cases []*Case) []string {
	t.Helper()
	paths, err := filepath.Glob(recordingPath(s.dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, c := range cases {
		have[c.Name] = true
	}
	var out []string
	for _, p := range paths {
		if name := strings.TrimSuffix(filepath.Base(p), ".txtar"); !have[name] {
			out = append(out, name)
		}
	}
	return out
}

// TestRecord, run by make record, runs ansible-playbook on the cases
// and writes what each did to testdata/recorded. It checks each case
// behaves as it says (its exit code) before keeping the run.
func TestRecord(t *testing.T) {
	if !*recordFlag {
		t.Skip("make record runs this test with -record, to rewrite testdata/recorded")
	}
	refenv.Require(t, "ansible-core", "python3-jinja2", "python3-yaml", "python3-passlib")
	version := installedCoreVersion(t)
	slots := make(chan struct{}, maxParallelCases)
	for _, s := range suites {
		t.Run(s.dir, func(t *testing.T) {
			t.Parallel()
			cases := loadCases(t, s.dir)
			for _, name := range orphans(t, s, cases) {
				if err := os.Remove(recordingPath(s.dir, name)); err != nil {
					t.Fatal(err)
				}
				t.Logf("removed %s: no such case", recordingPath(s.dir, name))
			}
			if err := os.MkdirAll(filepath.Dir(recordingPath(s.dir, "x")), 0o755); err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					slots <- struct{}{}
					defer func() { <-slots }()
					got := runCase(t, c, "ansible-playbook", true)
					if got.Exit != c.Exit {
						t.Fatalf("the case is wrong: ansible-playbook exited %d, the case expects %d\n%s", got.Exit, c.Exit, got.Output)
					}
					if c.Exit != 0 && got.ErrorLine == "" {
						t.Fatalf("the case expects an error, but ansible-playbook printed no error report (ERROR!, fatal:)\n%s", got.Output)
					}
					data, err := newRecording(c, version, got).Format()
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(recordingPath(s.dir, c.Name), data, 0o644); err != nil {
						t.Fatal(err)
					}
				})
			}
		})
	}
}
