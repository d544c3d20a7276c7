package connection

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A shell server is one long-lived /bin/sh on a host, started once per
// connection and become identity, that runs the commands sent to it one
// after another, each in its own /bin/sh -c. Starting a command this way
// costs the host one fork and exec; a new SSH session costs it sshd's
// session setup, a login shell and, with become, a sudo with its PAM stack
// each time, which on a small host is most of the time a playbook takes.
//
// The protocol is plain sh on the host. The server first writes a line
// "gansible-shell-ready" on stdout once it has its directory; a server
// that cannot make one leaves the commands to sessions of their own. For
// each command the controller then writes a header line
// "NONCE LINES STDIN_BYTES", then the command in
// LINES lines, then STDIN_BYTES bytes of stdin, then a line "NONCE". The
// server copies the stdin to a private file with head -c (exact on a
// pipe) so that a command that leaves its stdin unread cannot
// desynchronise the stream, and runs the command only once the whole
// request has arrived: the header well formed, all LINES lines, the stdin
// file written in full (head's status and the file's size) and the
// closing nonce in its place. When the command has exited the server
// writes "\nNONCE\n" on stderr and "\nNONCE STATUS\n" on stdout. The
// nonce is fresh random for every command, so no output can end a frame
// early.
//
// A stream the server cannot trust any more is never read further: when
// the stdin file cannot be written (a full or read-only temp dir) the
// server writes the file's name, head's message and "\nNONCE\n" on stderr and
// "\nNONCE spool\n" on stdout, and exits; on anything else out of step
// (a stream that ends early, a bad header) it exits without a word. The
// command runs in neither case.
//
// The stdin file lives in ${TMPDIR:-/tmp}, not in a memory-backed dir
// such as /dev/shm: that is often shared by the containers of one
// machine, whose process ids the stale-directory sweep below could not
// tell apart. A command must not start before all its stdin is there (a
// cut-off stream would otherwise run it on half its input), so some file
// it must be; it is emptied after each command.
//
// Each server's directory holds a file "pid" with "PID HOSTNAME". A
// server starting removes the directories of the same user's servers
// that are gone (their controller was killed, or their shell was): on
// the same host name, those whose PID no longer runs. A directory with
// no valid pid file yet may be a server's starting at this moment, and
// one of another host name (a /tmp shared with a container) cannot be
// asked: those go only when over 12 hours old.
const shellServerScript = `exec 3>&2 2>/dev/null
__gansible_base=${TMPDIR:-/tmp}
__gansible_host=
read -r __gansible_host </proc/sys/kernel/hostname
for __gansible_old in "$__gansible_base"/.gansible-sh.*; do
	[ -d "$__gansible_old" ] && [ ! -L "$__gansible_old" ] && [ -O "$__gansible_old" ] || continue
	__gansible_pid= __gansible_oldhost=
	read -r __gansible_pid __gansible_oldhost <"$__gansible_old/pid"
	case $__gansible_pid:$__gansible_oldhost in
	*[!0-9]*:* | :*) ;;
	*:"$__gansible_host")
		kill -0 "$__gansible_pid" || rm -rf "$__gansible_old"
		continue
		;;
	esac
	[ -z "$(find "$__gansible_old" -maxdepth 0 -mmin +720)" ] || rm -rf "$__gansible_old"
done
__gansible_dir=$(mktemp -d "$__gansible_base/.gansible-sh.XXXXXXXX" 2>&3) || exit 1
trap 'rm -rf "$__gansible_dir"' EXIT
trap 'exit 129' HUP
trap 'exit 143' TERM
trap 'exit 141' PIPE
echo "$$ $__gansible_host" >"$__gansible_dir/pid" || exit 1
__gansible_in=$__gansible_dir/stdin
echo ` + shellReady + `
# __gansible_spool_failed reports that the request's stdin could not be
# written, and ends the server: how much of the stream head took is unknown.
__gansible_spool_failed() {
	printf '%s: %s\n%s\n' "$__gansible_in" "$1" "$__gansible_nonce" >&3
	printf '\n%s spool\n' "$__gansible_nonce"
	exit 1
}
while IFS=' ' read -r __gansible_nonce __gansible_lines __gansible_inlen; do
	case $__gansible_nonce in '' | *[!0-9a-f]*) exit 1 ;; esac
	case $__gansible_lines in '' | *[!0-9]*) exit 1 ;; esac
	case $__gansible_inlen in '' | *[!0-9]*) exit 1 ;; esac
	__gansible_cmd=
	while [ "$__gansible_lines" -gt 0 ] && IFS= read -r __gansible_line; do
		__gansible_cmd="$__gansible_cmd$__gansible_line
"
		__gansible_lines=$((__gansible_lines - 1))
	done
	[ "$__gansible_lines" -eq 0 ] || exit 1
	__gansible_stdin=/dev/null
	if [ "$__gansible_inlen" -gt 0 ]; then
		__gansible_stdin=$__gansible_in
		__gansible_err=$(head -c "$__gansible_inlen" 2>&1 >"$__gansible_in") ||
			__gansible_spool_failed "${__gansible_err:-head failed}"
		__gansible_size=$(wc -c 2>&1 <"$__gansible_in") ||
			__gansible_spool_failed "${__gansible_size:-wc failed}"
		[ "$__gansible_size" -eq "$__gansible_inlen" ] ||
			__gansible_spool_failed "holds $__gansible_size of $__gansible_inlen bytes"
	fi
	IFS= read -r __gansible_end && [ "$__gansible_end" = "$__gansible_nonce" ] || exit 1
	(exec /bin/sh -c "$__gansible_cmd" <"$__gansible_stdin" 2>&3 3>&-)
	__gansible_status=$?
	[ "$__gansible_stdin" = /dev/null ] || : >"$__gansible_in"
	printf '\n%s\n' "$__gansible_nonce" >&3
	printf '\n%s %s\n' "$__gansible_nonce" "$__gansible_status"
done
`

