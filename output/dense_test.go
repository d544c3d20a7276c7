package output

import (
	"bytes"
	"strings"
	"testing"
)

// From -vv on, Ansible swaps dense for the default callback.
func TestDenseVerboseIsDefault(t *testing.T) {
	for _, tc := range []struct {
		verbosity int
		dense     bool
	}{{0, true}, {1, true}, {2, false}, {4, false}} {
		_, isDense := NewDense(&bytes.Buffer{}, &bytes.Buffer{}, false, tc.verbosity).(*Dense)
		if isDense != tc.dense {
			t.Errorf("verbosity %d: dense %v, want %v", tc.verbosity, isDense, tc.dense)
		}
	}
}

// The task line names a delegated host after its delegate's address,
// and a run that wrote nothing ends with nothing.
func TestDenseLines(t *testing.T) {
	var out bytes.Buffer
	c := NewDense(&out, &bytes.Buffer{}, false, 0).(*Dense)
	c.Close()
	if out.Len() != 0 {
		t.Fatalf("nothing written, yet Close wrote %q", out.String())
	}
	c.Play(PlayStart{Name: "p"})
	c.Task(TaskStart{Name: "t"})
	c.Result(HostResult{Host: "w2", Status: OK, Delegated: "w1", DelegatedHost: "10.0.0.1", Result: map[string]any{}})
	c.Result(HostResult{Host: "w3", Status: Skipped, Result: map[string]any{}})
	want := "task 1:" + vtReset + " 10.0.0.1>" + denseColors["ok"] + "w2" + vtReset + " " + denseColors["skipped"] + "w3" + vtReset + vtLineWrap
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("task line %q, want it to end %q", out.String(), want)
	}
	if !strings.HasPrefix(out.String(), vtReset+vtSave+vtClearLine) {
		t.Errorf("output %q does not start with dense's opening", out.String())
	}
}
