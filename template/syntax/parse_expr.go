package syntax

import (
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/tokens"

	"github.com/gansible/gansible/pystr"
	"github.com/gansible/gansible/value"
)

// Expression grammar, after jinja2/parser.py:
//
//	expr     = or ["if" or ["else" expr]]
//	or       = and {"or" and}
//	and      = not {"and" not}
//	not      = "not" not | compare
//	compare  = math1 {("=="|"!="|"<"|"<="|">"|">="|"in"|"not" "in") math1}
//	math1    = concat {("+"|"-") concat}
//	concat   = math2 {"~" math2}
//	math2    = pow {("*"|"/"|"//"|"%") pow}
//	pow      = unary {"**" unary}
//	unary    = ("-"|"+") unary | primary postfix filters

// parseExpr parses an expression; withCond allows "a if b else c".
func (p *parser) parseExpr(withCond bool) (Expr, error) {
	e, err := p.parseOr()
	if err != nil || !withCond {
		return e, err
	}
	for p.isName("if") {
		line := p.next().Line
		cond, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		c := &CondExpr{pos: pos{line}, Cond: cond, Then: e}
		if p.isName("else") {
			p.next()
			if c.OrElse, err = p.parseExpr(true); err != nil {
				return nil, err
			}
		}
		e = c
	}
	return e, nil
}

// parseTupleOrExpr parses "a, b" as a tuple, used by {% set %}.
func (p *parser) parseTupleOrExpr() (Expr, error) {
	if err := p.expectExpression(); err != nil {
		return nil, err
	}
	line := p.cur().Line
	e, err := p.parseExpr(true)
	if err != nil || !p.is(tokens.Comma) {
		return e, err
	}
	items := []Expr{e}
	for p.is(tokens.Comma) {
		p.next()
		if p.is(tokens.BlockEnd) {
			break
		}
		e, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		items = append(items, e)
	}
	return &TupleExpr{pos{line}, items}, nil
}

func (p *parser) binaryLoop(next func() (Expr, error), ops map[tokens.Type]string) (Expr, error) {
	left, err := next()
	if err != nil {
		return nil, err
	}
	for {
		op, ok := ops[p.cur().Type]
		if !ok {
			return left, nil
		}
		line := p.next().Line
		right, err := next()
		if err != nil {
			return nil, err
		}
		left = &BinaryExpr{pos{line}, op, left, right}
	}
}

var (
	orOps     = map[tokens.Type]string{tokens.Or: "or"}
	andOps    = map[tokens.Type]string{tokens.And: "and"}
	math1Ops  = map[tokens.Type]string{tokens.Addition: "+", tokens.Subtraction: "-"}
	concatOps = map[tokens.Type]string{tokens.Tilde: "~"}
	math2Ops  = map[tokens.Type]string{tokens.Multiply: "*", tokens.Division: "/", tokens.FloorDivision: "//", tokens.Modulo: "%"}
	powOps    = map[tokens.Type]string{tokens.Power: "**"}
	compOps   = map[tokens.Type]string{
		tokens.Equals: "==", tokens.Ne: "!=", tokens.LowerThan: "<", tokens.LowerThanOrEqual: "<=",
		tokens.GreaterThan: ">", tokens.GreaterThanOrEqual: ">=", tokens.In: "in",
	}
)

func (p *parser) parseOr() (Expr, error)     { return p.binaryLoop(p.parseAnd, orOps) }
func (p *parser) parseAnd() (Expr, error)    { return p.binaryLoop(p.parseNot, andOps) }
func (p *parser) parseMath1() (Expr, error)  { return p.binaryLoop(p.parseConcat, math1Ops) }
func (p *parser) parseConcat() (Expr, error) { return p.binaryLoop(p.parseMath2, concatOps) }
func (p *parser) parseMath2() (Expr, error)  { return p.binaryLoop(p.parsePow, math2Ops) }
func (p *parser) parsePow() (Expr, error)    { return p.binaryLoop(p.parseUnaryFiltered, powOps) }

