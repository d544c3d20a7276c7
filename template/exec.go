package template

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
)

// Loop control travels up from {% break %} and {% continue %} as errors.
var (
	errBreak    = errors.New("'break' outside of a loop")
	errContinue = errors.New("'continue' outside of a loop")
)

// render renders a parsed template with the evaluator's variables.
func (ev *evaluator) render(t *parsedTemplate) (string, error) {
	var sb strings.Builder
	if err := ev.exec(&sb, t.body, ev.top.child()); err != nil {
		return "", err
	}
	// Ansible's preserve_trailing_newlines: the result ends with at least
	// as many newlines as the source, even when trim_blocks ate one.
	for n := t.trailingNewlines - trailingNewlines(sb.String()); n > 0; n-- {
		sb.WriteByte('\n')
	}
	return sb.String(), nil
}

func trailingNewlines(s string) int {
	return len(s) - len(strings.TrimRight(s, "\n"))
}

func (ev *evaluator) exec(out *strings.Builder, body []stmt, f *frame) error {
	for _, s := range body {
		if err := ev.execStmt(out, s, f); err != nil {
			return atLine(s.line(), err)
		}
		if err := checkString(out.Len()); err != nil {
			return atLine(s.line(), err)
		}
	}
	return nil
}

func (ev *evaluator) execStmt(out *strings.Builder, s stmt, f *frame) error {
	switch n := s.(type) {
	case *dataStmt:
		out.WriteString(n.text)
	case *outputStmt:
		v, err := ev.evalStrict(n.e, f)
		if err == nil {
			err = strictDeep(v)
		}
		if err != nil {
			return err
		}
		if v != nil { // Ansible's finalize prints None as nothing
			s := str(v)
			if err := checkString(out.Len() + len(s)); err != nil {
				return err
			}
			out.WriteString(s)
		}
	case *ifStmt:
		for i, c := range n.conds {
			v, err := ev.evalStrict(c, f)
			if err != nil {
				return err
			}
			if truthy(v) {
				return ev.exec(out, n.bodies[i], f)
			}
		}
		if len(n.bodies) > len(n.conds) {
			return ev.exec(out, n.bodies[len(n.conds)], f)
		}
	case *forStmt:
		return ev.execFor(out, n, f)
	case *setStmt:
		return ev.execSet(n, f)
	case *macroStmt:
		f.set(n.m.name, ev.macroFunction(n.m, f))
	case *callBlockStmt:
		fn, err := ev.evalStrict(n.call.fn, f)
		if err != nil {
			return err
		}
		callee, ok := fn.(*function)
		if !ok {
			return fmt.Errorf("'%s' object is not callable", pyType(fn))
		}
		args, kwargs, err := ev.evalArgs(n.call.args, n.call.kwargs, f)
		if err != nil {
			return err
		}
		if kwargs == nil {
			kwargs = map[string]any{}
		}
		kwargs["caller"] = ev.macroFunction(n.caller, f)
		v, err := callee.call(ev, args, kwargs)
		if err != nil {
			return err
		}
		out.WriteString(str(v))
	case *withStmt:
		inner := f.child()
		for i, name := range n.names {
			v, err := ev.eval(n.vals[i], f)
			if err != nil {
				return err
			}
			inner.set(name, v)
		}
		return ev.exec(out, n.body, inner)
	case *filterBlockStmt:
		var sb strings.Builder
		if err := ev.exec(&sb, n.body, f.child()); err != nil {
			return err
		}
		var v any = sb.String()
		for _, fl := range n.filters {
			var err error
			if v, err = ev.applyFilter(fl, v, f); err != nil {
				return err
			}
		}
		out.WriteString(str(v))
	case *doStmt:
		_, err := ev.evalStrict(n.e, f)
		return err
	case *includeStmt:
		return ev.execInclude(out, n, f)
	case *loopControlStmt:
		if n.brk {
			return errBreak
		}
		return errContinue
	default:
		return fmt.Errorf("unknown statement %T", s)
	}
	return nil
}

func (ev *evaluator) execFor(out *strings.Builder, n *forStmt, f *frame) error {
	seq, err := ev.evalStrict(n.iter, f)
	if err != nil {
		return err
	}
	items, err := iterate(seq)
	if err != nil {
		return err
	}
	if n.filter != nil {
		var kept []any
		for _, item := range items {
			inner := f.child()
			if err := bindTargets(inner, n.targets, item); err != nil {
				return err
			}
			ok, err := ev.evalStrict(n.filter, inner)
			if err != nil {
				return err
			}
			if truthy(ok) {
				kept = append(kept, item)
			}
		}
		items = kept
	}
	if len(items) == 0 {
		return ev.exec(out, n.orElse, f.child())
	}
	for i, item := range items {
		if err := ev.charge(loopCost); err != nil {
			return err
		}
		inner := f.child()
		if err := bindTargets(inner, n.targets, item); err != nil {
			return err
		}
		inner.set("loop", loopInfo(items, i))
		err := ev.exec(out, n.body, inner)
		if errors.Is(err, errBreak) {
			break
		}
		if err != nil && !errors.Is(err, errContinue) {
			return err
		}
	}
	return nil
}

