package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"time"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/excerpt"
	"github.com/gansible/gansible/modules"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
	"github.com/gansible/gansible/waitlock"
)

// taskRun carries per-invocation settings of a task.
type taskRun struct {
	gatherFacts bool
	handler     bool
}

// runTask runs one task on hosts: banner, then each host in parallel.
func (r *run) runTask(ctx context.Context, hosts []*hostState, t *playbook.Task, handler bool) {
	handler = handler || includedByHandler(t)
	if !handler && !r.selectedByTags(t) {
		return
	}
	if r.free && !handler {
		// Each host looks for the --start-at-task task on its own.
		if at := r.freeStartAt[hosts[0]]; at != "" {
			if t.Name != at && t.DisplayName() != at {
				return
			}
			delete(r.freeStartAt, hosts[0])
		}
	} else if r.startAt != "" && !handler {
		if t.Name != r.startAt && t.DisplayName() != r.startAt {
			return
		}
		r.startAt = ""
	}
	if t.Action == "meta" {
		r.runMeta(ctx, hosts, t, handler)
		return
	}
	if r.free && !r.freeChecks(t, hosts[0]) {
		return
	}
	if isInclude(t.Action) {
		r.runInclude(ctx, hosts, t, handler)
		return
	}
	r.opts.Out.Task(r.taskStart(t, r.taskTitle(hosts[0], t), handler, hosts))
	if r.free {
		throttle := r.taskThrottle(hosts[0], t)
		defer r.freeSlot(ctx, t, throttle)()
		r.forEachHost(hosts, func(h *hostState) func() {
			return r.execTask(ctx, h, t, taskRun{handler: handler})
		})
		return
	}
	once := r.onceRunOf(t, hosts)
	r.lastOnce = lastOnce{t, once}
	if once != nil {
		r.runTaskOnce(ctx, hosts, once, t, handler)
		return
	}
	r.throttle = r.taskThrottle(hosts[0], t)
	if inventoryActions[t.Action] {
		r.throttle = 1 // see dyninv.go
	}
	defer func() { r.throttle = 0 }()
	r.forEachHost(hosts, func(h *hostState) func() {
		return r.execTask(ctx, h, t, taskRun{handler: handler})
	})
}

// taskTitle is the banner text: the task's name, templated when it can be
// with the first host's variables, as Ansible does.
// resolveAction templates a task's templated action string with the
// host's variables and returns the task it names.
func (r *run) resolveAction(h *hostState, t *playbook.Task) (*playbook.Task, error) {
	v, err := r.opts.Engine.Template(t.ActionTemplate, r.taskScope(h, t, nil))
	if err != nil {
		return nil, err
	}
	return playbook.ResolveAction(t, template.Str(unwrapUnsafe(v)), IsAction)
}

// includedByHandler reports whether t came from an include a handler ran.
func includedByHandler(t *playbook.Task) bool {
	for p := t.Parent; p != nil; p = p.Parent {
		if p.IncludedByHandler {
			return true
		}
	}
	return false
}

// taskStart is the event of t starting, under its banner title.
func (r *run) taskStart(t *playbook.Task, title string, handler bool, hosts []*hostState) output.TaskStart {
	ts := output.TaskStart{ID: t, Name: title, Handler: handler, Path: absPos(t.Pos),
		Action: t.Action, Args: value.NewDict(len(t.ArgNames)), NoLog: r.noLogWritten(t)}
	for _, h := range hosts {
		ts.Hosts = append(ts.Hosts, h.name)
	}
	if t.ActionWritten != "" {
		ts.Action = t.ActionWritten
	}
	if t.Role != nil {
		ts.Role = t.Role.Name
	}
	for _, k := range t.ArgNames {
		if v, ok := t.Args[k]; ok {
			ts.Args.Set(k, v)
		}
	}
	if t.Action == "include_tasks" || t.Action == "include" {
		// Ansible's TaskInclude.check_options moves file to _raw_params
		// when the task is loaded.
		if file, ok := ts.Args.Get("file"); ok {
			if raw, _ := ts.Args.Get("_raw_params"); raw == nil || raw == "" {
				ts.Args.Delete("file")
				ts.Args.Delete("_raw_params")
				ts.Args.Set("_raw_params", file)
			}
		}
	}
	return ts
}

