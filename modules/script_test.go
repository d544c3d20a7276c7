package modules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScript(t *testing.T) {
	pwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range loadModuleCases(t, "script_cases.yaml") {
		t.Run(tc.Name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "exists"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			rep := strings.NewReplacer("@TMP@", dir, "@PWD@", pwd)
			args := Args(substitute(tc.Args, rep).(map[string]any))
			c := testContext(t, nil)
			c.CheckMode = tc.Check
			r := execModule(t, c, "script", args)
			checkWant(t, r, substitute(tc.Want, rep).(map[string]any))
			// Nothing of the upload stays behind.
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in TMPDIR: %v", left)
			}
		})
	}
}

func TestSplitFirstWord(t *testing.T) {
	for _, tc := range []struct{ in, word, rest string }{
		{"a.sh x y", "a.sh", " x y"},
		{"'my script.sh' x", "'my script.sh'", " x"},
		{`"a\" b.sh" x`, `"a\" b.sh"`, " x"},
		{`a\ b.sh`, `a\ b.sh`, ""},
		{"a.sh", "a.sh", ""},
	} {
		w, r := splitFirstWord(tc.in)
		if w != tc.word || r != tc.rest {
			t.Errorf("splitFirstWord(%q) = %q, %q; want %q, %q", tc.in, w, r, tc.word, tc.rest)
		}
	}
}
