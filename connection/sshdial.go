package connection

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// sshTarget is everything needed to connect, once options, ssh config and
// defaults are merged.
type sshTarget struct {
	addr    string // host:port
	host    string
	port    int
	user    string
	creds   credentials
	checker *hostKeyChecker // nil: no host key checking
	timeout time.Duration
}

// resolve merges o with the ssh config and the defaults. Explicit options
// win over the ssh config, as they do with ansible, which passes them to
// ssh as -o options.
func resolve(o SSHOptions) (sshTarget, error) {
	given := o.Host
	if given == "" {
		given = o.InventoryName
	}
	var hc hostConfig
	if o.SSHConfigFile != "" {
		cfg, err := loadSSHConfig(o.SSHConfigFile)
		if err != nil {
			return sshTarget{}, err
		}
		if hc, err = cfg.lookup(given); err != nil {
			return sshTarget{}, err
		}
	}
	t := sshTarget{host: given, port: 22, user: o.User, timeout: o.Timeout}
	if hc.HostName != "" {
		t.host = expandTokens(hc.HostName, map[byte]string{'h': given})
	}
	switch {
	case o.Port > 0:
		t.port = o.Port
	case hc.Port > 0:
		t.port = hc.Port
	}
	if t.user == "" {
		t.user = hc.User
	}
	if t.user == "" {
		t.user = currentUser()
	}
	if t.timeout <= 0 {
		t.timeout = defaultTimeout
	}
	t.addr = net.JoinHostPort(t.host, strconv.Itoa(t.port))

	home, _ := os.UserHomeDir()
	tokens := map[byte]string{'h': t.host, 'p': strconv.Itoa(t.port), 'r': t.user, 'u': currentUser(), 'd': home, 'n': given}
	keys := append([]string(nil), o.PrivateKeyFiles...)
	for _, f := range hc.IdentityFiles {
		keys = append(keys, expandTokens(f, tokens))
	}
	if len(keys) == 0 {
		for _, f := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			if p := filepath.Join(home, ".ssh", f); fileExists(p) {
				keys = append(keys, p)
			}
		}
	}
	for i, k := range keys {
		keys[i] = expandHome(k)
	}
	t.creds = credentials{keyFiles: keys, password: o.Password}

	if o.HostKeyChecking {
		files := o.KnownHostsFiles
		if files == nil {
			files = []string{filepath.Join(home, ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"}
		}
		checker, err := newHostKeyChecker(files)
		if err != nil {
			return sshTarget{}, err
		}
		t.checker = checker
	}
	return t, nil
}

// dial connects and logs in, within the timeout and ctx.
func (t sshTarget) dial(ctx context.Context) (*ssh.Client, error) {
	signers, closeAgent := agentSigners()
	defer closeAgent()
	creds := t.creds
	creds.agentSigners = signers
	auth, err := creds.authMethods()
	if err != nil {
		return nil, err
	}
	cfg := &ssh.ClientConfig{
		User:            t.user,
		Auth:            auth,
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	}

	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	tcp, err := (&net.Dialer{}).DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, t.dialError(err)
	}
	if t.checker != nil {
		cfg.HostKeyCallback = t.checker.check
		cfg.HostKeyAlgorithms = t.checker.algorithms(t.addr, tcp.RemoteAddr())
	}
	// The handshake gets the rest of the timeout; ctx can also end it.
	if deadline, ok := ctx.Deadline(); ok {
		_ = tcp.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { tcp.Close() })
	defer stop()
	conn, chans, reqs, err := ssh.NewClientConn(tcp, t.addr, cfg)
	if err != nil {
		tcp.Close()
		if ctx.Err() != nil {
			return nil, t.dialError(ctx.Err())
		}
		return nil, t.handshakeError(err)
	}
	_ = tcp.SetDeadline(time.Time{})
	return ssh.NewClient(conn, chans, reqs), nil
}

// dialError words a failure to open the TCP connection as ssh does.
func (t sshTarget) dialError(err error) error {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Errorf("ssh: Could not resolve hostname %s: %w", t.host, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("ssh: connect to host %s port %d: Connection refused", t.host, t.port)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("ssh: connect to host %s port %d: Connection timed out", t.host, t.port)
	}
	return fmt.Errorf("ssh: connect to host %s port %d: %w", t.host, t.port, err)
}

// handshakeError words a failed SSH handshake or login.
func (t sshTarget) handshakeError(err error) error {
	var hostKeyErr *HostKeyError
	switch {
	case errors.As(err, &hostKeyErr):
		return hostKeyErr
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("ssh: connect to host %s port %d: Connection timed out during banner exchange", t.host, t.port)
	}
	if msg := err.Error(); containsAny(msg, "unable to authenticate", "no supported methods remain") {
		return fmt.Errorf("%s@%s: Permission denied (%w)", t.user, t.host, err)
	}
	return fmt.Errorf("ssh: %s port %d: %w", t.host, t.port, err)
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
