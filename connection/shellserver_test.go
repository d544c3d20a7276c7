package connection

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/shell"
)

// servedLocal runs commands through shell servers on the local machine,
// so that the protocol is tested without sshd. Commands the servers
// decline fail the test's Run with errNotServed.
type servedLocal struct{ shells *shellServers }

func newServedLocal(t *testing.T) servedLocal {
	c := servedLocal{shells: &shellServers{}}
	t.Cleanup(c.shells.close)
	return c
}

func (c servedLocal) Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
	res, _, err := c.shells.run(ctx, localStarter(""), cmd, stdin, become)
	return res, err
}

func (c servedLocal) Close() error { c.shells.close(); return nil }

// runCase is one command and what it must give.
type runCase struct {
	name, cmd, stdin    string
	wantStdout, wantErr string
	wantExit            int
}

// runCases are run in order on one connection: some check that what one
// command did does not reach the next.
var runCases = func() []runCase {
	binary := "in\x00put\n\xff\xfe no newline at the end"
	return []runCase{
		{name: "stdout", cmd: "echo hello", wantStdout: "hello\n"},
		{name: "stderr and exit", cmd: "echo oops >&2; exit 7", wantErr: "oops\n", wantExit: 7},
		{name: "binary stdin", cmd: "cat", stdin: binary, wantStdout: binary},
		{name: "stdin left unread", cmd: "echo skipped", stdin: strings.Repeat("x", 100000), wantStdout: "skipped\n"},
		{name: "the next command is in step", cmd: "cat", stdin: "next", wantStdout: "next"},
		{name: "no stdin reads as empty", cmd: "cat; echo end", wantStdout: "end\n"},
		{name: "output without a final newline", cmd: "printf 'a\\n\\nb'", wantStdout: "a\n\nb"},
		{name: "output that looks like a frame end", cmd: `printf '\n0123 0\n'; printf '\n0123\n' >&2`, wantStdout: "\n0123 0\n", wantErr: "\n0123\n"},
		{name: "quotes survive", cmd: `printf '%s\n' "it's" "a \"b\""`, wantStdout: "it's\na \"b\"\n"},
		{name: "multi-line command with quotes and backslashes", cmd: "printf '%s\\n' \"it's\" 'a\\b'\nif true; then\n  echo '   indented'\nfi", wantStdout: "it's\na\\b\n   indented\n"},
		{name: "leading and trailing blanks of lines are kept", cmd: "cat <<'EOF'\n  two  \n\tthree\t\nEOF", wantStdout: "  two  \n\tthree\t\n"},
		{name: "set -e and exit stay in the command", cmd: "set -e; false; echo not reached", wantExit: 1},
		{name: "cd stays in the command", cmd: "cd /; pwd", wantStdout: "/\n"},
		{name: "variables do not leak out", cmd: `echo "${leak-unset}"; leak=1`, wantStdout: "unset\n"},
		{name: "variables do not leak out, second time", cmd: `echo "${leak-unset}"`, wantStdout: "unset\n"},
		{name: "runs under sh", cmd: `[ "$(readlink /proc/$$/exe)" = "$(readlink -f /bin/sh)" ] && echo sh`, wantStdout: "sh\n"},
		{name: "killed by a signal", cmd: "kill -9 $$", wantExit: 137},
	}
}()