func (p *parser) parseNot() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if p.is(tokens.Not) {
		line := p.next().Line
		operand, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &UnaryExpr{pos{line}, "not", operand}, nil
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() (Expr, error) {
	left, err := p.parseMath1()
	if err != nil {
		return nil, err
	}
	for {
		line := p.cur().Line
		var op string
		if o, ok := compOps[p.cur().Type]; ok {
			op = o
			p.next()
		} else if p.is(tokens.Not) && p.peek().Type == tokens.In {
			op = "not in"
			p.next()
			p.next()
		} else {
			return left, nil
		}
		right, err := p.parseMath1()
		if err != nil {
			return nil, err
		}
		left = &BinaryExpr{pos{line}, op, left, right}
	}
}

func (p *parser) parseUnaryFiltered() (Expr, error) {
	e, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	return p.parseFiltersAndTests(e)
}

func (p *parser) parseUnary() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if p.is(tokens.Subtraction) || p.is(tokens.Addition) {
		t := p.next()
		operand, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &UnaryExpr{pos{t.Line}, t.Val, operand}, nil
	}
	e, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	return p.parsePostfix(e)
}

func (p *parser) parsePrimary() (Expr, error) {
	t := p.cur()
	ln := pos{t.Line}
	switch t.Type {
	case tokens.Name:
		p.next()
		switch t.Val {
		case "true", "True":
			return &LiteralExpr{ln, true}, nil
		case "false", "False":
			return &LiteralExpr{ln, false}, nil
		case "none", "None":
			return &LiteralExpr{ln, nil}, nil
		}
		if t.Val == "varargs" || t.Val == "kwargs" {
			p.seen[t.Val]++
		}
		return &NameExpr{ln, t.Val}, nil
	case tokens.String:
		var sb strings.Builder
		for p.is(tokens.String) {
			sb.WriteString(pystr.Unescape(p.next().Val))
		}
		return &LiteralExpr{ln, sb.String()}, nil
	case tokens.Integer:
		p.next()
		n, ok := value.ParseInt(strings.ReplaceAll(t.Val, "_", ""), 0)
		if !ok {
			return nil, &Error{t.Line, "invalid integer " + t.Val}
		}
		return &LiteralExpr{ln, n}, nil
	case tokens.Float:
		p.next()
		f, err := strconv.ParseFloat(strings.ReplaceAll(t.Val, "_", ""), 64)
		if err != nil {
			return nil, &Error{t.Line, "invalid float " + t.Val}
		}
		return &LiteralExpr{ln, f}, nil
	case tokens.LeftParenthesis:
		p.next()
		if p.is(tokens.RightParenthesis) {
			p.next()
			return &TupleExpr{ln, nil}, nil
		}
		e, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		if p.is(tokens.Comma) {
			items := []Expr{e}
			for p.is(tokens.Comma) {
				p.next()
				if p.is(tokens.RightParenthesis) {
					break
				}
				e, err := p.parseExpr(true)
				if err != nil {
					return nil, err
				}
				items = append(items, e)
			}
			e = &TupleExpr{ln, items}
		}
		return e, p.expect(tokens.RightParenthesis, "')'")
	case tokens.LeftBracket:
		p.next()
		l := &ListExpr{pos: ln}
		for !p.is(tokens.RightBracket) {
			if len(l.Items) > 0 {
				if err := p.expect(tokens.Comma, "','"); err != nil {
					return nil, err
				}
				if p.is(tokens.RightBracket) {
					break
				}
			}
			e, err := p.parseExpr(true)
			if err != nil {
				return nil, err
			}
			l.Items = append(l.Items, e)
		}
		p.next()
		return l, nil
	case tokens.LeftBrace:
		p.next()
		d := &DictExpr{pos: ln}
		for !p.is(tokens.RightBrace) {
			if len(d.Keys) > 0 {
				if err := p.expect(tokens.Comma, "','"); err != nil {
					return nil, err
				}
				if p.is(tokens.RightBrace) {
					break
				}
			}
			k, err := p.parseExpr(true)
			if err != nil {
				return nil, err
			}
			if err := p.expect(tokens.Colon, "':'"); err != nil {
				return nil, err
			}
			v, err := p.parseExpr(true)
			if err != nil {
				return nil, err
			}
			d.Keys = append(d.Keys, k)
			d.Vals = append(d.Vals, v)
		}
		p.next()
		return d, nil
	}
	return nil, p.errorf("unexpected %s", describe(t))
}

