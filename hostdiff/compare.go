package hostdiff

import (
	"fmt"
	"maps"
	"slices"

	"github.com/gansible/gansible/difftest"
	"github.com/gansible/gansible/testcluster"
)

// Compare lists, one line per difference, how got (gansible's runs)
// differs from want (the recording): per run the exit code, the recap,
// each task result's host, item, status, compared fields and diff, and
// the hosts' filesystem changes.
func Compare(want, got []Run) []string {
	var diffs []string
	if len(want) != len(got) {
		return []string{fmt.Sprintf("%d runs, want %d", len(got), len(want))}
	}
	for i := range want {
		w, g := want[i], got[i]
		at := fmt.Sprintf("run %d (%s): ", i+1, w.Kind)
		if w.Kind != g.Kind {
			diffs = append(diffs, fmt.Sprintf("%skind %s", at, g.Kind))
			continue
		}
		if w.Exit != g.Exit {
			diffs = append(diffs, fmt.Sprintf("%sexit %d, want %d", at, g.Exit, w.Exit))
		}
		for _, d := range difftest.DiffRecap(w.Recap, g.Recap) {
			diffs = append(diffs, at+d)
		}
		for _, d := range compareTasks(w.Tasks, g.Tasks) {
			diffs = append(diffs, at+d)
		}
		for _, d := range testcluster.DiffAll(w.Files, g.Files) {
			diffs = append(diffs, at+"files "+d)
		}
	}
	return diffs
}

func compareTasks(want, got []TaskResult) []string {
	var diffs []string
	for i := 0; i < max(len(want), len(got)); i++ {
		if i >= len(got) {
			diffs = append(diffs, fmt.Sprintf("result %d: missing (want %s)", i+1, want[i].short()))
			continue
		}
		if i >= len(want) {
			diffs = append(diffs, fmt.Sprintf("result %d: unexpected %s", i+1, got[i].short()))
			continue
		}
		w, g := want[i], got[i]
		if w.Task != g.Task || w.Header != g.Header || w.Host != g.Host || w.Item != g.Item {
			diffs = append(diffs, fmt.Sprintf("result %d: %s, want %s", i+1, g.short(), w.short()))
			// Everything after a misaligned result would differ too.
			return diffs
		}
		at := fmt.Sprintf("task %d %s %s", w.Task, w.Header, w.Host)
		if w.Item != "" {
			at += " " + w.Item
		}
		if w.Status != g.Status {
			diffs = append(diffs, fmt.Sprintf("%s: %s, want %s", at, g.Status, w.Status))
		}
		keys := slices.Sorted(maps.Keys(w.Fields))
		for k := range g.Fields {
			if _, ok := w.Fields[k]; !ok {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			wv, inW := w.Fields[k]
			gv, inG := g.Fields[k]
			switch {
			case !inG:
				diffs = append(diffs, fmt.Sprintf("%s: field %s missing, want %s", at, k, canonical(wv)))
			case !inW:
				diffs = append(diffs, fmt.Sprintf("%s: field %s = %s, want no such field", at, k, canonical(gv)))
			case canonical(wv) != canonical(gv):
				diffs = append(diffs, fmt.Sprintf("%s: field %s = %s, want %s", at, k, canonical(gv), canonical(wv)))
			}
		}
		if w.Diff != g.Diff {
			diffs = append(diffs, fmt.Sprintf("%s: diff\n%s\nwant\n%s", at, g.Diff, w.Diff))
		}
	}
	return diffs
}

func (r TaskResult) short() string {
	s := fmt.Sprintf("task %d %s %s", r.Task, r.Header, r.Host)
	if r.Item != "" {
		s += " " + r.Item
	}
	return s + " " + r.Status
}
