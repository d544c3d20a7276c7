package excerpt

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAtMatchesAnsible compares At with ansible-core's extended error text
// for positions in testdata/tasks.yml, recorded by testdata/gen.py.
func TestAtMatchesAnsible(t *testing.T) {
	data, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Line, Col int
		Want      string
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	file, err := filepath.Abs("testdata/tasks.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		want := strings.ReplaceAll(c.Want, "@FILE@", file)
		if got := At("testdata/tasks.yml", c.Line, c.Col); got != want {
			t.Errorf("At(%d, %d) =\n%s\nwant\n%s", c.Line, c.Col, got, want)
		}
	}
}

// TestAtUnreadableFile: a position in a file that cannot be read keeps
// the position, with Ansible's remark.
func TestAtUnreadableFile(t *testing.T) {
	got := At("testdata/no-such-file.yml", 3, 1)
	if !strings.HasPrefix(got, "The error appears to be in '") || !strings.HasSuffix(got, "\n(could not open file to display line)") {
		t.Errorf("At of a missing file = %q", got)
	}
}
