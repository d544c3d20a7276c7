package connection

import (
	"context"
	"io"
	"strings"
	"testing"
)

// recordingConn runs nothing: it reads stdin and reports success.
type recordingConn struct{ stdin string }

func (c *recordingConn) Run(_ context.Context, _ string, stdin io.Reader, _ *Become) (Result, error) {
	if stdin != nil {
		data, _ := io.ReadAll(stdin)
		c.stdin = string(data)
	}
	return Result{}, nil
}

func (c *recordingConn) Close() error { return nil }

func TestTracedShowsTheLineNeverStdin(t *testing.T) {
	hidden := func(string) string { return "(hidden)" }
	tests := []struct {
		name   string
		show   func(string) string
		become *Become
		want   string // the EXEC line
	}{
		{"default", nil, nil, "<h1> EXEC /bin/sh -c 'echo arg-1'"},
		{"become", nil, &Become{User: "app"}, "<h1> EXEC (sudo to app) /bin/sh -c 'echo arg-1'"},
		{"caller hides", hidden, &Become{Method: "su", Password: "pw-1"}, "<h1> EXEC (su to root) (hidden)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			inner := &recordingConn{}
			c := Traced(inner, "h1", func(s string) { lines = append(lines, s) }, tt.show)
			if _, err := c.Run(context.Background(), "echo arg-1", strings.NewReader("stdin-secret"), tt.become); err != nil {
				t.Fatal(err)
			}
			if inner.stdin != "stdin-secret" {
				t.Errorf("stdin reached the connection as %q", inner.stdin)
			}
			if len(lines) != 2 || lines[0] != tt.want || !strings.HasPrefix(lines[1], "<h1> rc=0 after ") {
				t.Errorf("trace = %q, want [%q, rc line]", lines, tt.want)
			}
			for _, l := range lines {
				if strings.Contains(l, "stdin-secret") || strings.Contains(l, "pw-1") {
					t.Errorf("trace shows stdin or the password: %q", l)
				}
			}
		})
	}
}