// shellReady is the line a server writes on stdout once it has its
// directory: until then it has read no request, so a server that cannot
// start (a full or read-only temp dir) leaves its commands to sessions
// of their own.
const shellReady = "gansible-shell-ready"

// Commands beyond these sizes run in a session of their own: a command is
// one argument of /bin/sh -c on the host (Linux caps one argument at
// 128 KiB), and stdin is held in the controller's memory and copied to a
// file on the host first.
const (
	maxServedCommand = 64 << 10
	maxServedStdin   = 4 << 20
)

// errNotServed says that a command must run in a session of its own.
var errNotServed = errors.New("not served by the shell server")

// shellServer is one running shell server.
type shellServer struct {
	mu       sync.Mutex // held while a command runs
	requests *requestPipe
	stdout   *stream
	stderr   *stream
	stop     context.CancelFunc
	exited   chan struct{}
	failure  error // why the server can no longer be used; under mu
}

// startShellServer starts a shell server through start, as become says.
// It returns errNotServed when the become method needs a terminal, and
// the become method's error (a wrong password, say) as run would. ctx
// bounds the start only: the server outlives it.
func startShellServer(ctx context.Context, start starter, become *Become) (*shellServer, error) {
	// The script itself comes first on stdin, so that what the host
	// shows of the command (ps, sudo's logs, SUDO_COMMAND) stays short.
	plan, err := planBecome(fmt.Sprintf(`eval "$(head -c %d)"`, len(shellServerScript)), nil, become)
	if err != nil {
		return nil, err
	}
	if plan.tty {
		return nil, errNotServed
	}
	requests := newRequestPipe()
	// The server outlives the command that starts it.
	serverCtx, cancel := context.WithCancel(context.Background())
	s := &shellServer{
		requests: requests,
		stdout:   newStream(),
		stderr:   newStream(),
		stop:     cancel,
		exited:   make(chan struct{}),
	}
	w := newWatcher(plan, cancel)
	w.stdoutSink, w.stderrSink = s.stdout, s.stderr
	in, wait, err := start(serverCtx, plan.line, false, w.stdoutWriter(), w.stderrWriter())
	if err != nil {
		cancel()
		return nil, err
	}
	var code int
	var waitErr error
	go func() {
		code, waitErr = wait()
		close(s.exited)
		ended := waitErr
		if ended == nil {
			ended = fmt.Errorf("the shell on the host exited with status %d", code)
		}
		s.stdout.end(ended)
		s.stderr.end(ended)
		requests.CloseWithError(ended)
	}()
	go w.feed(in, requests, s.exited)
	scriptSent := make(chan error, 1)
	go func() {
		_, err := io.WriteString(requests, shellServerScript)
		scriptSent <- err
	}()
	select {
	case <-w.started:
		if err := <-scriptSent; err != nil {
			cancel()
			return nil, err
		}
		if _, err := s.stdout.next(ctx, []byte(shellReady+"\n")); err != nil {
			cancel()
			<-s.exited
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("%w: %s", err, bytes.TrimSpace(s.stderr.rest()))
		}
		return s, nil
	case <-ctx.Done():
		cancel()
		<-s.exited
		return nil, ctx.Err()
	case <-s.exited:
		// The become method refused, or the shell could not start.
		res, err := w.result(code, waitErr)
		if err == nil {
			err = fmt.Errorf("the shell on the host exited with status %d: %s", res.ExitCode, bytes.TrimSpace(res.Stderr))
		}
		return nil, err
	}
}

