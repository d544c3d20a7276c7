package difftest

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// errorLine matches the lines that report an error: ansible-playbook's
// "ERROR! ..." and "fatal: [host]: ...", and any "error:" line.
var errorLine = regexp.MustCompile(`(?i)(^|\W)(error|fatal)\b`)

// errorReport matches the line that starts an error report: ansible's
// "ERROR! ..." and "fatal: [host]: ...", and a program's "NAME: error:".
// Unlike errorLine, it skips warnings that quote an error, which
// ansible-playbook wraps at a width that depends on the paths in them.
var errorReport = regexp.MustCompile(`^(ERROR! |fatal: \[|[\w.-]+: error: )`)

// firstErrorReport returns the line that starts the first error report
// of output, what a recording keeps.
func firstErrorReport(output string) string {
	for _, l := range strings.Split(output, "\n") {
		if errorReport.MatchString(l) {
			return sortSetListing(l)
		}
	}
	return ""
}

// setListings introduce lists that Ansible prints in the order of a
// Python set, which changes from run to run.
var setListings = []string{
	"which is only allowed in the following modules: ",
	"Valid booleans include: ",
}

// sortSetListing sorts the items of such a list, so that a recording is
// the same whatever order a run printed them in.
func sortSetListing(line string) string {
	for _, intro := range setListings {
		head, list, ok := strings.Cut(line, intro)
		if !ok {
			continue
		}
		items := strings.Split(list, ", ")
		sort.Strings(items)
		return head + intro + strings.Join(items, ", ")
	}
	return line
}

// firstErrorLine returns the first line of output that reports an error.
func firstErrorLine(output string) string {
	for _, l := range strings.Split(output, "\n") {
		if errorLine.MatchString(l) {
			return l
		}
	}
	return ""
}

// TestErrors checks that gansible fails the way ansible-playbook does
// (same exit code) on broken projects, and that its first error line
// points at the cause.
func TestErrors(t *testing.T) {
	requireE2E(t)
	liveSuite(t, suiteErrors)
}

// judgeFailure fails t unless gansible's run got exits as
// ansible-playbook's run want did, with a first error line that mentions
// what the case names.
func judgeFailure(t *testing.T, c *Case, want, got run) {
	t.Helper()
	if got.Exit != want.Exit {
		t.Errorf("exit code: got %d, want %d (ansible-playbook's%s)", got.Exit, want.Exit, want.from())
	}
	line := firstErrorLine(got.Output)
	for _, m := range c.Mentions {
		if !strings.Contains(line, m) {
			t.Errorf("first error line %q does not mention %q", line, m)
		}
	}
	if t.Failed() {
		t.Log(bothOutputs(want, got))
	}
}

func TestFirstErrorLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"PLAY [all]\nERROR! bad thing\nmore", "ERROR! bad thing"},
		{"ok: [h1]\nfatal: [h2]: FAILED! => {}\n", "fatal: [h2]: FAILED! => {}"},
		{"gansible: error: site.yml:3:5: oops\n", "gansible: error: site.yml:3:5: oops"},
		{"all fine\nterrorism is not a word match\n", ""},
	}
	for _, tt := range tests {
		if got := firstErrorLine(tt.in); got != tt.want {
			t.Errorf("firstErrorLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFirstErrorReport(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[WARNING]: could not parse: the errors we\ngot: Syntax Error while loading\nERROR! bad thing\n", "ERROR! bad thing"},
		{"ok: [h1]\nfatal: [h2]: FAILED! => {}\n", "fatal: [h2]: FAILED! => {}"},
		{"usage: ansible-playbook [-h]\nansible-playbook: error: unrecognized arguments: -x\n", "ansible-playbook: error: unrecognized arguments: -x"},
		{"ok: [h1] => {\"msg\": \"ERROR! not at the start\"}\n", ""},
		{"ERROR! The value 'x' is not a valid boolean.  Valid booleans include: 'yes', 1, 'f', 0\n", "ERROR! The value 'x' is not a valid boolean.  Valid booleans include: 'f', 'yes', 0, 1"},
	}
	for _, tt := range tests {
		if got := firstErrorReport(tt.in); got != tt.want {
			t.Errorf("firstErrorReport(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
