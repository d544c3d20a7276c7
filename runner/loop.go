package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/waitlock"
)

// loopItems evaluates a task's loop: loop:, or with_<lookup>.
func (r *run) loopItems(h *hostState, t *playbook.Task, vars template.Vars) ([]any, error) {
	raw := t.Loop
	// Ansible 1.x: `with_items: some_var` names a variable.
	if s, ok := raw.(string); ok && t.LoopKind != "" && t.LoopKind != "sequence" && t.LoopKind != "fileglob" && !strings.Contains(s, "{{") && isIdentifierPath(s) {
		if _, defined := vars.Lookup(strings.SplitN(s, ".", 2)[0]); defined {
			r.opts.Out.Deprecation(fmt.Sprintf("%s: bare variable %q in with_%s; use \"{{ %s }}\". This feature will be removed in a future release.", t.Pos, s, t.LoopKind, s))
			raw = "{{ " + s + " }}"
		}
	}
	loopValue, err := r.opts.Engine.Template(raw, vars)
	if err != nil {
		return nil, err
	}
	switch t.LoopKind {
	case "":
		list, ok := loopValue.([]any)
		if !ok {
			return nil, fmt.Errorf("Invalid data passed to 'loop', it requires a list, got this instead: %v. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.", template.Repr(loopValue))
		}
		return list, nil
	case "items":
		// A mapping is iterated, giving its keys, as the items lookup's
		// Python loop over its terms.
		if d, ok := loopValue.(*value.Dict); ok {
			return flattenOnce(toAnyList(d.Keys())), nil
		}
		return flattenOnce(asList(loopValue)), nil
	case "list", "flattened":
		// listify_lookup_plugin_terms leaves a mapping as it is, and these
		// lookups want a sequence.
		if _, ok := loopValue.(*value.Dict); ok {
			return nil, fmt.Errorf("with_%s expects a list", t.LoopKind)
		}
		if t.LoopKind == "flattened" {
			return flattenAll(asList(loopValue)), nil
		}
		return asList(loopValue), nil
	case "dict":
		var d *value.Dict
		switch m := loopValue.(type) {
		case *value.Dict:
			d = m
		case map[string]any:
			d = value.FromMap(m)
		default:
			return nil, fmt.Errorf("with_dict expects a dict")
		}
		out := make([]any, 0, d.Len())
		for k, v := range d.All() {
			out = append(out, value.DictOf("key", k, "value", v))
		}
		return out, nil
	case "together":
		lists := asList(loopValue)
		longest := 0
		for _, l := range lists {
			longest = max(longest, len(asList(l)))
		}
		out := make([]any, longest)
		for i := range out {
			row := make([]any, len(lists))
			for j, l := range lists {
				if ll := asList(l); i < len(ll) {
					row[j] = ll[i]
				}
			}
			out[i] = row
		}
		return out, nil
	case "nested", "cartesian":
		out := []any{[]any{}}
		for _, l := range asList(loopValue) {
			var next []any
			for _, prefix := range out {
				for _, e := range asList(l) {
					row := append(append([]any{}, prefix.([]any)...), e)
					next = append(next, row)
				}
			}
			out = next
		}
		return out, nil
	case "indexed_items":
		list := flattenOnce(asList(loopValue))
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = []any{i, e}
		}
		return out, nil
	case "sequence":
		return sequence(fmt.Sprint(loopValue))
	case "fileglob":
		return r.fileglob(h, t, asList(loopValue))
	}
	// Any other with_<name> is the lookup <name> over the terms, as in
	// Ansible (with_file, with_lines, with_env, ...).
	if items, ok, err := r.opts.Engine.QueryForAction(t.LoopKind, t.Action, asList(loopValue), vars); ok {
		return items, err
	}
	return nil, fmt.Errorf("with_%s is not supported by gansible", t.LoopKind)
}

func isIdentifierPath(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}

func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return []any{v}
}

func toAnyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func flattenOnce(list []any) []any {
	var out []any
	for _, e := range list {
		if l, ok := e.([]any); ok {
			out = append(out, l...)
		} else {
			out = append(out, e)
		}
	}
	return out
}

func flattenAll(list []any) []any {
	var out []any
	for _, e := range list {
		if l, ok := e.([]any); ok {
			out = append(out, flattenAll(l)...)
		} else {
			out = append(out, e)
		}
	}
	return out
}

