package connection

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/gansible/gansible/refenv"
)

// The tests in this file start a real OpenSSH sshd as root on sshdAddr.
// They run only with GANSIBLE_E2E=1.
const (
	sshdAddr   = "127.0.1.250"
	closedAddr = "127.0.1.251" // nothing listens here
)

// testSSHD is a running sshd and what a client needs to log in to it.
type testSSHD struct {
	dir        string
	clientKey  string // private key file authorized for root
	knownHosts string // known_hosts file holding the host key
}

func startSSHD(t *testing.T) *testSSHD {
	t.Helper()
	return startSSHDWith(t, "")
}

// startSSHDWith starts an sshd with extra lines in its config.
func startSSHDWith(t *testing.T, extra string) *testSSHD {
	t.Helper()
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to run tests against a real sshd")
	}
	if os.Geteuid() != 0 {
		refenv.Unavailable(t, "sshd tests need root")
	}
	refenv.Require(t, "openssh-server", "openssh-client")
	t.Setenv("SSH_AUTH_SOCK", "")
	dir := t.TempDir()
	s := &testSSHD{dir: dir, clientKey: filepath.Join(dir, "client"), knownHosts: filepath.Join(dir, "known_hosts")}
	hostKey := filepath.Join(dir, "host")
	for _, key := range []string{hostKey, s.clientKey} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v: %s", err, out)
		}
	}
	copyFile(t, s.clientKey+".pub", filepath.Join(dir, "authorized_keys"))
	hostPub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, s.knownHosts, sshdAddr+" "+string(hostPub))

	config := filepath.Join(dir, "sshd_config")
	writeFile(t, config, fmt.Sprintf(`ListenAddress %s:22
HostKey %s
AuthorizedKeysFile %s
PidFile %s
StrictModes no
UsePAM no
PermitRootLogin yes
KbdInteractiveAuthentication no
%s`, sshdAddr, hostKey, filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "sshd.pid"), extra))
	// sshd insists on its privilege separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cmd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", config)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("sshd's log:\n%s", log.String())
		}
	})
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := net.DialTimeout("tcp", sshdAddr+":22", time.Second)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not start: %v\n%s", err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// options returns options that log in as root with the client key and
// check the host key.
func (s *testSSHD) options() SSHOptions {
	return SSHOptions{
		Host:            sshdAddr,
		User:            "root",
		PrivateKeyFiles: []string{s.clientKey},
		HostKeyChecking: true,
		KnownHostsFiles: []string{s.knownHosts},
		Timeout:         5 * time.Second,
		InventoryName:   "testhost",
	}
}

