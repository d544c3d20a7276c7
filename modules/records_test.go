package modules

import (
	"os/exec"
	"testing"
)

// TestRecordsRoundTrip runs rec and recout in the shells a host may have
// and checks that parseRecords gives back every value unchanged.
func TestRecordsRoundTrip(t *testing.T) {
	values := []string{
		"", "a", "a\n", "\n", "\n\n", "x\ny", "x\n\ny\n", "|@ |", "@key\n|line",
		"  blanks  \n\tand tabs\t", "*?[glob] $HOME `x` \\n \\", "%s %d %%", "-n", "-e\n-n",
	}
	for _, sh := range []string{"sh", "dash", "bash", "busybox"} {
		path, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		args := []string{"-c", recordFuncs + `for v in "$@"; do rec k "$v"; printf '%s\n' "$v" | recout o; done`, "sh"}
		if sh == "busybox" {
			args = append([]string{"sh"}, args...)
		}
		for _, v := range values {
			out, err := exec.Command(path, append(args, v)...).Output()
			if err != nil {
				t.Fatalf("%s: %v", sh, err)
			}
			recs := parseRecords(string(out))
			if recs["k"] != v {
				t.Errorf("%s: rec %q came back as %q", sh, v, recs["k"])
			}
			if recs["o"] != v {
				t.Errorf("%s: recout %q came back as %q", sh, v, recs["o"])
			}
		}
	}
}
