package connection

import (
	"context"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// recordingConn runs nothing: it reads stdin and reports err.
type recordingConn struct {
	stdin string
	err   error
}

func (c *recordingConn) Run(_ context.Context, _ string, stdin io.Reader, _ *Become) (Result, error) {
	if stdin != nil {
		data, _ := io.ReadAll(stdin)
		c.stdin = string(data)
	}
	return Result{}, c.err
}

// hiddenView hides commands and errors.
type hiddenView struct{}

func (hiddenView) Command(string) string { return "(hidden)" }
func (hiddenView) Error(error) string    { return "(hidden error)" }

func (c *recordingConn) Close() error { return nil }

func TestTracedShowsTheLineNeverStdin(t *testing.T) {
	tests := []struct {
		name   string
		view   TraceView
		become *Become
		err    error
		want   []string // the trace, with the duration as T
	}{
		{"default", nil, nil, nil, []string{"<h1> EXEC /bin/sh -c 'echo arg-1'", "<h1> rc=0 after T"}},
		{"become", nil, &Become{User: "app"}, nil, []string{"<h1> EXEC (sudo to app) /bin/sh -c 'echo arg-1'", "<h1> rc=0 after T"}},
		{"error", nil, nil, errors.New("exited: out-1"), []string{"<h1> EXEC /bin/sh -c 'echo arg-1'", "<h1> failed after T: exited: out-1"}},
		{"caller hides", hiddenView{}, &Become{Method: "su", Password: "pw-1"}, errors.New("exited: out-1"),
			[]string{"<h1> EXEC (su to root) (hidden)", "<h1> failed after T: (hidden error)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			inner := &recordingConn{err: tt.err}
			duration := regexp.MustCompile(`after [^:]+`)
			c := Traced(inner, "h1", func(s string) { lines = append(lines, duration.ReplaceAllString(s, "after T")) }, tt.view)
			if _, err := c.Run(context.Background(), "echo arg-1", strings.NewReader("stdin-secret"), tt.become); err != tt.err {
				t.Fatalf("Run = %v, want %v", err, tt.err)
			}
			if inner.stdin != "stdin-secret" {
				t.Errorf("stdin reached the connection as %q", inner.stdin)
			}
			if !slices.Equal(lines, tt.want) {
				t.Errorf("trace = %q, want %q", lines, tt.want)
			}
			for _, l := range lines {
				if strings.Contains(l, "stdin-secret") || strings.Contains(l, "pw-1") {
					t.Errorf("trace shows stdin or the password: %q", l)
				}
			}
		})
	}
}
