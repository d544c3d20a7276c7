package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// jumpServer is a fake SSH server that forwards direct-tcpip channels,
// as a bastion's sshd does, and records where they led. names maps host
// names only it can resolve.
type jumpServer struct {
	mu        sync.Mutex
	forwarded []string
	names     map[string]string
}

func (j *jumpServer) start(t *testing.T) int {
	t.Helper()
	cfg := passwordServer(t)
	return serveOnFreePort(t, func(c net.Conn) { j.serve(c, cfg) })
}

func (j *jumpServer) serve(c net.Conn, cfg *ssh.ServerConfig) {
	defer c.Close()
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "direct-tcpip" {
			_ = nc.Reject(ssh.UnknownChannelType, "a bastion only forwards")
			continue
		}
		var msg directTCPIP
		if err := ssh.Unmarshal(nc.ExtraData(), &msg); err != nil {
			_ = nc.Reject(ssh.ConnectionFailed, "bad request")
			continue
		}
		host := msg.Host
		if ip, ok := j.names[host]; ok {
			host = ip
		}
		target, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(int(msg.Port))))
		if err != nil {
			_ = nc.Reject(ssh.ConnectionFailed, err.Error())
			continue
		}
		j.mu.Lock()
		j.forwarded = append(j.forwarded, fmt.Sprintf("%s:%d", msg.Host, msg.Port))
		j.mu.Unlock()
		ch, chReqs, err := nc.Accept()
		if err != nil {
			target.Close()
			continue
		}
		go ssh.DiscardRequests(chReqs)
		go func() {
			defer ch.Close()
			defer target.Close()
			go func() { _, _ = io.Copy(target, ch) }()
			_, _ = io.Copy(ch, target)
		}()
	}
}

func (j *jumpServer) seen() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.forwarded...)
}

const proxyTestPassword = "s3cret"

func passwordServer(t *testing.T) *ssh.ServerConfig {
	cfg := &ssh.ServerConfig{PasswordCallback: func(_ ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
		if string(pw) != proxyTestPassword {
			return nil, errors.New("wrong")
		}
		return nil, nil
	}}
	cfg.AddHostKey(newHostSigner(t, "ed25519"))
	return cfg
}

func runThrough(t *testing.T, o SSHOptions) (string, error) {
	t.Helper()
	o.User, o.Password, o.PrivateKeyFiles, o.Timeout = "tester", proxyTestPassword, []string{}, 5*time.Second
	conn, err := DialSSH(context.Background(), o)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	res, err := conn.Run(context.Background(), "echo reached", nil, nil)
	return string(res.Stdout), err
}

func TestProxyJump(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	target := startFakeServer(t, passwordServer(t))
	jump := &jumpServer{names: map[string]string{"db.internal": "127.0.0.1"}}
	jumpPort := jump.start(t)
	second := &jumpServer{}
	secondPort := second.start(t)

	t.Run("one jump host", func(t *testing.T) {
		out, err := runThrough(t, SSHOptions{Host: "127.0.0.1", Port: target, ProxyJump: fmt.Sprintf("tester@127.0.0.1:%d", jumpPort)})
		if err != nil || out != "reached\n" {
			t.Fatalf("Run = %q, %v", out, err)
		}
		if got, want := jump.seen(), []string{fmt.Sprintf("127.0.0.1:%d", target)}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("the jump host forwarded to %q, want %q", got, want)
		}
	})
	t.Run("a name only the jump host knows", func(t *testing.T) {
		out, err := runThrough(t, SSHOptions{Host: "db.internal", Port: target, ProxyJump: fmt.Sprintf("127.0.0.1:%d", jumpPort)})
		if err != nil || out != "reached\n" {
			t.Fatalf("Run = %q, %v", out, err)
		}
	})
	t.Run("two jump hosts, the first reached first", func(t *testing.T) {
		before := len(jump.seen())
		out, err := runThrough(t, SSHOptions{Host: "127.0.0.1", Port: target, ProxyJump: fmt.Sprintf("127.0.0.1:%d,127.0.0.1:%d", jumpPort, secondPort)})
		if err != nil || out != "reached\n" {
			t.Fatalf("Run = %q, %v", out, err)
		}
		if got := jump.seen()[before:]; len(got) != 1 || got[0] != fmt.Sprintf("127.0.0.1:%d", secondPort) {
			t.Errorf("the first jump host forwarded to %q, want the second jump host", got)
		}
		if got := second.seen(); len(got) != 1 || got[0] != fmt.Sprintf("127.0.0.1:%d", target) {
			t.Errorf("the second jump host forwarded to %q, want the target", got)
		}
	})
	t.Run("from the ssh config", func(t *testing.T) {
		config := filepath.Join(t.TempDir(), "config")
		body := fmt.Sprintf("Host web\n  HostName 127.0.0.1\n  Port %d\n  ProxyJump bastion\nHost bastion\n  HostName 127.0.0.1\n  Port %d\n", target, jumpPort)
		if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		before := len(jump.seen())
		out, err := runThrough(t, SSHOptions{Host: "web", SSHConfigFile: config})
		if err != nil || out != "reached\n" || len(jump.seen()) != before+1 {
			t.Fatalf("Run = %q, %v; forwards %d, want %d", out, err, len(jump.seen()), before+1)
		}
	})
	t.Run("an unreachable jump host", func(t *testing.T) {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		dead := l.Addr().(*net.TCPAddr).Port
		l.Close()
		_, err := runThrough(t, SSHOptions{Host: "127.0.0.1", Port: target, ProxyJump: fmt.Sprintf("127.0.0.1:%d", dead)})
		var unreachable *UnreachableError
		if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "jump host 127.0.0.1") {
			t.Fatalf("err = %v, want an UnreachableError naming the jump host", err)
		}
	})
	t.Run("a jump host that cannot reach the target", func(t *testing.T) {
		_, err := runThrough(t, SSHOptions{Host: "nowhere.internal", Port: target, ProxyJump: fmt.Sprintf("127.0.0.1:%d", jumpPort)})
		var unreachable *UnreachableError
		if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "through jump host") {
			t.Fatalf("err = %v, want an UnreachableError", err)
		}
	})
}

func TestProxyCommand(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	target := startFakeServer(t, passwordServer(t))
	log := filepath.Join(t.TempDir(), "proxy.log")
	// bash's /dev/tcp stands in for nc; the log shows the tokens expanded.
	cmd := fmt.Sprintf(`bash -c 'echo %%h %%p %%r >> %s; exec 3<>/dev/tcp/%%h/%%p; cat <&3 & exec cat >&3'`, log)
	out, err := runThrough(t, SSHOptions{Host: "127.0.0.1", Port: target, ProxyCommand: cmd})
	if err != nil || out != "reached\n" {
		t.Fatalf("Run = %q, %v", out, err)
	}
	data, _ := os.ReadFile(log)
	if want := fmt.Sprintf("127.0.0.1 %d tester\n", target); string(data) != want {
		t.Errorf("the proxy command ran with %q, want %q", data, want)
	}
	_, err = runThrough(t, SSHOptions{Host: "127.0.0.1", Port: target, ProxyCommand: "exit 1"})
	if !errors.As(err, new(*UnreachableError)) {
		t.Errorf("a proxy command that exits: err = %v, want UnreachableError", err)
	}
}
