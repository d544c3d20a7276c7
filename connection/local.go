package connection

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"syscall"
)

// Local runs commands on the controller itself (ansible_connection=local).
type Local struct{}

// Run implements Conn.
func (Local) Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
	return run(ctx, startLocal, cmd, stdin, become)
}

// Close implements Conn.
func (Local) Close() error { return nil }

// startLocal is the starter of the local connection.
func startLocal(ctx context.Context, line string, tty bool, stdout, stderr io.Writer) (io.WriteCloser, func() (int, error), error) {
	if tty {
		return nil, nil, &BecomeError{Msg: "become method su needs a terminal, which the local connection does not provide"}
	}
	c := exec.CommandContext(ctx, "/bin/sh", "-c", line)
	c.Stdout, c.Stderr = stdout, stderr
	// A cancelled command gets TERM, it and its children (its own
	// process group), as over SSH: a shell server's traps then remove
	// its directory. It is killed if still there a moment later, and its
	// children, which may hold its output open, are not waited for.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGTERM) }
	c.WaitDelay = stopGrace
	in, err := c.StdinPipe()
	if err != nil {
		return nil, nil, fdLimit(err)
	}
	if err := c.Start(); err != nil {
		in.Close()
		return nil, nil, fdLimit(err)
	}
	wait := func() (int, error) {
		err := c.Wait()
		var exitErr *exec.ExitError
		switch {
		case ctx.Err() != nil:
			return -1, ctx.Err()
		case errors.As(err, &exitErr):
			return exitErr.ExitCode(), nil
		case err != nil:
			return -1, err
		}
		return 0, nil
	}
	return in, wait, nil
}
