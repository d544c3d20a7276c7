package template

import (
	"strings"

	"github.com/nikolalohinski/gonja/v2/tokens"
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
	ev.active[name] = true
	v, err := ev.resolve(raw)
	delete(ev.active, name)
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
		var out map[string]any
		for k, e := range x {
			v, err := ev.resolve(e)
			if err != nil {
				return nil, err
			}
			if out == nil && !same(v, e) {
				out = make(map[string]any, len(x))
				for k2, e2 := range x {
					out[k2] = e2
				}
			}
			if out != nil {
				out[k] = v
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
	return n
}

// templateValue is Engine.Template: the value with its strings templated.
func (ev *evaluator) templateValue(value any) (any, error) {
	switch x := value.(type) {
	case string:
		v, err := ev.templateString(x)
		return plain(v), err
	case Unsafe:
		return x.V, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			v, err := ev.templateValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			v, err := ev.templateValue(e)
			if err != nil {
				return nil, err
			}
			if hasJinja(k) { // Ansible templates keys too
				key, err := ev.templateString(k)
				if err != nil {
					return nil, err
				}
				k = str(key)
			}
			out[k] = v
		}
		return out, nil
	}
	return value, nil
}

// templateString renders a string from a playbook or a variable. Like
// Ansible's templar, the result is text, turned into a list, dict or bool
// when it reads as one.
func (ev *evaluator) templateString(s string) (any, error) {
	if !hasJinja(s) {
		return s, nil
	}
	t, err := ev.eng.parse(s)
	if err != nil {
		return nil, templateError("", s, err)
	}
	if t.single != nil {
		v, err := ev.eval(t.single, ev.top)
		if err == nil {
			err = strict(v)
		}
		if err != nil {
			return nil, templateError("", s, err)
		}
		switch x := v.(type) {
		case []any, map[string]any, bool, *hostVarsValue, *varsValue:
			return v, nil
		case string:
			if t.keepText {
				return x, nil
			}
			return ev.eng.literal(x), nil
		case nil:
			return "", nil // Ansible's finalize turns None into ""
		}
		return str(v), nil
	}
	out, err := ev.render(t)
	if err != nil {
		return nil, templateError("", s, err)
	}
	if t.keepText {
		return out, nil
	}
	return ev.eng.literal(out), nil
}

// literal converts text that reads as a Python list, dict or boolean into
// that value (Ansible's ast.literal_eval step); other text stays text.
func (e *Engine) literal(s string) any {
	if s != "True" && s != "False" && !strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "{") {
		return s
	}
	if !pythonNamesOnly(s) {
		return s
	}
	// Not cached: rendered text differs from host to host.
	x, err := parseExpressionSource(s)
	if err != nil || !isLiteral(x) {
		return s
	}
	v, err := newEvaluator(e, nil).eval(x, nil)
	if err != nil {
		return s
	}
	return v
}

// pythonNamesOnly reports whether the only names in s are Python's
// literal keywords: JSON's true/false/null are not Python literals, so
// "{\"a\": true}" stays text as it does in Ansible.
func pythonNamesOnly(s string) bool {
	toks, bad := lex("{{ " + s + " }}")
	if bad != nil {
		return false
	}
	for _, t := range toks {
		if t.Type == tokens.Name && t.Val != "True" && t.Val != "False" && t.Val != "None" {
			return false
		}
	}
	return true
}

// isLiteral reports whether x is made of literals only.
func isLiteral(x expr) bool {
	switch n := x.(type) {
	case *literalExpr:
		return true
	case *listExpr:
		for _, e := range n.items {
			if !isLiteral(e) {
				return false
			}
		}
		return true
	case *tupleExpr:
		for _, e := range n.items {
			if !isLiteral(e) {
				return false
			}
		}
		return true
	case *dictExpr:
		for i := range n.keys {
			if !isLiteral(n.keys[i]) || !isLiteral(n.vals[i]) {
				return false
			}
		}
		return true
	case *unaryExpr:
		_, ok := n.operand.(*literalExpr)
		return ok && (n.op == "-" || n.op == "+")
	}
	return false
}

// plain strips this package's internal types from a value handed back to
// callers: undefined values become nil and lazy variable sets become maps.
func plain(v any) any {
	switch x := v.(type) {
	case *undefined, *function:
		return nil
	case *namespace:
		return plain(x.attrs)
	case tuple:
		return plain([]any(x))
	case *varsValue:
		return x.materialize()
	case *hostVarsValue:
		out := map[string]any{}
		for _, h := range x.hv.Hosts() {
			if hv, ok := x.host(h); ok {
				out[h] = plain(hv)
			}
		}
		return out
	case []any:
		for _, e := range x {
			switch e.(type) {
			case *undefined, *function, *namespace, *varsValue, *hostVarsValue, tuple, []any, map[string]any:
				out := make([]any, len(x))
				for i, e := range x {
					out[i] = plain(e)
				}
				return out
			}
		}
	case map[string]any:
		for _, e := range x {
			switch e.(type) {
			case *undefined, *function, *namespace, *varsValue, *hostVarsValue, tuple, []any, map[string]any:
				out := make(map[string]any, len(x))
				for k, e := range x {
					out[k] = plain(e)
				}
				return out
			}
		}
	}
	return v
}

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
	out := map[string]any{}
	for _, name := range lister.Names() {
		val, found, err := v.ev.lookupVar(name)
		if err != nil {
			val, found = v.ev.vars.Lookup(name)
		}
		switch val.(type) {
		case *hostVarsValue, *varsValue:
			// hostvars and vars are magic, not the host's own, and
			// would nest without end.
			continue
		}
		if found {
			out[name] = plain(val)
		}
	}
	return out
}
