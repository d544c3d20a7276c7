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
	// via are the jump hosts, first reached first; proxyCommand, when
	// set instead, is the command that carries the connection.
	via          []sshTarget
	proxyCommand string
}

// maxJumps bounds a chain of jump hosts, each of which may name jump
// hosts of its own in the ssh config.
const maxJumps = 8

// resolve merges o with the ssh config and the defaults. Explicit options
// win over the ssh config, as they do with ansible, which passes them to
// ssh as -o options.
func resolve(o SSHOptions) (sshTarget, error) {
	return resolveDepth(o, 0)
}

func resolveDepth(o SSHOptions, depth int) (sshTarget, error) {
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

	proxyJump, proxyCommand := o.ProxyJump, o.ProxyCommand
	if proxyJump == "" && proxyCommand == "" {
		proxyJump, proxyCommand = hc.ProxyJump, hc.ProxyCommand
	}
	switch {
	case proxyJump != "" && proxyJump != "none":
		if depth >= maxJumps {
			return sshTarget{}, fmt.Errorf("too many jump hosts reaching %s (ProxyJump loops?)", given)
		}
		for _, hop := range strings.Split(proxyJump, ",") {
			jump, err := resolveDepth(jumpOptions(o, strings.TrimSpace(hop)), depth+1)
			if err != nil {
				return sshTarget{}, err
			}
			t.via = append(t.via, jump)
		}
	case proxyCommand != "" && proxyCommand != "none":
		t.proxyCommand = expandTokens(proxyCommand, map[byte]string{'h': t.host, 'p': strconv.Itoa(t.port), 'r': t.user, 'n': given})
	}

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

// jumpOptions are the options of a jump host given as [user@]host[:port]:
// the target's host key checking, timeout and keys; the ssh config says
// the rest, as for ssh -J.
func jumpOptions(o SSHOptions, hop string) SSHOptions {
	j := SSHOptions{
		HostKeyChecking: o.HostKeyChecking,
		KnownHostsFiles: o.KnownHostsFiles,
		Timeout:         o.Timeout,
		SSHConfigFile:   o.SSHConfigFile,
		PrivateKeyFiles: o.PrivateKeyFiles,
		Password:        o.Password,
	}
	if user, rest, ok := strings.Cut(hop, "@"); ok {
		j.User, hop = user, rest
	}
	if host, port, err := net.SplitHostPort(hop); err == nil {
		if n, err := strconv.Atoi(port); err == nil {
			j.Port = n
			hop = host
		}
	}
	j.Host, j.InventoryName = hop, hop
	return j
}

// dial connects and logs in, within ctx. Each attempt has the timeout
// for itself: a handshake that sshd drops (past its MaxStartups) is tried
// again within it, and a failed attempt is followed by as many more as
// the retries say.
func (t sshTarget) dial(ctx context.Context) (*ssh.Client, error) {
	release, err := dialWaves.dialing(ctx)
	if err != nil {
		return nil, &dialFailure{err: err, kind: failFinal}
	}
	defer release()
	var client *ssh.Client
	err = t.policy.do(ctx, t.timeout, time.Now, func(deadline time.Time) error {
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
	// Waiting for a slot counts against the attempt's timeout, as a
	// connection sshd holds unanswered would.
	release, err := dialWaves.acquire(ctx, t.addr)
	if err != nil {
		if parent.Err() != nil {
			return nil, &dialFailure{err: parent.Err(), kind: failFinal}
		}
		return nil, t.dialError(err)
	}
	defer release()
	tcp, err := t.transport(ctx, deadline)
	if err != nil {
		if parent.Err() != nil {
			err = parent.Err()
		}
		var failure *dialFailure
		if errors.As(err, &failure) {
			return nil, failure
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

// transport opens the byte stream the SSH connection runs over: a TCP
// connection, or one through the jump hosts, or a proxy command's stdin
// and stdout.
func (t sshTarget) transport(ctx context.Context, deadline time.Time) (net.Conn, error) {
	switch {
	case t.proxyCommand != "":
		return startProxyCommand(t.proxyCommand, streamAddr(t.addr))
	case len(t.via) > 0:
		// The last jump host is reached through the ones before it.
		last := t.via[len(t.via)-1]
		last.via = append(last.via[:len(last.via):len(last.via)], t.via[:len(t.via)-1]...)
		jump, err := last.dialOnce(ctx, deadline)
		if err != nil {
			var failure *dialFailure
			if errors.As(err, &failure) {
				failure.err = fmt.Errorf("%w (jump host %s)", failure.err, last.host)
				return nil, failure
			}
			return nil, err
		}
		// The jump host resolves the name, as with ssh -J: a bastion
		// often knows names the controller does not.
		ch, reqs, err := jump.OpenChannel("direct-tcpip", ssh.Marshal(directTCPIP{Host: t.host, Port: uint32(t.port), OriginHost: "127.0.0.1"}))
		if err != nil {
			jump.Close()
			return nil, &dialFailure{err: fmt.Errorf("ssh: connect to host %s port %d through jump host %s: %w", t.host, t.port, last.host, err), kind: failUnreachable}
		}
		go ssh.DiscardRequests(reqs)
		return &jumpedConn{Channel: ch, jump: jump, remote: streamAddr(t.addr)}, nil
	}
	return (&net.Dialer{}).DialContext(ctx, "tcp", t.addr)
}

// directTCPIP is the payload of a "direct-tcpip" channel open (RFC 4254
// 7.2).
type directTCPIP struct {
	Host       string
	Port       uint32
	OriginHost string
	OriginPort uint32
}

// jumpedConn is a connection forwarded by a jump host; closing it closes
// the connection to the jump host too.
type jumpedConn struct {
	ssh.Channel
	jump   *ssh.Client
	remote streamAddr
}

func (c *jumpedConn) Close() error {
	err := c.Channel.Close()
	c.jump.Close()
	return err
}

func (c *jumpedConn) LocalAddr() net.Addr  { return streamAddr("127.0.0.1:0") }
func (c *jumpedConn) RemoteAddr() net.Addr { return c.remote }

// Deadlines are not kept on a channel; the dial's context closes the
// connection when its time is up instead.
func (c *jumpedConn) SetDeadline(time.Time) error      { return nil }
func (c *jumpedConn) SetReadDeadline(time.Time) error  { return nil }
func (c *jumpedConn) SetWriteDeadline(time.Time) error { return nil }

// streamAddr is the host:port a proxied stream leads to: known_hosts
// checks read the address from it.
type streamAddr string

func (a streamAddr) Network() string { return "tcp" }
func (a streamAddr) String() string  { return string(a) }

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
