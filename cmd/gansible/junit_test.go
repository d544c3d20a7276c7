package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// The junit and profile_roles callbacks: junit.yml of testdata/adhoc/case
// with both enabled, one fork so that results come in a fixed order. The
// transcript is the exit code, stdout (profile_roles' lines) and the
// junit report, with clock times replaced; golden recorded from
// ansible-playbook 2.14 (GANSIBLE_RECORD=1 re-records).

var (
	// A case's or a suite's time, and a command result's clock fields.
	junitTime  = regexp.MustCompile(`time="[0-9.e+-]+"`)
	junitClock = regexp.MustCompile(`&quot;(delta|end|start)&quot;: &quot;[^&]*&quot;`)
	// The same fields in a result printed on stdout.
	resultClock = regexp.MustCompile(`"(delta|end|start)": "[^"]*"`)
)

const junitCallbacks = "junit, ansible.posix.profile_roles"

func junitTranscript(t *testing.T, dir string, code int, stdout, stderr []byte) []byte {
	t.Helper()
	reports, _ := filepath.Glob(filepath.Join(dir, "junit-out", "junit-*.xml"))
	if len(reports) != 1 {
		t.Fatalf("want one report junit-out/junit-TIME.xml, got %v\n%s%s", reports, stdout, stderr)
	}
	report, err := os.ReadFile(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	report = junitTime.ReplaceAll(report, []byte(`time="@TIME@"`))
	report = junitClock.ReplaceAll(report, []byte(`&quot;$1&quot;: @TIME@`))
	stdout = resultClock.ReplaceAll(stdout, []byte(`"$1": "@TIME@"`))
	c := adhocCase{timings: true}
	out := sortProfileSummary(c.transcript(dir, code, stdout, stderr))
	return append(out, append([]byte("--- junit report\n"), bytes.ReplaceAll(report, []byte(dir), []byte("@CASE@"))...)...)
}

func runOurJUnit(t *testing.T) []byte {
	dir := copyCase(t)
	t.Chdir(dir)
	t.Setenv("ANSIBLE_NOCOLOR", "1")
	t.Setenv("ANSIBLE_CALLBACKS_ENABLED", junitCallbacks)
	t.Setenv("JUNIT_OUTPUT_DIR", filepath.Join(dir, "junit-out"))
	var stdout, stderr bytes.Buffer
	code := run([]string{"-i", "hosts", "-f", "1", "junit.yml"}, strings.NewReader(""), &stdout, &stderr)
	return junitTranscript(t, dir, code, stdout.Bytes(), stderr.Bytes())
}

func runAnsibleJUnit(t *testing.T) []byte {
	dir := copyCase(t)
	cmd := exec.Command("ansible-playbook", "-i", "hosts", "-f", "1", "junit.yml")
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0"), "ANSIBLE_CALLBACKS_ENABLED="+junitCallbacks, "JUNIT_OUTPUT_DIR="+filepath.Join(dir, "junit-out"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("ansible-playbook: %v", err)
		}
		code = exit.ExitCode()
	}
	return junitTranscript(t, dir, code, stdout.Bytes(), stderr.Bytes())
}

func TestJUnitMatchesGolden(t *testing.T) {
	checkGolden(t, filepath.Join("testdata", "adhoc", "golden", "playbook-junit.golden"), "ansible-playbook junit.yml with junit",
		recording(t), runOurJUnit, runAnsibleJUnit, nil)
}

func TestJUnitLiveAnsible(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to compare with a live ansible")
	}
	refenv.Require(t, "ansible-core")
	checkLive(t, "ansible-playbook junit.yml with junit", runOurJUnit, runAnsibleJUnit, nil)
}

// sortProfileSummary sorts profile_roles' lines between its === and ~~~
// rules: they come longest first, an order the two tools' timings decide;
// the test keeps which roles and actions are listed. (The ordering itself
// is output's unit test.)
func sortProfileSummary(b []byte) []byte {
	lines := strings.Split(string(b), "\n")
	start, end := -1, -1
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "====") && start < 0:
			start = i + 1
		case strings.HasPrefix(l, "~~~~") && start >= 0:
			end = i
		}
	}
	if start >= 0 && end > start {
		slices.Sort(lines[start:end])
	}
	return []byte(strings.Join(lines, "\n"))
}