// sequence implements with_sequence: "start=1 end=10 stride=1 format=%d",
// "count=N", or the short form "1-10/2:fmt".
func sequence(spec string) ([]any, error) {
	start, end, stride, count := 1, -1, 1, -1
	format := "%d"
	args, err := playbook.ParseKV(spec, "sequence")
	if err != nil {
		return nil, err
	}
	if raw, ok := args["_raw_params"].(string); ok {
		if i := strings.Index(raw, ":"); i >= 0 {
			format, raw = raw[i+1:], raw[:i]
		}
		if i := strings.Index(raw, "/"); i >= 0 {
			stride, _ = strconv.Atoi(raw[i+1:])
			raw = raw[:i]
		}
		if i := strings.Index(raw, "-"); i >= 0 {
			start, _ = strconv.Atoi(raw[:i])
			end, _ = strconv.Atoi(raw[i+1:])
		} else {
			end, _ = strconv.Atoi(raw)
		}
	}
	num := func(k string, into *int) error {
		if v, ok := args[k]; ok {
			n, err := strconv.ParseInt(fmt.Sprint(v), 0, 64)
			if err != nil {
				return fmt.Errorf("can't parse %s=%v as integer", k, v)
			}
			*into = int(n)
		}
		return nil
	}
	for k, p := range map[string]*int{"start": &start, "end": &end, "stride": &stride, "count": &count} {
		if err := num(k, p); err != nil {
			return nil, err
		}
	}
	if f, ok := args["format"].(string); ok {
		format = f
	}
	if count >= 0 {
		if count == 0 {
			return nil, nil
		}
		end = start + (count-1)*stride
	}
	if end < 0 && count < 0 {
		return nil, fmt.Errorf("must specify count or end in with_sequence")
	}
	if stride == 0 {
		return nil, fmt.Errorf("stride must not be 0")
	}
	var out []any
	for i := start; (stride > 0 && i <= end) || (stride < 0 && i >= end); i += stride {
		out = append(out, fmt.Sprintf(format, i))
	}
	return out, nil
}

// fileglob is with_fileglob: the controller's files matching each
// pattern, in the first of the task's search directories (files/ of its
// role, its own, the playbook's) that has any, as absolute paths.
func (r *run) fileglob(h *hostState, t *playbook.Task, patterns []any) ([]any, error) {
	var out []any
	for _, p := range patterns {
		pattern := fmt.Sprint(p)
		var dirs []string
		if filepath.IsAbs(pattern) {
			dirs = []string{""}
		} else {
			dirs = r.searchDirs(t, "files")
		}
		for _, d := range dirs {
			matches, _ := filepath.Glob(filepath.Join(d, pattern))
			sort.Strings(matches)
			found := false
			for _, m := range matches {
				if fi, err := os.Stat(m); err == nil && !fi.IsDir() {
					// The lookup globs the absolute directory it found.
					if abs, err := filepath.Abs(m); err == nil {
						m = abs
					}
					out = append(out, m)
					found = true
				}
			}
			if found {
				break
			}
		}
	}
	return out, nil
}

// runLoop runs the task once per item and aggregates the results as
// Ansible does: results[], changed if any changed, failed if any failed.
// loopItemVars are the variables of item i of a loop: the item under its
// loop_var, the index_var, and ansible_loop when extended.
func loopItemVars(loopVar, indexVar string, extended, allItems bool, items []any, i int) map[string]any {
	loopVars := map[string]any{loopVar: items[i], "ansible_loop_var": loopVar}
	if indexVar != "" {
		loopVars[indexVar] = i
	}
	if extended {
		// Ansible's keys, in its order.
		al := value.DictOf(
			"index", i+1, "index0", i, "first", i == 0, "last", i == len(items)-1,
			"length", len(items), "revindex", len(items)-i, "revindex0", len(items)-i-1,
		)
		if allItems {
			al.Set("allitems", items)
		}
		// As Ansible: no previtem on the first item, no nextitem on
		// the last.
		if i < len(items)-1 {
			al.Set("nextitem", items[i+1])
		}
		if i > 0 {
			al.Set("previtem", items[i-1])
		}
		loopVars["ansible_loop"] = al
	}
	if indexVar != "" || extended {
		loopVars["ansible_index_var"] = indexVar
	}
	return loopVars
}

