package output

import (
	"fmt"
	"io"
	"sync"
)

// Nop is a Callback that ignores every event. Aggregate callbacks (timer,
// profile_tasks) embed it and keep the events they report on.
type Nop struct{}

func (Nop) Warning(string)                 {}
func (Nop) Deprecation(string)             {}
func (Nop) DisplayError(string)            {}
func (Nop) Error(string)                   {}
func (Nop) Verbose(int, string)            {}
func (Nop) Display(string)                 {}
func (Nop) Play(PlayStart)                 {}
func (Nop) NoHostsMatched()                {}
func (Nop) NoMoreHosts()                   {}
func (Nop) Task(TaskStart)                 {}
func (Nop) Included(IncludeEvent)          {}
func (Nop) Retry(string, string, int)      {}
func (Nop) Result(HostResult)              {}
func (Nop) AsyncPoll(string, string)       {}
func (Nop) AsyncDone(string, string, bool) {}
func (Nop) Recap(map[string]*Stats)        {}

// Closer is a callback with something to write once the run is over.
type Closer interface{ Close() }

// Close ends cb if it, or any callback of a Multi, is a Closer.
func Close(cb Callback) {
	switch c := cb.(type) {
	case Multi:
		for _, m := range c {
			Close(m)
		}
	case Closer:
		c.Close()
	}
}

// Multi sends every event to each of its callbacks in turn: the stdout
// callback first, then the aggregate ones, in Ansible's order.
type Multi []Callback

func (m Multi) Warning(msg string) {
	for _, c := range m {
		c.Warning(msg)
	}
}

func (m Multi) Deprecation(msg string) {
	for _, c := range m {
		c.Deprecation(msg)
	}
}

func (m Multi) DisplayError(msg string) {
	for _, c := range m {
		c.DisplayError(msg)
	}
}

func (m Multi) Error(msg string) {
	for _, c := range m {
		c.Error(msg)
	}
}

func (m Multi) Verbose(level int, msg string) {
	for _, c := range m {
		c.Verbose(level, msg)
	}
}

func (m Multi) Display(msg string) {
	for _, c := range m {
		c.Display(msg)
	}
}

func (m Multi) Play(p PlayStart) {
	for _, c := range m {
		c.Play(p)
	}
}

func (m Multi) NoHostsMatched() {
	for _, c := range m {
		c.NoHostsMatched()
	}
}

func (m Multi) NoMoreHosts() {
	for _, c := range m {
		c.NoMoreHosts()
	}
}

func (m Multi) Task(t TaskStart) {
	for _, c := range m {
		c.Task(t)
	}
}

func (m Multi) Included(inc IncludeEvent) {
	for _, c := range m {
		c.Included(inc)
	}
}

func (m Multi) Retry(host, task string, left int) {
	for _, c := range m {
		c.Retry(host, task, left)
	}
}

func (m Multi) Result(r HostResult) {
	for _, c := range m {
		c.Result(r)
	}
}

func (m Multi) AsyncPoll(host, jid string) {
	for _, c := range m {
		c.AsyncPoll(host, jid)
	}
}

func (m Multi) AsyncDone(host, jid string, failed bool) {
	for _, c := range m {
		c.AsyncDone(host, jid, failed)
	}
}

func (m Multi) Recap(stats map[string]*Stats) {
	for _, c := range m {
		c.Recap(stats)
	}
}

// printer writes whole lines for an aggregate callback, as Ansible's
// display.display does (a newline unless the text ends with one).
type printer struct {
	mu  sync.Mutex
	out io.Writer
}

func (p *printer) display(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(s) == 0 || s[len(s)-1] != '\n' {
		s += "\n"
	}
	fmt.Fprint(p.out, s)
}
