package connection

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
)

// Local runs commands on the controller itself (ansible_connection=local).
type Local struct{}

// Run implements Conn.
func (Local) Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
	line, stdin, err := wrapBecome(cmd, stdin, become)
	if err != nil {
		return Result{}, err
	}
	c := exec.CommandContext(ctx, "/bin/sh", "-c", line)
	c.Stdin = stdin
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err = c.Run()
	res := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	case err != nil:
		return res, err
	}
	return res, checkBecome(res, become)
}

// Close implements Conn.
func (Local) Close() error { return nil }
