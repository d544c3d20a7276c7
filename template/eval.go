package template

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// frame is one scope of template-local names ({% set %}, loop variables,
// macro arguments), chained to its enclosing scope.
type frame struct {
	vars   map[string]any
	parent *frame
	// noVars marks the root of a template rendered without context: names
	// not set in the template are globals or undefined.
	noVars bool
	// tc is set on a template's root frame.
	tc *tmplCtx
	// boundary marks the frame of a macro call or a block, whose output
	// is never the top level of a template.
	boundary bool
	blk      *blockRef
}

func (f *frame) child() *frame { return &frame{parent: f} }

// isolated reports whether f is inside a template rendered without context.
func (f *frame) isolated() bool {
	for ; f != nil; f = f.parent {
		if f.noVars {
			return true
		}
	}
	return false
}

// syntax is the syntax of the template f belongs to, for the templates it
// loads.
func (f *frame) syntax() syntax.Syntax {
	if tc := f.tmplCtx(); tc != nil {
		return tc.syn
	}
	return syntax.DefaultSyntax()
}

func (f *frame) set(name string, v any) {
	if f.vars == nil {
		f.vars = map[string]any{}
	}
	f.vars[name] = v
}

func (f *frame) get(name string) (any, bool) {
	for ; f != nil; f = f.parent {
		if v, ok := f.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// eval evaluates an expression. An undefined result is returned as an
// *undefined value; it turns into an error where the value gets used.
func (ev *evaluator) eval(x syntax.Expr, f *frame) (any, error) {
	// Long operator chains ("1 + 1 + ...") nest without parentheses.
	if ev.lim.exprDepth >= maxExprDepth {
		return nil, &limitError{"maximum recursion depth exceeded: expression nested too deeply"}
	}
	ev.lim.exprDepth++
	v, err := ev.evalNode(x, f)
	ev.lim.exprDepth--
	if err != nil {
		return nil, atLine(x.Line(), err)
	}
	return v, nil
}

// evalStrict evaluates an expression whose value must be defined.
func (ev *evaluator) evalStrict(x syntax.Expr, f *frame) (any, error) {
	v, err := ev.eval(x, f)
	if err == nil {
		err = strict(v)
	}
	return v, err
}

func (ev *evaluator) evalNode(x syntax.Expr, f *frame) (any, error) {
	switch n := x.(type) {
	case *syntax.LiteralExpr:
		return n.Val, nil
	case *syntax.NameExpr:
		return ev.lookupName(n.Name, f)
	case *syntax.ListExpr:
		return ev.evalList(n.Items, f)
	case *syntax.TupleExpr:
		l, err := ev.evalList(n.Items, f)
		if err != nil {
			return nil, err
		}
		return tuple(l.([]any)), nil
	case *syntax.DictExpr:
		d := newDict(len(n.Keys))
		for i := range n.Keys {
			k, err := ev.evalStrict(n.Keys[i], f)
			if err != nil {
				return nil, err
			}
			v, err := ev.evalStrict(n.Vals[i], f)
			if err != nil {
				return nil, err
			}
			d.Set(str(k), v)
		}
		return d, nil
	case *syntax.AttrExpr:
		obj, err := ev.eval(n.Obj, f)
		if err != nil {
			return nil, err
		}
		return ev.getAttr(obj, n.Attr)
	case *syntax.ItemExpr:
		obj, err := ev.eval(n.Obj, f)
		if err != nil {
			return nil, err
		}
		key, err := ev.evalStrict(n.Key, f)
		if err != nil {
			return nil, err
		}
		return ev.getItem(obj, key)
	case *syntax.SliceExpr:
		return ev.evalSlice(n, f)
	case *syntax.CallExpr:
		return ev.evalCall(n, f)
	case *syntax.FilterExpr:
		in, err := ev.eval(n.In, f)
		if err != nil {
			return nil, err
		}
		return ev.applyFilter(n, in, f)
	case *syntax.TestExpr:
		return ev.evalTest(n, f)
	case *syntax.BinaryExpr:
		return ev.evalBinary(n, f)
	case *syntax.UnaryExpr:
		v, err := ev.evalStrict(n.Operand, f)
		if err != nil {
			return nil, err
		}
		return unary(n.Op, v)
	case *syntax.CondExpr:
		c, err := ev.evalStrict(n.Cond, f)
		if err != nil {
			return nil, err
		}
		if truthy(c) {
			return ev.eval(n.Then, f)
		}
		if n.OrElse == nil {
			return nil, nil // Jinja2 yields an undefined that Ansible prints as nothing
		}
		return ev.eval(n.OrElse, f)
	}
	return nil, fmt.Errorf("unknown expression %T", x)
}

func (ev *evaluator) evalList(items []syntax.Expr, f *frame) (any, error) {
	out := make([]any, len(items))
	for i, e := range items {
		v, err := ev.evalStrict(e, f)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// lookupName resolves a name: template-local names first, then the
// variables, then the globals.
func (ev *evaluator) lookupName(name string, f *frame) (any, error) {
	if v, ok := f.get(name); ok {
		return v, nil
	}
	switch name {
	case "super":
		if br := f.block(); br != nil {
			return ev.superFunction(br), nil
		}
	case "self":
		if tc := f.tmplCtx(); tc != nil {
			return &selfRef{tc}, nil
		}
	}
	if !f.isolated() {
		v, ok, err := ev.lookupVar(name)
		if err != nil || ok {
			return v, err
		}
	}
	if g, ok := ev.global(name); ok {
		return g, nil
	}
	return undefinedName(name), nil
}

// getAttr is Jinja2's obj.attr: an attribute (method) or else an item.
func (ev *evaluator) getAttr(obj any, attr string) (any, error) {
	switch x := obj.(type) {
	case *undefined:
		return x, nil
	case *dict:
		// Jinja2 tries the Python attribute first: d.items is the method
		// even when d has an "items" key.
		if m, ok := method(obj, attr); ok {
			return m, nil
		}
		if v, ok := x.Get(attr); ok {
			return v, nil
		}
		return undefinedAttr(obj, attr), nil
	case *namespace:
		if v, ok := x.attrs.Get(attr); ok {
			return v, nil
		}
		return undefinedAttr(obj, attr), nil
	case *templateModule:
		if v, ok := x.attrs[attr]; ok {
			return v, nil
		}
		return undefinedAttr(obj, attr), nil
	case *loopObj:
		if v, ok := x.attrs[attr]; ok {
			return v, nil
		}
		return undefinedAttr(obj, attr), nil
	case *selfRef:
		return ev.selfAttr(x, attr), nil
	case *varsValue, *hostVarsValue:
		return ev.getItem(obj, attr)
	case pyObject:
		if v, ok := x.pyAttr(attr); ok {
			return v, nil
		}
	}
	if m, ok := method(obj, attr); ok {
		return m, nil
	}
	return undefinedAttr(obj, attr), nil
}

// getItem is Jinja2's obj[key]: an item or else an attribute.
func (ev *evaluator) getItem(obj any, key any) (any, error) {
	switch x := obj.(type) {
	case *undefined:
		return x, nil
	case *loopObj:
		if s, ok := key.(string); ok {
			return ev.getAttr(x, s)
		}
		return undefinedAttr(obj, key), nil
	case *dict:
		k, ok := key.(string)
		if !ok {
			k = str(key)
		}
		if v, ok := x.Get(k); ok {
			return v, nil
		}
	case []any, tuple:
		if i, ok := integer(key); ok {
			x, _ := asSeq(x)
			if i < 0 {
				i += len(x)
			}
			if i >= 0 && i < len(x) {
				return x[i], nil
			}
			return undefinedAttr(obj, key), nil
		}
	case string:
		if i, ok := integer(key); ok {
			r := []rune(x)
			if i < 0 {
				i += len(r)
			}
			if i >= 0 && i < len(r) {
				return string(r[i]), nil
			}
			return undefinedAttr(obj, key), nil
		}
	case *hostVarsValue:
		if name, ok := key.(string); ok {
			if v, ok := x.host(name); ok {
				return v, nil
			}
			// HostVars.raw_get's AnsibleUndefined(name="hostvars['h']").
			return &undefined{fmt.Sprintf("%s is undefined", value.Repr("hostvars['"+name+"']"))}, nil
		}
		return &undefined{fmt.Sprintf("%s has no attribute %s", typeRepr(obj), value.Repr(key))}, nil
	case *varsValue:
		if name, ok := key.(string); ok {
			v, ok, err := x.get(name)
			if err != nil || ok {
				return v, err
			}
		}
		return undefinedAttr(obj, key), nil
	}
	if name, ok := key.(string); ok {
		if _, isMap := obj.(*dict); !isMap {
			return ev.getAttr(obj, name)
		}
	}
	return undefinedAttr(obj, key), nil
}

func (ev *evaluator) evalSlice(n *syntax.SliceExpr, f *frame) (any, error) {
	obj, err := ev.evalStrict(n.Obj, f)
	if err != nil {
		return nil, err
	}
	bound := func(x syntax.Expr) (int, bool, error) {
		if x == nil {
			return 0, false, nil
		}
		v, err := ev.evalStrict(x, f)
		if err != nil {
			return 0, false, err
		}
		if v == nil {
			return 0, false, nil
		}
		i, ok := integer(v)
		if !ok {
			return 0, false, fmt.Errorf("slice indices must be integers or None")
		}
		return i, true, nil
	}
	start, hasStart, err := bound(n.Start)
	if err != nil {
		return nil, err
	}
	end, hasEnd, err := bound(n.End)
	if err != nil {
		return nil, err
	}
	step, hasStep, err := bound(n.Step)
	if err != nil {
		return nil, err
	}
	if !hasStep {
		step = 1
	}
	if step == 0 {
		return nil, fmt.Errorf("slice step cannot be zero")
	}
	var items []any
	switch x := obj.(type) {
	case []any:
		items = x
	case tuple:
		items = x
	case string:
		items, _ = iterate(x)
	default:
		return nil, fmt.Errorf("'%s' object is not subscriptable", pyType(obj))
	}
	idx := sliceIndices(len(items), start, end, step, hasStart, hasEnd)
	out := make([]any, 0, len(idx))
	for _, i := range idx {
		out = append(out, items[i])
	}
	if _, ok := obj.(string); ok {
		var sb strings.Builder
		for _, c := range out {
			sb.WriteString(c.(string))
		}
		return sb.String(), nil
	}
	if _, ok := obj.(tuple); ok {
		return tuple(out), nil
	}
	return out, nil
}

// sliceIndices lists the indices Python's seq[start:end:step] selects.
func sliceIndices(n, start, end, step int, hasStart, hasEnd bool) []int {
	clamp := func(i, lo, hi int) int { return max(lo, min(i, hi)) }
	var idx []int
	if step > 0 {
		if !hasStart {
			start = 0
		} else if start < 0 {
			start += n
		}
		if !hasEnd {
			end = n
		} else if end < 0 {
			end += n
		}
		start, end = clamp(start, 0, n), clamp(end, 0, n)
		for i := start; i < end; i += step {
			idx = append(idx, i)
		}
		return idx
	}
	if !hasStart {
		start = n - 1
	} else if start < 0 {
		start += n
	}
	if !hasEnd {
		end = -1
	} else if end < 0 {
		end += n
	}
	start, end = clamp(start, -1, n-1), clamp(end, -1, n-1)
	for i := start; i > end; i += step {
		idx = append(idx, i)
	}
	return idx
}

func (ev *evaluator) evalCall(n *syntax.CallExpr, f *frame) (any, error) {
	if v, ok, err := ev.mutatingCall(n, f); ok {
		return v, err
	}
	fn, err := ev.evalStrict(n.Fn, f)
	if err != nil {
		return nil, err
	}
	if lo, ok := fn.(*loopObj); ok && lo.recurse != nil {
		fn = lo.recurse
	}
	callee, ok := fn.(*function)
	if !ok {
		return nil, fmt.Errorf("'%s' object is not callable", pyType(fn))
	}
	args, kwargs, order, err := ev.evalCallArgs(n, f)
	if err != nil {
		return nil, err
	}
	ev.kwOrder = append(ev.kwOrder[:0], order...)
	return callee.call(ev, args, kwargs)
}

// evalCallArgs evaluates a call's arguments with its "*seq" spread after
// the positional ones and its "**map" merged into the keywords, as Python
// calls the function Jinja2 compiles. order names the keywords as
// written, the spread ones last.
func (ev *evaluator) evalCallArgs(n *syntax.CallExpr, f *frame) (args []any, kwargs map[string]any, order []string, err error) {
	args, kwargs, err = ev.evalArgs(n.Args, n.Kwargs, f)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, kw := range n.Kwargs {
		order = append(order, kw.Name)
	}
	if n.DynArgs != nil {
		v, err := ev.evalStrict(n.DynArgs, f)
		if err != nil {
			return nil, nil, nil, err
		}
		more, err := iterate(v)
		if err != nil {
			return nil, nil, nil, &typeError{fmt.Sprintf("argument after * must be an iterable, not %s", pyType(v))}
		}
		args = append(args, more...)
	}
	if n.DynKwargs != nil {
		v, err := ev.evalStrict(n.DynKwargs, f)
		if err != nil {
			return nil, nil, nil, err
		}
		d, ok := v.(*dict)
		if !ok {
			return nil, nil, nil, &typeError{fmt.Sprintf("argument after ** must be a mapping, not %s", pyType(v))}
		}
		if kwargs == nil {
			kwargs = make(map[string]any, d.Len())
		}
		for k, val := range d.All() {
			if _, dup := kwargs[k]; dup {
				return nil, nil, nil, &typeError{fmt.Sprintf("got multiple values for keyword argument '%s'", k)}
			}
			kwargs[k] = val
			order = append(order, k)
		}
	}
	return args, kwargs, order, nil
}

func (ev *evaluator) evalArgs(argExprs []syntax.Expr, kwExprs []syntax.Kwarg, f *frame) ([]any, map[string]any, error) {
	return ev.evalArgsWith(ev.evalStrict, argExprs, kwExprs, f)
}

// evalLenientArgs evaluates call arguments leaving undefined values as
// they are, for the callees that handle them.
func (ev *evaluator) evalLenientArgs(argExprs []syntax.Expr, kwExprs []syntax.Kwarg, f *frame) ([]any, map[string]any, error) {
	return ev.evalArgsWith(ev.eval, argExprs, kwExprs, f)
}

func (ev *evaluator) evalArgsWith(evalOne func(syntax.Expr, *frame) (any, error), argExprs []syntax.Expr, kwExprs []syntax.Kwarg, f *frame) ([]any, map[string]any, error) {
	args := make([]any, len(argExprs))
	for i, a := range argExprs {
		v, err := evalOne(a, f)
		if err != nil {
			return nil, nil, err
		}
		args[i] = v
	}
	var kwargs map[string]any
	if len(kwExprs) > 0 {
		kwargs = make(map[string]any, len(kwExprs))
		for _, kw := range kwExprs {
			v, err := evalOne(kw.Val, f)
			if err != nil {
				return nil, nil, err
			}
			kwargs[kw.Name] = v
		}
	}
	return args, kwargs, nil
}

func (ev *evaluator) evalBinary(n *syntax.BinaryExpr, f *frame) (any, error) {
	left, err := ev.evalStrict(n.Left, f)
	if err != nil {
		return nil, err
	}
	switch n.Op {
	case "and":
		if !truthy(left) {
			return left, nil
		}
		return ev.evalStrict(n.Right, f)
	case "or":
		if truthy(left) {
			return left, nil
		}
		return ev.evalStrict(n.Right, f)
	}
	right, err := ev.evalStrict(n.Right, f)
	if err != nil {
		return nil, err
	}
	v, err := binary(n.Op, left, right)
	if err == nil {
		err = ev.chargeValue(v)
	}
	return v, err
}

// binary applies a Python binary operator.
func binary(op string, a, b any) (any, error) {
	switch op {
	case "==":
		return value.Equal(a, b), nil
	case "!=":
		return !value.Equal(a, b), nil
	case "<", "<=", ">", ">=":
		c, err := compare(a, b)
		if err != nil {
			return nil, &typeError{fmt.Sprintf("'%s' not supported between instances of '%s' and '%s'", op, pyType(a), pyType(b))}
		}
		switch op {
		case "<":
			return c < 0, nil
		case "<=":
			return c <= 0, nil
		case ">":
			return c > 0, nil
		}
		return c >= 0, nil
	case "in":
		return contains(b, a)
	case "not in":
		in, err := contains(b, a)
		return !in, err
	case "~":
		sa, sb := str(a), str(b)
		if err := checkString(len(sa) + len(sb)); err != nil {
			return nil, err
		}
		return sa + sb, nil
	}
	return arithmetic(op, a, b)
}

func arithmetic(op string, a, b any) (any, error) {
	if v, ok, err := timeArithmetic(op, a, b); ok {
		return v, err
	}
	ia, aInt := integer(a)
	ib, bInt := integer(b)
	fa, aNum := value.Float(a)
	fb, bNum := value.Float(b)
	switch op {
	case "+":
		switch x := a.(type) {
		case string:
			if y, ok := b.(string); ok {
				if err := checkString(len(x) + len(y)); err != nil {
					return nil, err
				}
				return x + y, nil
			}
		case []any:
			if y, ok := b.([]any); ok {
				if err := checkItems(len(x) + len(y)); err != nil {
					return nil, err
				}
				out := make([]any, 0, len(x)+len(y))
				return append(append(out, x...), y...), nil
			}
		case tuple:
			if y, ok := b.(tuple); ok {
				if err := checkItems(len(x) + len(y)); err != nil {
					return nil, err
				}
				out := make(tuple, 0, len(x)+len(y))
				return append(append(out, x...), y...), nil
			}
		}
	case "*":
		if isSeqOrString(b) && isInt(a) {
			a, b = b, a // Python's 3 * 'ab' is 'ab' * 3
			ib, bInt = integer(b)
		}
		if s, ok := a.(string); ok && bInt {
			return repeatString(s, ib)
		}
		if l, ok := asSeq(a); ok && bInt {
			out, err := repeatList(l, ib)
			if _, isTuple := a.(tuple); isTuple && err == nil {
				return tuple(out), nil
			}
			return out, err
		}
		if n, ok := b.(*big.Int); ok && (isSeqOrString(a)) {
			return nil, &limitError{fmt.Sprintf("cannot fit 'int' into an index-sized integer (OverflowError): value too large: %s", n)}
		}
	case "%":
		if s, ok := a.(string); ok {
			return percentFormat(s, b)
		}
	}
	if op == "*" && (isSeqOrString(a) || isSeqOrString(b)) {
		other := b
		if !isSeqOrString(a) {
			other = a
		}
		return nil, &typeError{fmt.Sprintf("can't multiply sequence by non-int of type '%s'", pyType(other))}
	}
	if op == "+" {
		// Python tries the left operand's concatenation last, which
		// refuses in its own words.
		switch a.(type) {
		case string:
			return nil, &typeError{fmt.Sprintf("can only concatenate str (not \"%s\") to str", pyType(b))}
		case []any:
			return nil, &typeError{fmt.Sprintf("can only concatenate list (not \"%s\") to list", pyType(b))}
		case tuple:
			return nil, &typeError{fmt.Sprintf("can only concatenate tuple (not \"%s\") to tuple", pyType(b))}
		}
	}
	if !aNum || !bNum {
		return nil, &typeError{fmt.Sprintf("unsupported operand type(s) for %s: '%s' and '%s'", op, pyType(a), pyType(b))}
	}
	if isInt(a) && isInt(b) {
		if v, ok, err := intArithmetic(op, a, b); ok || err != nil {
			return v, err
		}
	}
	if math.IsInf(fa, 0) && isInt(a) || math.IsInf(fb, 0) && isInt(b) {
		return nil, fmt.Errorf("int too large to convert to float (OverflowError)")
	}
	bothInt := aInt && bInt
	switch op {
	case "+":
		if bothInt {
			return ia + ib, nil
		}
		return fa + fb, nil
	case "-":
		if bothInt {
			return ia - ib, nil
		}
		return fa - fb, nil
	case "*":
		if bothInt {
			return ia * ib, nil
		}
		return fa * fb, nil
	case "/":
		if fb == 0 {
			return nil, zeroDivisionError("division by zero")
		}
		return fa / fb, nil
	case "//":
		if fb == 0 && bothInt {
			return nil, intZeroDivision(op)
		}
		if fb == 0 {
			return nil, zeroDivisionError("float floor division by zero")
		}
		if bothInt {
			return int(math.Floor(float64(ia) / float64(ib))), nil
		}
		return math.Floor(fa / fb), nil
	case "%":
		if fb == 0 && bothInt {
			return nil, intZeroDivision(op)
		}
		if fb == 0 {
			return nil, zeroDivisionError("float modulo")
		}
		if bothInt {
			m := ia % ib
			if m != 0 && (m < 0) != (ib < 0) {
				m += ib
			}
			return m, nil
		}
		m := math.Mod(fa, fb)
		if m != 0 && (m < 0) != (fb < 0) {
			m += fb
		}
		return m, nil
	case "**":
		if bothInt && ib >= 0 {
			r := 1
			for range ib {
				r *= ia
			}
			return r, nil
		}
		return math.Pow(fa, fb), nil
	}
	return nil, fmt.Errorf("unknown operator %s", op)
}

func unary(op string, v any) (any, error) {
	switch op {
	case "not":
		return !truthy(v), nil
	case "-", "+":
		sign := 1
		if op == "-" {
			sign = -1
		}
		if isInt(v) {
			if sign < 0 {
				return intNeg(v), nil
			}
			if b, ok := v.(bool); ok {
				n, _ := integer(b)
				return n, nil
			}
			return v, nil
		}
		if fl, ok := v.(float64); ok {
			return float64(sign) * fl, nil
		}
		return nil, fmt.Errorf("bad operand type for unary %s: '%s'", op, pyType(v))
	}
	return nil, fmt.Errorf("unknown operator %s", op)
}
