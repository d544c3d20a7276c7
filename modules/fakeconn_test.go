package modules

import (
	"context"
	"io"
	"sort"
	"strings"

	"github.com/gansible/gansible/connection"
)

// scriptedConn is a connection.Conn that answers each command with the
// next canned stdout and records the commands it was given.
type scriptedConn struct {
	replies []string
	cmds    []string
}

func (s *scriptedConn) Run(_ context.Context, cmd string, _ io.Reader, _ *connection.Become) (connection.Result, error) {
	s.cmds = append(s.cmds, cmd)
	if len(s.replies) == 0 {
		return connection.Result{}, nil
	}
	out := s.replies[0]
	s.replies = s.replies[1:]
	return connection.Result{Stdout: []byte(out)}, nil
}

func (s *scriptedConn) Close() error { return nil }

// formatRecords renders values in the records format of records.go.
func formatRecords(vals map[string]any) string {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString("@" + k + "\n")
		for _, line := range strings.Split(Stringify(vals[k]), "\n") {
			b.WriteString("|" + line + "\n")
		}
	}
	return b.String()
}

// recordingConn is a scriptedConn that also keeps each command's stdin.
type recordingConn struct {
	replies []string
	cmds    []string
	stdin   []string
}

func (s *recordingConn) Run(_ context.Context, cmd string, in io.Reader, _ *connection.Become) (connection.Result, error) {
	s.cmds = append(s.cmds, cmd)
	var b []byte
	if in != nil {
		b, _ = io.ReadAll(in)
	}
	s.stdin = append(s.stdin, string(b))
	if len(s.replies) == 0 {
		return connection.Result{}, nil
	}
	out := s.replies[0]
	s.replies = s.replies[1:]
	return connection.Result{Stdout: []byte(out)}, nil
}

func (s *recordingConn) Close() error { return nil }
