package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

// includeTarget is what include_tasks or include_role resolved to on one host.
type includeTarget struct {
	key  string // groups hosts that include the same thing
	file string
	role string
	// tasksFrom is include_role's tasks_from.
	tasksFrom string
	params    map[string]any
	label     *string
}

// runInclude runs include_tasks / include_role: each host evaluates the
// include (when, loop, file name), then the included tasks run in lockstep
// on the hosts that included the same file, in the order first seen.
func (r *run) runInclude(ctx context.Context, hosts []*hostState, t *playbook.Task) {
	if includeDepth(t) >= maxIncludeDepth {
		r.failRun(&ExitError{Code: ExitGeneral, Err: fmt.Errorf("%s: Exceeded maximum object depth. This may have been caused by excessive role recursion: blocks nested more than %d deep", t.Pos, maxIncludeDepth)})
		r.endPlay = true
		return
	}
	var order []string
	targets := map[string][]*hostState{}
	byKey := map[string]includeTarget{}
	r.opts.Out.Task(r.taskStart(t, r.taskTitle(hosts[0], t), false))
	for _, h := range hosts {
		list, res := r.evalInclude(h, t)
		if res != nil {
			r.account(h, t, res, taskRun{})
			r.opts.Out.Result(output.HostResult{Host: h.name, Status: res.status, Result: res.result, NoLog: r.noLog(h, t)})
			continue
		}
		for _, it := range list {
			if _, seen := targets[it.key]; !seen {
				order = append(order, it.key)
				byKey[it.key] = it
			}
			targets[it.key] = append(targets[it.key], h)
		}
	}
	for _, key := range order {
		it := byKey[key]
		group := targets[key]
		names := make([]string, len(group))
		for i, h := range group {
			names[i] = h.name
			if it.role == "" {
				// include_tasks counts as ok; include_role does not.
				h.stats.Ok++
			}
		}
		shown := it.file
		if it.role != "" {
			shown = it.role
		}
		if it.file != "" || it.role == "" {
			r.opts.Out.Included(shown, names, it.label, r.noLog(group[0], t))
		}
		block := &playbook.Task{Pos: t.Pos, Parent: t.Parent, Role: t.Role, Synthetic: true, Vars: it.params,
			When: nil, Tags: t.Tags, Become: t.Become, BecomeUser: t.BecomeUser, BecomeMethod: t.BecomeMethod,
			Environment: t.Environment, IgnoreErrors: t.IgnoreErrors, NoLog: t.NoLog, DelegateTo: t.DelegateTo}
		var tasks []*playbook.Task
		var err error
		if it.role != "" {
			var role *playbook.Role
			role, tasks, err = r.opts.Loader.LoadRole(it.role, r.playbookDir, t.Role, map[string]any{"tasks_from": it.tasksFrom})
			if err == nil {
				block.Role = role
				role.Params = it.params
				block.Vars = nil
				r.play.Handlers = append(r.play.Handlers, role.Handlers...)
			}
		} else {
			tasks, err = r.opts.Loader.LoadTasks(it.file, block, t.Role)
		}
		if err != nil {
			for _, h := range group {
				res := failed(err.Error())
				r.account(h, t, res, taskRun{})
				r.opts.Out.Result(output.HostResult{Host: h.name, Status: res.status, Result: res.result, NoLog: r.noLog(h, t)})
			}
			continue
		}
		for _, c := range tasks {
			setParent(c, block)
		}
		block.Block = tasks
		r.runTasks(ctx, group, []*playbook.Task{block})
	}
}

// maxIncludeDepth bounds nested dynamic includes. ansible-core 2.14 has no
// bound of its own: a file that includes itself runs until Python's
// recursion limit ends the run (exit 1) some 250 levels down.
const maxIncludeDepth = 250

// includeDepth counts the blocks t is in (includes, imports, roles and
// written blocks alike, as Python's recursion through the parents does).
func includeDepth(t *playbook.Task) int {
	n := 0
	for p := t.Parent; p != nil; p = p.Parent {
		n++
	}
	return n
}