// run runs one command. It returns errNotServed, having run nothing, when
// the command is too large or the server is busy or broken. A command
// with a NUL byte is declined too: on the session path planBecome refuses
// it with a CommandError, the one check every path goes through.
func (s *shellServer) run(ctx context.Context, cmd string, stdin io.Reader) (Result, io.Reader, error) {
	if len(cmd) > maxServedCommand || strings.IndexByte(cmd, 0) >= 0 {
		return Result{}, stdin, errNotServed
	}
	if !s.mu.TryLock() {
		return Result{}, stdin, errNotServed
	}
	defer s.mu.Unlock()
	if s.failure != nil {
		return Result{}, stdin, errNotServed
	}
	var input []byte
	if stdin != nil {
		var err error
		input, err = io.ReadAll(io.LimitReader(stdin, maxServedStdin+1))
		if err != nil {
			return Result{}, nil, fmt.Errorf("reading stdin: %w", err)
		}
		if len(input) > maxServedStdin {
			return Result{}, io.MultiReader(bytes.NewReader(input), stdin), errNotServed
		}
	}
	nonce, err := randomKey()
	if err != nil {
		return Result{}, nil, err
	}
	if !strings.HasSuffix(cmd, "\n") {
		cmd += "\n"
	}
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %d %d\n%s", nonce, strings.Count(cmd, "\n"), len(input), cmd)
	req.Write(input)
	fmt.Fprintf(&req, "%s\n", nonce)
	res, err := s.exchange(ctx, nonce, req.Bytes())
	var spool *spoolError
	switch {
	case errors.As(err, &spool):
		// The server is ending by itself; let its EXIT trap remove its
		// directory rather than kill it.
		s.failure = err
		s.close()
		return Result{}, nil, &CommandError{Msg: "host's temp dir is full or not writable: " + spool.msg}
	case err != nil:
		// Whatever was half-done leaves the stream out of step: this
		// server is done with.
		s.failure = err
		s.stop()
	}
	return res, nil, err
}

// spoolError is the server's report that it could not write a request's
// stdin to its file; it has run nothing and is exiting.
type spoolError struct{ msg string }

func (e *spoolError) Error() string { return "writing stdin on the host: " + e.msg }

// exchange sends one request and reads its frames.
func (s *shellServer) exchange(ctx context.Context, nonce string, req []byte) (Result, error) {
	sent := make(chan error, 1)
	go func() {
		_, err := s.requests.Write(req)
		sent <- err
	}()
	stderr, err := s.stderr.next(ctx, []byte("\n"+nonce+"\n"))
	if err != nil {
		return Result{}, err
	}
	stdout, err := s.stdout.next(ctx, []byte("\n"+nonce+" "))
	if err != nil {
		return Result{}, err
	}
	status, err := s.stdout.next(ctx, []byte("\n"))
	if err != nil {
		return Result{}, err
	}
	if string(status) == "spool" {
		// The server read no further than the stdin it could not write,
		// so what is left of the request will never be taken: do not
		// wait for it to be sent.
		return Result{}, &spoolError{msg: string(bytes.TrimSpace(stderr))}
	}
	code, err := strconv.Atoi(string(status))
	if err != nil {
		return Result{}, fmt.Errorf("the shell on the host sent a bad exit status %q", status)
	}
	if err := <-sent; err != nil {
		return Result{}, err
	}
	return Result{Stdout: stdout, Stderr: stderr, ExitCode: code}, nil
}

