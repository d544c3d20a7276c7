package modules

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestUnarchive(t *testing.T) {
	t.Parallel()
	dirOnly := func(t *testing.T, dir string) { os.MkdirAll(filepath.Join(dir, "etc"), 0o755) }
	remote := func(t *testing.T, dir string) {
		dirOnly(t, dir)
		b, err := os.ReadFile("testdata/files/zookeeper-3.4.6.tar.gz")
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, "zk.tar.gz"), string(b), 0o644)
	}
	zk := []wantFile{
		{"etc/zookeeper-3.4.6/bin/zkServer.sh", "#!/bin/sh\necho zk\n", 0o755},
		{"etc/zookeeper-3.4.6/conf/zoo_sample.cfg", "tickTime=2000\n", 0o644},
	}
	runIdempotence(t, "unarchive", []idempotenceCase{{
		name:   "remote tarball owned by root",
		setup:  remote,
		args:   Args{"src": "$DIR/zk.tar.gz", "copy": "no", "dest": "$DIR/etc", "owner": "0", "group": "0"},
		files:  zk,
		fields: map[string]any{"handler": "TgzArchive", "dest": "$DIR/etc"},
	}, {
		name:   "controller tarball",
		setup:  dirOnly,
		args:   Args{"src": "zookeeper-3.4.6.tar.gz", "dest": "$DIR/etc"},
		files:  zk,
		fields: map[string]any{"handler": "TgzArchive"},
	}, {
		name:  "mode applied to the tree",
		setup: dirOnly,
		args:  Args{"src": "zookeeper-3.4.6.tar.gz", "dest": "$DIR/etc", "mode": "0750", "group": "nogroup"},
		files: []wantFile{{"etc/zookeeper-3.4.6/conf/zoo_sample.cfg", "tickTime=2000\n", 0o750}},
	}, {
		name:   "zip",
		setup:  dirOnly,
		args:   Args{"src": "site.zip", "dest": "$DIR/etc"},
		files:  []wantFile{{"etc/zookeeper-3.4.6/conf/zoo_sample.cfg", "tickTime=2000\n", 0}},
		fields: map[string]any{"handler": "ZipArchive"},
	}})
}

func TestUnarchiveOwnsTheWholeTree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustSucceed(t, runModule(t, testContext(t, nil), "unarchive",
		Args{"src": "zookeeper-3.4.6.tar.gz", "dest": dir, "owner": "0", "group": "0", "list_files": true}))
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if st := info.Sys().(*syscall.Stat_t); st.Uid != 0 || st.Gid != 0 {
			t.Errorf("%s owned by %d:%d, want 0:0", p, st.Uid, st.Gid)
		}
		return nil
	})
	// The archive says 1000: without owner, tar keeps it (extracting as root).
	dir2 := t.TempDir()
	mustSucceed(t, runModule(t, testContext(t, nil), "unarchive", Args{"src": "zookeeper-3.4.6.tar.gz", "dest": dir2}))
	info, err := os.Stat(filepath.Join(dir2, "zookeeper-3.4.6/conf/zoo_sample.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if st := info.Sys().(*syscall.Stat_t); st.Uid != 1000 {
		t.Errorf("uid %d, want the archive's 1000", st.Uid)
	}
}

func TestUnarchiveChangedTreeIsRestored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := testContext(t, nil)
	args := Args{"src": "zookeeper-3.4.6.tar.gz", "dest": dir}
	mustSucceed(t, runModule(t, c, "unarchive", args))
	write(t, filepath.Join(dir, "zookeeper-3.4.6/conf/zoo_sample.cfg"), "edited\n", 0o644)
	if res := mustSucceed(t, runModule(t, c, "unarchive", args)); !res.Changed {
		t.Errorf("edited tree: changed = false")
	}
	checkFiles(t, dir, []wantFile{{"zookeeper-3.4.6/conf/zoo_sample.cfg", "tickTime=2000\n", 0o644}})
}

func TestUnarchiveFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "empty.tgz"), "", 0o644)
	tests := []struct {
		args Args
		msg  string
	}{
		{Args{"src": "zookeeper-3.4.6.tar.gz", "dest": dir + "/nope"}, "dest '" + dir + "/nope' must be an existing dir"},
		{Args{"src": dir + "/missing.tgz", "remote_src": true, "dest": dir}, "Source '" + dir + "/missing.tgz' does not exist"},
		{Args{"src": dir + "/empty.tgz", "remote_src": true, "dest": dir}, "Invalid archive '" + dir + "/empty.tgz', the file is 0 bytes"},
		{Args{"src": "x.tgz", "remote_src": true, "copy": false, "dest": dir}, "parameters are mutually exclusive: ('copy', 'remote_src')"},
		{Args{"src": "x.tgz"}, "src (or content) and dest are required"},
	}
	for _, tt := range tests {
		res := runModule(t, testContext(t, nil), "unarchive", tt.args)
		if !res.Failed || res.Msg != tt.msg {
			t.Errorf("unarchive %v: failed=%v msg %q, want %q", tt.args, res.Failed, res.Msg, tt.msg)
		}
	}
	res := runModule(t, testContext(t, nil), "unarchive", Args{"src": "zookeeper-3.4.6.tar.gz", "dest": dir, "creates": dir})
	if !res.Skipped || res.Msg != "skipped, since "+dir+" exists" {
		t.Errorf("creates: %+v", res)
	}
	m, _ := Lookup("unarchive")
	if _, err := Validate("unarchive", m, Args{"src": "a", "dest": "b", "bogus": 1}); err == nil {
		t.Errorf("unknown parameter accepted")
	}
}

// TestUnarchiveUploadCleanup: the archive uploaded from the controller is
// removed from the host's temporary directory whether the task succeeds,
// changes nothing, or fails after the upload.
func TestUnarchiveUploadCleanup(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	for _, tc := range []struct {
		args   Args
		failed bool
	}{
		{Args{"src": "zookeeper-3.4.6.tar.gz", "dest": dir}, false},
		{Args{"src": "zookeeper-3.4.6.tar.gz", "dest": dir}, false}, // unchanged
		{Args{"src": "hello.txt", "dest": dir}, true},               // not an archive
	} {
		res := runModule(t, testContext(t, nil), "unarchive", tc.args)
		if res.Failed != tc.failed {
			t.Errorf("unarchive %v: failed=%v (%s), want %v", tc.args, res.Failed, res.Msg, tc.failed)
		}
		if left, _ := filepath.Glob(filepath.Join(tmp, ".gansible-upload-*")); len(left) > 0 {
			t.Errorf("unarchive %v left %v", tc.args, left)
		}
	}
}
