package connection

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	res, _, err := c.shells.run(ctx, startLocal, cmd, stdin, become)
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
	_, rest, err := conn.shells.run(ctx, startLocal, "cat", bytes.NewReader(big), nil)
	if !errors.Is(err, errNotServed) {
		t.Fatalf("stdin over the limit: err = %v, want errNotServed", err)
	}
	if got, _ := io.ReadAll(rest); !bytes.Equal(got, big) {
		t.Errorf("stdin over the limit: the stdin handed back has %d bytes, want %d", len(got), len(big))
	}

	_, _, err = conn.shells.run(ctx, startLocal, strings.Repeat("#", maxServedCommand+1), nil, nil)
	if !errors.Is(err, errNotServed) {
		t.Errorf("command over the limit: err = %v, want errNotServed", err)
	}

	_, _, err = conn.shells.run(ctx, startLocal, "true", nil, &Become{Method: "su"})
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
	if _, _, err := conn.shells.run(ctx, startLocal, "true", nil, nil); !errors.Is(err, errNotServed) {
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
