package output

import (
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	now := t0
	s := NewProgress(func() time.Time { return now })
	if got := s.Line(80); got != "" {
		t.Errorf("idle line %q", got)
	}
	s.Task(TaskStart{Name: "install", Hosts: []string{"web1", "web2", "db1"}})
	now = t0.Add(12500 * time.Millisecond)
	if got, want := s.Line(80), "[install] 12s, 3 running: web1, web2, db1"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	s.Result(HostResult{Host: "web2", Item: new(string)}) // an item: still running
	s.Result(HostResult{Host: "web1"})
	if got, want := s.Line(80), "[install] 12s, 2 running: web2, db1"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	if got, want := s.Line(34), "[install] 12s, 2 running: web2 (+1 more)"[:34]; got != want {
		t.Errorf("narrow line %q, want %q", got, want)
	}
	s.Result(HostResult{Host: "web2"})
	s.Result(HostResult{Host: "db1"})
	if got := s.Line(80); got != "" {
		t.Errorf("line after every result %q", got)
	}
}