// assertEvaluated reports whether an assert result got as far as
// evaluating its conditions: it passed, or an assertion failed.
func assertEvaluated(res *taskResult) bool {
	_, failedAssertion := res.result["evaluated_to"]
	return res.status == output.OK || res.status == output.Failed && failedAssertion
}

// noLogWritten is the innermost no_log of the task, its blocks and role,
// or else the play's, as written: Python's truth of the raw value, which
// is what callbacks see of a task before it runs (a template is a
// non-empty string, so true).
func (r *run) noLogWritten(t *playbook.Task) bool {
	v, ok := r.noLogRaw(t)
	return ok && value.Truthy(v)
}

// noLogRaw is the no_log value noLogWritten reads, and whether one is set.
func (r *run) noLogRaw(t *playbook.Task) (any, bool) {
	return r.chain(t).Value("no_log")
}

// chain is the keyword levels t inherits from in the running play.
func (r *run) chain(t *playbook.Task) playbook.Chain {
	return t.Chain(r.play)
}

func (r *run) playStart(p *playbook.Play, name string) output.PlayStart {
	return output.PlayStart{ID: p, Name: name, Path: absPos(p.Pos)}
}

// absPos is a position as Ansible's get_path() gives it: the absolute
// file and the line.
func absPos(pos playbook.Pos) string {
	path := pos.File
	if abs, err := filepath.Abs(path); err == nil && path != "" {
		path = abs
	}
	return fmt.Sprintf("%s:%d", path, pos.Line)
}

func (r *run) taskTitle(h *hostState, t *playbook.Task) string {
	name := t.DisplayName()
	// A task's name is templated; a templated action standing in for a
	// missing name is shown as written, as in Ansible.
	if strings.Contains(name, "{{") && (t.Name != "" || t.ActionTemplate == "") {
		if v, err := r.opts.Engine.Template(name, r.taskScope(h, t, nil)); err == nil {
			name = fmt.Sprint(v)
		}
	}
	return name
}

// taskThrottle is the task's throttle keyword (or its blocks'): how many
// hosts run it at once, 0 for no limit beyond forks. Ansible templates it
// once for the task.
func (r *run) taskThrottle(h *hostState, t *playbook.Task) int {
	if v, ok := r.chain(t).Value("throttle"); ok {
		return max(intValue(r.templateOr(v, r.taskScope(h, t, nil), 0), 0), 0)
	}
	return 0
}

// onceRun is how a task that does not run on every host of the batch
// runs: a run_once task, or an action that bypasses the host loop.
type onceRun struct {
	hosts []*hostState // the hosts it runs on, in order
	// shared: each result stands for every host of the batch (run_once),
	// not only for the host that ran it (an action that bypasses the
	// host loop, without run_once).
	shared bool
	// fatal: a failure ends the batch as any_errors_fatal does (see
	// lockstepFatal), which holds once a host found run_once true.
	fatal bool
}

// lastOnce is how the last task run in lockstep ran (nil: on each host),
// kept so that lockstepFatal reads the decision the task ran by instead
// of templating run_once again after the task may have changed its vars.
type lastOnce struct {
	task *playbook.Task
	once *onceRun
}

// bypassHostLoop are the actions ansible-core runs for the first host
// only, whatever run_once says (their BYPASS_HOST_LOOP).
var bypassHostLoop = map[string]bool{"add_host": true, "pause": true}

func bypassesHostLoop(action string) bool {
	return bypassHostLoop[strings.TrimPrefix(strings.TrimPrefix(action, "ansible.builtin."), "ansible.legacy.")]
}

// onceRunOf is how t runs on hosts, nil when it runs on each of them as
// usual: run_once as written is false (Python's truth: a template, or
// the string "no", is true) and its action does not bypass the host
// loop. A template is decided host by host in order, as ansible-core's
// linear strategy queues the task on each host until one finds it true;
// when none does, the task runs on every host and its results are still
// shared.
func (r *run) onceRunOf(t *playbook.Task, hosts []*hostState) *onceRun {
	if len(hosts) == 0 {
		return nil
	}
	v, _ := r.chain(t).Value("run_once")
	shared := value.Truthy(v)
	switch {
	case bypassesHostLoop(t.Action):
		return &onceRun{hosts: hosts[:1], shared: shared, fatal: true}
	case !shared:
		return nil
	}
	if s, isStr := v.(string); isStr && playbook.IsTemplate(s) {
		for i, h := range hosts {
			if r.runOnce(t, h) {
				return &onceRun{hosts: hosts[:i+1], shared: true, fatal: true}
			}
		}
		return &onceRun{hosts: hosts, shared: true}
	}
	return &onceRun{hosts: hosts[:1], shared: true, fatal: true}
}