func (p *parser) parsePostfix(e Expr) (Expr, error) {
	for {
		t := p.cur()
		switch t.Type {
		case tokens.Dot:
			p.next()
			a := p.next()
			switch a.Type {
			case tokens.Name:
				e = &AttrExpr{pos{t.Line}, e, a.Val}
			case tokens.Integer:
				n, _ := strconv.Atoi(a.Val)
				e = &ItemExpr{pos{t.Line}, e, &LiteralExpr{pos{t.Line}, n}}
			default:
				return nil, &Error{a.Line, "expected name or number"}
			}
		case tokens.LeftBracket:
			p.next()
			sub, err := p.parseSubscript(e, t.Line)
			if err != nil {
				return nil, err
			}
			e = sub
		case tokens.LeftParenthesis:
			c, err := p.parseCallArgs(e, t.Line)
			if err != nil {
				return nil, err
			}
			e = c
		default:
			return e, nil
		}
	}
}

func (p *parser) parseSubscript(obj Expr, line int) (Expr, error) {
	var parts [3]Expr
	n := 0
	for {
		if !p.is(tokens.Colon) && !p.is(tokens.RightBracket) {
			e, err := p.parseExpr(true)
			if err != nil {
				return nil, err
			}
			parts[n] = e
		}
		if p.is(tokens.RightBracket) {
			p.next()
			break
		}
		if n == 2 || !p.is(tokens.Colon) {
			return nil, p.errorf("expected ']', got %s", describe(p.cur()))
		}
		p.next()
		n++
	}
	if n == 0 {
		if parts[0] == nil {
			return nil, p.errorf("expected an index")
		}
		return &ItemExpr{pos{line}, obj, parts[0]}, nil
	}
	return &SliceExpr{pos{line}, obj, parts[0], parts[1], parts[2]}, nil
}

// parseArgs parses "(a, b, k=v)", the opening parenthesis included.
func (p *parser) parseArgs() ([]Expr, []Kwarg, error) {
	if err := p.expect(tokens.LeftParenthesis, "'('"); err != nil {
		return nil, nil, err
	}
	var args []Expr
	var kwargs []Kwarg
	for !p.is(tokens.RightParenthesis) {
		if len(args)+len(kwargs) > 0 {
			if err := p.expect(tokens.Comma, "','"); err != nil {
				return nil, nil, err
			}
			if p.is(tokens.RightParenthesis) {
				break
			}
		}
		if p.is(tokens.Name) && p.peek().Type == tokens.Assign {
			name := p.next().Val
			p.next()
			v, err := p.parseExpr(true)
			if err != nil {
				return nil, nil, err
			}
			kwargs = append(kwargs, Kwarg{name, v})
			continue
		}
		e, err := p.parseExpr(true)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, e)
	}
	p.next()
	return args, kwargs, nil
}

