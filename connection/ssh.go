package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
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
	// Retries is how many more times a connection that fails for want of
	// an answer is tried (ansible's ssh retries). A wrong key or
	// password and a changed host key are never tried again; a handshake
	// that sshd drops is tried again within the timeout in any case.
	Retries int
	// ProxyJump ([user@]host[:port], comma-separated) and ProxyCommand
	// (a command whose stdin and stdout are the connection) reach the
	// host through a bastion; they win over the ssh config's. "none" is
	// no proxy.
	ProxyJump, ProxyCommand string
}

// defaultTimeout is ansible's default connection timeout.
const defaultTimeout = 10 * time.Second

// stopGrace is how long a cancelled command has between TERM and KILL.
const stopGrace = time.Second

// maxSessions is how many sessions are open at once on one connection,
// shell servers' included: sshd refuses sessions beyond its MaxSessions,
// 10 by default, and frees a finished session's place a moment after the
// client sees it end, so one place is left for that moment. An sshd set
// lower still refuses some: those opens wait (see newSession).
const maxSessions = 10 - 1

// sshConn is a Conn over one SSH connection; each Run is a new session.
type sshConn struct {
	client   *ssh.Client
	host     string // inventory name, for UnreachableError
	sessions chan struct{}
	open     openSessions
	shells   shellServers
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
		// Reading the ssh config or known_hosts is where a controller out
		// of file descriptors first fails.
		return nil, &UnreachableError{Host: name, Err: fdLimit(err)}
	}
	client, err := target.dial(ctx)
	if err != nil {
		return nil, &UnreachableError{Host: name, Err: err}
	}
	return &sshConn{client: client, host: name, sessions: make(chan struct{}, maxSessions)}, nil
}

// Run implements Conn. A command runs in the connection's shell server
// for its become identity when it can, else in a session of its own.
func (c *sshConn) Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
	if wantsTTY(ctx) {
		// A terminal is a session's own: no shell server has one.
		return c.runSession(ctx, cmd, stdin, become)
	}
	res, rest, err := c.shells.run(ctx, c.startServer, cmd, stdin, become)
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, errNotServed):
		stdin = rest
	case ctx.Err() != nil:
		return Result{}, ctx.Err()
	default:
		var becomeErr *BecomeError
		var unreachable *UnreachableError
		var refused *CommandError
		if !errors.As(err, &becomeErr) && !errors.As(err, &unreachable) && !errors.As(err, &refused) {
			err = c.unreachable(err)
		}
		return Result{}, err
	}
	return c.runSession(ctx, cmd, stdin, become)
}

// runSession runs cmd in a session of its own, within sshd's MaxSessions.
func (c *sshConn) runSession(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
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
	return c.startSession(ctx, line, tty || wantsTTY(ctx), stdout, stderr, false)
}

// startSession is start for a session that ends with its command
// (lasting false) or that stays open as a shell server (lasting true).
func (c *sshConn) startSession(ctx context.Context, line string, tty bool, stdout, stderr io.Writer, lasting bool) (io.WriteCloser, func() (int, error), error) {
	opened, err := c.newSession(ctx, lasting)
	if err != nil {
		return nil, nil, err
	}
	sess := trackedSession{Session: opened, open: &c.open, lasting: lasting, once: new(sync.Once)}
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
			// sshd keeps a session open until its command exits. A
			// recent one passes signals on to the session's process
			// group: TERM first, so that a shell server's traps remove
			// its directory, then KILL. An older one refuses them:
			// closing the session then ends a shell server's input.
			_ = sess.Signal(ssh.SIGTERM)
			select {
			case <-exited:
			case <-time.After(stopGrace):
				_ = sess.Signal(ssh.SIGKILL)
			}
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

// newSession opens a session channel. An open that sshd refuses (past
// its MaxSessions, "administratively prohibited: open failed") waits for
// a session of this connection's to end and tries again: the command
// waits its turn instead of failing. sshd frees a finished session a
// moment after the client sees it end, and other clients' sessions are
// not seen at all, so with none of this connection's about to end the
// open is tried again for a while before it fails.
func (c *sshConn) newSession(ctx context.Context, lasting bool) (*ssh.Session, error) {
	delay := 10 * time.Millisecond
	deadline := time.Now().Add(sessionRefusedFor)
	for {
		ended, ending := c.open.watch()
		sess, err := c.client.NewSession()
		if err == nil {
			c.open.opened(lasting)
			return sess, nil
		}
		var refused *ssh.OpenChannelError
		if !errors.As(err, &refused) {
			return nil, c.unreachable(err)
		}
		wait := time.After(delay)
		if ending {
			// One of this connection's sessions will end: wait for it
			// however long its command runs.
			wait = nil
			deadline = time.Now().Add(sessionRefusedFor)
		} else if time.Now().After(deadline) {
			return nil, c.unreachable(fmt.Errorf("the host refused a new session (sshd's MaxSessions) for %v: %w", sessionRefusedFor, err))
		}
		select {
		case <-wait:
			delay = min(2*delay, 200*time.Millisecond)
		case <-ended:
			delay = 10 * time.Millisecond
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// sessionRefusedFor is how long sshd may refuse a session while none of
// the connection's own is about to end.
const sessionRefusedFor = 5 * time.Second

// openSessions counts the sessions open on a connection, so that an open
// that sshd refuses knows whether one of them is about to make room.
type openSessions struct {
	mu      sync.Mutex
	open    int           // sessions open
	lasting int           // of which shell servers', which stay open
	peak    int           // the most open at once
	ended   chan struct{} // closed, and replaced, when a session ends
}

// watch returns a channel closed when a session next ends, and whether
// a session is open that will end with its command.
func (o *openSessions) watch() (<-chan struct{}, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ended == nil {
		o.ended = make(chan struct{})
	}
	return o.ended, o.open > o.lasting
}

func (o *openSessions) opened(lasting bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.open++
	o.peak = max(o.peak, o.open)
	if lasting {
		o.lasting++
	}
}

func (o *openSessions) closed(lasting bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.open--
	if lasting {
		o.lasting--
	}
	if o.ended != nil {
		close(o.ended)
		o.ended = nil
	}
}

// trackedSession is a session that counts itself closed once.
type trackedSession struct {
	*ssh.Session
	open    *openSessions
	lasting bool
	once    *sync.Once
}

func (s trackedSession) Close() error {
	err := s.Session.Close()
	s.once.Do(func() { s.open.closed(s.lasting) })
	return err
}

// startServer starts a shell server's session. The session holds one of
// the connection's session slots for as long as it lives; when none is
// free, the command runs in a session of its own.
func (c *sshConn) startServer(ctx context.Context, line string, tty bool, stdout, stderr io.Writer) (io.WriteCloser, func() (int, error), error) {
	select {
	case c.sessions <- struct{}{}:
	default:
		return nil, nil, errNotServed
	}
	in, wait, err := c.startSession(ctx, line, tty, stdout, stderr, true)
	if err != nil {
		<-c.sessions
		return nil, nil, err
	}
	return in, func() (int, error) {
		defer func() { <-c.sessions }()
		return wait()
	}, nil
}

func (c *sshConn) unreachable(err error) error {
	return &UnreachableError{Host: c.host, Err: err}
}

// Close implements Conn.
func (c *sshConn) Close() error {
	c.shells.close()
	return c.client.Close()
}
