package modules

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// expandDir replaces $DIR in string arguments with dir.
func expandDir(args Args, dir string) Args {
	out := Args{}
	for k, v := range args {
		if s, ok := v.(string); ok {
			v = strings.ReplaceAll(s, "$DIR", dir)
		}
		out[k] = v
	}
	return out
}

// wantFile is a file a test expects on disk, relative to the test's dir.
type wantFile struct {
	path    string
	content string
	mode    os.FileMode
}

func checkFiles(t *testing.T, dir string, files []wantFile) {
	t.Helper()
	for _, w := range files {
		p := filepath.Join(dir, w.path)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v", w.path, err)
			continue
		}
		if string(b) != w.content {
			t.Errorf("%s: content %q, want %q", w.path, b, w.content)
		}
		info, _ := os.Stat(p)
		if w.mode != 0 && info.Mode().Perm()|info.Mode()&os.ModeSticky != w.mode {
			t.Errorf("%s: mode %v, want %v", w.path, info.Mode(), w.mode)
		}
	}
}

// idempotenceCase drives the common checks of a file module: check mode
// changes nothing, the first run changes, the second does not.
type idempotenceCase struct {
	name   string
	setup  func(t *testing.T, dir string)
	args   Args
	files  []wantFile
	fields map[string]any // return values of the first run
}

func runIdempotence(t *testing.T, module string, tests []idempotenceCase) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			args := expandDir(tt.args, dir)
			before := snapshot(t, dir)

			check := testContext(t, map[string]string{"ip": "10.0.0.1"})
			check.CheckMode = true
			if res := mustSucceed(t, runModule(t, check, module, args)); !res.Changed {
				t.Errorf("check mode: changed = false, want true")
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("check mode changed files:\n%s\nwant\n%s", after, before)
			}

			c := testContext(t, map[string]string{"ip": "10.0.0.1"})
			first := mustSucceed(t, runModule(t, c, module, args))
			if !first.Changed {
				t.Errorf("first run: changed = false, want true")
			}
			for k, want := range tt.fields {
				if s, ok := want.(string); ok {
					want = strings.ReplaceAll(s, "$DIR", dir)
				}
				if got := first.Fields[k]; got != want {
					t.Errorf("first run: %s = %#v, want %#v", k, got, want)
				}
			}
			checkFiles(t, dir, tt.files)

			second := mustSucceed(t, runModule(t, c, module, args))
			if second.Changed {
				t.Errorf("second run: changed = true, want false (%v)", second.Fields)
			}
			check2 := testContext(t, map[string]string{"ip": "10.0.0.1"})
			check2.CheckMode = true
			if res := mustSucceed(t, runModule(t, check2, module, args)); res.Changed {
				t.Errorf("check mode after apply: changed = true, want false")
			}
		})
	}
}

// snapshot describes every file under dir: path, mode, owner, content.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + " " + info.Mode().String())
		if info.Mode().IsRegular() {
			c, _ := os.ReadFile(p)
			b.WriteString(" " + string(c))
		}
		if info.Mode()&os.ModeSymlink != 0 {
			l, _ := os.Readlink(p)
			b.WriteString(" -> " + l)
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Chmod(path, uint32(mode)); err != nil { // raw bits: setuid is 04000
		t.Fatal(err)
	}
}

