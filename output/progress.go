package output

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Progress follows a run for a live status line: the task running now and
// the hosts it started on that have not given their result yet. It prints
// nothing itself; Line renders the line on demand.
type Progress struct {
	Nop
	mu      sync.Mutex
	now     func() time.Time
	task    string
	started time.Time
	pending []string // in the order the task started them
}

// NewProgress returns an idle Progress.
func NewProgress(now func() time.Time) *Progress { return &Progress{now: now} }

func (s *Progress) Play(PlayStart) { s.idle() }

func (s *Progress) Task(t TaskStart) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.task, s.started = t.Name, s.now()
	s.pending = append([]string(nil), t.Hosts...)
}

// Result takes a host off the list once its task result (not a loop
// item's) is in.
func (s *Progress) Result(r HostResult) {
	if r.Item != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, h := range s.pending {
		if h == r.Host {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			break
		}
	}
}

func (s *Progress) Recap(map[string]*Stats) { s.idle() }

func (s *Progress) idle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.task, s.pending = "", nil
}

// Line is the status line, at most width columns: the task, how long it
// has run, and the hosts still running it ("" when nothing runs).
func (s *Progress) Line(width int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.task == "" || len(s.pending) == 0 {
		return ""
	}
	elapsed := s.now().Sub(s.started).Truncate(time.Second)
	head := fmt.Sprintf("[%s] %s, %d running: ", s.task, elapsed, len(s.pending))
	line := head
	for i, h := range s.pending {
		more := ""
		if rest := len(s.pending) - i - 1; rest > 0 {
			more = fmt.Sprintf(" (+%d more)", rest)
		}
		sep := ""
		if i > 0 {
			sep = ", "
		}
		if width > 0 && len([]rune(line+sep+h+more)) > width && i > 0 {
			line += fmt.Sprintf(" (+%d more)", len(s.pending)-i)
			break
		}
		line += sep + h
	}
	if r := []rune(line); width > 0 && len(r) > width {
		line = string(r[:width])
	}
	return strings.TrimRight(line, " ")
}
