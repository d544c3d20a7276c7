package inventory

import (
	"os"
	"path/filepath"
	"testing"
)

func TestExpandLimitFiles(t *testing.T) {
	dir := t.TempDir()
	retry := filepath.Join(dir, "site.retry")
	if err := os.WriteFile(retry, []byte("web1\n  db2 \n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ limit, want, err string }{
		{"web*", "web*", ""},
		{"@" + retry, "web1,db2", ""},
		{"all:!@" + retry, "all,!@" + retry, ""}, // only a leading @ names a file, as in Ansible
		{"@" + retry + ",extra", "web1,db2,extra", ""},
		{"@" + filepath.Join(dir, "missing"), "", "Unable to find limit file b'" + filepath.Join(dir, "missing") + "'"},
		{"@" + dir, "", `Limit starting with "@" must be a file, not a directory: b'` + dir + "'"},
	} {
		got, err := ExpandLimitFiles(tc.limit)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("ExpandLimitFiles(%q) error = %v, want %q", tc.limit, err, tc.err)
			}
		case err != nil || got != tc.want:
			t.Errorf("ExpandLimitFiles(%q) = %q, %v; want %q", tc.limit, got, err, tc.want)
		}
	}
}