func TestCopy(t *testing.T) {
	t.Parallel()
	runIdempotence(t, "copy", []idempotenceCase{{
		name:  "content without newline",
		args:  Args{"content": "3", "dest": "$DIR/myid"},
		files: []wantFile{{"myid", "3", 0o644}},
		fields: map[string]any{"dest": "$DIR/myid", "checksum": sha1Hex([]byte("3")),
			"md5sum": md5Hex([]byte("3")), "mode": "0644", "owner": "root", "uid": 0, "size": int64(1), "state": "file"},
	}, {
		name:  "int content",
		args:  Args{"content": 3, "dest": "$DIR/myid"},
		files: []wantFile{{"myid", "3", 0o644}},
	}, {
		name:   "src into existing dir",
		setup:  func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "tmp"), 0o755) },
		args:   Args{"src": "hello.txt", "dest": "$DIR/tmp", "owner": "0", "group": "0"},
		files:  []wantFile{{"tmp/hello.txt", "hello from gansible\n", 0o644}},
		fields: map[string]any{"dest": "$DIR/tmp/hello.txt", "group": "root", "gid": 0},
	}, {
		name:  "dest ending in slash is created",
		args:  Args{"src": "hello.txt", "dest": "$DIR/new/dir/", "directory_mode": "0700"},
		files: []wantFile{{"new/dir/hello.txt", "hello from gansible\n", 0o644}},
	}, {
		name:   "mode string is octal",
		args:   Args{"content": "x", "dest": "$DIR/f", "mode": "755"},
		files:  []wantFile{{"f", "x", 0o755}},
		fields: map[string]any{"mode": "0755"},
	}, {
		name:  "mode int is taken as is",
		args:  Args{"content": "x", "dest": "$DIR/f", "mode": 644},
		files: []wantFile{{"f", "x", 0o204 | os.ModeSticky}},
	}, {
		name:  "symbolic mode",
		args:  Args{"content": "x", "dest": "$DIR/f", "mode": "u=rw,g=r,o="},
		files: []wantFile{{"f", "x", 0o640}},
	}, {
		name:  "existing file keeps its mode",
		setup: func(t *testing.T, dir string) { write(t, filepath.Join(dir, "f"), "old", 0o600) },
		args:  Args{"content": "new", "dest": "$DIR/f"},
		files: []wantFile{{"f", "new", 0o600}},
	}, {
		name:  "only the mode changes",
		setup: func(t *testing.T, dir string) { write(t, filepath.Join(dir, "f"), "same", 0o600) },
		args:  Args{"content": "same", "dest": "$DIR/f", "mode": "0640"},
		files: []wantFile{{"f", "same", 0o640}},
	}, {
		name:  "directory tree",
		args:  Args{"src": "tree", "dest": "$DIR/out"},
		files: []wantFile{{"out/tree/a.txt", "a\n", 0o644}, {"out/tree/sub/b.txt", "b\n", 0o644}, {"out/tree/empty/.keep", "", 0}},
	}, {
		name:  "directory contents",
		args:  Args{"src": "tree/", "dest": "$DIR/out"},
		files: []wantFile{{"out/a.txt", "a\n", 0o644}, {"out/sub/b.txt", "b\n", 0o644}},
	}, {
		name:  "remote src",
		setup: func(t *testing.T, dir string) { write(t, filepath.Join(dir, "orig"), "remote", 0o600) },
		args:  Args{"src": "$DIR/orig", "dest": "$DIR/copy", "remote_src": true},
		files: []wantFile{{"copy", "remote", 0o644}},
	}, {
		name: "through a directory link",
		setup: func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "real"), 0o755)
			os.Symlink("real", filepath.Join(dir, "link"))
		},
		args:  Args{"content": "1", "dest": "$DIR/link/myid"},
		files: []wantFile{{"real/myid", "1", 0o644}},
	}})
}

func TestCopyBackupAndForce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dest := filepath.Join(dir, "f")
	write(t, dest, "old", 0o644)
	c := testContext(t, nil)

	res := mustSucceed(t, runModule(t, c, "copy", Args{"content": "new", "dest": dest, "force": "no"}))
	if res.Changed {
		t.Errorf("force=no over an existing file: changed")
	}
	checkFiles(t, dir, []wantFile{{"f", "old", 0o644}})

	res = mustSucceed(t, runModule(t, c, "copy", Args{"content": "new", "dest": dest, "backup": "yes"}))
	backup, _ := res.Fields["backup_file"].(string)
	if !res.Changed || !strings.HasPrefix(backup, dest+".") || !strings.HasSuffix(backup, "~") {
		t.Fatalf("backup: changed %v backup_file %q", res.Changed, backup)
	}
	if b, err := os.ReadFile(backup); err != nil || string(b) != "old" {
		t.Errorf("backup content %q, %v", b, err)
	}
	checkFiles(t, dir, []wantFile{{"f", "new", 0o644}})
}

func TestCopyFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		args Args
		msg  string
	}{
		{Args{"dest": dir + "/x"}, "src (or content) is required"},
		{Args{"content": "x"}, "dest is required"},
		{Args{"content": "x", "src": "hello.txt", "dest": dir + "/x"}, "src and content are mutually exclusive"},
		{Args{"content": "x", "dest": dir + "/"}, "can not use content with a dir as dest"},
		{Args{"content": "x", "dest": dir + "/no/such/f"}, "Destination directory " + dir + "/no/such does not exist"},
		{Args{"content": "x", "dest": dir + "/f", "owner": "no-such-user-x"}, "chown failed: failed to look up user no-such-user-x"},
		{Args{"content": "x", "dest": dir + "/f", "validate": "false %s"}, "failed to validate"},
		{Args{"content": "x", "dest": dir + "/f", "validate": "true"}, "validate must contain %s: true"},
	}
	for _, tt := range tests {
		res := runModule(t, testContext(t, nil), "copy", tt.args)
		if !res.Failed || res.Msg != tt.msg {
			t.Errorf("copy %v: failed=%v msg %q, want %q", tt.args, res.Failed, res.Msg, tt.msg)
		}
	}
	if _, err := os.Stat(dir + "/f"); err == nil {
		t.Errorf("a failed copy left %s/f", dir)
	}
	if left, _ := filepath.Glob(dir + "/.*.gansible-tmp-*"); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	m, _ := Lookup("copy")
	if _, err := Validate("copy", m, Args{"content": "x", "dest": "/x", "bogus": 1}); err == nil {
		t.Errorf("unknown parameter accepted")
	}
}

func TestCopyDiff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "f"), "before\n", 0o644)
	c := testContext(t, nil)
	c.DiffMode, c.CheckMode = true, true
	res := mustSucceed(t, runModule(t, c, "copy", Args{"content": "after\n", "dest": dir + "/f"}))
	if len(res.Diff) != 1 || res.Diff[0].Before != "before\n" || res.Diff[0].After != "after\n" {
		t.Errorf("diff = %+v", res.Diff)
	}
}

// TestCopyCheckModeMissingDir: in check mode a copy into a directory that
// does not exist yet (an earlier task would create it) reports a change,
// as Ansible's action does without asking the host; remote_src runs the
// module itself, which fails in both modes.
func TestCopyCheckModeMissingDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "src"), "hi", 0o644)
	for _, tc := range []struct {
		module string
		args   Args
		check  bool
		msg    string // "" for a change
	}{
		{"copy", Args{"content": "hi", "dest": "$DIR/new/f"}, true, ""},
		{"copy", Args{"content": "hi", "dest": "$DIR/new/deeper/f", "owner": "no-such-user-x"}, true, ""},
		{"copy", Args{"src": "hello.txt", "dest": "$DIR/new/f"}, true, ""},
		{"template", Args{"src": "hello.txt", "dest": "$DIR/new/f"}, true, ""},
		{"copy", Args{"content": "hi", "dest": "$DIR/new/f"}, false, "Destination directory $DIR/new does not exist"},
		{"copy", Args{"src": "$DIR/src", "dest": "$DIR/new/f", "remote_src": true}, true, "Destination directory $DIR/new does not exist"},
		{"copy", Args{"src": "$DIR/src", "dest": "$DIR/new/f", "remote_src": true}, false, "Destination directory $DIR/new does not exist"},
	} {
		c := testContext(t, nil)
		c.CheckMode = tc.check
		args := expandDir(tc.args, dir)
		res := runModule(t, c, tc.module, args)
		want := strings.ReplaceAll(tc.msg, "$DIR", dir)
		switch {
		case want == "" && (res.Failed || !res.Changed):
			t.Errorf("%s %v check=%v: failed=%v changed=%v %s, want a change", tc.module, args, tc.check, res.Failed, res.Changed, res.Msg)
		case want != "" && (!res.Failed || res.Msg != want):
			t.Errorf("%s %v check=%v: failed=%v %q, want %q", tc.module, args, tc.check, res.Failed, res.Msg, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Errorf("%s/new was created", dir)
	}
}

// TestContentBytes: content given as data is written as Python's
// json.dumps writes it (the copy action's own call), a string as it is.
func TestContentBytes(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"plain\n", "plain\n"},
		{[]any{false, "MISSING", 1}, `[false, "MISSING", 1]`},
		{map[string]any{"a": []any{"é"}}, `{"a": ["\u00e9"]}`},
		{42, "42"},
	}
	for _, tt := range tests {
		if got := string(contentBytes(tt.in)); got != tt.want {
			t.Errorf("contentBytes(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
