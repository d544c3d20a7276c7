package hostdiff

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gansible/gansible/difftest"
	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/testcluster"
)

var (
	recordFlag = flag.Bool("record", false, "run ansible-playbook on the cases on fresh Python hosts and rewrite testdata/recorded (make record-hosts)")
	caseFlag   = flag.String("case", "", "only the cases whose whole name matches this regexp (make record-hosts CASE='a|b')")
)

// Cases running at once: ansible-playbook keeps the cores busy with
// Python on both sides; gansible's runs mostly wait on the hosts.
const (
	recordParallel = 3
	replayParallel = 6
)

const casesDir = "testdata/cases"

func recordingPath(name string) string {
	return filepath.Join("testdata", "recorded", name+".txtar")
}

// selectedCases loads the cases, keeping those -case selects.
func selectedCases(t *testing.T) []*Case {
	t.Helper()
	cases, err := LoadCases(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", casesDir)
	}
	if *caseFlag == "" {
		return cases
	}
	re, err := regexp.Compile("^(?:" + *caseFlag + ")$")
	if err != nil {
		t.Fatalf("-case: %v", err)
	}
	var out []*Case
	for _, c := range cases {
		if re.MatchString(c.Name) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no case matches %q", *caseFlag)
	}
	return out
}

// loadRecording reads the recording of c, failing when there is none, it
// does not parse, or it was made from another version of the case.
func loadRecording(c *Case) (*Recording, error) {
	path := recordingPath(c.Name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no recording: run make record-hosts CASE=%s", c.Name)
	}
	if err != nil {
		return nil, err
	}
	rec, err := ParseRecording(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v: run make record-hosts CASE=%s", path, err, c.Name)
	}
	if rec.CaseSum != c.Sum {
		return nil, fmt.Errorf("%s is stale: %s/%s.txtar changed since it was recorded: run make record-hosts CASE=%s", path, casesDir, c.Name, c.Name)
	}
	var kinds []string
	for _, r := range rec.Runs {
		kinds = append(kinds, r.Kind)
	}
	if strings.Join(kinds, " ") != strings.Join(c.Runs, " ") {
		return nil, fmt.Errorf("%s has runs %v, the case %v: run make record-hosts CASE=%s", path, kinds, c.Runs, c.Name)
	}
	return rec, nil
}

// TestRecordings needs neither root nor Ansible: every case parses and
// has a current recording that parses.
func TestRecordings(t *testing.T) {
	for _, c := range selectedCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			if _, err := loadRecording(c); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRecordingsAreComplete catches a recording left behind by a case
// that was removed or renamed.
func TestRecordingsAreComplete(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "recorded", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(casesDir, filepath.Base(p))); err != nil {
			t.Errorf("%s records no case: %v", p, err)
		}
	}
}

// TestReplay runs gansible on every case on fresh hosts without Python
// and compares each run with the recording.
func TestReplay(t *testing.T) {
	needE2E(t)
	cases := selectedCases(t)
	recs := map[string]*Recording{}
	recErrs := map[string]error{}
	for _, c := range cases {
		recs[c.Name], recErrs[c.Name] = loadRecording(c)
	}
	outcomes := runAll(t, cases, gansibleBin(t), false, replayParallel)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if recErrs[c.Name] != nil {
				t.Fatal(recErrs[c.Name])
			}
			o := outcomes[c.Name]
			if o.err != nil {
				t.Fatal(o.err)
			}
			diffs := Compare(recs[c.Name].Runs, o.Runs)
			if len(diffs) > 0 {
				for i, out := range o.Outputs {
					t.Logf("gansible run %d (%s):\n%s", i+1, c.Runs[i], out)
				}
				t.Errorf("gansible differs from ansible-playbook %s:\n%s", recs[c.Name].Version, strings.Join(diffs, "\n"))
			}
		})
	}
}

