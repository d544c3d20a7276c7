package output

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// ProfileTasks is the ansible.posix.profile_tasks callback: a timestamp
// line under each task banner, and the longest tasks after the recap.
type ProfileTasks struct {
	Nop
	p         printer
	now       func() time.Time
	verbosity int
	// SortOrder is descending (the default), ascending or none; Limit is
	// how many tasks the summary lists (20; 0 for all).
	SortOrder string
	Limit     int

	start, last time.Time
	stats       []*taskTime
	byID        map[any]*taskTime
	current     *taskTime
}

type taskTime struct {
	name, path string
	started    time.Time
	elapsed    time.Duration
}

// profileColumns is Ansible's display width off a terminal.
const profileColumns = 79

// NewProfileTasks starts the clocks now.
func NewProfileTasks(out io.Writer, now func() time.Time, verbosity int) *ProfileTasks {
	t := now()
	return &ProfileTasks{p: printer{out: out}, now: now, verbosity: verbosity,
		SortOrder: "descending", Limit: 20, start: t, last: t, byID: map[any]*taskTime{}}
}

// Task prints the timestamp line and starts the task's clock.
func (p *ProfileTasks) Task(t TaskStart) {
	p.p.display(p.taskTime())
	p.stop()
	tt, ok := p.byID[t.ID]
	if !ok {
		tt = &taskTime{name: t.Name}
		p.byID[t.ID] = tt
		p.stats = append(p.stats, tt)
	}
	tt.started = p.now()
	if p.verbosity >= 2 {
		tt.path = t.Path
	}
	p.current = tt
}

// stop adds the running task's time to its total.
func (p *ProfileTasks) stop() {
	if p.current != nil {
		p.current.elapsed += p.now().Sub(p.current.started)
	}
}

// Recap prints the final timestamp and the tasks, longest first.
func (p *ProfileTasks) Recap(map[string]*Stats) {
	p.p.display(p.taskTime())
	p.p.display(filled("", "="))
	p.stop()
	p.current = nil
	results := append([]*taskTime(nil), p.stats...)
	switch p.SortOrder {
	case "descending":
		sort.SliceStable(results, func(i, j int) bool { return results[i].elapsed > results[j].elapsed })
	case "ascending":
		sort.SliceStable(results, func(i, j int) bool { return results[i].elapsed < results[j].elapsed })
	}
	if p.Limit > 0 && len(results) > p.Limit {
		results = results[:p.Limit]
	}
	for _, r := range results {
		// "{0:-<70}{1:->9}": the name padded with dashes, the seconds
		// right-aligned.
		msg := profileLine(r.name, r.elapsed)
		if r.path != "" {
			msg += "\n" + padRight(r.path+" ", "-", profileColumns)
		}
		p.p.display(msg)
	}
}

// taskTime is profile_tasks.py's tasktime(): the date, the time since the
// last line and since the start.
func (p *ProfileTasks) taskTime() string {
	now := p.now()
	line := fmt.Sprintf("%s (%s)%s%s", now.Format("Monday 02 January 2006  15:04:05 -0700"),
		clockDuration(now.Sub(p.last)), strings.Repeat(" ", 7), clockDuration(now.Sub(p.start)))
	p.last = now
	return filled(line, "*")
}

// clockDuration is secondsToStr: H:MM:SS.mmm, truncated.
func clockDuration(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// filled is profile_tasks.py's filled(): msg and a space, padded with
// fill to 79 columns (3 at least), and a trailing space.
func filled(msg, fill string) string {
	width := 79
	if msg != "" {
		msg += " "
		width = 79 - len([]rune(msg))
	}
	if width < 3 {
		width = 3
	}
	return msg + strings.Repeat(fill, width) + " "
}

func padRight(s, fill string, width int) string {
	if n := width - len([]rune(s)); n > 0 {
		return s + strings.Repeat(fill, n)
	}
	return s
}

func padLeft(s, fill string, width int) string {
	if n := width - len([]rune(s)); n > 0 {
		return strings.Repeat(fill, n) + s
	}
	return s
}