// close ends the server: the end of its requests ends its loop, and its
// EXIT trap removes its directory; a server that does not go is killed.
func (s *shellServer) close() {
	s.requests.Close()
	select {
	case <-s.exited:
	case <-closeGrace():
		s.stop()
		<-s.exited
	}
	s.stop() // releases the server's context
}

// stream is output of a shell server, read in frames. Writes never block,
// so the watcher can write while holding its lock.
type stream struct {
	mu      sync.Mutex
	buf     []byte
	scanned int   // no terminator starts before buf[scanned]
	err     error // why the output ended
	more    chan struct{}
}

func newStream() *stream { return &stream{more: make(chan struct{}, 1)} }

func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.buf = append(s.buf, p...)
	s.mu.Unlock()
	s.signal()
	return len(p), nil
}

// rest returns the output not yet taken as a frame.
func (s *stream) rest() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.buf)
}

func (s *stream) end(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	s.signal()
}

func (s *stream) signal() {
	select {
	case s.more <- struct{}{}:
	default:
	}
}

// next returns the output up to term and consumes it and term.
func (s *stream) next(ctx context.Context, term []byte) ([]byte, error) {
	for {
		s.mu.Lock()
		if i := bytes.Index(s.buf[s.scanned:], term); i >= 0 {
			i += s.scanned
			// The frame keeps the array it arrived in and what follows
			// moves to a new one: a buffer reused in place would stay
			// as large as the largest output for the server's life.
			frame := s.buf[:i:i]
			s.buf = bytes.Clone(s.buf[i+len(term):])
			s.scanned = 0
			s.mu.Unlock()
			return frame, nil
		}
		s.scanned = max(0, len(s.buf)-len(term)+1)
		err := s.err
		s.mu.Unlock()
		if err != nil {
			return nil, err
		}
		select {
		case <-s.more:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// shellServers holds a connection's shell servers, one per become
// identity, started on first use.
type shellServers struct {
	mu      sync.Mutex
	servers map[string]*shellServer
	refused map[string]bool // identities whose server could not start
}

// serverKey identifies a become identity; "" is the connection's user.
func serverKey(b *Become) string {
	if b == nil {
		return ""
	}
	return strings.Join([]string{b.Method, b.User, b.Exe, b.Flags, b.Password}, "\x00")
}

// run runs cmd on the server for become, starting it if need be. It
// returns errNotServed, with the stdin to use instead, when the command
// must run in a session of its own.
func (p *shellServers) run(ctx context.Context, start starter, cmd string, stdin io.Reader, become *Become) (Result, io.Reader, error) {
	s, err := p.server(ctx, start, become)
	if err != nil {
		return Result{}, stdin, err
	}
	return s.run(ctx, cmd, stdin)
}

func (p *shellServers) server(ctx context.Context, start starter, become *Become) (*shellServer, error) {
	key := serverKey(become)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refused[key] {
		return nil, errNotServed
	}
	if s := p.servers[key]; s != nil && s.usable() {
		return s, nil
	}
	s, err := startShellServer(ctx, start, become)
	var becomeErr *BecomeError
	var refused *CommandError
	switch {
	case err != nil && ctx.Err() != nil:
		// Cancelled while starting: the next command tries again.
		return nil, err
	case errors.As(err, &becomeErr), errors.As(err, &refused):
		// The same refusal awaits the command in a session of its own.
		return nil, err
	case errors.Is(err, errNotServed):
		return nil, err
	case err != nil:
		if p.refused == nil {
			p.refused = map[string]bool{}
		}
		p.refused[key] = true
		return nil, errNotServed
	}
	if p.servers == nil {
		p.servers = map[string]*shellServer{}
	}
	p.servers[key] = s
	return s, nil
}

// usable reports whether the server may take commands; a busy server
// counts as usable (run then declines).
func (s *shellServer) usable() bool {
	select {
	case <-s.exited:
		return false
	default:
	}
	if !s.mu.TryLock() {
		return true
	}
	defer s.mu.Unlock()
	return s.failure == nil
}

// close ends every server.
func (p *shellServers) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range p.servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.close()
		}()
	}
	wg.Wait()
	p.servers = nil
}

// closeGrace is how long a closing server has to end by itself.
func closeGrace() <-chan time.Time { return time.After(2 * time.Second) }
