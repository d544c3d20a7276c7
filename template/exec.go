package template

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// render renders a parsed template with the evaluator's variables.
func (ev *evaluator) render(t *syntax.Template, name string) (string, error) {
	out, err := ev.renderRaw(t, name)
	if err != nil {
		return "", err
	}
	return restoreNewlines(t, out), nil
}

// renderRaw is Jinja2's output, before Ansible restores the trailing
// newlines the lexer dropped.
func (ev *evaluator) renderRaw(t *syntax.Template, name string) (string, error) {
	var sb strings.Builder
	if err := ev.runTemplate(&sb, &loadedTemplate{name: name, t: t}, ev.top.child()); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// restoreNewlines is Ansible's preserve_trailing_newlines: the result
// ends with at least as many newlines as the source, which the lexer
// dropped one of.
func restoreNewlines(t *syntax.Template, out string) string {
	for n := t.TrailingNewlines - syntax.TrailingNewlines(out); n > 0; n-- {
		out += t.Syntax.NewlineSequence
	}
	return out
}

func (ev *evaluator) exec(out *strings.Builder, body []syntax.Stmt, f *frame) error {
	for _, s := range body {
		if err := ev.execStmt(out, s, f); err != nil {
			return atLine(s.Line(), err)
		}
		if err := checkString(out.Len()); err != nil {
			return atLine(s.Line(), err)
		}
	}
	return nil
}

func (ev *evaluator) execStmt(out *strings.Builder, s syntax.Stmt, f *frame) error {
	switch s.(type) {
	case *syntax.DataStmt, *syntax.OutputStmt, *syntax.PrintStmt, *syntax.CallBlockStmt, *syntax.FilterBlockStmt, *syntax.IncludeStmt, *syntax.BlockStmt:
		if f.outputCut() {
			return nil
		}
	}
	switch n := s.(type) {
	case *syntax.DataStmt:
		out.WriteString(n.Text)
	case *syntax.OutputStmt:
		v, err := ev.evalStrict(n.Expr, f)
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
	case *syntax.IfStmt:
		for i, c := range n.Conds {
			v, err := ev.evalStrict(c, f)
			if err != nil {
				return err
			}
			if truthy(v) {
				return ev.exec(out, n.Bodies[i], f)
			}
		}
		if len(n.Bodies) > len(n.Conds) {
			return ev.exec(out, n.Bodies[len(n.Conds)], f)
		}
	case *syntax.ForStmt:
		return ev.execFor(out, n, f)
	case *syntax.SetStmt:
		return ev.execSet(n, f)
	case *syntax.MacroStmt:
		f.set(n.Macro.Name, ev.macroFunction(n.Macro, f))
	case *syntax.CallBlockStmt:
		fn, err := ev.evalStrict(n.Call.Fn, f)
		if err != nil {
			return err
		}
		callee, ok := fn.(*function)
		if !ok {
			return fmt.Errorf("'%s' object is not callable", pyType(fn))
		}
		args, kwargs, err := ev.evalArgs(n.Call.Args, n.Call.Kwargs, f)
		if err != nil {
			return err
		}
		if kwargs == nil {
			kwargs = map[string]any{}
		}
		kwargs["caller"] = ev.macroFunction(n.Caller, f)
		v, err := callee.call(ev, args, kwargs)
		if err != nil {
			return err
		}
		out.WriteString(str(v))
	case *syntax.PrintStmt:
		return ev.exec(out, n.Outputs, f)
	case *syntax.AutoescapeStmt:
		on, err := ev.evalStrict(n.On, f)
		if err != nil {
			return err
		}
		if truthy(on) {
			return fmt.Errorf("autoescape true is not supported")
		}
		return ev.exec(out, n.Body, f.child())
	case *syntax.WithStmt:
		inner := f.child()
		for i, name := range n.Names {
			v, err := ev.eval(n.Vals[i], f)
			if err != nil {
				return err
			}
			inner.set(name, v)
		}
		return ev.exec(out, n.Body, inner)
	case *syntax.FilterBlockStmt:
		var sb strings.Builder
		if err := ev.exec(&sb, n.Body, f.child()); err != nil {
			return err
		}
		var v any = sb.String()
		for _, fl := range n.Filters {
			var err error
			if v, err = ev.applyFilter(fl, v, f); err != nil {
				return err
			}
		}
		out.WriteString(str(v))
	case *syntax.IncludeStmt:
		return ev.execInclude(out, n, f)
	case *syntax.BlockStmt:
		return ev.execBlock(out, n, f)
	case *syntax.ExtendsStmt:
		return ev.execExtends(n, f)
	case *syntax.ImportStmt:
		return ev.execImport(n, f)
	case *syntax.FromStmt:
		return ev.execFrom(n, f)
	default:
		return fmt.Errorf("unknown statement %T", s)
	}
	return nil
}

func (ev *evaluator) execFor(out *strings.Builder, n *syntax.ForStmt, f *frame) error {
	seq, err := ev.evalStrict(n.Iter, f)
	if err != nil {
		return err
	}
	return ev.loopOver(out, n, f, seq, 1)
}

// loopOver runs a for loop's body over seq; depth counts the levels of a
// recursive loop.
func (ev *evaluator) loopOver(out *strings.Builder, n *syntax.ForStmt, f *frame, seq any, depth int) error {
	items, err := iterate(seq)
	if err != nil {
		return err
	}
	if n.Filter != nil {
		var kept []any
		for _, item := range items {
			inner := f.child()
			if err := bindTargets(inner, n.Targets, item); err != nil {
				return err
			}
			ok, err := ev.evalStrict(n.Filter, inner)
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
		return ev.exec(out, n.OrElse, f.child())
	}
	// loop.changed compares with the value of its previous call.
	var last []any
	called := false
	changed := &function{"changed", func(_ *evaluator, args []any, _ map[string]any) (any, error) {
		if called && value.Equal(last, args) {
			return false, nil
		}
		called, last = true, args
		return true, nil
	}}
	var recurse *function
	if n.Recurses {
		recurse = &function{"loop", func(_ *evaluator, args []any, _ map[string]any) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("loop() takes exactly one argument")
			}
			if err := ev.enter(); err != nil {
				return nil, err
			}
			defer ev.leave()
			var sb strings.Builder
			if err := ev.loopOver(&sb, n, f, args[0], depth+1); err != nil {
				return nil, err
			}
			return sb.String(), nil
		}}
	}
	for i, item := range items {
		if err := ev.charge(loopCost); err != nil {
			return err
		}
		inner := f.child()
		if err := bindTargets(inner, n.Targets, item); err != nil {
			return err
		}
		info := loopInfo(items, i)
		info["depth"], info["depth0"], info["changed"] = depth, depth-1, changed
		inner.set("loop", &loopObj{info, recurse})
		if err := ev.exec(out, n.Body, inner); err != nil {
			return err
		}
	}
	return nil
}

