package connection

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gansible/gansible/shell"
)

// traced is a Conn that reports each command it runs, as ansible-playbook
// -vvv reports its EXEC lines.
type traced struct {
	Conn
	addr string
	logf func(string)
	view TraceView
}

// A TraceView turns what a traced command reports into the text traced:
// the caller's no_log decision applies there (output.Censor is one).
type TraceView interface {
	Command(line string) string // the command line, as run by /bin/sh -c
	Error(err error) string     // an error running it
}

// plainView shows everything.
type plainView struct{}

func (plainView) Command(line string) string { return "/bin/sh -c " + shell.Quote(line) }
func (plainView) Error(err error) string     { return err.Error() }

// Traced returns c reporting through logf, before each command, the line it
// runs (never its stdin, which is where secrets and file content travel)
// and, after, its exit status and duration. addr names the host in the
// messages, as "<addr>". view says what of a command and its error is
// shown; nil shows everything.
func Traced(c Conn, addr string, logf func(string), view TraceView) Conn {
	if view == nil {
		view = plainView{}
	}
	return &traced{Conn: c, addr: addr, logf: logf, view: view}
}

func (t *traced) Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
	as := ""
	if become != nil {
		user := become.User
		if user == "" {
			user = "root"
		}
		method := become.Method
		if method == "" {
			method = "sudo"
		}
		as = fmt.Sprintf(" (%s to %s)", method, user)
	}
	t.logf(fmt.Sprintf("<%s> EXEC%s %s", t.addr, as, t.view.Command(cmd)))
	start := time.Now()
	res, err := t.Conn.Run(ctx, cmd, stdin, become)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.logf(fmt.Sprintf("<%s> failed after %v: %s", t.addr, elapsed, t.view.Error(err)))
	} else {
		t.logf(fmt.Sprintf("<%s> rc=%d after %v", t.addr, res.ExitCode, elapsed))
	}
	return res, err
}
