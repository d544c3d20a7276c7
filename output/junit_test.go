package output

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/value"
)

// ticking is a clock that moves on by step at every read.
func ticking(step time.Duration) func() time.Time {
	now := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
	return func() time.Time {
		now = now.Add(step)
		return now
	}
}

// Expected values from python3: str(Decimal(f)) and str(Decimal(0 + Decimal(f))).
func TestPyDecimal(t *testing.T) {
	for _, tc := range []struct {
		f              float64
		exact, rounded string
	}{
		{0, "0", "0"},
		{0.1, "0.1000000000000000055511151231257827021181583404541015625", "0.1000000000000000055511151231"},
		{7.1637160778045654296875, "7.1637160778045654296875", "7.1637160778045654296875"},
		{1e-7, "9.99999999999999954748111825886258685613938723690807819366455078125E-8", "9.999999999999999547481118259E-8"},
		{123456.789, "123456.789000000004307366907596588134765625", "123456.7890000000043073669076"},
		{2.5, "2.5", "2.5"},
		{1.0 / 3, "0.333333333333333314829616256247390992939472198486328125", "0.3333333333333333148296162562"},
		{2, "2", "2"},
		{math.Nextafter(10, 0), "9.9999999999999982236431605997495353221893310546875", "9.999999999999998223643160600"},
	} {
		d := exactDecimal(tc.f)
		if got := d.String(); got != tc.exact {
			t.Errorf("Decimal(%v) = %s, want %s", tc.f, got, tc.exact)
		}
		if got := d.rounded(28).String(); got != tc.rounded {
			t.Errorf("Decimal(%v) rounded = %s, want %s", tc.f, got, tc.rounded)
		}
	}
}

// The summary lines are python3's "{0:-<70}{1:->9}".format(name + " ", " %.02fs").
func TestProfileRoles(t *testing.T) {
	var out bytes.Buffer
	p := NewProfileRoles(&out, ticking(time.Second))
	p.Task(TaskStart{ID: 1, Name: "web : one", Action: "copy", Role: "web"})
	p.Task(TaskStart{ID: 2, Name: "debug", Action: "debug"})
	p.Task(TaskStart{ID: 3, Name: "web : two", Action: "file", Role: "web"})
	p.Recap(nil)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		"=============================================================================== ",
		"web --------------------------------------------------------------------- 4.00s",
		"debug ------------------------------------------------------------------- 2.00s",
		"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ",
		"total ------------------------------------------------------------------- 6.00s",
	}
	if len(lines) != 4+len(want) {
		t.Fatalf("got %d lines:\n%s", len(lines), out.String())
	}
	for i, w := range want {
		if got := lines[4+i]; got != w {
			t.Errorf("line %d = %q, want %q", 4+i, got, w)
		}
	}
}

// TestJUnitOptions: the settings the recorded comparison leaves at their
// defaults.
func TestJUnitOptions(t *testing.T) {
	events := func(j *JUnit) {
		j.Play(PlayStart{Name: "p"})
		j.Task(TaskStart{ID: 0, Name: "Gathering Facts", Action: "gather_facts", Path: "/x/site.yml:1"})
		j.Result(HostResult{Host: "h", Status: OK, TaskID: 0, Result: map[string]any{"ansible_facts": map[string]any{}}})
		args := value.DictOf("path", "/tmp/a", "state", "touch")
		j.Task(TaskStart{ID: 1, Name: "CHECK touch", Action: "file", Path: "/x/site.yml:5", Args: args})
		j.Result(HostResult{Host: "h", Status: Changed, TaskID: 1, Result: map[string]any{"changed": true}})
		j.Task(TaskStart{ID: 2, Name: "other", Action: "debug", Path: "/x/tasks/more.yml:3"})
		j.Result(HostResult{Host: "h", Status: OK, TaskID: 2, Result: map[string]any{"msg": "<x>"}})
	}
	for _, tc := range []struct {
		name      string
		opts      JUnitOptions
		want, not []string
	}{
		{"defaults", JUnitOptions{IncludeSetup: true},
			[]string{`tests="3"`, `name="[h] p: Gathering Facts"`, `name="[h] p: CHECK touch path=/tmp/a, state=touch"`, `classname="/x/tasks/more.yml:3"`, `&quot;msg&quot;: &quot;&lt;x&gt;&quot;`},
			[]string{"<failure"}},
		{"no setup, hidden args, class per file", JUnitOptions{HideArgs: true, TaskClass: true},
			[]string{`tests="2"`, `name="[h] p: CHECK touch"`, `classname="/x/tasks/more"`},
			[]string{"Gathering Facts", "path=/tmp/a"}},
		{"fail on change, prefix", JUnitOptions{IncludeSetup: true, FailOnChange: true, TestCasePrefix: "CHECK"},
			[]string{`tests="1"`, `failures="1"`, `<failure message="rc=0" type="failure">`},
			[]string{"other", "Gathering"}},
		{"relative paths", JUnitOptions{IncludeSetup: true, TaskRelativePath: "/x"},
			[]string{`classname="tasks/more.yml:3"`, `classname="site.yml:5"`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.OutputDir = t.TempDir()
			j, err := NewJUnit(tc.opts, "/x/site.yml", ticking(time.Millisecond), 0, func(w string) { t.Error(w) })
			if err != nil {
				t.Fatal(err)
			}
			events(j)
			j.Recap(nil)
			files, _ := filepath.Glob(filepath.Join(tc.opts.OutputDir, "site-*.xml"))
			if len(files) != 1 {
				t.Fatalf("reports: %v", files)
			}
			data, _ := os.ReadFile(files[0])
			for _, w := range tc.want {
				if !strings.Contains(string(data), w) {
					t.Errorf("report lacks %s:\n%s", w, data)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(string(data), n) {
					t.Errorf("report has %s:\n%s", n, data)
				}
			}
		})
	}
}

func TestJUnitOptionsFromEnv(t *testing.T) {
	env := map[string]string{"JUNIT_TASK_CLASS": "TRUE", "JUNIT_FAIL_ON_IGNORE": "yes", "JUNIT_REPLACE_OUT_OF_TREE_PATH": ""}
	o := JUnitOptionsFromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, "/home/u")
	if o.OutputDir != "/home/u/.ansible.log" || !o.TaskClass || o.FailOnIgnore || !o.IncludeSetup || o.ReplaceOutOfTree == nil || *o.ReplaceOutOfTree != "" {
		t.Errorf("options: %+v", o)
	}
}
