package connection

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/gansible/gansible/shell"
)

// starter starts line with /bin/sh -c on a host, copying the command's
// output to stdout and stderr. It returns the command's stdin, which the
// caller closes, and a wait function that returns the exit status once the
// command has exited and its output has been copied. With tty the command
// runs on a terminal (stderr then arrives merged into stdout).
type starter func(ctx context.Context, line string, tty bool, stdout, stderr io.Writer) (stdin io.WriteCloser, wait func() (int, error), err error)

// run runs cmd through start, as become says. It is the whole of Conn.Run
// for every connection type; only starting a process differs between them.
func run(ctx context.Context, start starter, cmd string, stdin io.Reader, become *Become) (Result, error) {
	plan, err := planBecome(cmd, stdin, become)
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newWatcher(plan, cancel)
	in, wait, err := start(ctx, plan.line, plan.tty, w.stdoutWriter(), w.stderrWriter())
	if err != nil {
		return Result{}, err
	}
	exited := make(chan struct{})
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		w.feed(in, plan.stdin, exited)
	}()
	code, err := wait()
	close(exited)
	<-fed
	return w.result(code, err)
}

// becomePlan is how to run one command: the command line, whether it needs
// a terminal, what to feed it once it runs, and how to recognise the
// become method's prompt and success.
type becomePlan struct {
	line  string
	tty   bool
	stdin io.Reader

	method   string // "" without become
	user     string
	password string
	// marker is the line the command prints on stdout as soon as become has
	// succeeded: until then the output is the become method's, and stdin is
	// held back so that no byte of it can be taken for a password.
	marker []byte
	// prompts finds password prompts in the become method's output.
	prompts *regexp.Regexp
}

// suPrompt matches the password prompt of su in the common locales.
var suPrompt = regexp.MustCompile(`(?i)(password|passwort|contraseña|mot de passe|senha|wachtwoord|hasło|lösenord|adgangskode|passord|salasana|heslo|jelszó|parola|пароль|密码|密碼|パスワード|암호)( for [^:]*)? ?[:：]`)

// planBecome works out how to run cmd as become says.
func planBecome(cmd string, stdin io.Reader, become *Become) (becomePlan, error) {
	if become == nil {
		return becomePlan{line: cmd, stdin: stdin}, nil
	}
	p := becomePlan{
		method:   become.Method,
		user:     become.User,
		password: become.Password,
		stdin:    stdin,
	}
	if p.method == "" {
		p.method = "sudo"
	}
	if p.user == "" {
		p.user = "root"
	}
	exe := become.Exe
	if exe == "" {
		exe = p.method
	}
	key, err := randomKey()
	if err != nil {
		return becomePlan{}, err
	}
	p.marker = []byte("GANSIBLE-BECOME-SUCCESS-" + key)
	announce := "echo " + string(p.marker) + "; "

	var line strings.Builder
	switch p.method {
	case "sudo":
		prompt := "[gansible-become-password-" + key + "]"
		p.prompts = regexp.MustCompile(regexp.QuoteMeta(prompt))
		line.WriteString(shell.Quote(exe) + " -H -S")
		if p.password == "" {
			// Without a password, fail at once rather than prompt.
			line.WriteString(" -n")
		}
		line.WriteString(" -p " + shell.Quote(prompt))
		if become.Flags != "" {
			line.WriteString(" " + become.Flags)
		}
		line.WriteString(" -u " + shell.Quote(p.user) + " /bin/sh -c " + shell.Quote(announce+cmd))
	case "su":
		// su reads the password from a terminal only. On a terminal stdin
		// would be cooked by the line discipline, so the command switches it
		// to raw mode before announcing itself, and reads exactly the
		// length of stdin: a raw terminal has no end of file.
		p.tty = true
		p.prompts = suPrompt
		inner := "stty raw -echo 2>/dev/null; " + announce
		if stdin != nil {
			data, err := io.ReadAll(stdin)
			if err != nil {
				return becomePlan{}, fmt.Errorf("reading stdin: %w", err)
			}
			p.stdin = bytes.NewReader(data)
			inner += "head -c " + strconv.Itoa(len(data)) + " | /bin/sh -c " + shell.Quote(cmd)
		} else {
			inner += "/bin/sh -c " + shell.Quote(cmd) + " </dev/null"
		}
		line.WriteString(shell.Quote(exe))
		if become.Flags != "" {
			line.WriteString(" " + become.Flags)
		}
		line.WriteString(" " + shell.Quote(p.user) + " -c " + shell.Quote("/bin/sh -c "+shell.Quote(inner)))
	default:
		return becomePlan{}, &BecomeError{Msg: "become method " + p.method + " is not supported"}
	}
	p.line = line.String()
	return p, nil
}

