package runner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/modules"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/waitlock"
)

// Async tasks (the async and poll keywords, and async_status).
//
// Ansible starts an async module in the background on the host and polls
// a results file there. A gansible module is Go code on the controller
// that sends commands to the host, so an async job is a goroutine of the
// controller running the module over the host's connection (which runs
// commands side by side), with the job's time limit as its deadline; a
// job that runs out of time is cancelled, and its command on the host
// stopped, as async_wrapper kills its job. With poll > 0 the task waits
// for the job, printing Ansible's ASYNC POLL lines; with poll: 0 it
// returns at once and async_status asks the controller's job table.
// Jobs started with poll: 0 end with the run: it waits for them before
// it ends, where ansible-playbook would leave them running on the host.

// asyncRefused are the actions whose Ansible action plugins refuse
// async ("async is not supported for this task.").
var asyncRefused = map[string]bool{
	"add_host": true, "assemble": true, "assert": true, "async_status": true, "copy": true,
	"debug": true, "fail": true, "fetch": true, "group_by": true, "include_vars": true,
	"pause": true, "raw": true, "script": true, "set_fact": true, "set_stats": true,
	"template": true, "unarchive": true, "validate_argument_spec": true, "wait_for_connection": true,
	"meta": true,
}

// asyncJob is one module run in the background.
type asyncJob struct {
	jid         string
	resultsFile string
	done        chan struct{}
	res         *modules.Result // set when done
	err         error
	timedOut    bool // the job ran out of its async seconds
	cancel      context.CancelFunc
}

// asyncJobs is the run's job table.
type asyncJobs struct {
	mu      sync.Mutex
	jobs    map[string]*asyncJob // by host, then "\x00", then jid
	pending sync.WaitGroup       // jobs started with poll: 0
	count   int                  // of which not yet finished
}

func (a *asyncJobs) add(host string, j *asyncJob) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.jobs == nil {
		a.jobs = map[string]*asyncJob{}
	}
	a.jobs[host+"\x00"+j.jid] = j
}

func (a *asyncJobs) find(host, jid string) (*asyncJob, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	j, ok := a.jobs[host+"\x00"+jid]
	return j, ok
}

func (a *asyncJobs) remove(host, jid string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.jobs, host+"\x00"+jid)
}

// asyncSettings are a task's async and poll, templated: seconds == 0
// for a task that is not async.
func (r *run) asyncSettings(t *playbook.Task, vars template.Vars) (seconds, poll int, err error) {
	if t.Async == nil {
		return 0, 0, nil
	}
	seconds, err = r.intKeyword(t.Async, "async", vars)
	if err != nil || seconds <= 0 {
		return 0, 0, err
	}
	poll = r.opts.PollInterval
	if poll <= 0 && t.Poll == nil {
		poll = 15
	}
	if t.Poll != nil {
		if poll, err = r.intKeyword(t.Poll, "poll", vars); err != nil {
			return 0, 0, err
		}
	}
	return seconds, max(poll, 0), nil
}

