package modules

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestFile(t *testing.T) {
	t.Parallel()
	mkdir := func(p string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { os.MkdirAll(filepath.Join(dir, p), 0o755) }
	}
	runIdempotence(t, "file", []idempotenceCase{{
		name:  "relative symbolic link",
		setup: mkdir("zookeeper-3.4.6"),
		args:  Args{"src": "zookeeper-3.4.6", "dest": "$DIR/zookeeper", "owner": "0", "group": "0", "state": "link"},
		fields: map[string]any{"dest": "$DIR/zookeeper", "src": "zookeeper-3.4.6", "state": "link",
			"mode": "0777", "owner": "root", "size": int64(15)},
	}, {
		name:   "directory with parents",
		args:   Args{"path": "$DIR/a/b", "state": "directory", "mode": "0700"},
		fields: map[string]any{"path": "$DIR/a/b", "state": "directory", "mode": "0700"},
	}, {
		name:   "absent",
		setup:  func(t *testing.T, dir string) { write(t, filepath.Join(dir, "gone/f"), "x", 0o644) },
		args:   Args{"path": "$DIR/gone", "state": "absent"},
		fields: map[string]any{"path": "$DIR/gone", "state": "absent"},
	}, {
		name:   "mode of an existing file",
		setup:  func(t *testing.T, dir string) { write(t, filepath.Join(dir, "f"), "x", 0o644) },
		args:   Args{"path": "$DIR/f", "mode": "u+x,g-r"},
		files:  []wantFile{{"f", "x", 0o704}},
		fields: map[string]any{"path": "$DIR/f", "mode": "0704", "state": "file"},
	}, {
		name: "owner through a link",
		setup: func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "f"), "x", 0o644)
			os.Symlink("f", filepath.Join(dir, "l"))
		},
		args: Args{"path": "$DIR/l", "owner": "nobody", "state": "file"},
	}, {
		name:  "recurse",
		setup: func(t *testing.T, dir string) { write(t, filepath.Join(dir, "d/sub/f"), "x", 0o644) },
		args:  Args{"path": "$DIR/d", "state": "directory", "recurse": "yes", "owner": "nobody", "mode": "0750"},
		files: []wantFile{{"d/sub/f", "x", 0o750}},
	}, {
		name:  "hard link",
		setup: func(t *testing.T, dir string) { write(t, filepath.Join(dir, "f"), "x", 0o644) },
		args:  Args{"src": "$DIR/f", "dest": "$DIR/h", "state": "hard"},
		files: []wantFile{{"h", "x", 0o644}},
	}, {
		name: "relink",
		setup: func(t *testing.T, dir string) {
			mkdir("x")(t, dir)
			mkdir("y")(t, dir)
			os.Symlink("x", filepath.Join(dir, "l"))
		},
		args: Args{"src": "y", "dest": "$DIR/l", "state": "link"},
	}})
}

func TestFileRecurseOwner(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "d/sub/f"), "x", 0o644)
	mustSucceed(t, runModule(t, testContext(t, nil), "file",
		Args{"path": dir + "/d", "state": "directory", "recurse": true, "owner": "nobody", "group": "nogroup"}))
	for _, p := range []string{"d", "d/sub", "d/sub/f"} {
		info, err := os.Lstat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if st := info.Sys().(*syscall.Stat_t); st.Uid != 65534 || st.Gid != 65534 {
			t.Errorf("%s owned by %d:%d, want 65534:65534", p, st.Uid, st.Gid)
		}
	}
}

func TestFileTouchAlwaysChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := testContext(t, nil)
	for i := 0; i < 2; i++ {
		res := mustSucceed(t, runModule(t, c, "file", Args{"path": dir + "/t", "state": "touch", "mode": "0600"}))
		if !res.Changed || res.Fields["mode"] != "0600" || res.Fields["dest"] != dir+"/t" {
			t.Errorf("touch %d: changed %v fields %v", i, res.Changed, res.Fields)
		}
	}
}

func TestFileFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "f"), "x", 0o644)
	tests := []struct {
		args Args
		msg  string
	}{
		{Args{"state": "file"}, "missing required arguments: path"},
		{Args{"path": dir + "/nope"}, "file (" + dir + "/nope) is absent, cannot continue"},
		{Args{"path": dir + "/f", "state": "bogus"}, "value of state must be one of: absent, directory, file, hard, link, touch, got: bogus"},
		{Args{"path": dir + "/f", "state": "directory"}, dir + "/f already exists as a file"},
		{Args{"path": dir + "/f", "recurse": true}, "recurse option requires state to be 'directory'"},
		{Args{"path": dir + "/l", "src": "f"}, "src option requires state to be 'link' or 'hard'"},
		{Args{"path": dir + "/l", "src": "missing", "state": "link"}, `src file does not exist, use "force=yes" if you really want to create the link: ` + dir + "/missing"},
		{Args{"path": dir + "/f", "src": "/etc", "state": "link"}, "refusing to convert from file to symlink for " + dir + "/f"},
		{Args{"path": dir + "/f", "owner": "no-such-user-x"}, "chown failed: failed to look up user no-such-user-x"},
	}
	for _, tt := range tests {
		res := runModule(t, testContext(t, nil), "file", tt.args)
		if !res.Failed || res.Msg != tt.msg {
			t.Errorf("file %v: failed=%v msg %q, want %q", tt.args, res.Failed, res.Msg, tt.msg)
		}
	}
	m, _ := Lookup("file")
	if _, err := Validate("file", m, Args{"path": "/x", "content": "y"}); err == nil {
		t.Errorf("unknown parameter accepted")
	}
}

func TestFileForceLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "f"), "x", 0o644)
	res := mustSucceed(t, runModule(t, testContext(t, nil), "file",
		Args{"path": dir + "/f", "src": "/etc", "state": "link", "force": true}))
	if l, err := os.Readlink(dir + "/f"); err != nil || l != "/etc" || !res.Changed {
		t.Errorf("forced link: %q, %v, changed %v", l, err, res.Changed)
	}
}
