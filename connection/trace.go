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
	show func(line string) string
}

// Traced returns c reporting through logf, before each command, the line it
// runs (never its stdin, which is where secrets and file content travel)
// and, after, its exit status and duration. addr names the host in the
// messages, as "<addr>". show turns a command line into the text traced
// for it, so that the caller's no_log decision applies to the trace; nil
// shows "/bin/sh -c LINE".
func Traced(c Conn, addr string, logf func(string), show func(line string) string) Conn {
	if show == nil {
		show = func(line string) string { return "/bin/sh -c " + shell.Quote(line) }
	}
	return &traced{Conn: c, addr: addr, logf: logf, show: show}
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
	t.logf(fmt.Sprintf("<%s> EXEC%s %s", t.addr, as, t.show(cmd)))
	start := time.Now()
	res, err := t.Conn.Run(ctx, cmd, stdin, become)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.logf(fmt.Sprintf("<%s> failed after %v: %v", t.addr, elapsed, err))
	} else {
		t.logf(fmt.Sprintf("<%s> rc=%d after %v", t.addr, res.ExitCode, elapsed))
	}
	return res, err
}
