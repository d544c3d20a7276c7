package modules

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFetch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "host", "-odd name"), "data\n", 0o600)
	c := testContext(t, nil)
	c.PlaybookDir = filepath.Join(dir, "pb")
	src := filepath.Join(dir, "host", "-odd name")

	first := mustSucceed(t, runModule(t, c, "fetch", Args{"src": src, "dest": "fetched"}))
	want := filepath.Join(dir, "pb", "fetched", "localhost", src)
	if !first.Changed || first.Fields["dest"] != want || first.Fields["checksum"] != sha1Hex([]byte("data\n")) {
		t.Fatalf("first fetch: %v %v", first.Changed, first.Fields)
	}
	checkFiles(t, dir, []wantFile{{filepath.Join("pb", "fetched", "localhost", src), "data\n", 0}})
	second := mustSucceed(t, runModule(t, c, "fetch", Args{"src": src, "dest": "fetched"}))
	if second.Changed || second.Fields["file"] != src {
		t.Errorf("second fetch: %v %v", second.Changed, second.Fields)
	}

	// An existing destination keeps its mode and gets the new content.
	flat := filepath.Join(dir, "flat")
	write(t, flat, "old\n", 0o640)
	res := mustSucceed(t, runModule(t, c, "fetch", Args{"src": src, "dest": flat, "flat": true}))
	if !res.Changed {
		t.Errorf("flat fetch over an old file: not changed")
	}
	checkFiles(t, dir, []wantFile{{"flat", "data\n", 0o640}})
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "host" && e.Name() != "pb" && e.Name() != "flat" {
			t.Errorf("left behind: %s", e.Name())
		}
	}

	check := testContext(t, nil)
	check.CheckMode = true
	if res := runModule(t, check, "fetch", Args{"src": src, "dest": flat}); !res.Skipped {
		t.Errorf("check mode: not skipped")
	}
	if res := runModule(t, c, "fetch", Args{"src": src + "x", "dest": flat}); !res.Failed || res.Msg != "the remote file does not exist, not transferring, ignored" {
		t.Errorf("missing: %v %q", res.Failed, res.Msg)
	}
}
