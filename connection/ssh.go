package connection

import (
	"context"
	"errors"
	"io"
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

// stopGrace is how long a cancelled command has between TERM and KILL.
const stopGrace = time.Second

// maxSessions is how many commands run at once on one connection: sshd
// refuses sessions beyond its MaxSessions, 10 by default.
const maxSessions = 10

// sshConn is a Conn over one SSH connection; each Run is a new session.
type sshConn struct {
	client   *ssh.Client
	host     string // inventory name, for UnreachableError
	sessions chan struct{}
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
		return nil, &UnreachableError{Host: name, Err: err}
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

// startServer starts a shell server's session. The session holds one of
// the connection's session slots for as long as it lives; when none is
// free, the command runs in a session of its own.
func (c *sshConn) startServer(ctx context.Context, line string, tty bool, stdout, stderr io.Writer) (io.WriteCloser, func() (int, error), error) {
	select {
	case c.sessions <- struct{}{}:
	default:
		return nil, nil, errNotServed
	}
	in, wait, err := c.start(ctx, line, tty, stdout, stderr)
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
