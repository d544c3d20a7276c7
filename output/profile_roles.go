package output

import (
	"fmt"
	"io"
	"sort"
	"time"
)

// ProfileRoles is the ansible.posix.profile_roles callback: a timestamp
// line under each task banner, and after the recap the time spent in
// each role (or, for a task outside roles, in each action), longest
// first.
type ProfileRoles struct {
	Nop
	p     printer
	clock *ProfileTasks // the timestamp lines, shared with profile_tasks
	now   func() time.Time

	totals  map[string]time.Duration
	order   []string // first seen first: the order of equal totals
	current string
	started time.Time
	running bool
}

// NewProfileRoles starts the clocks now.
func NewProfileRoles(out io.Writer, now func() time.Time) *ProfileRoles {
	return &ProfileRoles{p: printer{out: out}, clock: NewProfileTasks(out, now, 0), now: now,
		totals: map[string]time.Duration{}}
}

// Task prints the timestamp line and starts counting for the task's role.
func (p *ProfileRoles) Task(t TaskStart) {
	p.p.display(p.clock.taskTime())
	p.stop()
	p.current = t.Action
	if t.Role != "" {
		p.current = t.Role
	}
	if _, seen := p.totals[p.current]; !seen {
		p.totals[p.current] = 0
		p.order = append(p.order, p.current)
	}
	p.started, p.running = p.now(), true
}

func (p *ProfileRoles) stop() {
	if p.running {
		p.totals[p.current] += p.now().Sub(p.started)
		p.running = false
	}
}

// Recap prints the final timestamp and the totals, as Counter.most_common
// orders them (largest first, ties in the order first seen).
func (p *ProfileRoles) Recap(map[string]*Stats) {
	p.p.display(p.clock.taskTime())
	p.p.display(filled("", "="))
	p.stop()
	names := append([]string(nil), p.order...)
	sort.SliceStable(names, func(i, j int) bool { return p.totals[names[i]] > p.totals[names[j]] })
	var total time.Duration
	for _, n := range names {
		total += p.totals[n]
		p.p.display(profileLine(n, p.totals[n]))
	}
	p.p.display(filled("", "~"))
	p.p.display(profileLine("total", total))
}

// profileLine is "{0:-<70}{1:->9}" of a name and its seconds.
func profileLine(name string, d time.Duration) string {
	return padRight(name+" ", "-", profileColumns-9) + padLeft(fmt.Sprintf(" %.2fs", d.Seconds()), "-", 9)
}
