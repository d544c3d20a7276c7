package modules

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTempfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		args Args
		name string
		mode os.FileMode
	}{
		{Args{"path": dir}, `^ansible\.[a-z0-9_]{8}$`, 0o600},
		{Args{"path": dir + "/", "state": "directory", "prefix": "-p", "suffix": " s"}, `^-p[a-z0-9_]{8} s$`, 0o700 | os.ModeDir},
	}
	for _, tt := range tests {
		res := mustSucceed(t, runModule(t, testContext(t, nil), "tempfile", tt.args))
		p, _ := res.Fields["path"].(string)
		if filepath.Dir(p) != dir || !regexp.MustCompile(tt.name).MatchString(filepath.Base(p)) || !res.Changed {
			t.Errorf("%v: path %q changed %v", tt.args, p, res.Changed)
			continue
		}
		st, err := os.Stat(p)
		if err != nil || st.Mode() != tt.mode {
			t.Errorf("%s: %v %v, want mode %v", p, st.Mode(), err, tt.mode)
		}
	}
	if res := runModule(t, testContext(t, nil), "tempfile", Args{"path": dir + "/nope"}); !res.Failed || !strings.HasPrefix(res.Msg, "[Errno 2] No such file or directory: '"+dir+"/nope/ansible.") {
		t.Errorf("missing directory: %v %q", res.Failed, res.Msg)
	}
}

// TestTempfileNeverReuses checks that a candidate name that exists is
// passed over, file or link.
func TestTempfileNeverReuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "p1"), "keep", 0o644)
	if err := os.Symlink("nowhere", filepath.Join(dir, "p2")); err != nil {
		t.Fatal(err)
	}
	script := tempfileScript(&dir, false, "p", "", []string{"1", "2", "3"})
	res, err := testContext(t, nil).Run(script, nil)
	if err != nil || !strings.Contains(string(res.Stdout), "@made p3\n") {
		t.Fatalf("got %q %v", res.Stdout, err)
	}
	checkFiles(t, dir, []wantFile{{"p1", "keep", 0o644}, {"p3", "", 0o600}})
}
