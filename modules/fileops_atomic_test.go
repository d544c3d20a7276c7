package modules

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWriteScript runs a write script with sh, as a host would, and
// returns its stdout and exit status.
func runWriteScript(t *testing.T, dir, script string, stdin []byte, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return string(out), exitErr.ExitCode()
	case err != nil:
		t.Fatalf("running the write script: %v", err)
	}
	return string(out), 0
}

// tempFiles lists the write temporaries left in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(dir, ".*.gansible-tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// newWrite is the atomicWrite of content to dest.
func newWrite(dest string, content []byte) atomicWrite {
	return atomicWrite{Dest: dest, Size: int64(len(content)), SHA1: sha1Hex(content), Mode: 0o640}
}

// TestAtomicWriteHostilePaths: whatever the target's name, the script
// writes exactly that file, with the content and mode asked for, and
// leaves nothing else.
func TestAtomicWriteHostilePaths(t *testing.T) {
	content := []byte("new content\n")
	for _, name := range []string{
		"plain",
		"-n",
		"--",
		"with space",
		"it's",
		`"double" and \back\slash`,
		"$(touch pwned)",
		"`touch pwned`",
		"semi;colon&amp|pipe",
		"glob*?[x]",
		"new\nline",
		"tab\there",
		"ünïcödé",
		".hidden",
		"trailing.",
		strings.Repeat("L", 250),
	} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			dest := filepath.Join(dir, name)
			out, rc := runWriteScript(t, dir, newWrite(dest, content).script(), content)
			if rc != 0 {
				t.Fatalf("exit %d, output %q", rc, out)
			}
			got, err := os.ReadFile(dest)
			if err != nil || !bytes.Equal(got, content) {
				t.Fatalf("%s: %q, %v; want %q", dest, got, err, content)
			}
			if info, _ := os.Stat(dest); info.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want 0640", info.Mode())
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("dir holds %q, want only the target", names)
			}
			f := &remoteFile{}
			if err := f.readStatLine(out); err != nil || f.Size != int64(len(content)) {
				t.Errorf("stat line: %v, size %d in %q", err, f.Size, out)
			}
		})
	}
}

// TestAtomicWriteRelativeDest: a relative target, even one whose
// directory starts with "-", is written where it names, the temporary
// file's name never reading as an option.
func TestAtomicWriteRelativeDest(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "-d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dest := range []string{"f", "-d/f", "-d/-f"} {
		content := []byte("x " + dest)
		if out, rc := runWriteScript(t, dir, newWrite(dest, content).script(), content); rc != 0 {
			t.Fatalf("%s: exit %d, output %q", dest, rc, out)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, dest)); !bytes.Equal(got, content) {
			t.Errorf("%s: %q, want %q", dest, got, content)
		}
	}
}

// TestAtomicWriteSteps: the script checks, flushes and only then sets the
// mode and renames; the checks use the controller's length and sha1.
func TestAtomicWriteSteps(t *testing.T) {
	content := []byte("abc")
	for _, tc := range []struct {
		name  string
		w     atomicWrite
		order []string // substrings that must appear in this order
	}{
		{
			name:  "stdin",
			w:     newWrite("/etc/x", content),
			order: []string{`gansible_sweep "$pre" -f`, `trap `, `mktemp -- "$pre$$.XXXXXX"`, `cat > "$t"`, `gansible_verify "$t" 3 a9993e364706816aba3e25717850c26c9cd0d89d`, `gansible_sync "$t"`, `chmod -- 0640 "$t"`, `mv -f -- "$t" /etc/x`, "t= &&", `stat -c`},
		},
		{
			name:  "copy on the host",
			w:     atomicWrite{Dest: "/etc/x", CopyFrom: "/etc/-src", Size: 7, SHA1: "00ff", Mode: 0o600},
			order: []string{`cp -- /etc/-src "$t"`, `gansible_verify "$t" 7 00ff`, `gansible_sync "$t"`, `chmod -- 0600 "$t"`, `mv -f -- "$t" /etc/x`},
		},
		{
			name:  "owner, validation and backup",
			w:     atomicWrite{Dest: "/etc/x", Size: 3, SHA1: "s", Mode: 0o644, Chown: `chown -h -- root "$t"`, Validate: "visudo -cf %s", Backup: true, Prelude: "mkdir -p -- /etc"},
			order: []string{"{ mkdir -p -- /etc\n} || exit 1", `mktemp`, `cat > "$t"`, `gansible_verify`, `gansible_sync`, `chown -h -- root "$t"`, `chmod -- 0644 "$t"`, `visudo -cf "$t"`, `cp -p -- /etc/x "$bk"`, `mv -f -- "$t" /etc/x`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.w.script()
			at := 0
			for _, want := range tc.order {
				i := strings.Index(s[at:], want)
				if i < 0 {
					t.Fatalf("%q missing or out of order in\n%s", want, s)
				}
				at += i + len(want)
			}
			if strings.Contains(s, `cat > "$t"`) == (tc.w.CopyFrom != "") {
				t.Errorf("stdin read although copying on the host, or the reverse:\n%s", s)
			}
		})
	}
}