// loopObj is the loop variable: its attributes, and for a recursive loop
// the function loop(items) that renders the body one level deeper.
type loopObj struct {
	attrs   map[string]any
	recurse *function
}

// loopInfo is the attributes of the loop variable of a {% for %}
// iteration (a loopObj, not a dict: a Go map of its attributes).
func loopInfo(items []any, i int) map[string]any {
	n := len(items)
	info := map[string]any{
		"index": i + 1, "index0": i, "revindex": n - i, "revindex0": n - i - 1,
		"first": i == 0, "last": i == n-1, "length": n, "depth": 1, "depth0": 0,
		"cycle": &function{"cycle", func(_ *evaluator, args []any, _ map[string]any) (any, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("no items for cycling given")
			}
			return args[i%len(args)], nil
		}},
	}
	if i > 0 {
		info["previtem"] = items[i-1]
	} else {
		info["previtem"] = &undefined{"there is no previous item"}
	}
	if i < n-1 {
		info["nextitem"] = items[i+1]
	} else {
		info["nextitem"] = &undefined{"there is no next item"}
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

func (ev *evaluator) execSet(n *syntax.SetStmt, f *frame) error {
	var v any
	if n.Block {
		var sb strings.Builder
		if err := ev.exec(&sb, n.Body, f.child()); err != nil {
			return err
		}
		v = sb.String()
		for _, fl := range n.Filters {
			var err error
			if v, err = ev.applyFilter(fl, v, f); err != nil {
				return err
			}
		}
	} else {
		var err error
		if v, err = ev.eval(n.Val, f); err != nil {
			return err
		}
	}
	if n.Attr != "" {
		obj, err := ev.lookupName(n.Targets[0], f)
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
		attrs.Set(n.Attr, v)
		ns.attrs = attrs
		return nil
	}
	return bindTargets(f, n.Targets, v)
}

// macroFunction makes a callable of a macro defined in frame f.
func (ev *evaluator) macroFunction(m *syntax.Macro, f *frame) *function {
	return &function{m.Name, func(caller *evaluator, args []any, kwargs map[string]any) (any, error) {
		inner := f.child()
		inner.boundary = true
		if len(args) > len(m.Params) && !m.Varargs {
			return nil, fmt.Errorf("macro '%s' takes not more than %d argument(s)", m.Name, len(m.Params))
		}
		extra := tuple{}
		if len(args) > len(m.Params) {
			extra = append(extra, args[len(m.Params):]...)
		}
		if m.Varargs {
			inner.set("varargs", extra)
		}
		// kwargs is a dict, in the order the arguments were written.
		rest := newDict(len(kwargs))
		for _, k := range kwNames(caller, kwargs) {
			v := kwargs[k]
			if k == "caller" || slices.Contains(m.Params, k) {
				continue
			}
			if !m.Kwargs {
				return nil, fmt.Errorf("macro '%s' takes no keyword argument '%s'", m.Name, k)
			}
			rest.Set(k, v)
		}
		if m.Kwargs {
			inner.set("kwargs", rest)
		}
		for i, p := range m.Params {
			switch v, ok := kwargs[p]; {
			case i < len(args):
				inner.set(p, args[i])
			case ok:
				inner.set(p, v)
			case m.Defaults[i] != nil:
				d, err := ev.eval(m.Defaults[i], inner)
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
		if err := ev.exec(&sb, m.Body, inner); err != nil {
			return nil, err
		}
		return sb.String(), nil
	}}
}