func randomKey() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("become: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// watcher follows a running command's output: it answers the become
// method's password prompt once, gives up on a second prompt (a wrong
// password: sudo would ask again and wait forever), strips everything the
// become method printed, and lets stdin through once the command runs.
type watcher struct {
	plan   becomePlan
	cancel context.CancelFunc

	askPassword chan struct{} // the prompt appeared: send the password
	started     chan struct{} // the marker appeared: the command runs
	aborted     chan struct{} // become failed: stop feeding stdin

	mu      sync.Mutex
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	pending bytes.Buffer // stdout before the marker
	prompts int
	running bool
	done    bool // the result was taken: later output is dropped
	failure error
}

func newWatcher(plan becomePlan, cancel context.CancelFunc) *watcher {
	w := &watcher{
		plan:        plan,
		cancel:      cancel,
		askPassword: make(chan struct{}, 1),
		started:     make(chan struct{}),
		aborted:     make(chan struct{}),
	}
	if plan.marker == nil {
		w.running = true
		close(w.started)
	}
	return w
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (w *watcher) stdoutWriter() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch {
		case w.done:
			return len(p), nil
		case w.running:
			return w.stdout.Write(p)
		}
		w.pending.Write(p)
		if w.plan.tty {
			w.checkPrompts(w.pending.Bytes())
		}
		w.checkMarker()
		return len(p), nil
	})
}

func (w *watcher) stderrWriter() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.done {
			return len(p), nil
		}
		w.stderr.Write(p)
		if !w.running && !w.plan.tty {
			w.checkPrompts(w.stderr.Bytes())
		}
		return len(p), nil
	})
}

// checkPrompts counts the prompts in the become method's output so far.
func (w *watcher) checkPrompts(out []byte) {
	if w.failure != nil {
		return
	}
	n := len(w.plan.prompts.FindAllIndex(out, -1))
	if n == w.prompts {
		return
	}
	w.prompts = n
	switch {
	case w.plan.password == "":
		w.fail("Missing " + w.plan.method + " password")
	case n == 1:
		w.askPassword <- struct{}{}
	default:
		w.fail("Incorrect " + w.plan.method + " password")
	}
}

// checkMarker looks for the marker line in the pending stdout; what follows
// it is the command's own output.
func (w *watcher) checkMarker() {
	out := w.pending.Bytes()
	i := bytes.Index(out, w.plan.marker)
	if i < 0 {
		return
	}
	nl := bytes.IndexByte(out[i:], '\n')
	if nl < 0 {
		return
	}
	w.stdout.Write(out[i+nl+1:])
	w.pending.Reset()
	w.running = true
	close(w.started)
}

// fail records a become failure and stops the command: closing its stdin
// ends sudo's wait for a password, cancelling kills what is left.
func (w *watcher) fail(msg string) {
	w.failure = &BecomeError{Msg: msg}
	close(w.aborted)
	w.cancel()
}

// feed writes the password when asked, then the command's stdin once the
// command runs, and closes in.
func (w *watcher) feed(in io.WriteCloser, stdin io.Reader, exited <-chan struct{}) {
	defer in.Close()
	for {
		select {
		case <-w.askPassword:
			// A failed write means the command is gone; wait tells why.
			_, _ = io.WriteString(in, w.plan.password+"\n")
		case <-w.started:
			if stdin != nil {
				_, _ = io.Copy(in, stdin)
			}
			if w.plan.tty {
				// Closing a terminal's input can hang up the command
				// before it has read everything.
				<-exited
			}
			return
		case <-w.aborted:
			return
		case <-exited:
			return
		}
	}
}

// result builds the command's result once it has exited.
func (w *watcher) result(code int, err error) (Result, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	if w.failure != nil {
		return Result{ExitCode: code}, w.failure
	}
	if err != nil {
		return Result{}, err
	}
	stderr := w.stderr.Bytes()
	if w.plan.prompts != nil && !w.plan.tty {
		stderr = w.plan.prompts.ReplaceAll(stderr, nil)
	}
	res := Result{Stdout: w.stdout.Bytes(), Stderr: stderr, ExitCode: code}
	if !w.running {
		return res, w.notStarted(res)
	}
	return res, nil
}

// notStarted explains why the become method never ran the command.
func (w *watcher) notStarted(res Result) error {
	out := res.Stderr
	if w.plan.tty {
		out = w.pending.Bytes()
	}
	switch {
	case bytes.Contains(out, []byte("a password is required")):
		return &BecomeError{Msg: "Missing " + w.plan.method + " password"}
	case w.prompts > 0:
		return &BecomeError{Msg: "Incorrect " + w.plan.method + " password"}
	}
	msg := strings.TrimSpace(string(out))
	if w.plan.password != "" {
		msg = strings.ReplaceAll(msg, w.plan.password, "********")
	}
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", res.ExitCode)
	}
	return &BecomeError{Msg: fmt.Sprintf("%s to user %s failed: %s", w.plan.method, w.plan.user, msg)}
}
