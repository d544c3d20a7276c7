package runner

import "github.com/gansible/gansible/playbook"

// any_errors_fatal follows ansible-core 2.14's linear strategy, which
// decides it from where each host's play iterator stands rather than
// from the failure alone:
//
//   - A failure counts only when the iterator has the host failed: not
//     when the host goes on to a rescue or always section of the block
//     it failed in (or to the rescue of an enclosing block).
//   - It then fails every host of the batch whose next task is not
//     directly in a rescue or always section. Those hosts are failed
//     for the exit code and the plays to come, and the play ends at
//     once when they are all of the batch's reachable hosts; otherwise
//     every host goes on with the play, the failed ones included, as
//     the strategy only leaves out unreachable hosts.
//
// Where a host stands is positional, as the iterator's peek: when
// conditions are not looked at.

type section int

const (
	sectionTasks section = iota
	sectionRescue
	sectionAlways
)

// sectionOf is where t sits: its enclosing block, the list of that block
// holding it, which list that is and t's index in it. The block is nil
// for a task of the play's own lists. The block of tasks a dynamic
// include loaded is not in its parent's lists: it stands where the
// include task does, which has its position.
func sectionOf(t *playbook.Task) (b *playbook.Task, kind section, list []*playbook.Task, idx int) {
	b = t.Parent
	if b == nil {
		return nil, sectionTasks, nil, 0
	}
	lists := [][]*playbook.Task{b.Block, b.Rescue, b.Always}
	for _, same := range []func(x *playbook.Task) bool{
		func(x *playbook.Task) bool { return x == t },
		func(x *playbook.Task) bool { return !x.IsBlock() && x.Pos == t.Pos },
	} {
		for k, l := range lists {
			for i, x := range l {
				if same(x) {
					return b, section(k), l, i
				}
			}
		}
	}
	return b, sectionTasks, nil, -1
}

// failedCounts reports whether a host that failed t is failed for the
// iterator (ansible-core's is_failed), as opposed to on its way to a
// rescue or always section that may recover it.
func failedCounts(t *playbook.Task) bool {
	b, kind, _, _ := sectionOf(t)
	if b == nil {
		return true
	}
	switch {
	case kind == sectionTasks && (len(b.Rescue) > 0 || len(b.Always) > 0):
		return false
	case kind == sectionRescue && len(b.Always) > 0:
		return false
	}
	// Above the innermost block, only a rescue section to come spares
	// the host.
	for cur := b; ; {
		ob, kind, _, _ := sectionOf(cur)
		if ob == nil {
			return true
		}
		if kind == sectionTasks && len(ob.Rescue) > 0 {
			return false
		}
		cur = ob
	}
}

// startsRecovery reports whether the first task of a rescue or always
// section is directly in it: a block there is entered at once, and the
// host's next task is in that block's tasks.
func startsRecovery(list []*playbook.Task) bool {
	return len(list) > 0 && !list[0].IsBlock()
}

// recovery is the rescue or always section a host that failed t goes
// on to, nil when it is done with the play.
func recovery(t *playbook.Task) []*playbook.Task {
	for cur := t; ; {
		b, kind, _, _ := sectionOf(cur)
		if b == nil {
			return nil
		}
		switch {
		case kind == sectionTasks && len(b.Rescue) > 0:
			return b.Rescue
		case kind != sectionAlways && len(b.Always) > 0:
			return b.Always
		}
		cur = b
	}
}

// failedSpared reports whether a host that failed t goes on to a rescue
// or always section, where any_errors_fatal leaves it be.
func failedSpared(t *playbook.Task) bool { return startsRecovery(recovery(t)) }

// nextSpared reports whether the next task of a host that got past t is
// in a rescue or always section.
func nextSpared(t *playbook.Task) bool {
	for cur := t; ; {
		b, kind, list, idx := sectionOf(cur)
		if b == nil {
			return false
		}
		if idx >= 0 && idx+1 < len(list) {
			return kind != sectionTasks && !list[idx+1].IsBlock()
		}
		if kind != sectionAlways && len(b.Always) > 0 {
			return startsRecovery(b.Always)
		}
		cur = b
	}
}

// lastOf is the last task of the list holding t, where the hosts that
// do not run t (those waiting for the others' rescue section) stand.
func lastOf(t *playbook.Task) *playbook.Task {
	if _, _, list, idx := sectionOf(t); idx >= 0 && len(list) > 0 {
		return list[len(list)-1]
	}
	return t
}

// applyAnyErrorsFatal records the hosts that failed t for the strategy
// and applies any_errors_fatal after t ran on active (the hosts alive
// before it). It reports whether the play ends here: it failed hosts,
// and every reachable host of the batch is failed.
func (r *run) applyAnyErrorsFatal(t *playbook.Task, active []*hostState) bool {
	ran := map[*hostState]bool{}
	trigger := false
	for _, h := range active {
		ran[h] = true
		switch {
		case h.unreachable:
			trigger = true
		case h.failed && failedCounts(t):
			// The strategy counts the host failed at once when it is
			// done with the play.
			if recovery(t) == nil {
				h.fatalFailed = true
			}
			trigger = true
		}
	}
	if trigger && r.lockstepFatal(t, active) {
		for _, h := range r.batch {
			var spared bool
			switch {
			case h.unreachable:
				continue
			case ran[h] && h.failed:
				spared = failedSpared(t)
			case ran[h]:
				spared = nextSpared(t)
			case h.alive():
				spared = nextSpared(lastOf(t))
			case h.failed:
				// Failed earlier, on its way to a rescue section.
				spared = !h.fatalFailed
			}
			if !spared {
				h.fatalFailed = true
				r.fatalFailure = true
			}
		}
	}
	if !r.fatalFailure {
		return false
	}
	reachable, failed := 0, 0
	for _, h := range r.batch {
		if !h.unreachable {
			reachable++
			if h.fatalFailed {
				failed++
			}
		}
	}
	return failed >= reachable
}
