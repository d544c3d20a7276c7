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
	policy  retryPolicy
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
	t := sshTarget{host: given, port: 22, user: o.User, timeout: o.Timeout, policy: defaultRetryPolicy(o.Retries)}
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

// dial connects and logs in, within ctx. Each attempt has the timeout
// for itself: a handshake that sshd drops (past its MaxStartups) is tried
// again within it, and a failed attempt is followed by as many more as
// the retries say.
func (t sshTarget) dial(ctx context.Context) (*ssh.Client, error) {
	var client *ssh.Client
	err := t.policy.do(ctx, t.timeout, time.Now, func(deadline time.Time) error {
		var err error
		client, err = t.dialOnce(ctx, deadline)
		return err
	})
	if err != nil {
		return nil, err
	}
	return client, nil
}

// dialOnce connects and logs in once, by deadline. Its errors are
// *dialFailure.
func (t sshTarget) dialOnce(ctx context.Context, deadline time.Time) (*ssh.Client, error) {
	signers, closeAgent := agentSigners()
	defer closeAgent()
	creds := t.creds
	creds.agentSigners = signers
	auth, err := creds.authMethods()
	if err != nil {
		return nil, &dialFailure{err: fdLimit(err), kind: failFinal}
	}
	cfg := &ssh.ClientConfig{
		User:            t.user,
		Auth:            auth,
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	}

	parent := ctx
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	tcp, err := (&net.Dialer{}).DialContext(ctx, "tcp", t.addr)
	if err != nil {
		if parent.Err() != nil {
			err = parent.Err()
		}
		return nil, t.dialError(err)
	}
	if t.checker != nil {
		cfg.HostKeyCallback = t.checker.check
		cfg.HostKeyAlgorithms = t.checker.algorithms(t.addr, tcp.RemoteAddr())
	}
	// The handshake gets the rest of the timeout; ctx can also end it.
	_ = tcp.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { tcp.Close() })
	defer stop()
	conn, chans, reqs, err := ssh.NewClientConn(tcp, t.addr, cfg)
	if err != nil {
		tcp.Close()
		switch {
		case parent.Err() != nil:
			return nil, &dialFailure{err: parent.Err(), kind: failFinal}
		case ctx.Err() != nil:
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
	case errors.Is(err, context.Canceled):
		return &dialFailure{err: err, kind: failFinal}
	case isFDLimit(err):
		return &dialFailure{err: fdLimit(err), kind: failFinal}
	case errors.As(err, &dnsErr):
		err = fmt.Errorf("ssh: Could not resolve hostname %s: %w", t.host, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		err = fmt.Errorf("ssh: connect to host %s port %d: Connection refused", t.host, t.port)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("ssh: connect to host %s port %d: Connection timed out", t.host, t.port)
	default:
		err = fmt.Errorf("ssh: connect to host %s port %d: %w", t.host, t.port, err)
	}
	return &dialFailure{err: err, kind: failUnreachable}
}

// handshakeError words a failed SSH handshake or login.
func (t sshTarget) handshakeError(err error) error {
	var hostKeyErr *HostKeyError
	switch {
	case errors.As(err, &hostKeyErr):
		return &dialFailure{err: hostKeyErr, kind: failFinal}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &dialFailure{err: fmt.Errorf("ssh: connect to host %s port %d: Connection timed out during banner exchange", t.host, t.port), kind: failUnreachable}
	case isFDLimit(err):
		return &dialFailure{err: fdLimit(err), kind: failFinal}
	}
	if msg := err.Error(); containsAny(msg, "unable to authenticate", "no supported methods remain") {
		return &dialFailure{err: fmt.Errorf("%s@%s: Permission denied (%w)", t.user, t.host, err), kind: failFinal}
	}
	kind := failUnreachable
	if transientHandshake(err) {
		kind = failTransient
	}
	return &dialFailure{err: fmt.Errorf("ssh: %s port %d: %w", t.host, t.port, err), kind: kind}
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
