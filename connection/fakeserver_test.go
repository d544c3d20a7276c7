package connection

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// startFakeServer starts an in-process SSH server on a free port of
// 127.0.0.1 that runs exec requests with the local /bin/sh. It returns the
// port. It lets authentication and host key handling be tested without
// root or sshd.
func startFakeServer(t *testing.T, cfg *ssh.ServerConfig) int {
	t.Helper()
	return serveOnFreePort(t, func(c net.Conn) { serveFake(c, cfg) })
}

// serveOnFreePort accepts connections on a free port of 127.0.0.1 until
// the test ends, each served by serve in a goroutine of its own, and
// returns the port.
func serveOnFreePort(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func serveFake(c net.Conn, cfg *ssh.ServerConfig) {
	defer c.Close()
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "no")
			continue
		}
		ch, reqs, err := nc.Accept()
		if err != nil {
			return
		}
		go serveFakeSession(ch, reqs)
	}
}

func serveFakeSession(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		if req.Type != "exec" {
			_ = req.Reply(false, nil)
			continue
		}
		var payload struct{ Command string }
		if err := ssh.Unmarshal(req.Payload, &payload); err != nil {
			_ = req.Reply(false, nil)
			return
		}
		_ = req.Reply(true, nil)
		cmd := exec.Command("/bin/sh", "-c", payload.Command)
		cmd.Stdout, cmd.Stderr = ch, ch.Stderr()
		in, _ := cmd.StdinPipe()
		go func() {
			_, _ = io.Copy(in, ch)
			in.Close()
		}()
		status := 0
		var exitErr *exec.ExitError
		if err := cmd.Run(); errors.As(err, &exitErr) {
			status = exitErr.ExitCode()
		} else if err != nil {
			status = 255
		}
		_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(status)}))
		return
	}
}

func newHostSigner(t *testing.T, kind string) ssh.Signer {
	t.Helper()
	var key any
	var err error
	switch kind {
	case "ed25519":
		_, key, err = ed25519.GenerateKey(rand.Reader)
	case "rsa":
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

func TestPasswordAuth(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	const password = "pa55 word"
	for _, tc := range []struct {
		name     string
		server   func(cfg *ssh.ServerConfig)
		password string
		wantErr  string
	}{
		{"password", func(cfg *ssh.ServerConfig) {
			cfg.PasswordCallback = func(_ ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
				if string(pw) != password {
					return nil, errors.New("wrong")
				}
				return nil, nil
			}
		}, password, ""},
		{"keyboard-interactive", func(cfg *ssh.ServerConfig) {
			cfg.KeyboardInteractiveCallback = func(_ ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
				answers, err := ask("", "", []string{"Password: "}, []bool{false})
				if err != nil || len(answers) != 1 || answers[0] != password {
					return nil, errors.New("wrong")
				}
				return nil, nil
			}
		}, password, ""},
		{"wrong password", func(cfg *ssh.ServerConfig) {
			cfg.PasswordCallback = func(ssh.ConnMetadata, []byte) (*ssh.Permissions, error) {
				return nil, errors.New("wrong")
			}
		}, "guess", "tester@127.0.0.1: Permission denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &ssh.ServerConfig{}
			cfg.AddHostKey(newHostSigner(t, "ed25519"))
			tc.server(cfg)
			port := startFakeServer(t, cfg)
			conn, err := DialSSH(context.Background(), SSHOptions{Host: "127.0.0.1", Port: port, User: "tester", Password: tc.password, PrivateKeyFiles: []string{}, Timeout: 5 * time.Second})
			if tc.wantErr != "" {
				var unreachable *UnreachableError
				if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want UnreachableError containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), tc.password) {
					t.Errorf("password in error %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			res, err := conn.Run(context.Background(), "cat; exit 5", strings.NewReader("through ssh"), nil)
			if err != nil || string(res.Stdout) != "through ssh" || res.ExitCode != 5 {
				t.Errorf("Run = %q exit %d, %v", res.Stdout, res.ExitCode, err)
			}
		})
	}
}

// TestHostKeyAlgorithmFromKnownHosts checks that a server with several host
// keys is asked for the kind known_hosts holds, as OpenSSH does, rather
// than reported as changed.
func TestHostKeyAlgorithmFromKnownHosts(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	// x/crypto prefers RSA to Ed25519, so known_hosts holds the latter.
	edKey := newHostSigner(t, "ed25519")
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(newHostSigner(t, "rsa"))
	cfg.AddHostKey(edKey)
	port := startFakeServer(t, cfg)

	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	line := "[127.0.0.1]:" + strconv.Itoa(port) + " " + string(ssh.MarshalAuthorizedKey(edKey.PublicKey()))
	if err := os.WriteFile(knownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := DialSSH(context.Background(), SSHOptions{Host: "127.0.0.1", Port: port, User: "tester", PrivateKeyFiles: []string{},
		HostKeyChecking: true, KnownHostsFiles: []string{knownHosts}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}
