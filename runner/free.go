package runner

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/waitlock"
)

// The free and host_pinned strategies, as ansible-core 2.14 runs them:
// each host of a batch goes through the play's tasks on its own, without
// waiting for the others, up to forks hosts running a task at a time
// (host_pinned: up to forks hosts in the play at a time, each keeping
// its fork until it is done). Handlers run on a host when it reaches the
// end of a section. Each host's goroutine runs under one lock, r.flow,
// which it gives up only while it waits on its host or a timer (package
// waitlock): the runner's bookkeeping is single-threaded, as in
// ansible-core's strategy loop, and only the hosts' work overlaps.

// strategyName is the play's strategy, or else the run's, without the
// ansible.builtin. prefix.
func (r *run) strategyName(play *playbook.Play) string {
	s := play.Strategy
	if s == "" {
		s = r.opts.Strategy
	}
	if s == "" {
		s = "linear"
	}
	return strings.TrimPrefix(s, "ansible.builtin.")
}

// runBatchFree runs the batch's tasks with the free or host_pinned
// strategy; the tasks are the play's sections, grouped as handlers are
// flushed after them.
func (r *run) runBatchFree(ctx context.Context, play *playbook.Play, batch []*hostState, groups [][][]*playbook.Task, pinned bool) {
	banners := &freeBanners{Callback: r.opts.Out, tasks: map[any]output.TaskStart{}}
	r.opts.Out = banners
	r.free, r.pinned = true, pinned
	r.freeForks = make(chan struct{}, r.opts.Forks)
	r.freeThrottles = map[*playbook.Task]chan struct{}{}
	r.freeStartAt = map[*hostState]string{}
	if r.startAt != "" {
		for _, h := range batch {
			r.freeStartAt[h] = r.startAt
		}
	}
	defer func() {
		r.opts.Out = banners.Callback
		r.free, r.pinned = false, false
		r.freeForks, r.freeThrottles = nil, nil
		if r.startAt != "" && len(r.freeStartAt) < len(batch) {
			r.startAt = "" // found by a host: the plays after run whole
		}
		r.freeStartAt = nil
	}()
	var wg sync.WaitGroup
	var panicOnce sync.Once
	var caught *HostPanic
	for _, h := range batch {
		// The hosts start in order, each once the one before waits for
		// its first command or fork, as Ansible's strategy loop goes
		// through them; forks are handed out first come, first served.
		started := make(chan struct{})
		var once sync.Once
		start := func() { once.Do(func() { close(started) }) }
		wg.Add(1)
		go func(h *hostState) {
			defer wg.Done()
			defer start()
			r.flow.Lock()
			defer r.flow.Unlock()
			defer func() {
				if p := recover(); p != nil {
					panicOnce.Do(func() { caught = &HostPanic{Host: h.name, Value: p, Stack: debug.Stack()} })
				}
			}()
			hctx := waitlock.With(ctx, &r.flow, start)
			if pinned {
				waitlock.Wait(hctx, func() { r.freeForks <- struct{}{} })
				defer func() { <-r.freeForks }()
			}
			r.runHostFree(hctx, play, h, groups)
		}(h)
		<-started
	}
	wg.Wait()
	if caught != nil {
		panic(caught)
	}
}

// runHostFree is one host's way through the batch: facts, then each
// group of sections followed by its handlers.
func (r *run) runHostFree(ctx context.Context, play *playbook.Play, h *hostState, groups [][][]*playbook.Task) {
	hosts := []*hostState{h}
	if r.gatherFacts(play) {
		r.runGatherFacts(ctx, hosts)
		if err := r.loadVarsFiles(play, hosts); err != nil {
			r.freeFail(err)
			return
		}
	}
	force := r.forceHandlers()
	for _, group := range groups {
		if r.ending() || ctx.Err() != nil || r.fatalErr() != nil || r.freeErr != nil {
			return
		}
		entered := h.alive()
		for _, tasks := range group {
			r.runTasks(ctx, hosts, tasks)
			if !h.alive() || r.ending() {
				break
			}
		}
		if r.ending() || ctx.Err() != nil {
			return
		}
		if force && entered || h.alive() {
			r.flushHandlers(ctx, hosts)
		}
	}
}

