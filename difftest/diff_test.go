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
	return run{Result: res, Recap: ParseRecap(res.Output), Tree: tree}
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
// compares what they did.
func TestDiff(t *testing.T) {
	requireE2E(t)
	cases := loadCases(t, "cases")
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
			got := runCase(t, c, gansible, false)
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
				t.Errorf("gansible differs from ansible-playbook:\n%s\n\n"+
					"===== ansible-playbook output =====\n%s\n"+
					"===== gansible output =====\n%s",
					strings.Join(diffs, "\n"), want.Output, got.Output)
			}
		})
	}
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
