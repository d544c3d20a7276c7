package connection

import (
	"context"
	"io"
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
