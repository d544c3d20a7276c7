package difftest

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A run is the observable outcome of one playbook run.
type run struct {
	Result
	Recap Recap
	Tree  Tree
	// ErrorLine is the line that starts the output's first error
	// report, the sandbox's directories replaced by placeholders.
	ErrorLine string
	// Recorded names the recording a run was read from; "" for a live run.
	Recorded string
}

// runCase unpacks c into a fresh sandbox and runs the playbook with
// program. adapt selects the ansible-playbook flavour of the project.
func runCase(t *testing.T, c *Case, program string, adapt bool) run {
	t.Helper()
	sb, err := NewSandbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Unpack(sb.Project, sb.Out, adapt); err != nil {
		t.Fatal(err)
	}
	args := []string{"-i", "inventory", "site.yml"}
	for _, a := range c.Args {
		args = append(args, strings.ReplaceAll(a, outPlaceholder, sb.Out))
	}
	res, err := sb.Run(program, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Output)
	}
	tree, err := Snapshot(sb.Out)
	if err != nil {
		t.Fatal(err)
	}
	return run{Result: res, Recap: ParseRecap(res.Output), Tree: tree, ErrorLine: sb.Normalize(firstErrorReport(res.Output))}
}

// compareRuns lists every observable difference between two runs.
func compareRuns(want, got run) []string {
	var diffs []string
	if want.Exit != got.Exit {
		diffs = append(diffs, fmt.Sprintf("exit code: got %d, want %d", got.Exit, want.Exit))
	}
	diffs = append(diffs, DiffRecap(want.Recap, got.Recap)...)
	diffs = append(diffs, DiffTrees(want.Tree, got.Tree)...)
	return diffs
}

// TestDiff runs every case with ansible-playbook and gansible and
// compares what they did; ansible-playbook must also still do what the
// case's recording says.
func TestDiff(t *testing.T) {
	requireE2E(t)
	liveSuite(t, suiteCases)
}

// liveSuite runs the cases of s with ansible-playbook, checks each run
// against the case's recording, and judges gansible's run against it.
func liveSuite(t *testing.T, s suite) {
	cases := loadCases(t, s.dir)
	var gansible string
	if !ansibleOnly() {
		gansible = gansibleBinary(t)
	}
	slots := make(chan struct{}, maxParallelCases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			defer func() { <-slots }()

			want := cachedAnsibleRun(t, c)
			if want.Exit != c.Exit {
				t.Fatalf("the case is wrong: ansible-playbook exited %d, the case expects %d\n%s", want.Exit, c.Exit, want.Output)
			}
			if ansibleOnly() {
				// Show what the case did, so its author can check it
				// tests what it means to.
				t.Logf("ansible-playbook exit %d\n%s\ntree:\n%s", want.Exit, want.Output, formatTree(want.Tree))
				return
			}
			checkRecorded(t, s, c, want)
			got := runCase(t, c, gansible, false)
			s.judge(t, c, want, got)
		})
	}
}

// judgeOutcome fails t unless gansible's run got has the exit code,
// recap and written files of ansible-playbook's run want.
func judgeOutcome(t *testing.T, c *Case, want, got run) {
	t.Helper()
	diffs := compareRuns(want, got)
	if c.Known != "" {
		// A known difference must still show; once it is gone the
		// section is stale and has to be removed.
		if len(diffs) == 0 {
			t.Errorf("the known difference is fixed; remove the known section: %s", c.Known)
			return
		}
		t.Skipf("known difference: %s\n%s", c.Known, strings.Join(diffs, "\n"))
	}
	if len(diffs) > 0 {
		t.Errorf("gansible differs from ansible-playbook%s:\n%s\n\n%s", want.from(), strings.Join(diffs, "\n"), bothOutputs(want, got))
	}
}

// from says where ansible-playbook's run came from, for a message.
func (r run) from() string {
	if r.Recorded == "" {
		return ""
	}
	return " as recorded in " + r.Recorded
}

// bothOutputs shows what the two tools printed, for a failure message.
// A recorded run has no output: the recording keeps only what is
// compared.
func bothOutputs(want, got run) string {
	ansible := want.Output
	if want.Recorded != "" {
		ansible = "(not recorded; GANSIBLE_E2E=1 runs ansible-playbook live)\n"
	}
	return "===== ansible-playbook output =====\n" + ansible + "\n===== gansible output =====\n" + got.Output
}

func formatTree(tree Tree) string {
	var b strings.Builder
	for _, p := range slices.Sorted(maps.Keys(tree)) {
		fmt.Fprintf(&b, "  %s: %v\n", p, tree[p])
	}
	return b.String()
}

// loadCases parses every archive under testdata/dir.
func loadCases(t *testing.T, dir string) []*Case {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no cases in testdata/%s", dir)
	}
	var cases []*Case
	for _, p := range paths {
		c, err := LoadCase(p)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	return cases
}
