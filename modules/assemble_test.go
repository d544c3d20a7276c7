package modules

import (
	"path/filepath"
	"testing"

	"github.com/gansible/gansible/pyre"
)

// TestAssembleFragments checks the joining against what Ansible 2.14's
// assemble writes.
func TestAssembleFragments(t *testing.T) {
	frags := []fragment{
		{name: ".h", regular: true, content: []byte("hidden\n")},
		{name: "a", regular: true, content: []byte("a")},
		{name: "b", regular: true, content: []byte("b\n")},
		{name: "dir"},
		{name: "c.conf", regular: true, content: []byte("c\n")},
	}
	str := func(s string) *string { return &s }
	tests := []struct {
		name   string
		delim  *string
		re     string
		hidden bool
		action bool // the action plugin's joining (remote_src=false)
		want   string
	}{
		{"plain", nil, "", false, false, "hidden\na\nb\nc\n"},
		{"ignore hidden", nil, "", true, false, "a\nb\nc\n"},
		{"delimiter", str("--"), "", true, false, "a\n--\nb\n--\nc\n"},
		{"delimiter with a newline", str(`--\n`), "", true, false, "a\n--\nb\n--\nc\n"},
		{"regexp searches", nil, `con`, false, false, "c\n"},
		{"action: a newline after any delimiter", str(`--\n`), "", true, true, "a\n--\n\nb\n--\n\nc\n"},
		{"action: plain", nil, "", false, true, "hidden\na\nb\nc\n"},
		// The delimiter is decoded again at each fragment.
		{"escapes decoded again", str(`\\t`), "", true, false, "a\n\\t\nb\n\t\nc\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var re *pyre.Regexp
			if tt.re != "" {
				re = pyre.MustCompile(tt.re, pyre.Flags{})
			}
			if got := string(assembleFragments(frags, tt.delim, re, tt.hidden, tt.action)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPyEscapeDecode(t *testing.T) {
	for in, want := range map[string]string{`a\tb`: "a\tb", `\x41\101`: "AA", `\q`: `\q`, `\\`: `\`, "é": "é"} {
		if got := string(pyEscapeDecode(in)); got != want {
			t.Errorf("pyEscapeDecode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAssemble(t *testing.T) {
	t.Parallel()
	// Check mode skips assemble, so the common idempotence checks do not apply.
	frags := func(t *testing.T, dir string) {
		write(t, filepath.Join(dir, "src", "2"), "two\n", 0o644)
		write(t, filepath.Join(dir, "src", "1"), "one", 0o644)
	}
	dir := t.TempDir()
	frags(t, dir)
	c := testContext(t, nil)
	args := Args{"src": dir + "/src", "dest": dir + "/out", "mode": "0600"}
	if res := mustSucceed(t, runModule(t, c, "assemble", args)); !res.Changed {
		t.Errorf("first run: not changed")
	}
	checkFiles(t, dir, []wantFile{{"out", "one\ntwo\n", 0o600}})
	if res := mustSucceed(t, runModule(t, c, "assemble", args)); res.Changed {
		t.Errorf("second run: changed")
	}
	check := testContext(t, nil)
	check.CheckMode = true
	if res := runModule(t, check, "assemble", args); !res.Skipped {
		t.Errorf("check mode: not skipped")
	}
}
