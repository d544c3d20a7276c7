package connection

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

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

	// stdoutSink and stderrSink, when set, take the command's own output
	// instead of the buffers: a long-lived shell's output is a stream.
	stdoutSink, stderrSink io.Writer

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

// ttyPromptSettle is how long a password prompt on a terminal is left to
// settle before the password is typed.
const ttyPromptSettle = 100 * time.Millisecond

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// outputChunk is how much of a command's output is read at a time. The
// copy that reads it waits in Read with its buffer for as long as the
// command runs, and a shell server's for the whole run: io.Copy's own
// 32 KiB, twice per session, was most of the controller's memory per
// host. The SSH channel queues what arrives meanwhile, so a smaller
// buffer costs only more, shorter reads.
const outputChunk = 4 << 10

// ReadFrom makes io.Copy from a command's output use a buffer of
// outputChunk.
func (f writerFunc) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, outputChunk)
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			written, werr := f(buf[:n])
			total += int64(written)
			if werr != nil {
				return total, werr
			}
			if written < n {
				return total, io.ErrShortWrite
			}
		}
		switch {
		case err == io.EOF:
			return total, nil
		case err != nil:
			return total, err
		}
	}
}

func (w *watcher) stdoutWriter() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch {
		case w.done:
			return len(p), nil
		case w.running && w.stdoutSink != nil:
			return w.stdoutSink.Write(p)
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
		if w.running && w.stderrSink != nil {
			return w.stderrSink.Write(p)
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
	if rest := out[i+nl+1:]; w.stdoutSink != nil {
		// The sink may block until its reader catches up.
		_, _ = w.stdoutSink.Write(rest)
	} else {
		w.stdout.Write(rest)
	}
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
			if w.plan.tty {
				// PAM prints the prompt before it turns echo off with
				// TCSAFLUSH, which discards input typed ahead.
				time.Sleep(ttyPromptSettle)
			}
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
