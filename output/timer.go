package output

import (
	"fmt"
	"io"
	"time"
)

// Timer is the ansible.posix.timer callback: how long the run took,
// after the recap.
type Timer struct {
	Nop
	p     printer
	start time.Time
	now   func() time.Time
}

// NewTimer starts the clock now.
func NewTimer(out io.Writer, now func() time.Time) *Timer {
	return &Timer{p: printer{out: out}, start: now(), now: now}
}

// Recap prints the run's duration as timer.py does: whole days, hours,
// minutes and seconds.
func (t *Timer) Recap(map[string]*Stats) {
	d := t.now().Sub(t.start)
	days := int(d / (24 * time.Hour))
	secs := int((d % (24 * time.Hour)) / time.Second)
	t.p.display(fmt.Sprintf("Playbook run took %d days, %d hours, %d minutes, %d seconds", days, secs/3600, secs/60%60, secs%60))
}