// runTaskOnce runs t as once says. A shared result stands for every host
// of hosts: Ansible registers it on each, in the order the results come
// in (here, the order of the hosts), but counts it only for the host
// that ran it, and its failure fails them all.
func (r *run) runTaskOnce(ctx context.Context, hosts []*hostState, once *onceRun, t *playbook.Task, handler bool) {
	results := make([]*taskResult, len(once.hosts))
	index := make(map[*hostState]int, len(once.hosts))
	for i, h := range once.hosts {
		index[h] = i
	}
	r.forEachHost(once.hosts, func(h *hostState) func() {
		emit, res := r.execTaskResult(ctx, h, t, taskRun{handler: handler})
		results[index[h]] = res
		return emit
	})
	if !once.shared {
		return
	}
	for _, res := range results {
		if res == nil {
			continue
		}
		// Its own host has it already, and gets it again to keep the
		// order: a later host's result replaces it there too.
		for _, h := range hosts {
			if t.Register != "" {
				h.setFact(t.Register, registered(res.result))
			}
			if facts, ok := value.MapOf(res.result["ansible_facts"]); ok && t.Action == "set_fact" {
				for k, v := range facts {
					h.setFact(k, template.Unsafe{V: value.Convert(v)})
				}
			}
		}
	}
	for i, res := range results {
		if h := once.hosts[i]; res != nil && res.status == output.Failed && !res.ignored && h.failed {
			r.failRunOnce(h)
		}
	}
}

// failRunOnce fails the batch's other hosts with first, which failed a
// run_once task: ansible-core's strategy marks every host of the batch
// failed in its iterator, so each goes on to a rescue or always section
// as if it had failed the task itself, but counts the failure (in the
// recap, as rescued) only on the host that ran it.
func (r *run) failRunOnce(first *hostState) {
	for _, h := range r.batch {
		if h != first && h.alive() {
			h.failed = true
			h.failedByOther = true
			h.lastFailure = nil
		}
	}
}

// runOnce reports whether t runs once as h sees it: it bypasses the
// host loop, or its run_once, templated with h's variables as
// ansible-core's strategies do, is true.
func (r *run) runOnce(t *playbook.Task, h *hostState) bool {
	if bypassesHostLoop(t.Action) {
		return true
	}
	v, ok := r.chain(t).Value("run_once")
	if !ok {
		return false
	}
	if s, isStr := v.(string); isStr && playbook.IsTemplate(s) {
		out, err := r.opts.Engine.Template(s, r.taskScope(h, t, nil))
		if err != nil {
			// The task reports the error when it runs on each host.
			return false
		}
		v = unwrapUnsafe(out)
	}
	return value.Truthy(v)
}

// taskResult is a finished task on one host.
type taskResult struct {
	status output.Status
	result map[string]any
	items  []map[string]any // per-item results of a loop
	looped bool
	// verboseAlways: the action's result asks to be shown at every
	// verbosity (Ansible's _ansible_verbose_always), as debug's does
	// once it ran, even when failed_when then fails it.
	verboseAlways bool
	// completed: changed_when, failed_when and failed false are applied
	// (see completeResult).
	completed bool
	ignored   bool
	hidden    bool // not shown: its task ended the run (notify of no handler)
	// aborted: the task could not be made ready to run (an undefined
	// variable in its arguments or conditions, a vault error), which in
	// a loop ends the whole loop, as Ansible's task executor raises.
	aborted bool
	// noLog, for a loop, is whether any item's no_log held: ansible-core
	// then hides the loop's final result too.
	noLog *bool
}

func (r *run) execTask(ctx context.Context, h *hostState, t *playbook.Task, tr taskRun) func() {
	emit, _ := r.execTaskResult(ctx, h, t, tr)
	return emit
}

