package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gansible/gansible/shell"
)

// SSHOptions says how to reach one host over SSH.
type SSHOptions struct {
	Host string // address to dial (ansible_host), else the inventory name
	Port int    // 0: from the ssh config, else 22
	User string // "": from the ssh config, else the current user
	// Password is tried after the keys, for password and
	// keyboard-interactive authentication.
	Password string
	// PrivateKeyFiles are tried after the ssh-agent's keys. When neither
	// they nor the ssh config name a key, ~/.ssh/id_ed25519, id_ecdsa and
	// id_rsa are tried, as ssh does.
	PrivateKeyFiles []string
	// HostKeyChecking requires the host's key to be in known_hosts.
	HostKeyChecking bool
	// KnownHostsFiles replaces ~/.ssh/known_hosts and
	// /etc/ssh/ssh_known_hosts.
	KnownHostsFiles []string
	Timeout         time.Duration // connect timeout; 0: 10s, as in ansible
	SSHConfigFile   string        // "": no ssh config
	InventoryName   string        // the host's name in the inventory, for messages
}

// defaultTimeout is ansible's default connection timeout.
const defaultTimeout = 10 * time.Second

// maxSessions is how many commands run at once on one connection: sshd
// refuses sessions beyond its MaxSessions, 10 by default.
const maxSessions = 10

// sshConn is a Conn over one SSH connection; each Run is a new session.
type sshConn struct {
	client   *ssh.Client
	host     string // inventory name, for UnreachableError
	sessions chan struct{}
}

// DialSSH opens one SSH connection. The returned Conn runs each command in
// a new session on that connection; sessions may run concurrently. Errors
// are *UnreachableError.
func DialSSH(ctx context.Context, o SSHOptions) (Conn, error) {
	name := o.InventoryName
	if name == "" {
		name = o.Host
	}
	target, err := resolve(o)
	if err != nil {
		return nil, &UnreachableError{Host: name, Err: err}
	}
	client, err := target.dial(ctx)
	if err != nil {
		return nil, &UnreachableError{Host: name, Err: err}
	}
	return &sshConn{client: client, host: name, sessions: make(chan struct{}, maxSessions)}, nil
}

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

// Run implements Conn.
func (c *sshConn) Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
	select {
	case c.sessions <- struct{}{}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	defer func() { <-c.sessions }()
	return run(ctx, c.start, cmd, stdin, become)
}

// start is the starter of the SSH connection. An exec request runs the
// user's login shell with -c, so the line is handed to /bin/sh explicitly
// to run under sh whatever that shell is.
func (c *sshConn) start(ctx context.Context, line string, tty bool, stdout, stderr io.Writer) (io.WriteCloser, func() (int, error), error) {
	sess, err := c.newSession(ctx)
	if err != nil {
		return nil, nil, err
	}
	if tty {
		// No echo: what is typed at the command must not come back as
		// its output.
		if err := sess.RequestPty("xterm", 24, 80, ssh.TerminalModes{ssh.ECHO: 0}); err != nil {
			sess.Close()
			return nil, nil, c.unreachable(err)
		}
	}
	sess.Stdout, sess.Stderr = stdout, stderr
	in, err := sess.StdinPipe()
	if err != nil {
		sess.Close()
		return nil, nil, c.unreachable(err)
	}
	if err := sess.Start("/bin/sh -c " + shell.Quote(line)); err != nil {
		sess.Close()
		return nil, nil, c.unreachable(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- sess.Wait() }()
	wait := func() (int, error) {
		var err error
		select {
		case err = <-exited:
		case <-ctx.Done():
			// sshd keeps a session open until its command exits, and
			// refuses signals to it unless configured otherwise: ask
			// anyway, and stop waiting.
			_ = sess.Signal(ssh.SIGKILL)
			sess.Close()
			return -1, ctx.Err()
		}
		sess.Close()
		var exitErr *ssh.ExitError
		switch {
		case errors.As(err, &exitErr):
			return exitErr.ExitStatus(), nil
		case err != nil:
			return -1, c.unreachable(err)
		}
		return 0, nil
	}
	return in, wait, nil
}

// newSession opens a session channel. sshd frees a finished session a
// moment after the client sees it end, so an open refused when many
// commands run at once is retried for a while.
func (c *sshConn) newSession(ctx context.Context) (*ssh.Session, error) {
	delay := 10 * time.Millisecond
	for deadline := time.Now().Add(5 * time.Second); ; {
		sess, err := c.client.NewSession()
		var refused *ssh.OpenChannelError
		if err == nil || !errors.As(err, &refused) || time.Now().After(deadline) {
			if err != nil {
				return nil, c.unreachable(err)
			}
			return sess, nil
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}

func (c *sshConn) unreachable(err error) error {
	return &UnreachableError{Host: c.host, Err: err}
}

// Close implements Conn.
func (c *sshConn) Close() error { return c.client.Close() }

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
