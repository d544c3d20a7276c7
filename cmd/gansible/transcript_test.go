package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// sameTranscript compares two transcripts with their warnings' white
// space left out: Ansible wraps a warning to 79 columns, so where its
// lines break depends on the length of the case directory's path, which
// the transcript shows as @CASE@. The wrapping itself is checked against
// Python's textwrap in package textwrap.
func sameTranscript(got, want []byte) bool {
	return bytes.Equal(squeezeWarnings(got), squeezeWarnings(want))
}

// squeezeWarnings removes the white space of each warning: its first line
// ([WARNING]: or [DEPRECATION WARNING]:) and the lines it wrapped onto,
// up to the next line that starts a message of its own.
func squeezeWarnings(b []byte) []byte {
	var out []string
	inWarning := false
	for _, l := range strings.Split(string(b), "\n") {
		starts := strings.HasPrefix(l, "[WARNING]:") || strings.HasPrefix(l, "[DEPRECATION WARNING]:")
		switch {
		case starts:
			inWarning = true
			out = append(out, strings.Join(strings.Fields(l), ""))
		case inWarning && l != "" && !strings.HasPrefix(l, "[") && !strings.HasPrefix(l, "ERROR!") && !strings.HasPrefix(l, "--- ") && !strings.HasPrefix(l, "exit: "):
			out[len(out)-1] += strings.Join(strings.Fields(l), "")
		default:
			inWarning = false
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// recording says whether this run re-records the goldens from the real
// tools (GANSIBLE_RECORD=1), which needs the reference ansible-core.
func recording(t *testing.T) bool {
	if os.Getenv("GANSIBLE_RECORD") != "1" {
		return false
	}
	refenv.Require(t, "ansible-core")
	return true
}

// checkGolden compares what gansible printed with the golden file,
// written first from Ansible's run when recording. what names the
// command for the failure message; known, if not nil, applies the known
// differences to Ansible's side.
func checkGolden(t *testing.T, golden, what string, record bool, ours, ansible func(*testing.T) []byte, known func([]byte) []byte) {
	t.Helper()
	if record {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, ansible(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (record with GANSIBLE_RECORD=1)", err)
	}
	if known != nil {
		want = known(want)
	}
	if got := ours(t); !sameTranscript(got, want) {
		t.Errorf("%s differs from %s:\n%s", what, golden, lineDiff(string(want), string(got)))
	}
}

// checkLive compares what gansible printed with a live run of Ansible's
// tool, under GANSIBLE_E2E=1.
func checkLive(t *testing.T, what string, ours, ansible func(*testing.T) []byte, known func([]byte) []byte) {
	t.Helper()
	want := ansible(t)
	if known != nil {
		want = known(want)
	}
	if got := ours(t); !sameTranscript(got, want) {
		t.Errorf("%s:\n%s", what, lineDiff(string(want), string(got)))
	}
}