func (r *run) runLoop(ctx context.Context, h *hostState, t *playbook.Task, items []any, tr taskRun, emit func(output.HostResult)) *taskResult {
	loopVar := "item"
	var indexVar, labelExpr string
	extended, allItems := false, true
	var pause time.Duration // between items, as loop_control.pause
	if lc := t.LoopControl; lc != nil {
		if v, ok := lc["loop_var"].(string); ok && v != "" {
			loopVar = v
		}
		indexVar, _ = lc["index_var"].(string)
		if v, ok := lc["label"]; ok {
			labelExpr = fmt.Sprint(v)
		}
		scope := r.taskScope(h, t, nil)
		if v, ok := lc["extended"]; ok {
			extended = r.truthy(v, scope)
		}
		if v, ok := lc["extended_allitems"]; ok {
			allItems = r.truthy(v, scope)
		}
		if v, ok := lc["pause"]; ok {
			secs, err := strconv.ParseFloat(template.Str(r.templateOr(v, scope, 0)), 64)
			if err != nil || secs < 0 {
				return failed(fmt.Sprintf("loop_control.pause must be a number of seconds, got %v", v))
			}
			pause = time.Duration(secs * float64(time.Second))
		}
	}
	agg := &taskResult{status: output.OK, looped: true}
	var results []any
	anyChanged, anyFailed, allSkipped := false, false, len(items) > 0
	var vars template.Vars
	for i, it := range items {
		if i > 0 && pause > 0 {
			waitlock.Sleep(ctx, pause)
		}
		loopVars := loopItemVars(loopVar, indexVar, extended, allItems, items, i)
		vars = r.taskScope(h, t, loopVars)
		label := template.Str(it)
		if labelExpr != "" {
			if v, err := r.opts.Engine.Template(labelExpr, vars); err == nil {
				label = template.Str(v)
			}
		}
		var res *taskResult
		ok, err := r.conditionsHold(h, t, vars)
		switch {
		case err != nil:
			res = r.failure(t, err)
			res.aborted = true
		case !ok:
			res = skippedResult()
		default:
			res = r.runAction(ctx, h, t, vars, loopVars, tr)
			r.completeResult(t, vars, res)
		}
		if res.aborted {
			// The loop ends here; the task's result is this error
			// alone, without the items done before it.
			agg.status, agg.result = output.Failed, res.result
			r.register(h, t, agg)
			agg.ignored = r.ignoreErrors(t, vars)
			return agg
		}
		// The item under its loop_var only, as Ansible's executor.
		res.result[loopVar] = it
		res.result["ansible_loop_var"] = loopVar
		if indexVar != "" {
			res.result["ansible_index_var"] = indexVar
			res.result[indexVar] = i
		}
		if extended {
			res.result["ansible_loop"] = loopVars["ansible_loop"]
		}
		results = append(results, res.result)
		if res.status != output.Skipped {
			allSkipped = false
		}
		// A failed item can have changed something too (a command that
		// ran and exited non-zero): the loop then counts as changed.
		if changed, _ := res.result["changed"].(bool); changed {
			anyChanged = true
		}
		switch res.status {
		case output.Failed:
			anyFailed = true
		case output.Unreachable:
			agg.status = output.Unreachable
			agg.result = res.result
			return agg
		}
		l := label
		debug := t.Action == "debug"
		noLog := r.noLogIn(t, vars)
		if agg.noLog == nil || noLog {
			agg.noLog = &noLog
		}
		verbose := debug && res.verboseAlways || t.Action == "assert" && assertEvaluated(res) && !r.truthy(t.Args["quiet"], vars)
		d := r.delegateName(h, t)
		var dAddr string
		if d != "" {
			dAddr = r.delegateAddress(h, t, d)
		}
		item := output.HostResult{Host: h.name, Delegated: d, DelegatedHost: dAddr, Status: res.status, Item: &l, Result: res.result,
			Verbose: verbose, Debug: debug, NoLog: noLog}
		if r.diffMode(t, vars) {
			item.Diff = diffText(res)
		}
		emit(item)
	}
	// skipped is always there, false unless every item skipped, as
	// ansible-core's executor presets it before looking at the items.
	agg.result = map[string]any{"changed": anyChanged, "results": results, "msg": "All items completed", "skipped": false}
	switch {
	case len(items) == 0:
		agg.status = output.Skipped
		agg.result = map[string]any{"changed": false, "skipped": true, "skipped_reason": "No items in the list", "results": []any{}}
	case allSkipped:
		agg.status = output.Skipped
		agg.result["skipped"] = true
		agg.result["msg"] = "All items skipped"
	case anyFailed:
		agg.status = output.Failed
		agg.result["failed"] = true
		agg.result["msg"] = "One or more items failed"
	case anyChanged:
		agg.status = output.Changed
	}
	if vars == nil {
		vars = r.taskScope(h, t, nil)
	}
	r.register(h, t, agg)
	if agg.status == output.Failed && r.ignoreErrors(t, vars) {
		agg.ignored = true
	}
	if agg.status == output.Changed && len(taskNotify(t)) > 0 {
		if err := r.notify(h, t, vars); err != nil {
			r.notifyFailed(agg, err)
		}
	}
	return agg
}
