package inventory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wantLines returns the "# want: text" lines of a test file: substrings
// the error message must contain.
func wantLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var wants []string
	for _, line := range strings.Split(string(data), "\n") {
		if w, ok := strings.CutPrefix(line, "# want: "); ok {
			wants = append(wants, w)
		}
	}
	if len(wants) == 0 {
		t.Fatalf("%s has no '# want:' line", path)
	}
	return wants
}

func checkError(t *testing.T, err error, wants []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Load succeeded, want error containing %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// The INI files under testdata/errors are broken the ways ansible-core's
// ini plugin reports; each names the message it must produce. As in
// ansible-core, a source that fails to parse is a warning, and loading goes
// on with the other sources.
func TestINIErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.ini")
	if err != nil || len(files) == 0 {
		t.Fatalf("no error cases: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			abs, _ := filepath.Abs(f)
			inv, err := Load([]string{f, "other,"})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			warnings := inv.Warnings()
			if len(warnings) < 2 {
				t.Fatalf("warnings %q, want the parse failure", warnings)
			}
			failed := warnings[0]
			if !strings.HasPrefix(failed, " * Failed to parse "+abs+" with ini plugin: ") {
				t.Errorf("first warning %q", failed)
			}
			for _, w := range wantLines(t, f) {
				if !strings.Contains(failed, w) {
					t.Errorf("warning %q does not contain %q", failed, w)
				}
			}
			if want := "Unable to parse " + abs + " as an inventory source"; warnings[1] != want {
				t.Errorf("second warning %q, want %q", warnings[1], want)
			}
			if hosts, _ := inv.Match("other"); len(hosts) != 1 {
				t.Errorf("the host list after the broken source gave %d hosts, want 1", len(hosts))
			}
		})
	}
}

// A source that fails to parse, and no other, leaves the implicit
// localhost, as a missing one does.
func TestOnlyBrokenSourceWarns(t *testing.T) {
	inv, err := Load([]string{"testdata/errors/bad_section.ini"})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	got := inv.Warnings()
	if len(got) == 0 || got[len(got)-1] != "No inventory was parsed, only implicit localhost is available" {
		t.Errorf("warnings = %q", got)
	}
	if hosts, err := inv.Match("localhost"); err != nil || len(hosts) != 1 {
		t.Errorf("localhost matched %v, %v", hosts, err)
	}
}

// The inventories under testdata/vars_errors have broken vars files.
func TestVarsFileErrors(t *testing.T) {
	dirs, err := filepath.Glob("testdata/vars_errors/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no error cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, err := Load([]string{filepath.Join(dir, "hosts")})
			checkError(t, err, wantLines(t, filepath.Join(dir, "want")))
		})
	}
}

func TestMissingSourceWarns(t *testing.T) {
	inv, err := Load([]string{"testdata/no/such/inventory"})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	abs, _ := filepath.Abs("testdata/no/such/inventory")
	want := []string{
		"Unable to parse " + abs + " as an inventory source",
		"No inventory was parsed, only implicit localhost is available",
	}
	if got := inv.Warnings(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings = %q, want %q", got, want)
	}
	if hosts, _ := inv.Match("all"); len(hosts) != 0 {
		t.Errorf("all matched %d hosts, want none", len(hosts))
	}
	hosts, err := inv.Match("localhost")
	if err != nil || len(hosts) != 1 || hosts[0].Name != "localhost" {
		t.Fatalf("localhost matched %v, %v; want the implicit localhost", hosts, err)
	}
	vars := inv.HostVars(hosts[0])
	if vars["ansible_connection"] != "local" {
		t.Errorf("implicit localhost ansible_connection = %v, want local", vars["ansible_connection"])
	}
	if names := inv.GroupNames(hosts[0]); len(names) != 0 {
		t.Errorf("implicit localhost group_names = %v, want none", names)
	}
}

func TestUnmatchedPatterns(t *testing.T) {
	inv, err := Load([]string{"testdata/cases/mesos/inventory"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pattern string
		want    []string
	}{
		{"masters", nil},
		{"nosuch", []string{"nosuch"}},
		{"masters:!gone:&nope[0]", []string{"gone", "nope"}},
		{"all", nil},
		{"localhost", nil},
		{"cent0*", nil},
	}
	for _, tt := range tests {
		got := inv.UnmatchedPatterns(tt.pattern)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("UnmatchedPatterns(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

// Queries run from many goroutines at once, as a run's forks do.
func TestConcurrentQueries(t *testing.T) {
	inv, err := Load([]string{"testdata/cases/mesos/inventory"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			defer func() { done <- true }()
			for _, p := range []string{"all", "localhost", "masters:!namenode"} {
				hosts, err := inv.Match(p)
				if err != nil {
					t.Error(err)
					return
				}
				for _, h := range hosts {
					inv.HostVars(h)
					inv.GroupNames(h)
				}
			}
			inv.GroupsMap()
		}()
	}
	for i := 0; i < 8; i++ {
		<-done
	}
}
