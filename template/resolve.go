package template

import (
	"fmt"

	"github.com/gansible/gansible/value"
)

// evaluator evaluates templates against one set of variables. It resolves
// variables lazily: a variable is looked up, and its raw value templated,
// only when an expression names it, and then at most once per evaluator.
// Evaluators live for one Engine call, so a variable changed between calls
// is seen fresh.
type evaluator struct {
	eng    *Engine
	vars   Vars
	top    *frame
	cache  map[string]any
	active map[string]bool       // variables being resolved, to catch loops
	hosts  map[string]*evaluator // hostvars evaluators, shared by the call
	lim    *limits               // recursion and work budget, shared by the call
	// kwOrder names the keyword arguments of the call being made, in
	// the order written: dict(b=1, a=2) keeps it, as Python does.
	kwOrder []string
	// search is where include, import and extends find templates; nil
	// for playbook strings, which use the playbook's directory.
	search []string
	// loopSubdir is where first_found looks in a with_first_found loop
	// (templates, vars or files, after the task's action); "" is files.
	loopSubdir string
}

func newEvaluator(eng *Engine, vars Vars) *evaluator {
	if vars == nil {
		vars = MapVars(nil)
	}
	return &evaluator{
		eng:    eng,
		vars:   vars,
		top:    &frame{},
		cache:  map[string]any{},
		active: map[string]bool{},
		hosts:  map[string]*evaluator{},
		lim:    &limits{},
	}
}

// lookupVar returns a variable's templated value.
func (ev *evaluator) lookupVar(name string) (any, bool, error) {
	if v, ok := ev.cache[name]; ok {
		return v, true, nil
	}
	raw, ok := ev.vars.Lookup(name)
	if !ok {
		if name == "vars" {
			return &varsValue{ev}, true, nil
		}
		return nil, false, nil
	}
	if ev.active[name] {
		src := name
		if s, ok := raw.(string); ok {
			src = s
		}
		return nil, false, &loopError{src}
	}
	if err := ev.enter(); err != nil {
		return nil, false, err
	}
	ev.active[name] = true
	v, err := ev.resolve(raw)
	delete(ev.active, name)
	ev.leave()
	if IsUndefined(err) {
		// Ansible's AnsibleJ2Vars: a variable whose value uses an
		// undefined one is itself undefined (default() and "is defined"
		// see it), its hint naming the value and the repeated cause.
		msg := err.Error()
		return &undefined{fmt.Sprintf("%s: %s. %s", str(raw), msg, msg)}, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	ev.cache[name] = v
	return v, true, nil
}

// resolve templates a raw variable value, deeply.
func (ev *evaluator) resolve(raw any) (any, error) {
	switch x := raw.(type) {
	case Unsafe:
		return normalize(x.V), nil
	case Deferred:
		v, err := x.Value()
		if err != nil {
			return nil, err
		}
		return ev.resolve(v)
	case string:
		return ev.templateString(x)
	case HostVars:
		return &hostVarsValue{ev, x}, nil
	case Vars:
		return &varsValue{newEvaluatorSharing(ev, x)}, nil
	case []any:
		var out []any
		for i, e := range x {
			v, err := ev.resolve(e)
			if err != nil {
				return nil, err
			}
			if out == nil && !same(v, e) {
				out = make([]any, len(x))
				copy(out, x[:i])
			}
			if out != nil {
				out[i] = v
			}
		}
		if out == nil {
			return x, nil
		}
		return out, nil
	case map[string]any:
		// Go code's maps have no order: sorted, as Ansible prints them.
		return ev.resolve(value.FromMap(x))
	case *dict:
		if x.Plain() {
			return x, nil
		}
		var out *dict
		for k, e := range x.All() {
			v, err := ev.resolve(e)
			if err != nil {
				return nil, err
			}
			if out == nil && !same(v, e) {
				out = x.Copy()
			}
			if out != nil {
				out.Set(k, v)
			}
		}
		if out == nil {
			return x, nil
		}
		return out, nil
	}
	return normalize(raw), nil
}

// newEvaluatorSharing makes an evaluator for other variables within the
// same call, sharing the hostvars evaluators.
func newEvaluatorSharing(ev *evaluator, vars Vars) *evaluator {
	n := newEvaluator(ev.eng, vars)
	n.hosts = ev.hosts
	n.lim = ev.lim
	return n
}

// MarkPlain marks d plain when no string in it, however deep, is template
// text and it holds only strings, numbers, booleans, nil, lists and dicts,
// which resolve would return unchanged: then templating a variable that
// holds it (groups, whose lists are as long as the inventory) costs
// nothing per use. It returns d.
func MarkPlain(d *dict) *dict {
	if plainValue(d) {
		d.MarkPlain()
	}
	return d
}

func plainValue(v any) bool {
	switch x := v.(type) {
	case nil, bool, int, float64:
		return true
	case string:
		return !hasJinja(x)
	case []any:
		for _, e := range x {
			if !plainValue(e) {
				return false
			}
		}
		return true
	case *dict:
		for _, e := range x.All() {
			if !plainValue(e) {
				return false
			}
		}
		return true
	}
	return false
}