// execTaskResult runs t on h and returns a function that prints the result
// lines, so that the caller controls output order.
func (r *run) execTaskResult(ctx context.Context, h *hostState, t *playbook.Task, tr taskRun) (func(), *taskResult) {
	var lines []output.HostResult
	id := t // the TaskStart.ID, before a templated action is resolved
	if t.ActionTemplate != "" {
		resolved, err := r.resolveAction(h, t)
		if err != nil {
			res := &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": err.Error()}}
			res.ignored = r.ignoreErrors(t, r.taskScope(h, t, nil))
			r.account(h, t, res, tr)
			return func() {
				r.opts.Out.Result(output.HostResult{Host: h.name, Status: res.status, Result: res.result, Ignored: res.ignored, NoLog: r.noLog(h, t), TaskID: id})
			}, res
		}
		t = resolved
	}
	res := r.execOnHost(ctx, h, t, tr, func(hr output.HostResult) {
		hr.Action, hr.TaskID = t.Action, id
		lines = append(lines, hr)
	})
	r.account(h, t, res, tr)
	final := output.HostResult{Host: h.name, Action: t.Action, TaskID: id, Status: res.status, Result: res.result, Ignored: res.ignored,
		Looped: res.looped, Debug: t.Action == "debug", NoLog: r.noLog(h, t)}
	if res.noLog != nil {
		final.NoLog = *res.noLog
	}
	if d := r.delegateName(h, t); d != "" {
		final.Delegated, final.DelegatedHost = d, r.delegateAddress(h, t, d)
	}
	// debug's result, and assert's unless quiet, are shown at every
	// verbosity (Ansible's _ansible_verbose_always); assert sets it once
	// its options are checked, so a failed assertion has it too.
	final.Verbose = final.Debug && !res.looped && res.verboseAlways ||
		t.Action == "assert" && !res.looped && assertEvaluated(res) && !r.truthy(t.Args["quiet"], r.taskScope(h, t, nil))
	switch strings.TrimPrefix(strings.TrimPrefix(t.Action, "ansible.builtin."), "ansible.legacy.") {
	case "setup", "gather_facts":
		final.Quiet = true
	}
	if r.diffMode(t, r.taskScope(h, t, nil)) {
		// Ansible shows a file's diff before the result line.
		final.Diff = diffText(res)
	}
	return func() {
		for _, l := range lines {
			r.opts.Out.Result(l)
		}
		if !res.hidden {
			r.opts.Out.Result(final)
		}
	}, res
}

// account updates the host's recap counters and failure state.
func (r *run) account(h *hostState, t *playbook.Task, res *taskResult, tr taskRun) {
	if t.Role != nil && t.Role.RunKey != "" && res.status != output.Skipped {
		if h.rolesRun == nil {
			h.rolesRun = map[string]bool{}
		}
		h.rolesRun[t.Role.RunKey] = true
	}
	switch res.status {
	case output.OK:
		h.stats.Ok++
	case output.Changed:
		h.stats.Ok++
		h.stats.Changed++
	case output.Skipped:
		h.stats.Skipped++
	case output.Failed:
		if res.ignored {
			h.stats.Ignored++
			h.stats.Ok++
			if changed, _ := res.result["changed"].(bool); changed {
				h.stats.Changed++
			}
			return
		}
		h.stats.Failed++
		h.failed = true
		h.lastFailure = &failure{task: t, result: res.result}
	case output.Unreachable:
		if res.ignored {
			// Ansible's strategy counts an ignored unreachable as ok too.
			h.stats.Ignored++
			h.stats.Ok++
			return
		}
		h.stats.Unreachable++
		h.unreachable = true
	}
}