// TestRecord (make record-hosts) runs ansible-playbook on the cases and
// rewrites their recordings.
func TestRecord(t *testing.T) {
	if !*recordFlag {
		t.Skip("make record-hosts (-record) rewrites the recordings")
	}
	if os.Geteuid() != 0 {
		t.Fatal("recording needs root (the test cluster)")
	}
	refenv.Require(t, "ansible-core")
	out, err := exec.Command("ansible-playbook", "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	version, err := difftest.CoreVersion(string(out))
	if err != nil {
		t.Fatal(err)
	}
	cases := selectedCases(t)
	outcomes := runAll(t, cases, "ansible-playbook", true, recordParallel)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			o := outcomes[c.Name]
			for i, out := range o.Outputs {
				t.Logf("ansible-playbook run %d (%s):\n%s", i+1, c.Runs[i], out)
			}
			if o.err != nil {
				t.Fatal(o.err)
			}
			rec := &Recording{Version: version, CaseSum: c.Sum, Runs: o.Runs}
			data, err := rec.Format()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ParseRecording(data); err != nil {
				t.Fatalf("the recording does not read back: %v", err)
			}
			if err := os.WriteFile(recordingPath(c.Name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}

type outcome struct {
	*Outcome
	err error
}

// runAll runs the cases with tool, at most parallel at once, each on
// fresh hosts of one cluster per batch, and stops the clusters again.
func runAll(t *testing.T, cases []*Case, tool string, python bool, parallel int) map[string]outcome {
	t.Helper()
	standins := standinDir(t)
	results := map[string]outcome{}
	var mu sync.Mutex
	for _, batch := range Batches(cases) {
		start := time.Now()
		c, err := testcluster.Start(context.Background(), testcluster.Options{
			Hosts:           ClusterHosts(batch),
			Flavours:        ClusterFlavours(batch),
			ServiceManagers: ClusterServiceManagers(batch),
			Pythons:         ClusterPythons(batch),
			StateDir:        t.TempDir(),
			Python:          python,
			StandinDir:      standins,
		})
		if err != nil {
			t.Fatalf("starting cluster: %v", err)
		}
		t.Logf("started %d hosts in %v", len(ClusterHosts(batch)), time.Since(start).Round(time.Millisecond))
		h := &Harness{Cluster: c, Standins: standins, Work: t.TempDir(), Tool: tool}
		sem := make(chan struct{}, parallel)
		var wg sync.WaitGroup
		for _, cs := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				o, err := h.RunCase(context.Background(), cs)
				if o == nil {
					o = &Outcome{}
				}
				mu.Lock()
				results[cs.Name] = outcome{o, err}
				mu.Unlock()
			}()
		}
		wg.Wait()
		if err := c.Stop(); err != nil {
			t.Errorf("stopping cluster: %v", err)
		}
		t.Logf("ran %d cases in %v", len(batch), time.Since(start).Round(time.Millisecond))
	}
	return results
}

// needE2E skips the test unless end-to-end tests were asked for and can
// run here.
func needE2E(t *testing.T) {
	t.Helper()
	if !refenv.E2E() {
		t.Skip("set GANSIBLE_E2E=1 to run (needs root and the test cluster's packages)")
	}
	if os.Geteuid() != 0 {
		refenv.Unavailable(t, "needs root")
	}
	// What the hosts run: sshd, sudo, the stand-ins' rpm and dnf; what
	// builds the cluster's package repositories.
	refenv.Require(t, "openssh-server", "openssh-client", "sudo", "rpm", "dnf", "python3-dnf", "createrepo-c")
}

// standinDir builds the stand-in packages the hosts trust.
func standinDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "standins")
	if err := testcluster.BuildStandins(context.Background(), dir); err != nil {
		t.Fatalf("stand-ins: %v", err)
	}
	return dir
}

// gansibleBin returns $GANSIBLE_BIN or a fresh build of ./cmd/gansible.
func gansibleBin(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("GANSIBLE_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "gansible")
	build := exec.Command("go", "build", "-o", bin, "./cmd/gansible")
	build.Dir = ".."
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/gansible: %v\n%s", err, out)
	}
	return bin
}