// setParent attaches a task loaded on its own to the include's block.
func setParent(t, parent *playbook.Task) {
	if t.Parent == nil {
		t.Parent = parent
	}
}

// evalInclude evaluates an include on one host: nothing (skipped), one
// target, or one per loop item. A non-nil result is a failure or skip.
func (r *run) evalInclude(h *hostState, t *playbook.Task) ([]includeTarget, *taskResult) {
	vars := r.taskScope(h, t, nil)
	var items []any
	looped := t.Loop != nil
	if looped {
		var err error
		items, err = r.loopItems(h, t, vars)
		if err != nil {
			return nil, r.failure(t, err)
		}
	} else {
		items = []any{nil}
	}
	loopVar := "item"
	if lc := t.LoopControl; lc != nil {
		if v, ok := lc["loop_var"].(string); ok && v != "" {
			loopVar = v
		}
	}
	var out []includeTarget
	for _, it := range items {
		var loopVars map[string]any
		if looped {
			loopVars = map[string]any{loopVar: it}
		}
		s := r.taskScope(h, t, loopVars)
		ok, err := r.conditionsHold(h, t, s)
		if err != nil {
			return nil, r.failure(t, err)
		}
		if !ok {
			continue
		}
		argsV, err := r.opts.Engine.Template(t.Args, s)
		if err != nil {
			return nil, r.failure(t, err)
		}
		args, _ := value.MapOf(argsV)
		params := map[string]any{}
		for k, v := range t.Vars {
			params[k] = v
		}
		for k, v := range loopVars {
			params[k] = v
		}
		target := includeTarget{params: params}
		if t.Action == "include_role" {
			target.role = fmt.Sprint(args["name"])
			if tf, ok := args["tasks_from"]; ok {
				target.tasksFrom = fmt.Sprint(tf)
			}
			for k, v := range args {
				if k != "name" && k != "tasks_from" && k != "apply" && k != "public" {
					params[k] = v
				}
			}
		} else {
			file, _ := args["file"].(string)
			if file == "" {
				file, _ = args["_raw_params"].(string)
			}
			if file == "" {
				return nil, failed("No file specified for include_tasks")
			}
			for k, v := range args {
				if k != "file" && k != "_raw_params" && k != "apply" {
					params[k] = v
				}
			}
			target.file = r.resolveInclude(t, file)
		}
		target.key = target.file + "\x00" + target.role + "\x00" + target.tasksFrom
		if looped {
			label := template.Str(it)
			target.label = &label
			target.key += "\x00" + fmt.Sprint(len(out)) + template.Repr(it)
		}
		out = append(out, target)
	}
	if len(out) == 0 {
		res := skippedResult()
		return nil, res
	}
	return out, nil
}

func (r *run) resolveInclude(t *playbook.Task, file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	p := playbook.ResolveTaskFile(file, t.Pos.File, t.Role)
	if strings.HasPrefix(p, "/") {
		return p
	}
	abs, _ := filepath.Abs(p)
	return abs
}

// runMeta runs meta: actions, which act on the run rather than on hosts.
func (r *run) runMeta(ctx context.Context, hosts []*hostState, t *playbook.Task) {
	action, _ := t.Args["_raw_params"].(string)
	switch strings.TrimSpace(action) {
	case "flush_handlers":
		r.flushHandlers(ctx, r.batch)
	case "end_play":
		r.endPlay = true
	case "end_host":
		for _, h := range hosts {
			vars := r.taskScope(h, t, nil)
			if ok, err := r.conditionsHold(h, t, vars); err == nil && ok {
				h.ended = true
			}
		}
	case "reset_connection":
		// The next task opens a new connection, with the user's current
		// groups and a new become shell.
		for _, h := range hosts {
			h.closeConnections()
		}
	case "noop", "refresh_inventory", "clear_host_errors", "clear_facts", "end_batch":
		if action == "clear_facts" {
			for _, h := range hosts {
				h.clearFacts()
			}
		}
	default:
		r.opts.Out.Warning(fmt.Sprintf("%s: meta: %s is not supported by gansible", t.Pos, action))
	}
}
