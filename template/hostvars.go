package template

import "sort"

// hostVarsValue is hostvars inside a template: indexing it by host name
// gives that host's variables, resolved lazily in that host's context.
type hostVarsValue struct {
	ev *evaluator
	hv HostVars
}

func (h *hostVarsValue) host(name string) (any, bool) {
	if ev, ok := h.ev.hosts[name]; ok {
		return &varsValue{ev}, true
	}
	vars, ok := h.hv.Host(name)
	if !ok {
		return nil, false
	}
	ev := newEvaluatorSharing(h.ev, vars)
	h.ev.hosts[name] = ev
	return &varsValue{ev}, true
}

// varsValue is a lazily resolved set of variables seen as a dict
// (hostvars['h'], vars).
type varsValue struct{ ev *evaluator }

func (v *varsValue) get(name string) (any, bool, error) {
	return v.ev.lookupVar(name)
}

// VarNames is optionally implemented by a Vars that can list its names;
// it lets a whole hostvars['h'] (or hostvars) be turned into a plain map,
// as "{{ hostvars[inventory_hostname] }}" needs.
type VarNames interface {
	Names() []string
}

// materialize turns a lazy set of variables into a map, resolving every
// variable; a variable that fails to resolve keeps its raw value.
func (v *varsValue) materialize() any {
	lister, ok := v.ev.vars.(VarNames)
	if !ok {
		return nil
	}
	out := newDict(0)
	// Sorted: a set of variables has no order Go could keep.
	names := lister.Names()
	sort.Strings(names)
	for _, name := range names {
		val, found, err := v.ev.lookupVar(name)
		if _, undef := val.(*undefined); err != nil || undef {
			val, found = v.ev.vars.Lookup(name)
		}
		switch val.(type) {
		case *hostVarsValue, *varsValue:
			// hostvars and vars are magic, not the host's own, and
			// would nest without end.
			continue
		}
		if found {
			out.Set(name, plain(val))
		}
	}
	return out
}