// execInclude renders another template file, found like lookup('template'),
// in the including template's context.
func (ev *evaluator) execInclude(out *strings.Builder, n *includeStmt, f *frame) error {
	v, err := ev.evalStrict(n.name, f)
	if err != nil {
		return err
	}
	names, ok := asSeq(v)
	if !ok {
		names = []any{v}
	}
	for _, name := range names {
		path, err := ev.findFile("templates", str(name))
		if err != nil {
			continue
		}
		data, err := vault.ReadFile(path)
		if err != nil {
			return err
		}
		t, err := ev.eng.parse(string(data))
		if err != nil {
			return templateError(path, string(data), err)
		}
		if err := ev.enter(); err != nil {
			return err
		}
		defer ev.leave()
		if err := ev.exec(out, t.body, f.child()); err != nil {
			return templateError(path, string(data), err)
		}
		return nil
	}
	if n.ignoreMissing {
		return nil
	}
	return fmt.Errorf("TemplateNotFound: %s", str(v))
}

// loopInfo is the loop variable of a {% for %} iteration.
func loopInfo(items []any, i int) *dict {
	n := len(items)
	info := value.DictOf(
		"index", i+1, "index0", i, "revindex", n-i, "revindex0", n-i-1,
		"first", i == 0, "last", i == n-1, "length", n, "depth", 1, "depth0", 0,
		"cycle", &function{"cycle", func(_ *evaluator, args []any, _ map[string]any) (any, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("no items for cycling given")
			}
			return args[i%len(args)], nil
		}},
	)
	if i > 0 {
		info.Set("previtem", items[i-1])
	} else {
		info.Set("previtem", &undefined{"there is no previous item"})
	}
	if i < n-1 {
		info.Set("nextitem", items[i+1])
	} else {
		info.Set("nextitem", &undefined{"there is no next item"})
	}
	return info
}

// bindTargets assigns a loop item to "x" or unpacks it into "k, v".
func bindTargets(f *frame, targets []string, item any) error {
	if len(targets) == 1 {
		f.set(targets[0], item)
		return nil
	}
	parts, ok := asSeq(item)
	if !ok {
		if s, isStr := item.(string); isStr {
			parts, _ = iterate(s)
		} else {
			return fmt.Errorf("cannot unpack non-iterable %s object", pyType(item))
		}
	}
	if len(parts) != len(targets) {
		return fmt.Errorf("not enough values to unpack (expected %d, got %d)", len(targets), len(parts))
	}
	for i, t := range targets {
		f.set(t, parts[i])
	}
	return nil
}

func (ev *evaluator) execSet(n *setStmt, f *frame) error {
	var v any
	if n.block {
		var sb strings.Builder
		if err := ev.exec(&sb, n.body, f.child()); err != nil {
			return err
		}
		v = sb.String()
	} else {
		var err error
		if v, err = ev.eval(n.val, f); err != nil {
			return err
		}
	}
	if n.attr != "" {
		obj, err := ev.lookupName(n.targets[0], f)
		if err != nil {
			return err
		}
		ns, ok := obj.(*namespace)
		if !ok {
			return fmt.Errorf("cannot assign attribute on non-namespace object")
		}
		if err := ev.checkAcyclic(v, ns); err != nil {
			return err
		}
		// Namespaces are the one mutable value: a copy, so that a dict
		// taken from it before stays as it was.
		attrs := ns.attrs.Copy()
		attrs.Set(n.attr, v)
		ns.attrs = attrs
		return nil
	}
	return bindTargets(f, n.targets, v)
}

// macroFunction makes a callable of a macro defined in frame f.
func (ev *evaluator) macroFunction(m *macro, f *frame) *function {
	return &function{m.name, func(caller *evaluator, args []any, kwargs map[string]any) (any, error) {
		inner := f.child()
		if len(args) > len(m.params) {
			return nil, fmt.Errorf("macro '%s' takes not more than %d argument(s)", m.name, len(m.params))
		}
		for i, p := range m.params {
			switch v, ok := kwargs[p]; {
			case i < len(args):
				inner.set(p, args[i])
			case ok:
				inner.set(p, v)
			case m.defaults[i] != nil:
				d, err := ev.eval(m.defaults[i], inner)
				if err != nil {
					return nil, err
				}
				inner.set(p, d)
			default:
				inner.set(p, &undefined{fmt.Sprintf("parameter '%s' was not provided", p)})
			}
		}
		if c, ok := kwargs["caller"]; ok {
			inner.set("caller", c)
		}
		if err := ev.enter(); err != nil {
			return nil, err
		}
		defer ev.leave()
		var sb strings.Builder
		if err := ev.exec(&sb, m.body, inner); err != nil {
			return nil, err
		}
		return sb.String(), nil
	}}
}