// parseCallArgs parses a call's arguments, which unlike a filter's or a
// test's may include "*seq" and "**map", in Jinja2's order: positional
// arguments, keywords and *seq in any order after them, **map last.
func (p *parser) parseCallArgs(fn Expr, line int) (Expr, error) {
	if err := p.expect(tokens.LeftParenthesis, "'('"); err != nil {
		return nil, err
	}
	c := &CallExpr{pos: pos{line}, Fn: fn}
	invalid := func() error { return p.errorf("invalid syntax for function call expression") }
	for first := true; !p.is(tokens.RightParenthesis); first = false {
		if !first {
			if err := p.expect(tokens.Comma, "','"); err != nil {
				return nil, err
			}
			if p.is(tokens.RightParenthesis) {
				break
			}
		}
		var err error
		switch {
		case p.is(tokens.Multiply):
			if c.DynArgs != nil || c.DynKwargs != nil {
				return nil, invalid()
			}
			p.next()
			c.DynArgs, err = p.parseExpr(true)
		case p.is(tokens.Power):
			if c.DynKwargs != nil {
				return nil, invalid()
			}
			p.next()
			c.DynKwargs, err = p.parseExpr(true)
		case p.is(tokens.Name) && p.peek().Type == tokens.Assign:
			if c.DynKwargs != nil {
				return nil, invalid()
			}
			name := p.next().Val
			p.next()
			var v Expr
			v, err = p.parseExpr(true)
			c.Kwargs = append(c.Kwargs, Kwarg{name, v})
		default:
			if c.DynArgs != nil || c.DynKwargs != nil || len(c.Kwargs) > 0 {
				return nil, invalid()
			}
			var v Expr
			v, err = p.parseExpr(true)
			c.Args = append(c.Args, v)
		}
		if err != nil {
			return nil, err
		}
	}
	p.next()
	return c, nil
}

// parseFiltersAndTests parses the "|filter" and "is test" chain after a term.
func (p *parser) parseFiltersAndTests(e Expr) (Expr, error) {
	for {
		switch {
		case p.is(tokens.Pipe):
			p.next()
			f, err := p.parseFilterCall(e)
			if err != nil {
				return nil, err
			}
			e = f
		case p.is(tokens.Is):
			line := p.next().Line
			t := &TestExpr{pos: pos{line}, In: e}
			if p.is(tokens.Not) {
				p.next()
				t.Negate = true
			}
			// Test names may be keywords such as "in" or "none".
			nameTok := p.next()
			switch nameTok.Type {
			case tokens.Name, tokens.In:
			default:
				return nil, &Error{nameTok.Line, "expected token 'name', got " + describe(nameTok)}
			}
			t.Name = nameTok.Val
			if p.is(tokens.Dot) { // namespaced tests: ansible.builtin.match
				for p.is(tokens.Dot) {
					p.next()
					n, err := p.expectName()
					if err != nil {
						return nil, err
					}
					t.Name = n
				}
			}
			if p.is(tokens.LeftParenthesis) {
				args, kwargs, err := p.parseArgs()
				if err != nil {
					return nil, err
				}
				t.Args, t.Kwargs = args, kwargs
			} else if p.startsTestArg() {
				arg, err := p.parsePrimary()
				if err != nil {
					return nil, err
				}
				if arg, err = p.parsePostfix(arg); err != nil {
					return nil, err
				}
				t.Args = []Expr{arg}
			}
			e = t
		default:
			return e, nil
		}
	}
}

// startsTestArg reports whether the current token begins a bare test
// argument, as in "x is divisibleby 3" or "x is sameas false".
func (p *parser) startsTestArg() bool {
	switch p.cur().Type {
	case tokens.Name:
		return !p.isName("else", "if")
	case tokens.String, tokens.Integer, tokens.Float, tokens.LeftBracket, tokens.LeftBrace:
		return true
	}
	return false
}

func (p *parser) parseFilterCall(in Expr) (*FilterExpr, error) {
	t := p.cur()
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	qualified := false
	for p.is(tokens.Dot) { // namespaced filters: ansible.builtin.to_json
		p.next()
		if name, err = p.expectName(); err != nil {
			return nil, err
		}
		qualified = true
	}
	f := &FilterExpr{pos: pos{t.Line}, In: in, Name: name, Qualified: qualified}
	if p.is(tokens.LeftParenthesis) {
		if f.Args, f.Kwargs, err = p.parseArgs(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// expectExpression is the check of Jinja2's parse_tuple, which parses the
// expressions of {{ }}, if, elif, for and set: an expression that ends
// before it starts is "Expected an expression".
func (p *parser) expectExpression() error {
	switch p.cur().Type {
	case tokens.VariableEnd, tokens.BlockEnd, tokens.RightParenthesis:
		d := describe(p.cur())
		if !strings.HasPrefix(d, "'") {
			d = "'" + d + "'"
		}
		return p.errorf("Expected an expression, got %s", d)
	}
	return nil
}