// freeFail keeps the first error that ends the play, as runPlay returns
// it in the linear strategy.
func (r *run) freeFail(err error) {
	if r.freeErr == nil {
		r.freeErr = err
	}
	r.endPlay = true
}

// freeSlot waits for a fork, and for the task's throttle, before a host
// runs t; it returns what gives them back. With host_pinned, the host
// holds its fork already.
func (r *run) freeSlot(ctx context.Context, t *playbook.Task, throttle int) (release func()) {
	var held []chan struct{}
	if throttle > 0 {
		sem := r.freeThrottles[t]
		if sem == nil {
			sem = make(chan struct{}, throttle)
			r.freeThrottles[t] = sem
		}
		held = append(held, sem)
	}
	if !r.pinned {
		held = append(held, r.freeForks)
	}
	for _, sem := range held {
		waitlock.Wait(ctx, func() { sem <- struct{}{} })
	}
	return func() {
		for _, sem := range held {
			<-sem
		}
	}
}

// freeChecks are the free strategy's checks of a task a host is about to
// run: it refuses an action that bypasses the host loop (add_host) and
// warns that run_once and any_errors_fatal do not apply. It reports
// whether the task may run.
func (r *run) freeChecks(t *playbook.Task, h *hostState) bool {
	if bypassesHostLoop(t.Action) {
		r.failRun(&ExitError{Code: ExitGeneral, Err: fmt.Errorf("%s: The '%s' module bypasses the host loop, which is currently not supported in the free strategy and would instead execute for every host in the inventory list.", t.Pos, t.Action)})
		r.endPlay = true
		return false
	}
	if r.runOnce(t, h) {
		r.warnOnce("Using run_once with the free strategy is not currently supported. This task will still be executed for every host in the inventory list.")
	}
	if r.anyErrorsFatal(t) {
		r.warnOnce("Using any_errors_fatal with the free strategy is not supported, as tasks are executed independently on each host")
	}
	return true
}

// warnOnce prints a warning the first time, as Ansible's display does
// with a repeated warning.
func (r *run) warnOnce(msg string) { r.warnOnceFor("", msg) }

// warnOnceFor is warnOnce within scope: the same warning in another scope
// is printed again.
func (r *run) warnOnceFor(scope, msg string) {
	r.warnedMu.Lock()
	defer r.warnedMu.Unlock()
	if r.warned == nil {
		r.warned = map[string]bool{}
	}
	if key := scope + "\x00" + msg; !r.warned[key] {
		r.warned[key] = true
		r.opts.Out.Warning(msg)
	}
}

// freeBanners prints a task's banner when one of its results is shown
// and the banner shown last is another task's, as Ansible's default
// callback does for the free strategy, whose hosts' results interleave.
type freeBanners struct {
	output.Callback
	tasks map[any]output.TaskStart // by ID: the tasks started
	last  any                      // the ID whose banner was printed last
	shown bool
}

func (b *freeBanners) Task(t output.TaskStart) {
	if t.ID == nil {
		b.Callback.Task(t)
		b.shown = false
		return
	}
	if _, ok := b.tasks[t.ID]; !ok {
		b.tasks[t.ID] = t
	}
	if t.Handler {
		// A handler that runs again is a new task for the callback.
		b.tasks[t.ID] = t
	}
}

func (b *freeBanners) Result(res output.HostResult) {
	if t, ok := b.tasks[res.TaskID]; ok && (!b.shown || b.last != res.TaskID) {
		b.Callback.Task(t)
		b.last, b.shown = res.TaskID, true
	}
	b.Callback.Result(res)
}