// intKeyword templates an integer keyword, as Ansible's int
// FieldAttribute converts it.
func (r *run) intKeyword(raw any, name string, vars template.Vars) (int, error) {
	v, err := r.opts.Engine.Template(raw, vars)
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case int:
		return x, nil
	case float64:
		return int(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("the field '%s' has an invalid value (%s), and could not be converted to int. The error was: invalid literal for int() with base 10: %s", name, template.Str(v), value.Repr(template.Str(v)))
}

// checkAsync refuses async where Ansible does, before the action runs.
func (r *run) checkAsync(t *playbook.Task, vars template.Vars) *taskResult {
	seconds, _, err := r.asyncSettings(t, vars)
	if err != nil {
		return r.failure(t, err)
	}
	if seconds == 0 {
		return nil
	}
	action := strings.TrimPrefix(strings.TrimPrefix(t.Action, "ansible.builtin."), "ansible.legacy.")
	if asyncRefused[action] {
		return failed("async is not supported for this task.")
	}
	if r.checkMode(t, vars) {
		return failed("check mode and async cannot be used on same task.")
	}
	return nil
}

// runAsync runs a module as an async job: it waits for it (poll > 0) or
// returns the job's started result (poll: 0).
func (r *run) runAsync(ctx context.Context, h *hostState, mc *modules.Context, vars template.Vars, seconds, poll int, run func(*modules.Context) (*modules.Result, error)) (*modules.Result, error) {
	jid := fmt.Sprintf("j%d.%d", rand.Int64N(1e12), os.Getpid())
	dir, err := r.asyncDir(mc, vars)
	if err != nil {
		return nil, err
	}
	jobCtx, cancel := context.WithTimeout(ctx, time.Duration(seconds)*time.Second)
	job := &asyncJob{jid: jid, resultsFile: dir + "/" + jid, done: make(chan struct{}), cancel: cancel}
	jc := *mc
	// The job runs beside its host's tasks, not as them: it has no
	// lock of the free strategy to give up.
	jc.Ctx = waitlock.Without(jobCtx)
	background := poll == 0
	if background {
		r.async.pending.Add(1)
		r.async.mu.Lock()
		r.async.count++
		r.async.mu.Unlock()
	}
	r.async.add(h.name, job)
	go func() {
		defer close(job.done)
		defer cancel()
		res, err := run(&jc)
		job.res, job.err = res, err
		if jobCtx.Err() == context.DeadlineExceeded {
			job.timedOut = true
			job.res, job.err = &modules.Result{Failed: true, Msg: fmt.Sprintf("Job reached maximum time limit of %d seconds.", seconds)}, nil
		}
		if background {
			r.async.mu.Lock()
			r.async.count--
			r.async.mu.Unlock()
			r.async.pending.Done()
		}
	}()
	if background {
		return &modules.Result{Changed: true, Fields: map[string]any{
			"ansible_job_id": jid, "failed": 0, "finished": 0, "results_file": job.resultsFile, "started": 1,
		}}, nil
	}
	defer r.async.remove(h.name, jid)
	for left := seconds; left > 0; left -= poll {
		interrupted := false
		waitlock.Wait(ctx, func() {
			select {
			case <-job.done:
			case <-time.After(time.Duration(poll) * time.Second):
			case <-ctx.Done():
				cancel()
				<-job.done
				interrupted = true
			}
		})
		if interrupted {
			return nil, ctx.Err()
		}
		if finished(job) && !job.timedOut {
			break
		}
		r.opts.Out.AsyncPoll(h.name, jid)
		if poll == 0 {
			break
		}
	}
	if !finished(job) || job.timedOut {
		cancel()
		waitlock.Wait(ctx, func() { <-job.done })
		r.opts.Out.AsyncDone(h.name, jid, true)
		return &modules.Result{Failed: true, Msg: fmt.Sprintf("async task did not complete within the requested time - %ds", seconds),
			Fields: map[string]any{"async_result": map[string]any{
				"ansible_job_id": jid, "finished": 0, "results_file": job.resultsFile, "started": 1,
				"stderr": "", "stderr_lines": []any{}, "stdout": "", "stdout_lines": []any{},
			}}}, nil
	}
	if job.err != nil {
		return nil, job.err
	}
	r.opts.Out.AsyncDone(h.name, jid, job.res.Failed)
	return jobResult(job), nil
}

func finished(j *asyncJob) bool {
	select {
	case <-j.done:
		return true
	default:
		return false
	}
}

// jobResult is a finished job's result as async_status reports it.
func jobResult(j *asyncJob) *modules.Result {
	res := *j.res
	res.Fields = map[string]any{}
	for k, v := range j.res.Fields {
		res.Fields[k] = v
	}
	res.Fields["ansible_job_id"] = j.jid
	res.Fields["finished"] = 1
	res.Fields["started"] = 1
	res.Fields["results_file"] = j.resultsFile
	return &res
}

// asyncDir is Ansible's async_dir, where a job's results_file is: the
// ansible_async_dir variable, by default ~/.ansible_async, with ~ the
// home of the user the job runs as.
func (r *run) asyncDir(mc *modules.Context, vars template.Vars) (string, error) {
	dir := "~/.ansible_async"
	if raw, ok := vars.Lookup("ansible_async_dir"); ok {
		v, err := r.opts.Engine.Template(raw, vars)
		if err != nil {
			return "", err
		}
		dir = template.Str(v)
	}
	if dir != "~" && !strings.HasPrefix(dir, "~/") {
		return dir, nil
	}
	res, err := mc.Run(`printf '%s' "$HOME"`, nil)
	if err != nil {
		return "", err
	}
	return string(res.Stdout) + dir[1:], nil
}

// actionAsyncStatus is async_status: a job's state, or its result once
// it finished; mode=cleanup forgets the job.
func (r *run) actionAsyncStatus(h *hostState, t *playbook.Task, args map[string]any) *taskResult {
	jid := template.Str(args["jid"])
	if args["jid"] == nil {
		return failed("missing required arguments: jid")
	}
	mode := "status"
	if m, ok := args["mode"]; ok && m != nil {
		mode = template.Str(m)
	}
	if mode != "status" && mode != "cleanup" {
		return failed("value of mode must be one of: status, cleanup, got: " + mode)
	}
	job, ok := r.async.find(h.name, jid)
	if !ok {
		return &taskResult{status: output.Failed, result: map[string]any{
			"ansible_job_id": jid, "changed": false, "failed": true, "finished": 1, "started": 1, "msg": "could not find job",
		}}
	}
	if mode == "cleanup" {
		r.async.remove(h.name, jid)
		return &taskResult{status: output.OK, result: map[string]any{"ansible_job_id": jid, "changed": false, "erased": job.resultsFile}}
	}
	if !finished(job) {
		return &taskResult{status: output.OK, result: map[string]any{
			"ansible_job_id": jid, "changed": false, "finished": 0, "results_file": job.resultsFile, "started": 1,
		}}
	}
	if job.err != nil {
		if _, unreachable := job.err.(*connection.UnreachableError); unreachable {
			return r.failure(t, job.err)
		}
		return failed(job.err.Error())
	}
	return r.moduleResult(r.factHost(h, t), "async_status", jobResult(job), taskRun{})
}

// waitAsync waits, before the run ends, for the jobs started with
// poll: 0 that are still running.
func (r *run) waitAsync(ctx context.Context) {
	r.async.mu.Lock()
	n := r.async.count
	r.async.mu.Unlock()
	if n == 0 {
		return
	}
	done := make(chan struct{})
	go func() { r.async.pending.Wait(); close(done) }()
	select {
	case <-done:
		return // jobs about to end are not worth a warning
	case <-time.After(time.Second):
	}
	r.async.mu.Lock()
	n = r.async.count
	r.async.mu.Unlock()
	r.opts.Out.Warning(fmt.Sprintf("%d async job(s) started with poll: 0 are still running; gansible runs them from the controller, so it waits for them to end", n))
	select {
	case <-done:
	case <-ctx.Done():
		r.async.mu.Lock()
		for _, j := range r.async.jobs {
			j.cancel()
		}
		r.async.mu.Unlock()
	}
}
