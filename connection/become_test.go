package connection

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/refenv"
)

// becomeCase is one command run with become, checked against what it
// printed and how it ended.
type becomeCase struct {
	name       string
	cmd        string
	stdin      string
	password   string // the become password given
	expect     string // the password the stand-in asks for; "" = NOPASSWD
	wantStdout string
	wantStderr string
	wantExit   int
	wantErr    string // BecomeError message
}

var sudoCases = []becomeCase{
	{name: "nopasswd", cmd: "cat", stdin: "data", wantStdout: "data"},
	{name: "nopasswd with a password does not leak it into stdin", cmd: "cat", stdin: "data", password: "s3cret", wantStdout: "data"},
	{name: "password asked and given", cmd: "cat; echo err >&2", stdin: "data", password: "s3cret", expect: "s3cret", wantStdout: "data", wantStderr: "err\n"},
	{name: "no stdin", cmd: "echo hi", password: "s3cret", expect: "s3cret", wantStdout: "hi\n"},
	{name: "exit status", cmd: "echo out; exit 3", password: "s3cret", expect: "s3cret", wantStdout: "out\n", wantExit: 3},
	{name: "password missing", cmd: "echo hi", expect: "s3cret", wantErr: "Missing sudo password"},
	{name: "password wrong", cmd: "echo hi", stdin: "data", password: "wrong", expect: "s3cret", wantErr: "Incorrect sudo password"},
	{name: "output that looks like a prompt", cmd: "echo 'Password:' >&2", wantStderr: "Password:\n"},
}

func TestLocalSudo(t *testing.T) {
	runBecomeCases(t, Local{}, "sudo", sudoCases)
}

// runBecomeCases runs cases through conn with the stand-in for method from
// testdata as the become executable.
func runBecomeCases(t *testing.T, conn Conn, method string, cases []becomeCase) {
	t.Helper()
	exe, err := filepath.Abs(filepath.Join("testdata", "fake"+method+".sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			become := &Become{Method: method, Exe: exe, Password: tc.password}
			if tc.expect != "" {
				file := filepath.Join(t.TempDir(), "password")
				if err := os.WriteFile(file, []byte(tc.expect), 0o600); err != nil {
					t.Fatal(err)
				}
				become.Flags = "--expect-password-file=" + file
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var stdin *strings.Reader
			if tc.stdin != "" {
				stdin = strings.NewReader(tc.stdin)
			}
			res, err := runWith(ctx, conn, tc.cmd, stdin, become)
			if ctx.Err() != nil {
				t.Fatalf("Run hung: %v", ctx.Err())
			}
			if tc.password != "" {
				for _, b := range [][]byte{res.Stdout, res.Stderr, []byte(errString(err))} {
					if bytes.Contains(b, []byte(tc.password)) {
						t.Errorf("password leaked: %q", b)
					}
				}
			}
			if tc.wantErr != "" {
				var be *BecomeError
				if !errors.As(err, &be) || be.Msg != tc.wantErr {
					t.Fatalf("err = %v, want BecomeError %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Run: %v (stderr %q)", err, res.Stderr)
			}
			if got := string(res.Stdout); got != tc.wantStdout {
				t.Errorf("stdout = %q, want %q", got, tc.wantStdout)
			}
			if got := string(res.Stderr); got != tc.wantStderr {
				t.Errorf("stderr = %q, want %q", got, tc.wantStderr)
			}
			if res.ExitCode != tc.wantExit {
				t.Errorf("exit = %d, want %d", res.ExitCode, tc.wantExit)
			}
		})
	}
}

// runWith keeps a nil *strings.Reader from becoming a non-nil io.Reader.
func runWith(ctx context.Context, conn Conn, cmd string, stdin *strings.Reader, become *Become) (Result, error) {
	if stdin == nil {
		return conn.Run(ctx, cmd, nil, become)
	}
	return conn.Run(ctx, cmd, stdin, become)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestLocalRealSudo(t *testing.T) {
	if os.Geteuid() != 0 {
		refenv.Unavailable(t, "needs root, for whom sudo asks no password")
	}
	if _, err := exec.LookPath("sudo"); err != nil {
		refenv.Unavailable(t, "no sudo")
	}
	res, err := Local{}.Run(context.Background(), "id -un; cat", strings.NewReader("in"), &Become{Password: "unused"})
	if err != nil {
		t.Fatalf("Run: %v (stderr %q)", err, res.Stderr)
	}
	if got := string(res.Stdout); got != "root\nin" {
		t.Errorf("stdout = %q, want %q", got, "root\nin")
	}
	_, err = Local{}.Run(context.Background(), "true", nil, &Become{User: "no-such-user-gansible"})
	var be *BecomeError
	if !errors.As(err, &be) || !strings.Contains(be.Msg, "no-such-user-gansible") {
		t.Errorf("unknown user: err = %v, want a BecomeError naming the user", err)
	}
}

func TestLocalWithoutBecome(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	res, err := Local{}.Run(context.Background(), "wc -c; echo e >&2; exit 4", strings.NewReader(big), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(res.Stdout)); got != "1048576" {
		t.Errorf("stdout = %q, want 1048576", got)
	}
	if string(res.Stderr) != "e\n" || res.ExitCode != 4 {
		t.Errorf("stderr %q exit %d, want \"e\\n\" 4", res.Stderr, res.ExitCode)
	}
}

func TestLocalSuNeedsTerminal(t *testing.T) {
	_, err := Local{}.Run(context.Background(), "true", nil, &Become{Method: "su"})
	var be *BecomeError
	if !errors.As(err, &be) {
		t.Errorf("err = %v, want BecomeError", err)
	}
}

func TestPlanBecomeKeepsPasswordOutOfArgv(t *testing.T) {
	for _, method := range []string{"sudo", "su"} {
		p, err := planBecome("echo hi", strings.NewReader("x"), &Become{Method: method, User: "o'brien", Password: "pa ss'word"})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.line, "pa ss") {
			t.Errorf("%s: password in command line %q", method, p.line)
		}
		if !strings.Contains(p.line, `'o'\''brien'`) {
			t.Errorf("%s: user not quoted in %q", method, p.line)
		}
	}
	if _, err := planBecome("true", nil, &Become{Method: "pbrun"}); err == nil {
		t.Error("pbrun: want an error")
	}
}

// TestPlanBecomeRefusesOptionUsers: sudo -u and su read a user that
// starts with "-" as an option, so it is refused, with a become error.
func TestPlanBecomeRefusesOptionUsers(t *testing.T) {
	for _, method := range []string{"sudo", "su"} {
		for _, user := range []string{"-", "-c", "--login", "-u root"} {
			_, err := planBecome("true", nil, &Become{Method: method, User: user})
			var be *BecomeError
			if !errors.As(err, &be) || !strings.Contains(be.Msg, "refused") {
				t.Errorf("%s user %q: err = %v, want a refusal", method, user, err)
			}
		}
		if _, err := planBecome("true", nil, &Become{Method: method, User: "a-b"}); err != nil {
			t.Errorf("%s user a-b: %v", method, err)
		}
	}
}
