package output

import (
	"bytes"
	"testing"
	"time"
)

// fakeClock returns the times in order, one per call.
func fakeClock(t *testing.T, times ...time.Time) func() time.Time {
	return func() time.Time {
		if len(times) == 0 {
			t.Fatal("the clock was read more often than expected")
		}
		now := times[0]
		times = times[1:]
		return now
	}
}

func TestProfileTasks(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 1, 10, 35, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for _, tc := range []struct {
		name      string
		verbosity int
		order     string
		limit     int
		want      string
	}{
		{"descending", 0, "descending", 20, "" +
			"Wednesday 02 December 2026  01:10:35 +0000 (0:00:00.059)       0:00:00.059 **** \n" +
			"Wednesday 02 December 2026  01:10:41 +0000 (0:00:06.327)       0:00:06.386 **** \n" +
			"Wednesday 02 December 2026  01:10:47 +0000 (0:00:05.896)       0:00:12.282 **** \n" +
			"Wednesday 02 December 2026  01:10:47 +0000 (0:00:00.520)       0:00:12.802 **** \n" +
			"=============================================================================== \n" +
			"Gathering Facts --------------------------------------------------------- 6.33s\n" +
			"a slow one -------------------------------------------------------------- 5.90s\n" +
			"debug ------------------------------------------------------------------- 0.52s\n"},
		{"ascending with a limit and paths", 2, "ascending", 1, "" +
			"Wednesday 02 December 2026  01:10:35 +0000 (0:00:00.059)       0:00:00.059 **** \n" +
			"Wednesday 02 December 2026  01:10:41 +0000 (0:00:06.327)       0:00:06.386 **** \n" +
			"Wednesday 02 December 2026  01:10:47 +0000 (0:00:05.896)       0:00:12.282 **** \n" +
			"Wednesday 02 December 2026  01:10:47 +0000 (0:00:00.520)       0:00:12.802 **** \n" +
			"=============================================================================== \n" +
			"debug ------------------------------------------------------------------- 0.52s\n" +
			"/p/site.yml:5 -----------------------------------------------------------------\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each task start reads the clock for its line and its start;
			// the recap for its line and the last task's end.
			clock := fakeClock(t, t0, at(59), at(59), at(6386), at(6386), at(6386), at(12282), at(12282), at(12282), at(12802), at(12802))
			var out bytes.Buffer
			p := NewProfileTasks(&out, clock, tc.verbosity)
			p.SortOrder, p.Limit = tc.order, tc.limit
			p.Task(TaskStart{ID: 1, Name: "Gathering Facts", Path: "/p/site.yml:1"})
			p.Task(TaskStart{ID: 2, Name: "a slow one", Path: "/p/site.yml:3"})
			p.Task(TaskStart{ID: 3, Name: "debug", Path: "/p/site.yml:5"})
			p.Recap(nil)
			if got := out.String(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestTimer(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	timer := NewTimer(&out, fakeClock(t, t0, t0.Add(26*time.Hour+3*time.Minute+4500*time.Millisecond)))
	timer.Recap(nil)
	if want := "Playbook run took 1 days, 2 hours, 3 minutes, 4 seconds\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestMultiSendsInOrder(t *testing.T) {
	var out bytes.Buffer
	d := NewDefault(&out, &out, false, 0)
	m := Multi{d, NewTimer(&out, fakeClock(t, time.Unix(0, 0), time.Unix(5, 0)))}
	m.Recap(map[string]*Stats{"h": {Ok: 1}})
	want := "\nPLAY RECAP *********************************************************************\n" +
		"h                          : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   \n\n" +
		"Playbook run took 0 days, 0 hours, 0 minutes, 5 seconds\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
}
