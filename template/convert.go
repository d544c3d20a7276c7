package template

import (
	"iter"
	"maps"
	"math/big"
	"regexp"
	"strings"

	"github.com/gansible/gansible/template/syntax"
)

// Ansible's templar returns text, turned back into data when it reads as
// a Python literal; these functions apply its rules.

// templateValue is Engine.Template: the value with its strings templated.
func (ev *evaluator) templateValue(val any) (any, error) {
	switch x := val.(type) {
	case string:
		v, err := ev.templateString(x)
		return plain(v), err
	case Unsafe:
		return x.V, nil
	case Deferred:
		v, err := x.Value()
		if err != nil {
			return nil, err
		}
		return ev.templateValue(v)
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
		// Go code's maps (module options) stay maps: they have no order
		// to keep, and are read by name.
		out := make(map[string]any, len(x))
		if err := ev.templateEntries(maps.All(x), func(k string, v any) { out[k] = v }); err != nil {
			return nil, err
		}
		return out, nil
	case *dict:
		out := newDict(x.Len())
		if err := ev.templateEntries(x.All(), out.Set); err != nil {
			return nil, err
		}
		return out, nil
	}
	return val, nil
}

// templateEntries templates the keys and values of a mapping into set.
func (ev *evaluator) templateEntries(entries iter.Seq2[string, any], set func(string, any)) error {
	for k, e := range entries {
		v, err := ev.templateValue(e)
		if err != nil {
			return err
		}
		if hasJinja(k) { // Ansible templates keys too
			key, err := ev.templateString(k)
			if err != nil {
				return err
			}
			k = str(key)
		}
		set(k, v)
	}
	return nil
}

// templateString renders a string from a playbook or a variable. Like
// Ansible's templar, the result is text, turned into a list, dict or bool
// when it reads as one.
func (ev *evaluator) templateString(s string) (any, error) {
	if !hasJinja(s) {
		return s, nil
	}
	if v, ok := ev.singleVar(s); ok {
		return v, nil
	}
	t, err := ev.eng.parseTop(syntax.EscapeBackslashes(s), syntax.DefaultSyntax())
	if err != nil {
		return nil, templateError("", s, err)
	}
	if t.Single != nil {
		v, err := ev.eval(t.Single, ev.top)
		if err == nil {
			err = strictDeep(v)
		}
		if err != nil {
			return nil, templateError("", s, err)
		}
		switch x := v.(type) {
		case []any, *dict, bool, *hostVarsValue, *varsValue:
			return v, nil
		case string:
			if t.KeepText {
				return x, nil
			}
			return ev.eng.literal(x), nil
		case nil:
			return "", nil // Ansible's finalize turns None into ""
		}
		return str(v), nil
	}
	out, err := ev.renderRaw(t, "")
	if err != nil {
		return nil, templateError("", s, err)
	}
	if t.KeepText {
		return restoreNewlines(t, out), nil
	}
	// The literal step sees Jinja2's output, before the trailing
	// newlines come back, and only text gets them back: "{{ b }}\n" with
	// b true is the boolean.
	v := ev.eng.literal(out)
	if text, ok := v.(string); ok {
		return restoreNewlines(t, text), nil
	}
	return v, nil
}

// singleVarPattern is Ansible's SINGLE_VAR: a template that is one
// variable name and nothing else.
var singleVarPattern = regexp.MustCompile(`^\{\{\s*(\w*)\s*\}\}$`)

// singleVar is the templar's shortcut for "{{ name }}": when the
// variable's own value is a boolean, a number or None, that value is the
// result, unchanged, rather than its text.
func (ev *evaluator) singleVar(s string) (any, bool) {
	m := singleVarPattern.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	raw, ok := ev.vars.Lookup(m[1])
	if !ok {
		return nil, false
	}
	switch raw.(type) {
	case nil, bool, int, int64, float64, *big.Int:
		return raw, true
	}
	return nil, false
}

// literal converts text that reads as a Python list, dict or boolean into
// that value (Ansible's ast.literal_eval step, which reads JSON's true,
// false and null as Python's True, False and None); other text stays
// text.
func (e *Engine) literal(s string) any {
	if s != "True" && s != "False" && !strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "{") {
		return s
	}
	// Not cached: rendered text differs from host to host.
	x, ok := syntax.ParseLiteral(s, true)
	if !ok {
		return s
	}
	v, err := newEvaluator(e, nil).eval(x, nil)
	if err != nil {
		return s
	}
	return v
}

// plain strips this package's internal types from a value handed back to
// callers: undefined values become nil and lazy variable sets become maps.
func plain(v any) any {
	switch x := v.(type) {
	case *undefined, *function:
		return nil
	case *namespace:
		return plain(x.attrs)
	case *loopObj:
		return plain(x.attrs)
	case *templateModule:
		return x.out
	case *selfRef:
		return nil
	case tuple:
		return plain([]any(x))
	case pyObject:
		return x.pyStr()
	case *varsValue:
		return x.materialize()
	case *hostVarsValue:
		out := newDict(0)
		for _, h := range x.hv.Hosts() {
			if hv, ok := x.host(h); ok {
				out.Set(h, plain(hv))
			}
		}
		return out
	case []any:
		for _, e := range x {
			switch e.(type) {
			case *undefined, *function, *namespace, *varsValue, *hostVarsValue, tuple, []any, *dict, pyObject:
				out := make([]any, len(x))
				for i, e := range x {
					out[i] = plain(e)
				}
				return out
			}
		}
	case *dict:
		for _, e := range x.All() {
			switch e.(type) {
			case *undefined, *function, *namespace, *varsValue, *hostVarsValue, tuple, []any, *dict, pyObject:
				out := newDict(x.Len())
				for k, e := range x.All() {
					out.Set(k, plain(e))
				}
				return out
			}
		}
	}
	return v
}