func (s *testSSHD) dial(t *testing.T, o SSHOptions) Conn {
	t.Helper()
	conn, err := DialSSH(context.Background(), o)
	if err != nil {
		t.Fatalf("DialSSH: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestSSHRun runs the shell server's cases over a real sshd, where the
// connection sends them through its long-lived shell.
func TestSSHRun(t *testing.T) {
	s := startSSHD(t)
	checkRuns(t, s.dial(t, s.options()), runCases)
}

func TestSSHLargeStdin(t *testing.T) {
	s := startSSHD(t)
	conn := s.dial(t, s.options())
	data := make([]byte, 10<<20)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	res, err := conn.Run(context.Background(), "sha256sum", bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Fields(string(res.Stdout))[0], hex.EncodeToString(sum[:]); got != want {
		t.Errorf("remote sha256 %s, want %s", got, want)
	}
}

func TestSSHConcurrentSessions(t *testing.T) {
	s := startSSHD(t)
	conn := s.dial(t, s.options())
	const n = 25 // more than sshd's MaxSessions
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := fmt.Sprint(i)
			res, err := conn.Run(context.Background(), "sleep 0.2; echo "+want, nil, nil)
			switch {
			case err != nil:
				errs <- err
			case strings.TrimSpace(string(res.Stdout)) != want:
				errs <- fmt.Errorf("session %d got %q", i, res.Stdout)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	open := &conn.(*sshConn).open
	open.mu.Lock()
	defer open.mu.Unlock()
	if open.peak > maxSessions || open.peak < 2 {
		t.Errorf("%d sessions were open at once, want 2 to %d", open.peak, maxSessions)
	}
}

func TestSSHCancel(t *testing.T) {
	s := startSSHD(t)
	conn := s.dial(t, s.options())
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := conn.Run(ctx, "sleep 30", nil, nil); err == nil {
		t.Error("want an error from a cancelled Run")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelled Run took %v", d)
	}
	// The connection still serves new sessions.
	if res, err := conn.Run(context.Background(), "echo ok", nil, nil); err != nil || string(res.Stdout) != "ok\n" {
		t.Errorf("Run after cancel: %q, %v", res.Stdout, err)
	}
}

func TestSSHHostKeys(t *testing.T) {
	s := startSSHD(t)
	otherKey := filepath.Join(s.dir, "other")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	otherPub, err := os.ReadFile(otherKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(s.dir, "changed_known_hosts")
	writeFile(t, changed, sshdAddr+" "+string(otherPub))
	empty := filepath.Join(s.dir, "empty_known_hosts")
	writeFile(t, empty, "")

	for _, tc := range []struct {
		name        string
		checking    bool
		files       []string
		wantChanged *bool // nil: connects
	}{
		{"known", true, []string{s.knownHosts}, nil},
		{"unknown", true, []string{empty}, ptr(false)},
		{"no known_hosts file", true, []string{filepath.Join(s.dir, "none")}, ptr(false)},
		{"changed", true, []string{changed}, ptr(true)},
		{"checking off", false, []string{changed}, nil},
	} {
		o := s.options()
		o.HostKeyChecking, o.KnownHostsFiles = tc.checking, tc.files
		conn, err := DialSSH(context.Background(), o)
		if tc.wantChanged == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			conn.Close()
			continue
		}
		var unreachable *UnreachableError
		var hostKeyErr *HostKeyError
		if !errors.As(err, &unreachable) || !errors.As(err, &hostKeyErr) || hostKeyErr.Changed != *tc.wantChanged {
			t.Errorf("%s: err = %v, want UnreachableError with HostKeyError{Changed: %v}", tc.name, err, *tc.wantChanged)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestSSHAuthFailures(t *testing.T) {
	s := startSSHD(t)
	stranger := filepath.Join(s.dir, "stranger")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	o := s.options()
	o.PrivateKeyFiles = []string{stranger}
	o.Password = "not-the-root-password"
	_, err := DialSSH(context.Background(), o)
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "root@"+sshdAddr+": Permission denied") {
		t.Errorf("err = %v, want UnreachableError with Permission denied", err)
	}
	if err != nil && strings.Contains(err.Error(), o.Password) {
		t.Errorf("password in error: %v", err)
	}
}

func TestSSHUnreachable(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to run tests against a real sshd")
	}
	start := time.Now()
	_, err := DialSSH(context.Background(), SSHOptions{Host: closedAddr, User: "root", Timeout: 5 * time.Second})
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "Connection refused") {
		t.Errorf("err = %v, want UnreachableError: Connection refused", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestSSHAgent(t *testing.T) {
	s := startSSHD(t)
	pemBytes, err := os.ReadFile(s.clientKey)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ssh.ParseRawPrivateKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: raw}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(s.dir, "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = agent.ServeAgent(keyring, c)
			}()
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)
	o := s.options()
	// A key that the server refuses comes after the agent's.
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKey(stranger, "")
	if err != nil {
		t.Fatal(err)
	}
	o.PrivateKeyFiles = []string{filepath.Join(s.dir, "stranger")}
	writeFile(t, o.PrivateKeyFiles[0], string(pem.EncodeToMemory(block)))
	conn := s.dial(t, o)
	if res, err := conn.Run(context.Background(), "echo ok", nil, nil); err != nil || string(res.Stdout) != "ok\n" {
		t.Errorf("Run: %q, %v", res.Stdout, err)
	}
}

func TestSSHBecome(t *testing.T) {
	s := startSSHD(t)
	conn := s.dial(t, s.options())
	t.Run("fake sudo", func(t *testing.T) { runBecomeCases(t, conn, "sudo", sudoCases) })
	t.Run("fake su", func(t *testing.T) { runBecomeCases(t, conn, "su", suCases) })
	t.Run("fake doas", func(t *testing.T) { runBecomeCases(t, conn, "doas", doasCases) })
	for _, method := range []string{"sudo", "su"} {
		if _, err := exec.LookPath(method); err != nil {
			continue
		}
		res, err := conn.Run(context.Background(), "id -un; cat", strings.NewReader("in"), &Become{Method: method})
		if err != nil || string(res.Stdout) != "root\nin" {
			t.Errorf("real %s: %q, %v", method, res.Stdout, err)
		}
	}
}

// suCases run through a terminal, where stderr joins stdout.
var suCases = []becomeCase{
	{name: "no password asked", cmd: "cat", stdin: "data", wantStdout: "data"},
	{name: "password asked and given", cmd: "cat; echo err >&2", stdin: "data", password: "s3cret", expect: "s3cret", wantStdout: "dataerr\n"},
	{name: "terminal control bytes pass", cmd: "cat", stdin: "\x03\x04\x1a\r\n\x00\x7f\x11\x13end", password: "s3cret", expect: "s3cret", wantStdout: "\x03\x04\x1a\r\n\x00\x7f\x11\x13end"},
	{name: "no stdin", cmd: "echo hi", password: "s3cret", expect: "s3cret", wantStdout: "hi\n"},
	{name: "exit status", cmd: "echo out; exit 3", password: "s3cret", expect: "s3cret", wantStdout: "out\n", wantExit: 3},
	{name: "password missing", cmd: "echo hi", expect: "s3cret", wantErr: "Missing su password"},
	{name: "password wrong", cmd: "echo hi", password: "wrong", expect: "s3cret", wantErr: "Incorrect su password"},
}

// doasCases are suCases with doas's names in the messages: doas takes the
// password on a terminal as su does.
var doasCases = func() []becomeCase {
	out := append([]becomeCase(nil), suCases...)
	for i := range out {
		out[i].wantErr = strings.ReplaceAll(out[i].wantErr, " su ", " doas ")
	}
	return out
}()

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(data))
}

// TestSSHRefusesNUL: a command sshd would refuse fails as a command, on
// the shell server's path and a session's alike, and the connection
// goes on.
func TestSSHRefusesNUL(t *testing.T) {
	s := startSSHD(t)
	conn := s.dial(t, s.options())
	ctx := context.Background()
	for _, become := range []*Become{nil, {User: "ro\x00ot"}} {
		_, err := conn.Run(ctx, "echo 'a\x00b'", nil, become)
		var refused *CommandError
		var unreachable *UnreachableError
		if !errors.As(err, &refused) || errors.As(err, &unreachable) || !strings.Contains(err.Error(), "embedded null byte") {
			t.Errorf("become %v: err = %v, want a CommandError about the null byte", become, err)
		}
		if res, err := conn.Run(ctx, "echo ok", nil, become); become == nil && (err != nil || string(res.Stdout) != "ok\n") {
			t.Errorf("after the refusal: %q, %v", res.Stdout, err)
		}
	}
}

// TestSSHCancelRemovesShellDirectory: a command cancelled under the shell
// server ends the server with its trap, which removes its directory.
// This sshd refuses signals to root's sessions (they need privilege
// separation), so here the server ends once its command has: its output
// is gone with the session.
func TestSSHCancelRemovesShellDirectory(t *testing.T) {
	s := startSSHD(t)
	conn := s.dial(t, s.options())
	res, err := conn.Run(context.Background(), "readlink /proc/self/fd/0", strings.NewReader("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(strings.TrimSpace(string(res.Stdout)))
	if !strings.Contains(dir, ".gansible-sh.") {
		t.Fatalf("the command's stdin is %s, want a file in the server's directory", res.Stdout)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := conn.Run(ctx, "sleep 2", nil, nil); err == nil {
		t.Fatal("want an error from a cancelled Run")
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still there after the cancel", dir)
		}
	}
}
