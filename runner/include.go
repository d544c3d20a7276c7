package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

// includeTarget is what include_tasks or include_role resolved to on one host.
type includeTarget struct {
	key string // groups hosts that include the same thing
	// result is the include task's own result, as ansible-core's
	// TaskExecutor makes it: the file as templated and the other
	// arguments (include_tasks), or the arguments (include_role).
	result map[string]any
	file   string
	role   string
	// from holds include_role's tasks_from, vars_from, defaults_from and
	// handlers_from.
	from   map[string]any
	public bool
	params map[string]any
	label  *string
	// args and vars are what Ansible's IncludedFile holds besides the
	// file: include_args, and the loop's special variables.
	args, vars *value.Dict
	// loopVar and indexVar are the loop's variables, for a looped include.
	loopVar, indexVar string
}

// includeGroup is one included file or role and the hosts that include it.
type includeGroup struct {
	target includeTarget
	hosts  []*hostState
	block  *playbook.Task
}

// runInclude runs include_tasks / include_role as ansible-core's linear
// strategy: each host evaluates the include (when, loop, file name); then
// each file or role is loaded, in the order first seen, and announced, or
// fails on its hosts; then the included tasks run in lockstep on the hosts
// that included the same file.
func (r *run) runInclude(ctx context.Context, hosts []*hostState, t *playbook.Task, handler bool) {
	if includeDepth(t) >= maxIncludeDepth {
		r.failRun(&ExitError{Code: ExitGeneral, Err: fmt.Errorf("%s: Exceeded maximum object depth. This may have been caused by excessive role recursion: blocks nested more than %d deep", t.Pos, maxIncludeDepth)})
		r.endPlay = true
		return
	}
	var groups []*includeGroup
	byKey := map[string]*includeGroup{}
	r.opts.Out.Task(r.taskStart(t, r.taskTitle(hosts[0], t), handler, hosts))
	for _, h := range hosts {
		list, skipped, res := r.evalInclude(h, t)
		// A looped include's items skipped by its when print their
		// own lines, as the loop's items of any task.
		for _, it := range skipped {
			label := it.label
			r.opts.Out.Result(output.HostResult{Host: h.name, Action: t.Action, Status: output.Skipped, Item: &label,
				Result: it.result, NoLog: r.noLog(h, t)})
		}
		if res != nil {
			r.account(h, t, res, taskRun{})
			r.opts.Out.Result(output.HostResult{Host: h.name, Action: t.Action, Status: res.status, Result: res.result, Looped: res.looped, NoLog: r.noLog(h, t), TaskID: t})
			continue
		}
		if t.Loop == nil && len(list) == 1 {
			r.opts.Out.Result(output.HostResult{Host: h.name, Action: t.Action, Status: output.OK, Include: true,
				Result: list[0].result, NoLog: r.noLog(h, t), TaskID: t})
		} else if t.Loop != nil {
			r.opts.Out.Result(output.HostResult{Host: h.name, Action: t.Action, Status: output.OK, Include: true,
				Result: loopedIncludeResult(list), NoLog: r.noLog(h, t), TaskID: t})
		}
		for _, it := range list {
			g := byKey[it.key]
			if g == nil {
				g = &includeGroup{target: it}
				byKey[it.key] = g
				groups = append(groups, g)
			}
			g.hosts = append(g.hosts, h)
		}
	}
	var run []*includeGroup
	for _, g := range groups {
		if r.loadInclude(t, g) {
			run = append(run, g)
		}
	}
	for _, g := range run {
		g.block.IncludedByHandler = handler
		r.runTasks(ctx, alive(g.hosts), []*playbook.Task{g.block})
	}
}

