package connection

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"syscall"
)

// Local runs commands on the controller itself (ansible_connection=local).
type Local struct {
	// Dir is the directory commands start in ("" is gansible's own). It
	// is the process's working directory, not a cd in the command, so
	// that a become user who may not enter it still starts there, as
	// with Ansible's local connection.
	Dir string
}

// Run implements Conn.
func (l Local) Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
	return run(ctx, localStarter(l.Dir), cmd, stdin, become)
}

// localStarter is the starter of the local connection, in dir.
func localStarter(dir string) starter {
	return func(ctx context.Context, line string, tty bool, stdout, stderr io.Writer) (io.WriteCloser, func() (int, error), error) {
		return startLocal(ctx, dir, line, tty, stdout, stderr)
	}
}

// Close implements Conn.
func (Local) Close() error { return nil }

// startLocal starts a command of the local connection in dir.
func startLocal(ctx context.Context, dir, line string, tty bool, stdout, stderr io.Writer) (io.WriteCloser, func() (int, error), error) {
	if tty {
		return nil, nil, &BecomeError{Msg: "become method su needs a terminal, which the local connection does not provide"}
	}
	c := exec.CommandContext(ctx, "/bin/sh", "-c", line)
	c.Dir = dir
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
