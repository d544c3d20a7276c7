package main

import (
	"os"
	"time"

	"golang.org/x/term"

	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/termio"
)

// liveStatus is the status line gansible keeps under its output on a
// terminal: the running task, how long it has run and the hosts still
// running it (output.Progress). The screen erases it before anything is
// written and draws it again after each complete line; a ticker redraws
// it every second so that the time moves on. GANSIBLE_STATUS_LINE=0 turns
// it off; it is never drawn off a terminal, so logs, pipes and the
// compared outputs are Ansible's alone.
type liveStatus struct {
	term     *os.File
	progress *output.Progress
	drawn    bool
	// lineStart is whether the cursor is at the start of a line (the
	// last write ended one), the only place the line may be drawn.
	lineStart bool
	stop      chan struct{}
}

// statusLineWanted reports whether a run writing to stdout gets a
// status line.
func statusLineWanted(stdout any) (*os.File, bool) {
	f, ok := stdout.(*os.File)
	if !ok || f != os.Stdout || !termio.IsTerminal(f) {
		return nil, false
	}
	if os.Getenv("GANSIBLE_STATUS_LINE") == "0" || os.Getenv("TERM") == "dumb" {
		return nil, false
	}
	return f, true
}

// startStatus starts the status line on tty; the screen draws it.
func (s *screen) startStatus(tty *os.File) *output.Progress {
	live := &liveStatus{term: tty, progress: output.NewProgress(time.Now), lineStart: true, stop: make(chan struct{})}
	s.mu.Lock()
	s.live = live
	s.mu.Unlock()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-live.stop:
				return
			case <-tick.C:
				s.mu.Lock()
				if !s.muted && s.live == live && live.lineStart {
					live.erase()
					live.draw()
				}
				s.mu.Unlock()
			}
		}
	}()
	return live.progress
}

// stopStatus erases the status line for good.
func (s *screen) stopStatus() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live == nil {
		return
	}
	close(s.live.stop)
	s.live.erase()
	s.live = nil
}

// erase clears the drawn line; the caller holds the screen's lock.
func (l *liveStatus) erase() {
	if l.drawn {
		l.term.WriteString("\r\x1b[K")
		l.drawn = false
	}
}

// draw shows the line, one column short of the terminal's width so that
// it never wraps; the caller holds the screen's lock.
func (l *liveStatus) draw() {
	width, _, err := term.GetSize(int(l.term.Fd()))
	if err != nil || width < 2 {
		width = 80
	}
	line := l.progress.Line(width - 1)
	if line == "" {
		return
	}
	l.term.WriteString("\r\x1b[K\x1b[2m" + line + "\x1b[0m")
	l.drawn = true
}