// loadInclude loads what a group of hosts includes into g.block and
// announces it; a file that cannot be loaded fails on those hosts.
func (r *run) loadInclude(t *playbook.Task, g *includeGroup) bool {
	it := g.target
	// The included tasks inherit from the include's enclosing blocks, not
	// from the include itself, whose keywords (when, tags, become...)
	// apply to the include only; its vars and parameters do reach them.
	// no_log is passed down too, on purpose: showing what the author
	// asked to hide would be worse than differing from Ansible.
	block := &playbook.Task{Pos: t.Pos, Parent: t.Parent, Role: t.Role, Synthetic: true, Keywords: playbook.Keywords{Vars: it.params, NoLog: t.NoLog}}
	parent := block
	if apply, ok := value.MapOf(t.Args["apply"]); ok && len(apply) > 0 {
		ab, err := r.opts.Loader.ApplyBlock(apply, t.Pos, block, t.Role)
		if err != nil {
			r.failRun(ParserError(err))
			return false
		}
		parent = ab
		block.Block = []*playbook.Task{ab}
	}
	var tasks, handlers []*playbook.Task
	var err error
	if it.role != "" {
		var role *playbook.Role
		role, tasks, handlers, err = r.opts.Loader.LoadRole(it.role, r.playbookDir, t.Role, it.from)
		if err == nil {
			block.Role = role
			role.Params = it.params
			block.Vars = nil
			if parent != block {
				parent.Role = role
			}
			if it.public {
				// As ansible-core, a public include_role joins the play's
				// roles: its defaults and vars are seen from now on.
				r.playRoleDefaults = withKeys(r.playRoleDefaults, role.Defaults)
				r.playRoleVars = withKeys(r.playRoleVars, role.Vars)
			}
		}
	} else {
		tasks, handlers, err = r.opts.Loader.LoadTasks(it.file, parent, t.Role)
	}
	var nf *playbook.NotFoundError
	if err != nil && !errors.As(err, &nf) {
		// A task file that does not parse ends the run, as ansible-core's
		// AnsibleParserError does.
		r.failRun(ParserError(err))
		return false
	}
	if err != nil && it.role != "" {
		// ansible-core prints the error and fails the hosts, with no
		// result and no count.
		r.opts.Out.Error(err.Error())
		for _, h := range g.hosts {
			h.failed = true
		}
		return false
	}
	if err != nil {
		if errors.As(err, &nf) {
			// ansible-core's message for a file it could not read, as
			// the reason of a failure on each host.
			err = fmt.Errorf("Could not find or access '%s' on the Ansible Controller.", it.file)
		}
		for _, h := range g.hosts {
			res := &taskResult{status: output.Failed, result: map[string]any{"failed": true, "reason": err.Error()}}
			r.account(h, t, res, taskRun{})
			r.opts.Out.Result(output.HostResult{Host: h.name, Action: t.Action, Status: res.status, Result: res.result, Looped: res.looped, NoLog: r.noLog(h, t), TaskID: t})
		}
		return false
	}
	// The play's handlers grow with those of the included roles, which
	// a notify by name finds first from now on.
	r.play.Handlers = append(r.play.Handlers, playbook.FlattenHandlers(handlers)...)
	names := make([]string, len(g.hosts))
	for i, h := range g.hosts {
		names[i] = h.name
		if it.role == "" {
			// include_tasks counts as ok once loaded; include_role does not.
			h.stats.Ok++
		}
	}
	if it.role == "" {
		r.opts.Out.Included(output.IncludeEvent{File: it.file, Hosts: names, Item: it.label,
			NoLog: r.noLog(g.hosts[0], t), Args: it.args, Vars: it.vars, TaskID: t})
	}
	for _, c := range tasks {
		setParent(c, parent)
	}
	if parent == block {
		block.Block = tasks
	} else {
		parent.Block = tasks
	}
	g.block = block
	return true
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
func (r *run) evalInclude(h *hostState, t *playbook.Task) ([]includeTarget, []skippedItem, *taskResult) {
	vars := r.taskScope(h, t, nil)
	var items []any
	looped := t.Loop != nil
	if looped {
		var err error
		items, err = r.loopItems(h, t, vars)
		if err != nil {
			return nil, nil, r.failure(t, err)
		}
	} else {
		items = []any{nil}
	}
	loopVar, indexVar := "item", ""
	extended, allItems := false, true
	var labelExpr any
	if lc := t.LoopControl; lc != nil {
		if v, ok := lc["loop_var"].(string); ok && v != "" {
			loopVar = v
		}
		indexVar, _ = lc["index_var"].(string)
		labelExpr = lc["label"]
		if v, ok := lc["extended"]; ok {
			extended = r.truthy(v, vars)
		}
		if v, ok := lc["extended_allitems"]; ok {
			allItems = r.truthy(v, vars)
		}
	}
	var out []includeTarget
	var skipped []skippedItem
	for i, it := range items {
		var loopVars map[string]any
		if looped {
			loopVars = loopItemVars(loopVar, indexVar, extended, allItems, items, i)
		}
		s := r.taskScope(h, t, loopVars)
		ok, err := r.conditionsHold(h, t, s)
		if err != nil {
			return nil, nil, r.failure(t, err)
		}
		if !ok {
			if looped {
				skipped = append(skipped, r.skippedIncludeItem(t, s, it, labelExpr, loopVar, indexVar, i, loopVars))
			}
			continue
		}
		argsV, err := r.opts.Engine.Template(t.Args, s)
		if err != nil {
			return nil, nil, r.failure(t, err)
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
		includeArgs := map[string]any{}
		for k, v := range args {
			if k != "_raw_params" && (k != "file" || t.Action == "include_role") {
				includeArgs[k] = v
			}
		}
		target.args = inArgOrder(t, includeArgs)
		target.vars = value.NewDict(0)
		target.result = map[string]any{"changed": false, "include_args": includeArgs}
		if t.Action == "include_role" {
			target.role = fmt.Sprint(args["name"])
			target.from = map[string]any{}
			for k, v := range args {
				switch k {
				case "tasks_from", "vars_from", "defaults_from", "handlers_from":
					target.from[k] = template.Str(v)
				case "public":
					target.public = r.truthy(v, s)
				case "name", "apply", "allow_duplicates", "rolespec_validate":
				default:
					params[k] = v
				}
			}
		} else {
			file, _ := args["file"].(string)
			if file == "" {
				file, _ = args["_raw_params"].(string)
			}
			if file == "" {
				return nil, nil, failed("No file specified for include_tasks")
			}
			for k, v := range args {
				if k != "file" && k != "_raw_params" && k != "apply" {
					params[k] = v
				}
			}
			target.file = r.resolveInclude(t, file)
			target.result["include"] = file
		}
		target.key = target.file + "\x00" + target.role + "\x00" + canonicalArgs(target.from)
		if looped {
			label := template.Str(it)
			if labelExpr != nil {
				if v, err := r.opts.Engine.Template(labelExpr, s); err == nil {
					label = template.Str(v)
				}
			}
			target.label = &label
			target.key += "\x00" + fmt.Sprint(len(out)) + template.Repr(it)
			target.loopVar, target.indexVar = loopVar, indexVar
			// Ansible's special_vars, in its order.
			target.vars.Set(loopVar, loopVars[loopVar])
			if indexVar != "" {
				target.vars.Set(indexVar, loopVars[indexVar])
			}
			target.vars.Set("_ansible_item_label", label)
			if al, ok := loopVars["ansible_loop"]; ok {
				target.vars.Set("ansible_loop", al)
			}
		}
		if nl, ok := r.noLogRaw(t); ok && value.Truthy(nl) {
			if _, given := includeArgs["_ansible_no_log"]; !given {
				target.vars.Set("_ansible_no_log", nl)
			}
		}
		out = append(out, target)
	}
	if len(out) == 0 {
		res := skippedResult()
		if looped && len(skipped) > 0 {
			results := make([]any, len(skipped))
			for i, it := range skipped {
				results[i] = it.result
			}
			res.looped = true
			res.result = map[string]any{"changed": false, "skipped": true, "msg": "All items skipped", "results": results}
		}
		return nil, skipped, res
	}
	return out, skipped, nil
}

// skippedItem is a loop item of an include that its when skipped.
type skippedItem struct {
	label  string
	result map[string]any
}

// skippedIncludeItem is the result of an include's loop item that its when
// skipped, as Ansible's executor makes it: the skip with the item under its
// loop_var.
func (r *run) skippedIncludeItem(t *playbook.Task, s template.Vars, it, labelExpr any, loopVar, indexVar string, i int, loopVars map[string]any) skippedItem {
	label := template.Str(it)
	if labelExpr != nil {
		if v, err := r.opts.Engine.Template(labelExpr, s); err == nil {
			label = template.Str(v)
		}
	}
	res := skippedResult().result
	res[loopVar] = it
	res["ansible_loop_var"] = loopVar
	if indexVar != "" {
		res["ansible_index_var"] = indexVar
		res[indexVar] = i
	}
	if al, ok := loopVars["ansible_loop"]; ok {
		res["ansible_loop"] = al
	}
	return skippedItem{label: label, result: res}
}

// loopedIncludeResult is a looped include task's own result, as
// Ansible's loop makes it of each item's include result.
func loopedIncludeResult(list []includeTarget) map[string]any {
	results := make([]any, len(list))
	for i, it := range list {
		item := maps.Clone(it.result)
		delete(item, "changed")
		for k, v := range it.vars.All() {
			if !strings.HasPrefix(k, "_ansible") {
				item[k] = v
			}
		}
		item["ansible_loop_var"] = it.loopVar
		if it.indexVar != "" {
			item["ansible_index_var"] = it.indexVar
		}
		results[i] = item
	}
	return map[string]any{"changed": false, "msg": "All items completed", "results": results}
}

// inArgOrder is args as an ordered dict: the task's argument order
// (playbook.Task.ArgNames), then any other names sorted.
func inArgOrder(t *playbook.Task, args map[string]any) *value.Dict {
	d := value.NewDict(len(args))
	for _, k := range t.ArgNames {
		if v, ok := args[k]; ok {
			d.Set(k, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(args)) {
		if _, ok := d.Get(k); !ok {
			d.Set(k, args[k])
		}
	}
	return d
}

// canonicalArgs is a stable text form of include_role's from arguments.
func canonicalArgs(m map[string]any) string {
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%v\x00", k, m[k])
	}
	return b.String()
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
// As ansible-core's linear strategy, noop, flush_handlers, end_host and
// reset_connection run on each host in turn, each with its banner; the
// others run once, for the first host, whose when decides for all.
func (r *run) runMeta(ctx context.Context, hosts []*hostState, t *playbook.Task, handler bool) {
	action, _ := t.Args["_raw_params"].(string)
	action = strings.TrimSpace(action)
	// holds shows the banner and evaluates the meta's when on h; a false
	// one shows h as skipped.
	holds := func(h *hostState, reason string) bool {
		r.opts.Out.Task(r.taskStart(t, r.taskTitle(h, t), handler, []*hostState{h}))
		vars := r.taskScope(h, t, nil)
		ok, err := r.conditionsHold(h, t, vars)
		if err == nil && !ok {
			r.opts.Out.Result(output.HostResult{Host: h.name, Action: t.Action, Status: output.Skipped, NoLog: r.noLog(h, t), TaskID: t, Result: map[string]any{
				"msg": action, "skipped": true, "skip_reason": action + " conditional evaluated to False" + reason,
			}})
		}
		return err == nil && ok
	}
	switch action {
	case "noop", "reset_connection":
		for _, h := range hosts {
			r.opts.Out.Task(r.taskStart(t, r.taskTitle(h, t), handler, []*hostState{h}))
			if action == "reset_connection" {
				// The next task opens a new connection, with the user's
				// current groups and a new become shell.
				h.closeConnections()
			}
		}
	case "flush_handlers":
		var flush []*hostState
		for _, h := range hosts {
			if holds(h, ", not running handlers for "+h.name) {
				flush = append(flush, h)
			}
		}
		if len(flush) > 0 {
			r.flushHandlers(ctx, flush)
		}
	case "end_host":
		for _, h := range hosts {
			if holds(h, ", continuing execution for "+h.name) {
				h.ended = true
			}
		}
	case "end_play":
		if holds(hosts[0], ", continuing play") {
			r.endPlay = true
		}
	case "end_batch":
		if holds(hosts[0], ", continuing current batch") {
			r.endBatch = true
		}
	case "clear_host_errors":
		if holds(hosts[0], ", not clearing host error state for "+hosts[0].name) {
			// The hosts of the play's pattern, those that failed in
			// earlier plays too, are no longer failed: they count as ok
			// in the exit code and run the next plays, but a host that
			// failed does not come back in this one, unless it is in
			// the always section of the block it failed in (runBlock).
			for _, h := range r.patternHosts() {
				h.errorsCleared++
				h.fatalFailed = false
				if h.failed || h.unreachable {
					h.failed, h.unreachable, h.ended = false, false, true
				}
			}
		}
	case "clear_facts":
		if holds(hosts[0], ", not clearing facts and fact cache for "+hosts[0].name) {
			for _, name := range r.playHostNames {
				if h := r.hosts[name.(string)]; h != nil {
					h.clearFacts()
				}
			}
		}
	case "refresh_inventory":
		// It reads the inventory sources again; gansible's are files
		// read at the start, unchanged since.
		r.opts.Out.Task(r.taskStart(t, r.taskTitle(hosts[0], t), handler, hosts))
	default:
		r.failRun(&ExitError{Code: ExitGeneral, Err: fmt.Errorf("%s: invalid meta action requested: %s", t.Pos, action)})
	}
}

// patternHosts are the hosts the play's pattern names within --limit,
// failed ones included, as Ansible's inventory.get_hosts gives them.
func (r *run) patternHosts() []*hostState {
	matched, err := r.opts.Inventory.Match(r.playPattern)
	if err != nil {
		return nil
	}
	var out []*hostState
	for _, ih := range matched {
		if r.limit != nil && !r.limit[ih.Name] {
			continue
		}
		if h := r.hosts[ih.Name]; h != nil {
			out = append(out, h)
		}
	}
	return out
}
