package main

import (
	"bytes"
	"strings"
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