// checkRuns runs the cases in order on conn.
func checkRuns(t *testing.T, conn Conn, cases []runCase) {
	t.Helper()
	for _, tc := range cases {
		var stdin io.Reader
		if tc.stdin != "" {
			stdin = strings.NewReader(tc.stdin)
		}
		res, err := conn.Run(context.Background(), tc.cmd, stdin, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if string(res.Stdout) != tc.wantStdout || string(res.Stderr) != tc.wantErr || res.ExitCode != tc.wantExit {
			t.Errorf("%s: got %q %q %d, want %q %q %d", tc.name, res.Stdout, res.Stderr, res.ExitCode, tc.wantStdout, tc.wantErr, tc.wantExit)
		}
	}
}

func TestShellServerRuns(t *testing.T) {
	conn := newServedLocal(t)
	checkRuns(t, conn, runCases)
	if n := len(conn.shells.servers); n != 1 {
		t.Errorf("%d servers ran the commands, want 1", n)
	}
}

func TestShellServerBecome(t *testing.T) {
	runBecomeCases(t, newServedLocal(t), "sudo", sudoCases)
}

func TestShellServerDeclines(t *testing.T) {
	conn := newServedLocal(t)
	ctx := context.Background()

	big := bytes.Repeat([]byte("z"), maxServedStdin+10)
	_, rest, err := conn.shells.run(ctx, localStarter(""), "cat", bytes.NewReader(big), nil)
	if !errors.Is(err, errNotServed) {
		t.Fatalf("stdin over the limit: err = %v, want errNotServed", err)
	}
	if got, _ := io.ReadAll(rest); !bytes.Equal(got, big) {
		t.Errorf("stdin over the limit: the stdin handed back has %d bytes, want %d", len(got), len(big))
	}

	_, _, err = conn.shells.run(ctx, localStarter(""), strings.Repeat("#", maxServedCommand+1), nil, nil)
	if !errors.Is(err, errNotServed) {
		t.Errorf("command over the limit: err = %v, want errNotServed", err)
	}

	_, _, err = conn.shells.run(ctx, localStarter(""), "true", nil, &Become{Method: "su"})
	if !errors.Is(err, errNotServed) {
		t.Errorf("su: err = %v, want errNotServed", err)
	}

	// A second command while the first runs is declined, not queued.
	started := make(chan struct{})
	done := make(chan error, 1)
	dir := t.TempDir()
	go func() {
		_, err := conn.Run(ctx, "touch "+filepath.Join(dir, "started")+"; sleep 1", nil, nil)
		done <- err
	}()
	go func() {
		for {
			if _, err := os.Stat(filepath.Join(dir, "started")); err == nil {
				close(started)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	<-started
	if _, _, err := conn.shells.run(ctx, localStarter(""), "true", nil, nil); !errors.Is(err, errNotServed) {
		t.Errorf("busy server: err = %v, want errNotServed", err)
	}
	if err := <-done; err != nil {
		t.Errorf("first command: %v", err)
	}
}

func TestShellServerRestartsAfterCancel(t *testing.T) {
	conn := newServedLocal(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := conn.Run(ctx, "sleep 30", nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled command: err = %v, want the context's error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled command took %v", d)
	}
	res, err := conn.Run(context.Background(), "echo again", nil, nil)
	if err != nil || string(res.Stdout) != "again\n" {
		t.Errorf("after a cancelled command: %q, %v", res.Stdout, err)
	}
}

func TestShellServerEndsWhenTheShellDies(t *testing.T) {
	conn := newServedLocal(t)
	// The command kills the server's shell, its parent.
	_, err := conn.Run(context.Background(), "kill -9 $PPID; sleep 1", nil, nil)
	if err == nil {
		t.Fatal("want an error when the server dies under a command")
	}
	res, err := conn.Run(context.Background(), "echo fresh", nil, nil)
	if err != nil || string(res.Stdout) != "fresh\n" {
		t.Errorf("after the server died: %q, %v", res.Stdout, err)
	}
}

func TestShellServerRemovesItsDirectory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	conn := newServedLocal(t)
	if _, err := conn.Run(context.Background(), "cat >/dev/null", strings.NewReader("data"), nil); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 1 {
		t.Fatalf("TMPDIR holds %d entries while the server runs, want its directory", len(entries))
	}
	conn.Close()
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("TMPDIR still holds %v after Close", entries[0].Name())
	}
}

// smallTmpfs mounts a tmpfs of size on a fresh dir and unmounts it when
// the test ends: a host whose temp dir is full, for real.
func smallTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		refenv.Unavailable(t, "mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=1777", "tmpfs", dir).CombinedOutput(); err != nil {
		refenv.Unavailable(t, "cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// strayStdin is stdin that, read as requests by a server out of step,
// would run "touch STRAY": every other line is a well-formed header.
func strayStdin(stray string, size int) []byte {
	chunk := "abc 1 0\ntouch " + shell.Quote(stray) + "\n"
	return bytes.Repeat([]byte(chunk), size/len(chunk)+1)
}

func TestShellServerSpoolFails(t *testing.T) {
	out := t.TempDir()
	ran, stray := filepath.Join(out, "ran"), filepath.Join(out, "stray")
	cmd := "touch " + shell.Quote(ran) + "; cat >/dev/null"
	for _, tc := range []struct {
		name, wantErr string
		// spoil makes the temp dir unusable once the server runs.
		spoil func(t *testing.T, tmp string)
		// restarts: whether a new server can start in the spoilt dir.
		restarts bool
	}{
		{name: "temp dir full", wantErr: "No space left on device", spoil: func(*testing.T, string) {}, restarts: true},
		{name: "temp dir read-only", wantErr: "Read-only file system", spoil: func(t *testing.T, tmp string) {
			if out, err := exec.Command("mount", "-o", "remount,ro", tmp).CombinedOutput(); err != nil {
				t.Fatalf("remount ro: %v: %s", err, out)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := smallTmpfs(t, "64k")
			t.Setenv("TMPDIR", tmp)
			conn := newServedLocal(t)
			ctx := context.Background()
			if _, err := conn.Run(ctx, "true", nil, nil); err != nil {
				t.Fatal(err)
			}
			first := conn.shells.servers[""]
			tc.spoil(t, tmp)

			_, err := conn.Run(ctx, cmd, bytes.NewReader(strayStdin(stray, 1<<20)), nil)
			var refused *CommandError
			if !errors.As(err, &refused) || !strings.Contains(err.Error(), "host's temp dir is full or not writable: ") || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want a CommandError about the temp dir saying %q", err, tc.wantErr)
			}
			for _, f := range []string{ran, stray} {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("%s exists: a command ran", filepath.Base(f))
				}
			}
			select {
			case <-first.exited:
			default:
				t.Error("the server that failed still runs")
			}

			res, err := conn.Run(ctx, "echo again", nil, nil)
			switch {
			case tc.restarts && (err != nil || string(res.Stdout) != "again\n"):
				t.Errorf("next command: %q, %v", res.Stdout, err)
			case tc.restarts && conn.shells.servers[""] == first:
				t.Error("the next command went to the server that failed")
			case !tc.restarts && !errors.Is(err, errNotServed):
				t.Errorf("next command: err = %v, want errNotServed (no server can start)", err)
			}
			if tc.restarts {
				// The failed server removed its directory: only the new
				// one's is left.
				if entries, _ := os.ReadDir(tmp); len(entries) != 1 {
					t.Errorf("temp dir holds %d entries, want the new server's only", len(entries))
				}
			}
		})
	}
}

// TestShellServerRunsOnlyWholeRequests feeds the server's script requests
// cut or spoilt in every place: the command runs only for a whole one.
func TestShellServerRunsOnlyWholeRequests(t *testing.T) {
	const n = "0a1b"
	for _, tc := range []struct {
		name, req string // req has CMD for the command, which touches a marker
		runs      bool
	}{
		{"whole, with stdin", n + " 1 4\nCMD\ndata" + n + "\n", true},
		{"whole, without stdin", n + " 1 0\nCMD\n" + n + "\n", true},
		{"stdin cut short", n + " 1 10\nCMD\ndata", false},
		{"closing nonce missing", n + " 1 4\nCMD\ndata", false},
		{"closing nonce wrong", n + " 1 4\nCMD\ndataffff\n", false},
		{"stdin longer than announced", n + " 1 4\nCMD\ndatax" + n + "\n", false},
		{"command cut short", n + " 2 0\nCMD\n", false},
		{"last line cut", n + " 1 0\nCMD", false},
		{"header cut", n + " 1", false},
		{"line count not a number", n + " one 0\nCMD\n" + n + "\n", false},
		{"header with a field too many", n + " 1 0 9\nCMD\n" + n + "\n", false},
		{"nonce not hex", "xyz 1 0\nCMD\nxyz\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp, out := t.TempDir(), t.TempDir()
			marker := filepath.Join(out, "ran")
			req := strings.Replace(tc.req, "CMD", "touch "+shell.Quote(marker), 1)
			cmd := exec.Command("/bin/sh", "-c", shellServerScript)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			cmd.Stdin = strings.NewReader(req)
			stdout, err := cmd.Output()
			var exitErr *exec.ExitError
			if err != nil && !errors.As(err, &exitErr) {
				t.Fatal(err)
			}
			_, statErr := os.Stat(marker)
			if ran := statErr == nil; ran != tc.runs {
				t.Errorf("command ran: %v, want %v (server stdout %q)", ran, tc.runs, stdout)
			}
			if tc.runs && !bytes.HasSuffix(stdout, []byte("\n"+n+" 0\n")) {
				t.Errorf("server stdout %q, want the command's frame", stdout)
			}
			if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
				t.Errorf("the server left %s behind", entries[0].Name())
			}
		})
	}
}

func TestShellServerRefusesNUL(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		cmd    string
		become *Become
	}{
		{"in the command", "echo 'a\x00b'", nil},
		{"in the become user", "true", &Become{User: "ro\x00ot"}},
		{"in the become flags", "true", &Become{Flags: "-E\x00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Local{}.Run(ctx, tc.cmd, nil, tc.become)
			var refused *CommandError
			if !errors.As(err, &refused) || !strings.Contains(err.Error(), "embedded null byte") {
				t.Errorf("local: err = %v, want a CommandError about the null byte", err)
			}
			// The shell server takes no such command: it runs in a
			// session of its own, which refuses it as above.
			conn := newServedLocal(t)
			if _, err := conn.Run(ctx, tc.cmd, nil, tc.become); !errors.Is(err, errNotServed) && !errors.As(err, &refused) {
				t.Errorf("served: err = %v, want errNotServed or a CommandError", err)
			}
		})
	}
}

func TestShellServerRemovesStaleDirectories(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	hostname, err := os.ReadFile("/proc/sys/kernel/hostname")
	if err != nil {
		refenv.Unavailable(t, "%v", err)
	}
	host := strings.TrimSpace(string(hostname))
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprint(gone.ProcessState.Pid())
	live := fmt.Sprint(os.Getpid())
	old := time.Now().Add(-13 * time.Hour)
	target := t.TempDir()

	type dir struct {
		name, pid  string // pid "" writes no pid file
		old, other bool   // mtime 13 hours ago; owned by another user
		link       bool   // a symlink to a dir of ours, not a dir
		wantGone   bool
	}
	dirs := []dir{
		{name: "dead", pid: dead + " " + host, wantGone: true},
		{name: "dead-old", pid: dead + " " + host, old: true, wantGone: true},
		{name: "live", pid: live + " " + host},
		{name: "live-old", pid: live + " " + host, old: true},
		{name: "dead-other-host", pid: dead + " not-" + host},
		{name: "live-other-host-old", pid: live + " not-" + host, old: true, wantGone: true},
		{name: "starting", pid: ""},
		{name: "pid-half-written", pid: " "},
		{name: "no-pid-old", pid: "", old: true, wantGone: true},
		{name: "link-old", link: true, old: true},
	}
	if os.Geteuid() == 0 {
		dirs = append(dirs, dir{name: "dead-other-user", pid: dead + " " + host, other: true})
	}
	for _, d := range dirs {
		p := filepath.Join(tmp, ".gansible-sh."+d.name)
		switch {
		case d.link:
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			if err := exec.Command("touch", "-h", "-d", "@"+fmt.Sprint(old.Unix()), p).Run(); err != nil {
				t.Fatal(err)
			}
			continue
		default:
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
		}
		if d.pid != "" {
			writeFile(t, filepath.Join(p, "pid"), d.pid+"\n")
		}
		if d.other {
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
		if d.old {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}

	conn := newServedLocal(t)
	if _, err := conn.Run(context.Background(), "true", nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		_, err := os.Lstat(filepath.Join(tmp, ".gansible-sh."+d.name))
		if gone := errors.Is(err, os.ErrNotExist); gone != d.wantGone {
			t.Errorf("%s: removed %v, want %v", d.name, gone, d.wantGone)
		}
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("the symlink's target: %v", err)
	}
}

// TestShellServerCancelRemovesItsDirectory: a command cancelled under a
// server ends it with TERM, so its trap removes its directory.
func TestShellServerCancelRemovesItsDirectory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	conn := newServedLocal(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := conn.Run(ctx, "sleep 30", nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled command: err = %v, want the context's error", err)
	}
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		entries, _ := os.ReadDir(tmp)
		if len(entries) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still there after the cancel", entries[0].Name())
		}
	}
}
