// Package connection runs commands on managed hosts.
//
// A Conn runs one POSIX sh command line at a time, with stdin, and returns
// its stdout, stderr and exit status. Everything a module does on a host,
// including writing files, is built on Run. Implementations: Local (the
// controller itself) and SSH (one SSH connection per host, a new session per
// command).
package connection

import (
	"context"
	"fmt"
	"io"
)

// Result is what one command produced on the host.
type Result struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
}

// Become says how to run a command as another user.
type Become struct {
	Method   string // "sudo" (default) or "su"
	User     string // default "root"
	Exe      string // the become executable, default the method's name
	Flags    string // extra flags for the become executable
	Password string // sent on stdin when the method asks for it; never in argv
}

// Conn is an open connection to one host.
type Conn interface {
	// Run runs cmd with /bin/sh -c on the host, as the connection's user or,
	// when become is non-nil, as become.User. A non-zero exit status is not
	// an error: it is in Result.ExitCode. The error is for failures to reach
	// or talk to the host (see UnreachableError), for a refused become
	// (BecomeError) and for a command the host cannot take (CommandError).
	Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error)
	// Close ends the connection.
	Close() error
}

// UnreachableError reports that a host could not be reached or the
// connection broke; the runner marks such a host UNREACHABLE.
type UnreachableError struct {
	Host string
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("Failed to connect to the host via ssh: %v", e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// CommandError reports that a reachable host could not run a command: the
// command cannot be sent as it is, or the host cannot take its stdin. The
// task fails; the host stays in the play.
type CommandError struct {
	Msg string
}

func (e *CommandError) Error() string { return e.Msg }

// BecomeError reports that privilege escalation failed, for example a wrong
// or missing become password.
type BecomeError struct {
	Msg string
}

func (e *BecomeError) Error() string { return e.Msg }
