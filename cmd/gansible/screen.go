package main

import (
	"fmt"
	"io"
	"os"
	"os/user"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gansible/gansible/output"
)

// screen is what gansible writes to the terminal: stdout and stderr, each
// copied to the log file (log_path) when there is one, and muted at once
// when the run is interrupted, so that the tasks being cancelled print
// nothing.
type screen struct {
	mu     sync.Mutex
	muted  bool
	log    *logFile    // nil without log_path
	events *eventsFile // nil without --events
	live   *liveStatus // nil off a terminal
	// liveOn is the terminal a run's status line goes to, nil for none;
	// the line starts once the output callbacks are made.
	liveOn *os.File
}

// writer returns the screen's writer for w, one of stdout and stderr.
func (s *screen) writer(w io.Writer) io.Writer { return &screenWriter{s: s, w: w} }

// mute drops everything written from now on.
func (s *screen) mute() {
	s.mu.Lock()
	s.muted = true
	s.mu.Unlock()
}

type screenWriter struct {
	s *screen
	w io.Writer
}

// Write shows p and logs it as one record: every message gansible prints
// is a single Write, as each of Ansible's display() calls is one record.
func (sw *screenWriter) Write(p []byte) (int, error) {
	sw.s.mu.Lock()
	defer sw.s.mu.Unlock()
	if sw.s.muted {
		return len(p), nil
	}
	if sw.s.log != nil {
		sw.s.log.record(string(p))
	}
	if sw.s.live != nil {
		sw.s.live.erase()
	}
	n, err := sw.w.Write(p)
	if sw.s.live != nil && len(p) > 0 {
		// The line is drawn only where a new line would start: a prompt
		// left without its newline (pause, say) keeps its line.
		sw.s.live.lineStart = p[len(p)-1] == '\n'
		if sw.s.live.lineStart {
			sw.s.live.draw()
		}
	}
	return n, err
}

// logFile is Ansible's log_path file: each displayed message, without
// colour codes, after "DATE TIME,MS p=PID u=USER n=ansible | ".
type logFile struct {
	f    *os.File
	head string // " p=PID u=USER n=ansible | "
	now  func() time.Time
}

// openLog opens path for appending, as Python's logging.FileHandler does.
// Like Ansible, a log file that cannot be written is a warning, not an
// error; the warning is returned for the caller to print.
func openLog(path string) (*logFile, string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Sprintf("[WARNING]: log file at %s is not writeable and we cannot create it, aborting\n", path)
	}
	return &logFile{f: f, head: " p=" + strconv.Itoa(os.Getpid()) + " u=" + logUser() + " n=ansible | ", now: time.Now}, ""
}

// logUser is Python's getpass.getuser(): $LOGNAME, $USER, $LNAME,
// $USERNAME, then the password database; Ansible falls back to uid=N.
func logUser() string {
	for _, name := range []string{"LOGNAME", "USER", "LNAME", "USERNAME"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "uid=" + strconv.Itoa(os.Getuid())
}

var colorCode = regexp.MustCompile("\x1b\\[[0-9;]*m")

// record logs one message: Ansible strips leading newlines (a banner's
// blank line) and logs nothing for an empty message.
func (l *logFile) record(msg string) {
	msg = strings.TrimSuffix(strings.TrimLeft(colorCode.ReplaceAllString(msg, ""), "\n"), "\n")
	if msg == "" {
		return
	}
	ts := l.now()
	stamp := ts.Format("2006-01-02 15:04:05") + fmt.Sprintf(",%03d", ts.Nanosecond()/int(time.Millisecond))
	fmt.Fprintf(l.f, "%s%s%s\n", stamp, l.head, msg)
}

// eventsFile is the --events stream and the file it goes to.
type eventsFile struct {
	*output.Events
	f *os.File
}

// openEvents starts the --events stream: a new file, or a descriptor
// given as /dev/fd/N.
func (s *screen) openEvents(path string) (*eventsFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot write the events to %s: %w", path, err)
	}
	s.events = &eventsFile{Events: output.NewEvents(f, time.Now), f: f}
	return s.events, nil
}

// closeEvents ends the stream; a write that failed is reported.
func (s *screen) closeEvents(stderr io.Writer) {
	if s.events == nil {
		return
	}
	if err := s.events.Err(); err != nil {
		fmt.Fprintf(stderr, "[WARNING]: the event stream stopped: %v\n", err)
	}
	s.events.f.Close()
}

func (l *logFile) close() {
	if l != nil {
		l.f.Close()
	}
}

// always writes msg to w even when muted: the last words of an
// interrupted run.
func (s *screen) always(w io.Writer, msg string) {
	sw, ok := w.(*screenWriter)
	if !ok {
		fmt.Fprint(w, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log != nil {
		s.log.record(msg)
	}
	sw.w.Write([]byte(msg))
}
