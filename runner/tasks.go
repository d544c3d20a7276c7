package runner

import (
	"context"

	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/value"
)

// runTasks runs a list of tasks and blocks on hosts in lockstep.
func (r *run) runTasks(ctx context.Context, hosts []*hostState, tasks []*playbook.Task) {
	for _, t := range tasks {
		if r.ending() || ctx.Err() != nil {
			return
		}
		active := alive(hosts)
		if len(active) == 0 {
			if r.play != nil && !r.free && countAlive(r.batch) == 0 && countFailed(r.batch) > 0 && !r.noMoreHostsShown {
				r.noMoreHostsShown = true
				r.opts.Out.NoMoreHosts()
			}
			return
		}
		if t.RoleAgain {
			// Only the hosts that have not run the role yet.
			var left []*hostState
			for _, h := range active {
				if !h.rolesRun[t.Role.RunKey] {
					left = append(left, h)
				}
			}
			if active = left; len(active) == 0 {
				continue
			}
		}
		if t.IsBlock() {
			r.runBlock(ctx, active, t)
		} else {
			r.runTask(ctx, active, t, false)
			if r.play != nil && !r.free && r.applyAnyErrorsFatal(t, active) {
				r.fatalBreak = true
			}
		}
		if r.fatalErr() != nil {
			r.endPlay = true
			return
		}
		if r.play != nil && !r.free && r.breakPlay(r.batch) {
			switch {
			case r.noMoreHostsShown:
			case r.fatalBreak:
				// any_errors_fatal failed every host of the batch; the
				// strategy checks max_fail_percentage next, which those
				// failures may exceed, and announces it too.
				r.noMoreHostsShown = true
				if r.maxFailExceeded(r.batch) {
					r.opts.Out.NoMoreHosts()
				}
				r.opts.Out.NoMoreHosts()
			case r.maxFailExceeded(r.batch):
				// Ansible's linear strategy announces it, fails the
				// hosts left, and then announces that none is left.
				r.noMoreHostsShown = true
				r.opts.Out.NoMoreHosts()
				r.opts.Out.NoMoreHosts()
			}
			return
		}
	}
}

// anyErrorsFatal is the task's any_errors_fatal, inherited from its blocks
// and roles, or else the play's.
func (r *run) anyErrorsFatal(t *playbook.Task) bool {
	v, _ := r.chain(t).Value("any_errors_fatal")
	return v == true
}

// lockstepFatal reports whether a failure of t ends the batch as
// any_errors_fatal does: the keyword, or a task that runs once (run_once,
// an action that bypasses the host loop) and does not ignore errors, as
// ansible-core's linear strategy has it. Both are read as written, never
// templated, as the strategy reads them off the loaded task.
func (r *run) lockstepFatal(t *playbook.Task, active []*hostState) bool {
	if r.anyErrorsFatal(t) {
		return true
	}
	once := r.lastOnce.once
	if r.lastOnce.task != t {
		once = r.onceRunOf(t, active)
	}
	if once == nil || !once.fatal {
		return false
	}
	ignore, _ := r.chain(t).Value("ignore_errors")
	return !value.Truthy(ignore)
}

func alive(hosts []*hostState) []*hostState {
	var out []*hostState
	for _, h := range hosts {
		if h.alive() {
			out = append(out, h)
		}
	}
	return out
}

// runBlock runs a block's tasks; hosts that fail in it run its rescue
// section (and count as rescued, not failed), and every host that entered
// the block runs its always section.
func (r *run) runBlock(ctx context.Context, hosts []*hostState, b *playbook.Task) {
	r.runTasks(ctx, hosts, b.Block)
	if r.fatalBreak {
		// The strategy returns at once: no rescue or always section
		// runs, no host being left on its way to one.
		return
	}
	if len(b.Rescue) > 0 {
		var failed []*hostState
		for _, h := range hosts {
			if h.failed && !h.unreachable {
				failed = append(failed, h)
			}
		}
		if len(failed) > 0 {
			for _, h := range failed {
				h.failed = false
				if h.failedByOther {
					h.failedByOther = false
				} else {
					h.stats.Failed--
					h.stats.Rescued++
				}
				if f := h.lastFailure; f != nil {
					// Unsafe as ansible-core's wrap_var: the task's
					// arguments are its source text, not templated again.
					h.setFact("ansible_failed_task", value.Unsafe{V: map[string]any{
						"name": f.task.Name, "action": f.task.Action, "args": f.task.Args,
					}})
					h.setFact("ansible_failed_result", registered(f.result))
				}
			}
			r.runTasks(ctx, failed, b.Rescue)
			for _, h := range failed {
				if h.ended && !h.failed {
					// meta: end_host before its rescue section was done:
					// as in ansible-core, the host stays failed (the exit
					// code, the plays to come) with no failure counted.
					h.failed = true
				}
			}
		}
	}
	if len(b.Always) > 0 {
		var failed []*hostState
		var run []*hostState
		cleared := map[*hostState]int{}
		for _, h := range hosts {
			if h.unreachable {
				continue
			}
			if h.failed {
				failed = append(failed, h)
				cleared[h] = h.errorsCleared
				h.failed = false
			}
			run = append(run, h)
		}
		if r.fatalBreak {
			return
		}
		r.runTasks(ctx, run, b.Always)
		for _, h := range failed {
			// A meta: clear_host_errors in the section clears the
			// block's failure, as ansible-core's iterator clears the
			// host's failed state in every block it is in: the host
			// goes on with the tasks after the block.
			if h.errorsCleared == cleared[h] {
				h.failed = true
			}
		}
	}
}