// execOnHost evaluates conditions and loops and runs the action.
func (r *run) execOnHost(ctx context.Context, h *hostState, t *playbook.Task, tr taskRun, item func(output.HostResult)) *taskResult {
	vars := r.taskScope(h, t, nil)
	// A loop's no_log may name the item: each item evaluates its own.
	if _, err := r.noLogValue(t, vars); err != nil && t.Loop == nil {
		// Ansible fails a task whose no_log does not evaluate; its output
		// stays hidden (noLogIn hides on the error).
		res := r.failure(t, err)
		res.ignored = r.ignoreErrors(t, vars)
		return res
	}
	if t.Loop == nil {
		ok, err := r.conditionsHold(h, t, vars)
		if err != nil {
			// A failed condition is a task failure: registered, and
			// ignore_errors applies.
			res := r.failure(t, err)
			r.register(h, t, res)
			res.ignored = r.ignoreErrors(t, vars)
			return res
		}
		if !ok {
			res := skippedResult()
			r.register(h, t, res)
			return res
		}
		res := r.runAction(ctx, h, t, vars, nil, tr)
		r.afterResult(h, t, vars, res)
		return res
	}
	items, err := r.loopItems(h, t, vars)
	if err != nil {
		// As Ansible's task executor: an undefined loop waits for when,
		// and a task whose when is false (without the items) is skipped.
		if template.IsUndefined(err) {
			if ok, whenErr := r.conditionsHold(h, t, vars); whenErr == nil && !ok {
				res := skippedResult()
				r.register(h, t, res)
				return res
			}
			// Ansible's loop templating fails with the repeated cause
			// alone; the failure is registered and may be ignored.
			msg := err.Error()
			res := &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": msg + ". " + msg}}
			r.register(h, t, res)
			res.ignored = r.ignoreErrors(t, vars)
			return res
		}
		// Any other error of the loop's lookup is the task's result, as
		// ansible-core's executor returns it: registered, and ignorable.
		res := &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": r.failure(t, err).result["msg"]}}
		r.register(h, t, res)
		res.ignored = r.ignoreErrors(t, vars)
		return res
	}
	return r.runLoop(ctx, h, t, items, tr, item)
}

func skippedResult() *taskResult {
	return &taskResult{status: output.Skipped, result: map[string]any{
		"changed": false, "skipped": true, "skip_reason": "Conditional result was False",
	}}
}

// failure is a task failing on a host before or outside its action.
func (r *run) failure(t *playbook.Task, err error) *taskResult {
	msg := err.Error()
	var pe *pyException
	if errors.As(err, &pe) {
		return &taskResult{status: output.Failed, result: map[string]any{
			"changed": false, "failed": true, "msg": msg, "exception": pe.Traceback(),
		}}
	}
	var ce *conditionalError
	if errors.As(err, &ce) {
		msg = ce.message() + "\n\n" + excerpt.At(t.Pos.File, t.Pos.Line, t.Pos.Col)
		return &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": msg}}
	}
	if template.IsUndefined(err) {
		// Ansible's AnsibleUndefinedVariable repeats its original
		// message, then gets the task's position and offending line.
		msg = "The task includes an option with an undefined variable. The error was: " + msg + ". " + msg + "\n\n" + excerpt.At(t.Pos.File, t.Pos.Line, t.Pos.Col)
	}
	var unreachable *connection.UnreachableError
	if errors.As(err, &unreachable) {
		return &taskResult{status: output.Unreachable, result: map[string]any{
			"changed": false, "unreachable": true, "msg": msg,
		}}
	}
	var ve *vault.Error
	var te *template.Error
	if template.IsUndefined(err) || errors.As(err, &ve) || errors.As(err, &te) {
		// The task never ran: Ansible reports only the message.
		return &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": msg}, aborted: true}
	}
	return &taskResult{status: output.Failed, result: map[string]any{"changed": false, "failed": true, "msg": msg}}
}

// argsFailure is the failure of templating the task's arguments. A Python
// exception other than a TypeError gets out of ansible-core's templar as
// it is: post_validate words a ValueError as the args field's invalid
// value (raised, so a loop ends there), and the task executor turns any
// other into a failed result that carries only the exception.
func (r *run) argsFailure(t *playbook.Task, err error) *taskResult {
	var pe *template.PyError
	if !errors.As(err, &pe) {
		return r.failure(t, err)
	}
	if pe.IsValueError() {
		msg := fmt.Sprintf("the field 'args' has an invalid value (%s), and could not be converted to an dict.The error was: %s",
			value.Str(t.Args), pe.Msg) + "\n\n" + excerpt.At(t.Pos.File, t.Pos.Line, t.Pos.Col)
		return &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": msg}, aborted: true}
	}
	return &taskResult{status: output.Failed, result: map[string]any{
		"changed": false, "failed": true, "exception": pythonTraceback(pe),
	}}
}

// pyException is a Python exception that an action plugin catches and
// reports as its result: "Class: text" as msg, with the traceback (the
// template action's failure to render a file).
type pyException struct {
	class string // qualified, as a traceback names it
	text  string
}

func (e *pyException) Error() string {
	return e.class[strings.LastIndexByte(e.class, '.')+1:] + ": " + e.text
}