// TestAtomicWriteFailures: a write that cannot be completed leaves the
// old file as it was, no temporary file, and says why.
func TestAtomicWriteFailures(t *testing.T) {
	old, content := []byte("old content\n"), []byte("the new content\n")
	// A PATH with the tools the script needs but no way to compute a sha1.
	noSum := t.TempDir()
	for _, tool := range []string{"cat", "wc", "mktemp", "rm", "chmod", "mv", "stat", "sync", "dd"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(noSum, tool)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		w      func(dest string) atomicWrite
		stdin  []byte
		env    []string
		rc     int    // 0 for any non-zero status
		marker string // start of the line the script prints
		msg    string // verifyFailure's message, "" for none
	}{
		{
			name:   "stream cut short",
			w:      func(d string) atomicWrite { return newWrite(d, content) },
			stdin:  content[:5],
			marker: "@short 5 16",
			msg:    "Failed to write DEST: the host received 5 bytes, not 16 (the transfer was cut short); DEST is unchanged",
		},
		{
			name:   "nothing received",
			w:      func(d string) atomicWrite { return newWrite(d, content) },
			marker: "@short 0 16",
			msg:    "Failed to write DEST: the host received 0 bytes, not 16 (the transfer was cut short); DEST is unchanged",
		},
		{
			name:   "too much received",
			w:      func(d string) atomicWrite { return newWrite(d, content) },
			stdin:  append(append([]byte{}, content...), 'x'),
			marker: "@short 17 16",
			msg:    "Failed to write DEST: the host received 17 bytes, not 16; DEST is unchanged",
		},
		{
			name:   "same length, other bytes",
			w:      func(d string) atomicWrite { return newWrite(d, content) },
			stdin:  bytes.ToUpper(content),
			marker: "@sum " + sha1Hex(bytes.ToUpper(content)) + " " + sha1Hex(content),
			msg:    "Failed to write DEST: the received file's sha1 is " + sha1Hex(bytes.ToUpper(content)) + ", not " + sha1Hex(content) + "; DEST is unchanged",
		},
		{
			name:   "no sha1 tool on the host",
			w:      func(d string) atomicWrite { return newWrite(d, content) },
			stdin:  content,
			env:    []string{"PATH=" + noSum},
			marker: "@nosum",
			msg:    "Failed to write DEST: the host has neither sha1sum nor openssl to check the received file; DEST is unchanged",
		},
		{
			name: "validation fails",
			w: func(d string) atomicWrite {
				w := newWrite(d, content)
				w.Validate = "grep -q nothing-like-this %s"
				return w
			},
			stdin:  content,
			rc:     -1, // exits 0, the caller reads the marker
			marker: "@validate 1",
		},
		{
			name: "owner cannot be set",
			w: func(d string) atomicWrite {
				w := newWrite(d, content)
				w.Chown = `chown -h no-such-user-x "$t"`
				return w
			},
			stdin: content,
		},
		{
			name: "host copy of a missing file",
			w: func(d string) atomicWrite {
				return atomicWrite{Dest: d, CopyFrom: d + ".missing", Size: 1, SHA1: "x", Mode: 0o644}
			},
			marker: "",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			dest := filepath.Join(dir, "target")
			if err := os.WriteFile(dest, old, 0o644); err != nil {
				t.Fatal(err)
			}
			out, rc := runWriteScript(t, dir, tc.w(dest).script(), tc.stdin, tc.env...)
			switch {
			case tc.rc == -1 && rc != 0:
				t.Errorf("exit %d, want 0", rc)
			case tc.rc != -1 && rc == 0:
				t.Errorf("exit 0, want a failure")
			}
			if tc.marker != "" && !strings.Contains(out, "\n"+tc.marker) && !strings.HasPrefix(out, tc.marker) {
				t.Errorf("output %q, want a line %q", out, tc.marker)
			}
			if strings.Contains(out, "@stat") {
				t.Errorf("output %q reports a written file", out)
			}
			if got, _ := os.ReadFile(dest); !bytes.Equal(got, old) {
				t.Errorf("target now holds %q, want the old %q", got, old)
			}
			if left := tempFiles(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			err := verifyFailure(dest, dest+" is unchanged", out)
			switch {
			case tc.msg == "" && err != nil:
				t.Errorf("verifyFailure: %v, want none", err)
			case tc.msg != "" && (err == nil || err.Error() != strings.ReplaceAll(tc.msg, "DEST", dest)):
				t.Errorf("verifyFailure: %v, want %s", err, strings.ReplaceAll(tc.msg, "DEST", dest))
			}
		})
	}
}

// TestAtomicWriteSignals: a writer stopped by a signal while it receives
// removes its temporary file, although the content's stream stays open; one killed outright leaves it for the next
// write to the same target, which removes it, while the temporary file of
// a live writer and those of other targets stay.
func TestAtomicWriteSignals(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "target")
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(dest, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	content := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGPIPE, syscall.SIGKILL} {
		cmd := exec.Command("/bin/sh", "-c", newWrite(dest, content).script())
		// The signal goes to the whole group, cat included, as a hangup
		// or a kill of a session does.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Half the content, then wait until it is on disk.
		if _, err := stdin.Write(content[:len(content)/2]); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			left := tempFiles(t, dir)
			if len(left) == 1 {
				if info, err := os.Stat(left[0]); err == nil && info.Size() == int64(len(content)/2) {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v: the half-written temporary file never appeared: %v", sig, left)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		stdin.Close()
		left := tempFiles(t, dir)
		if sig == syscall.SIGKILL {
			if len(left) != 1 {
				t.Fatalf("SIGKILL: temporary files %v, want the one the killed writer left", left)
			}
		} else if len(left) > 0 {
			t.Errorf("%v: temporary files left: %v", sig, left)
		}
		if got, _ := os.ReadFile(dest); string(got) != "old" {
			t.Errorf("%v: target holds %d bytes, want the old content", sig, len(got))
		}
	}

	// A live writer's file and another target's stay; the killed one goes.
	live := tempPrefix(dest) + fmt.Sprint(os.Getpid()) + ".abcdef"
	otherDead := tempPrefix(other) + "999999999.abcdef"
	notOurs := tempPrefix(dest) + "notapid.abcdef"
	for _, p := range []string{live, otherDead, notOurs} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	killed := tempFiles(t, dir)
	if out, rc := runWriteScript(t, dir, newWrite(dest, content).script(), content); rc != 0 {
		t.Fatalf("next write: exit %d, %q", rc, out)
	}
	for _, p := range killed {
		_, err := os.Stat(p)
		keep := p == live || p == otherDead || p == notOurs
		if keep && err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
		if !keep && err == nil {
			t.Errorf("the killed writer's %s is still there", p)
		}
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, content) {
		t.Errorf("target holds %d bytes, want the new %d", len(got), len(content))
	}
}

func TestTempPrefix(t *testing.T) {
	for _, tc := range []struct{ dest, want string }{
		{"/etc/hosts", "/etc/.hosts.gansible-tmp-"},
		{"/x", "/.x.gansible-tmp-"},
		{"f", "./.f.gansible-tmp-"},
		{"-d/f", "./-d/.f.gansible-tmp-"},
		{"./d/-f", "./d/.-f.gansible-tmp-"},
		{"/d/" + strings.Repeat("n", 300), "/d/." + strings.Repeat("n", maxTempName) + ".gansible-tmp-"},
	} {
		if got := tempPrefix(tc.dest); got != tc.want {
			t.Errorf("tempPrefix(%q) = %q, want %q", tc.dest, got, tc.want)
		}
	}
}

// TestUploadScript: an upload lands complete in "$src" or not at all, and
// a leftover of a killed upload with the same key is removed.
func TestUploadScript(t *testing.T) {
	tmp := t.TempDir()
	content := []byte("archive bytes")
	stale := filepath.Join(tmp, ".gansible-upload-k1-999999999.abcdef")
	otherKey := filepath.Join(tmp, ".gansible-upload-k2-999999999.abcdef")
	for _, d := range []string{stale, otherKey} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		stdin []byte
		keep  bool // the caller's script empties "$up"
		ok    bool
	}{
		{"complete, kept", content, true, true},
		{"complete, not kept", content, false, true},
		{"cut short", content[:3], true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script := uploadScript("k1", int64(len(content)), sha1Hex(content)) + `echo "@uploaded $src"` + "\n"
			if tc.keep {
				script += "up=\n"
			}
			out, rc := runWriteScript(t, tmp, script, tc.stdin, "TMPDIR="+tmp)
			if (rc == 0) != tc.ok {
				t.Fatalf("exit %d, output %q", rc, out)
			}
			if _, err := os.Stat(stale); err == nil {
				t.Errorf("the stale upload %s is still there", stale)
			}
			if _, err := os.Stat(otherKey); err != nil {
				t.Errorf("another task's upload was removed: %v", err)
			}
			src, uploaded := strings.CutPrefix(strings.TrimSpace(out), "@uploaded ")
			if uploaded != tc.ok {
				t.Fatalf("output %q", out)
			}
			got, err := os.ReadFile(src)
			switch {
			case tc.keep && tc.ok && !bytes.Equal(got, content):
				t.Errorf("uploaded %q, %v", got, err)
			case !tc.keep && err == nil:
				t.Errorf("the upload %s was kept", src)
			}
			if tc.ok && tc.keep {
				os.RemoveAll(filepath.Dir(src))
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, ".gansible-upload-k1-*")); len(left) > 0 {
				t.Errorf("uploads left: %v", left)
			}
		})
	}
}