func (e *pyException) Traceback() string {
	return pythonTraceback(&template.PyError{Class: e.class, Msg: e.text})
}

// pythonTraceback is the text of a traceback as far as gansible has one:
// its header and its last line, which is what Ansible shows below -vvv.
func pythonTraceback(pe *template.PyError) string {
	return "Traceback (most recent call last):\n" + pe.Class + ": " + pe.Msg + "\n"
}

// conditionsHold evaluates the task's when, with those of its blocks.
// A condition that fails to evaluate is a *conditionalError.
func (r *run) conditionsHold(h *hostState, t *playbook.Task, vars template.Vars) (bool, error) {
	for _, p := range append(t.Ancestors(), t) {
		for _, c := range p.When {
			ok, err := r.condition(t, c, vars)
			if err != nil {
				return false, &conditionalError{cond: fmt.Sprint(c), err: err}
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
}

// conditionalError is a when condition that failed to evaluate.
type conditionalError struct {
	cond string
	err  error
}

func (e *conditionalError) Error() string { return e.err.Error() }
func (e *conditionalError) Unwrap() error { return e.err }

// message is Ansible's text for it: the condition, and for an undefined
// variable the evaluation's own wrapping of the (repeated) cause.
func (e *conditionalError) message() string {
	msg := e.err.Error()
	if template.IsUndefined(e.err) {
		msg = fmt.Sprintf("error while evaluating conditional (%s): %s. %s", e.cond, msg, msg)
	}
	return fmt.Sprintf("The conditional check '%s' failed. The error was: %s", e.cond, msg)
}

func (r *run) condition(t *playbook.Task, c any, vars template.Vars) (bool, error) {
	switch v := c.(type) {
	case bool:
		return v, nil
	case nil:
		return true, nil
	case string:
		if strings.Contains(v, "{{") || strings.Contains(v, "{%") {
			// Ansible warns in the worker that runs the task on the
			// host, whose display repeats no warning: once per task and
			// host.
			host, _ := vars.Lookup("inventory_hostname")
			r.warnOnceFor(fmt.Sprintf("%p\x00%v", t, host), "conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: "+v)
		}
		return r.opts.Engine.Condition(v, vars)
	default:
		return r.opts.Engine.Condition(fmt.Sprint(v), vars)
	}
}

// afterResult applies changed_when, failed_when and until, registers the
// result and notifies handlers.
func (r *run) afterResult(h *hostState, t *playbook.Task, vars template.Vars, res *taskResult) {
	r.completeResult(t, vars, res)
	r.register(h, t, res)
	if res.status == output.Failed && r.ignoreErrors(t, vars) {
		res.ignored = true
	}
	if res.status == output.Unreachable && r.ignoreUnreachable(t, vars) {
		res.ignored = true
	}
	if res.status == output.Changed && len(taskNotify(t)) > 0 {
		if err := r.notify(h, t, vars); err != nil {
			r.notifyFailed(res, err)
		}
	}
}

// completeResult applies changed_when and failed_when to an action's
// result and records failed false where it did not fail, as the task
// executor does after each run of the action (before until is
// evaluated), once.
func (r *run) completeResult(t *playbook.Task, vars template.Vars, res *taskResult) {
	if res.completed {
		return
	}
	res.completed = true
	if res.status != output.Skipped && res.status != output.Unreachable {
		if err := r.applyResultConditions(t, vars, res); err != nil {
			res.status = output.Failed
			res.result["failed"] = true
			res.result["msg"] = err.Error()
		}
	}
	markNotFailed(res)
}

// markNotFailed records a result that ran and did not fail as failed:
// false, as Ansible's task executor does (skipped and unreachable results,
// and a loop's aggregate, get no such key).
func markNotFailed(res *taskResult) {
	switch res.status {
	case output.OK, output.Changed:
	case output.Skipped:
		// An action that ran and skipped itself (command in check
		// mode, debug under its verbosity) is a result the executor
		// completes; a false condition skips before any action.
		if _, byCondition := res.result["skip_reason"]; byCondition {
			return
		}
	default:
		return
	}
	if _, ok := res.result["failed"]; !ok {
		res.result["failed"] = false
	}
}

// failAfterRegister fails a result that is already registered. The
// registered map is published to other hosts' hostvars and never written
// again, so the failure goes into a copy.
func failAfterRegister(res *taskResult, err error) {
	res.result = maps.Clone(res.result)
	res.status = output.Failed
	res.result["failed"] = true
	res.result["msg"] = err.Error()
}

// applyResultConditions evaluates changed_when and failed_when with the
// result available under the register name.
func (r *run) applyResultConditions(t *playbook.Task, vars template.Vars, res *taskResult) error {
	if len(t.ChangedWhen) == 0 && len(t.FailedWhen) == 0 {
		return nil
	}
	s := withRegistered(t, vars, res.result)
	failed := res.status == output.Failed
	changed, _ := res.result["changed"].(bool)
	// As in Ansible, changed_when is evaluated first, failed or not; then
	// failed_when decides failure.
	if len(t.ChangedWhen) > 0 {
		c, err := r.allTrue(t, t.ChangedWhen, s)
		if err != nil {
			return err
		}
		changed = c
		res.result["changed"] = changed
	}
	if len(t.FailedWhen) > 0 {
		f, err := r.allTrue(t, t.FailedWhen, s)
		if err != nil {
			return err
		}
		failed = f
		res.result["failed_when_result"] = failed
		res.result["failed"] = failed
	}
	switch {
	case failed:
		res.status = output.Failed
	case changed:
		res.status = output.Changed
	default:
		res.status = output.OK
	}
	return nil
}

// registered is a task result as a variable: data from the host, never
// templated, its dicts converted once (Go builds results with fixed keys;
// they read sorted, as Ansible prints them).
func registered(result map[string]any) template.Unsafe {
	return template.Unsafe{V: value.Convert(result)}
}

// withRegistered is vars with the task's result already under its register
// name, as changed_when, failed_when and until see it.
func withRegistered(t *playbook.Task, vars template.Vars, result map[string]any) *scope {
	s := &scope{}
	if t.Register != "" {
		s.push(map[string]any{t.Register: registered(withoutInvocation(result))})
	}
	s.layers = append(s.layers, vars.(*scope).layers...)
	return s
}

// allTrue is true when every condition in the list holds (Ansible ANDs a
// list of changed_when or failed_when conditions).
func (r *run) allTrue(t *playbook.Task, conds []any, vars template.Vars) (bool, error) {
	for _, c := range conds {
		ok, err := r.condition(t, c, vars)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

func (r *run) register(h *hostState, t *playbook.Task, res *taskResult) {
	if t.Register == "" {
		return
	}
	h.setFact(t.Register, registered(withoutInvocation(res.result)))
}

// withoutInvocation is a result as registered: Ansible's strategy drops
// the module's invocation from it (not from its loop items').
func withoutInvocation(result map[string]any) map[string]any {
	if _, ok := result["invocation"]; !ok {
		return result
	}
	out := make(map[string]any, len(result))
	for k, v := range result {
		if k != "invocation" {
			out[k] = v
		}
	}
	return out
}

func (r *run) ignoreErrors(t *playbook.Task, vars template.Vars) bool {
	v, ok := r.chain(t).Value("ignore_errors")
	return ok && r.truthy(v, vars)
}

func (r *run) ignoreUnreachable(t *playbook.Task, vars template.Vars) bool {
	v, ok := r.chain(t).Value("ignore_unreachable")
	return ok && r.truthy(v, vars)
}

func (r *run) truthy(v any, vars template.Vars) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		ok, err := r.opts.Engine.Condition(x, vars)
		return err == nil && ok
	case int:
		return x != 0
	}
	return false
}

// noLog is the task's no_log on h, inherited from its blocks, role and
// play.
func (r *run) noLog(h *hostState, t *playbook.Task) bool {
	return r.noLogIn(t, r.taskScope(h, t, nil))
}

// noLogIn is the task's no_log with the given variables (a loop item's,
// for instance). A value that does not evaluate to a boolean hides:
// failing open would print what the author meant to hide.
func (r *run) noLogIn(t *playbook.Task, vars template.Vars) bool {
	hide, err := r.noLogValue(t, vars)
	return hide || err != nil
}

// noLogValue evaluates the innermost no_log of the task, its blocks and
// role, or else the play's, as Ansible's boolean field does.
func (r *run) noLogValue(t *playbook.Task, vars template.Vars) (bool, error) {
	for _, level := range r.chain(t) {
		v := level.NoLog
		if v == nil {
			continue
		}
		if s, ok := v.(string); ok && strings.Contains(s, "{{") {
			out, err := r.opts.Engine.Template(s, vars)
			if err != nil {
				return true, err
			}
			v = unwrapUnsafe(out)
			if v == r.opts.Engine.Omit() {
				// omit leaves the keyword unset here: the enclosing
				// block's, role's or play's value counts, as in Ansible.
				continue
			}
		}
		b, err := modules.ParseBool(v)
		if err != nil {
			return true, fmt.Errorf("no_log: %w", err)
		}
		return b, nil
	}
	return false, nil
}

func (r *run) checkMode(t *playbook.Task, vars template.Vars) bool {
	return r.modeKeyword(t, vars, "check_mode", r.opts.Check)
}

func (r *run) diffMode(t *playbook.Task, vars template.Vars) bool {
	return r.modeKeyword(t, vars, "diff", r.opts.Diff)
}

// modeKeyword is check_mode or diff for t: the innermost level that
// sets it (templated with the task's variables; an omitted or
// non-boolean value leaves it to the next level), else the command
// line's.
func (r *run) modeKeyword(t *playbook.Task, vars template.Vars, name string, def bool) bool {
	for _, level := range r.chain(t) {
		v := level.CheckMode
		if name == "diff" {
			v = level.Diff
		}
		if s, ok := v.(string); ok && (strings.Contains(s, "{{") || strings.Contains(s, "{%")) {
			out, err := r.opts.Engine.Template(s, vars)
			if err != nil {
				continue
			}
			v = unwrapUnsafe(out)
		}
		if v == nil || v == r.opts.Engine.Omit() {
			continue
		}
		if b, err := value.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}

func (r *run) delegateName(h *hostState, t *playbook.Task) string {
	to := r.chain(t).String("delegate_to")
	if strings.Contains(to, "{{") {
		if v, err := r.opts.Engine.Template(to, r.taskScope(h, t, nil)); err == nil {
			return fmt.Sprint(v)
		}
	}
	return to
}

// delegateAddress is the delegate's ansible_host (its name when it has
// none), which Ansible keeps in a result's _ansible_delegated_vars.
func (r *run) delegateAddress(h *hostState, t *playbook.Task, d string) string {
	dh, ok := r.hosts[d]
	if !ok {
		dh = r.implicitHost(d)
	}
	if v, ok := r.hostVar(r.taskScope(dh, t, nil), "ansible_host", "ansible_ssh_host"); ok {
		return v
	}
	return d
}

// retrying runs attempt until `until` holds or retries are used up.
func (r *run) retrying(ctx context.Context, h *hostState, t *playbook.Task, vars template.Vars, attempt func() *taskResult) *taskResult {
	if t.Until == nil {
		return attempt()
	}
	// As ansible-core 2.14's task executor: retries (default 3) more runs
	// after the first; retries <= 0 means one run, with until not even
	// evaluated. When they run out, attempts says the retries, not the runs.
	runs := 1
	if n := intValue(r.templateOr(t.Retries, vars, 3), 3); n > 0 {
		runs = n + 1
	}
	delay := intValue(r.templateOr(t.Delay, vars, 5), 5)
	if delay < 0 {
		delay = 1
	}
	var res *taskResult
	for i := 1; ; i++ {
		res = attempt()
		if res.status == output.Unreachable {
			return res
		}
		res.result["attempts"] = i
		if runs == 1 {
			return res
		}
		r.completeResult(t, vars, res)
		ok, err := r.condition(t, t.Until, withRegistered(t, vars, res.result))
		if err != nil {
			return r.failure(t, err)
		}
		if ok {
			return res
		}
		if i >= runs {
			res.result["attempts"] = runs - 1
			res.status = output.Failed
			res.result["failed"] = true
			return res
		}
		r.opts.Out.Retry(h.name, t.DisplayName(), runs-i)
		if waitlock.Sleep(ctx, time.Duration(delay)*time.Second) != nil {
			return res
		}
	}
}

func (r *run) templateOr(v any, vars template.Vars, def any) any {
	if v == nil {
		return def
	}
	out, err := r.opts.Engine.Template(v, vars)
	if err != nil {
		return def
	}
	return out
}

func intValue(v any, def int) int {
	switch x := v.(type) {
	case int:
		return x
	case float64:
		return int(x)
	case string:
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(x), "%d", &n); err == nil {
			return n
		}
	}
	return def
}
