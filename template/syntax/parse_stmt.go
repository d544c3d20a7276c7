package syntax

import (
	"fmt"
	"strings"

	"github.com/nikolalohinski/gonja/v2/tokens"
)

// statementParser parses a block tag; the tag name has been consumed.
type statementParser func(p *parser, line int) (Stmt, error)

var statementParsers map[string]statementParser

func init() {
	statementParsers = map[string]statementParser{
		"if":         parseIf,
		"for":        parseFor,
		"set":        parseSet,
		"macro":      parseMacro,
		"call":       parseCallBlock,
		"with":       parseWith,
		"filter":     parseFilterBlock,
		"raw":        parseRaw,
		"block":      parseBlock,
		"include":    parseInclude,
		"extends":    parseExtends,
		"print":      parsePrint,
		"autoescape": parseAutoescape,
		"import":     parseImport,
		"from":       parseFrom,
	}
}

func parseIf(p *parser, line int) (Stmt, error) {
	s := &IfStmt{pos: pos{line}}
	for {
		if err := p.expectExpression(); err != nil {
			return nil, err
		}
		cond, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		if err := p.blockEnd(); err != nil {
			return nil, err
		}
		body, end, err := p.parseUntil("if", "elif", "else", "endif")
		if err != nil {
			return nil, err
		}
		s.Conds = append(s.Conds, cond)
		s.Bodies = append(s.Bodies, body)
		switch end {
		case "elif":
			continue
		case "else":
			if err := p.blockEnd(); err != nil {
				return nil, err
			}
			body, _, err := p.parseUntil("if", "endif")
			if err != nil {
				return nil, err
			}
			s.Bodies = append(s.Bodies, body)
		}
		return s, p.blockEnd()
	}
}

func parseFor(p *parser, line int) (Stmt, error) {
	s := &ForStmt{pos: pos{line}}
	for {
		name, err := p.expectName()
		if err != nil {
			return nil, err
		}
		s.Targets = append(s.Targets, name)
		if !p.is(tokens.Comma) {
			break
		}
		p.next()
	}
	if err := p.expect(tokens.In, "'in'"); err != nil {
		return nil, err
	}
	if err := p.expectExpression(); err != nil {
		return nil, err
	}
	iter, err := p.parseExpr(false)
	if err != nil {
		return nil, err
	}
	s.Iter = iter
	if p.isName("if") {
		p.next()
		if s.Filter, err = p.parseExpr(false); err != nil {
			return nil, err
		}
	}
	if p.isName("recursive") {
		p.next()
		s.Recurses = true
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	body, end, err := p.parseUntil("for", "endfor", "else")
	if err != nil {
		return nil, err
	}
	s.Body = body
	if end == "else" {
		if err := p.blockEnd(); err != nil {
			return nil, err
		}
		if s.OrElse, _, err = p.parseUntil("for", "endfor"); err != nil {
			return nil, err
		}
	}
	return s, p.blockEnd()
}

func parseSet(p *parser, line int) (Stmt, error) {
	s := &SetStmt{pos: pos{line}}
	for {
		name, err := p.expectName()
		if err != nil {
			return nil, err
		}
		s.Targets = append(s.Targets, name)
		if p.is(tokens.Dot) && len(s.Targets) == 1 {
			p.next()
			if s.Attr, err = p.expectName(); err != nil {
				return nil, err
			}
			break
		}
		if !p.is(tokens.Comma) {
			break
		}
		p.next()
	}
	if p.is(tokens.Pipe) && s.Attr == "" && len(s.Targets) == 1 {
		for p.is(tokens.Pipe) {
			p.next()
			f, err := p.parseFilterCall(nil)
			if err != nil {
				return nil, err
			}
			s.Filters = append(s.Filters, f)
		}
		if !p.is(tokens.BlockEnd) {
			return nil, p.errorf("expected end of statement block, got %s", describe(p.cur()))
		}
	}
	if p.is(tokens.BlockEnd) {
		p.next()
		body, _, err := p.parseUntil("set", "endset")
		if err != nil {
			return nil, err
		}
		s.Body, s.Block = body, true
		return s, p.blockEnd()
	}
	if err := p.expect(tokens.Assign, "'='"); err != nil {
		return nil, err
	}
	val, err := p.parseTupleOrExpr()
	if err != nil {
		return nil, err
	}
	s.Val = val
	return s, p.blockEnd()
}

// parseMacroSignature parses "(a, b=1)" into m.
func (p *parser) parseMacroSignature(m *Macro) error {
	if err := p.expect(tokens.LeftParenthesis, "'('"); err != nil {
		return err
	}
	for !p.is(tokens.RightParenthesis) {
		if len(m.Params) > 0 {
			if err := p.expect(tokens.Comma, "','"); err != nil {
				return err
			}
		}
		name, err := p.expectName()
		if err != nil {
			return err
		}
		var def Expr
		if p.is(tokens.Assign) {
			p.next()
			if def, err = p.parseExpr(true); err != nil {
				return err
			}
		}
		m.Params = append(m.Params, name)
		m.Defaults = append(m.Defaults, def)
	}
	p.next()
	return nil
}

func parseMacro(p *parser, line int) (Stmt, error) {
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	m := &Macro{Name: name}
	if err := p.parseMacroSignature(m); err != nil {
		return nil, err
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	va, kw := p.seen["varargs"], p.seen["kwargs"]
	if m.Body, _, err = p.parseUntil("macro", "endmacro"); err != nil {
		return nil, err
	}
	m.Varargs, m.Kwargs = p.seen["varargs"] > va, p.seen["kwargs"] > kw
	return &MacroStmt{pos{line}, m}, p.blockEnd()
}

func parseCallBlock(p *parser, line int) (Stmt, error) {
	caller := &Macro{Name: "caller"}
	if p.is(tokens.LeftParenthesis) {
		if err := p.parseMacroSignature(caller); err != nil {
			return nil, err
		}
	}
	e, err := p.parseExpr(false)
	if err != nil {
		return nil, err
	}
	call, ok := e.(*CallExpr)
	if !ok {
		return nil, p.errorf("expected a call")
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	va, kw := p.seen["varargs"], p.seen["kwargs"]
	if caller.Body, _, err = p.parseUntil("call", "endcall"); err != nil {
		return nil, err
	}
	caller.Varargs, caller.Kwargs = p.seen["varargs"] > va, p.seen["kwargs"] > kw
	return &CallBlockStmt{pos{line}, call, caller}, p.blockEnd()
}

func parseWith(p *parser, line int) (Stmt, error) {
	s := &WithStmt{pos: pos{line}}
	for !p.is(tokens.BlockEnd) {
		if len(s.Names) > 0 {
			if err := p.expect(tokens.Comma, "','"); err != nil {
				return nil, err
			}
		}
		name, err := p.expectName()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tokens.Assign, "'='"); err != nil {
			return nil, err
		}
		val, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		s.Names = append(s.Names, name)
		s.Vals = append(s.Vals, val)
	}
	p.next()
	var err error
	if s.Body, _, err = p.parseUntil("with", "endwith"); err != nil {
		return nil, err
	}
	return s, p.blockEnd()
}

func parseFilterBlock(p *parser, line int) (Stmt, error) {
	s := &FilterBlockStmt{pos: pos{line}}
	for {
		f, err := p.parseFilterCall(nil)
		if err != nil {
			return nil, err
		}
		s.Filters = append(s.Filters, f)
		if !p.is(tokens.Pipe) {
			break
		}
		p.next()
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	var err error
	if s.Body, _, err = p.parseUntil("filter", "endfilter"); err != nil {
		return nil, err
	}
	return s, p.blockEnd()
}

// parseRaw takes the text the lexer left untouched up to {% endraw %}.
func parseRaw(p *parser, line int) (Stmt, error) {
	trimLeft := trimsAfter(p.cur())
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	text := ""
	if p.is(tokens.Data) {
		text = p.next().Val
	}
	if trimLeft {
		text = strings.TrimLeft(text, " \t\r\n")
	}
	if trimsBefore(p.cur()) {
		text = strings.TrimRight(text, " \t\r\n")
	}
	if err := p.expect(tokens.BlockBegin, "'{% endraw %}'"); err != nil {
		return nil, err
	}
	if !p.isName("endraw") {
		return nil, p.errorf("expected 'endraw'")
	}
	p.next()
	return &DataStmt{pos{line}, text}, p.blockEnd()
}

// parsePrint is {% print a, b %}: each expression output as {{ }} does.
func parsePrint(p *parser, line int) (Stmt, error) {
	s := &PrintStmt{pos: pos{line}}
	for !p.is(tokens.BlockEnd) {
		if len(s.Outputs) > 0 {
			if err := p.expect(tokens.Comma, "','"); err != nil {
				return nil, err
			}
		}
		e, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		s.Outputs = append(s.Outputs, &OutputStmt{pos{line}, e})
	}
	return s, p.blockEnd()
}

// parseAutoescape is {% autoescape false %}...{% endautoescape %}, which
// changes nothing in Ansible's environment. Escaping (true) needs Markup
// values, which gansible does not have, and is refused when rendered.
func parseAutoescape(p *parser, line int) (Stmt, error) {
	on, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	body, _, err := p.parseUntil("autoescape", "endautoescape")
	if err != nil {
		return nil, err
	}
	return &AutoescapeStmt{pos{line}, on, body}, p.blockEnd()
}

// Template inheritance and templates loaded from templates.

func parseBlock(p *parser, line int) (Stmt, error) {
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	b := &BlockStmt{pos: pos{line}, Name: name}
	for p.isName("scoped", "required") {
		b.Scoped = b.Scoped || p.cur().Val == "scoped"
		b.Required = b.Required || p.cur().Val == "required"
		p.next()
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	if b.Body, _, err = p.parseUntil("block", "endblock"); err != nil {
		return nil, err
	}
	if p.is(tokens.Name) {
		if p.cur().Val != name {
			return nil, p.errorf("mismatching name for block '%s': endblock '%s'", name, p.cur().Val)
		}
		p.next()
	}
	if p.blocks == nil {
		p.blocks = map[string]*BlockStmt{}
	}
	if _, dup := p.blocks[name]; dup {
		return nil, &Error{Line: line, Msg: fmt.Sprintf("block '%s' defined twice", name)}
	}
	p.blocks[name] = b
	return b, p.blockEnd()
}

func parseExtends(p *parser, line int) (Stmt, error) {
	name, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	return &ExtendsStmt{pos{line}, name}, p.blockEnd()
}

// parseContext parses an optional "with context" or "without context".
func (p *parser) parseContext(def bool) (bool, error) {
	if !p.isName("with", "without") || p.peek().Type != tokens.Name || p.peek().Val != "context" {
		return def, nil
	}
	with := p.next().Val == "with"
	p.next()
	return with, nil
}

func parseImport(p *parser, line int) (Stmt, error) {
	name, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	if !p.isName("as") {
		return nil, p.errorf("expected token 'as', got %s", describe(p.cur()))
	}
	p.next()
	s := &ImportStmt{pos: pos{line}, Name: name}
	if s.Alias, err = p.expectName(); err != nil {
		return nil, err
	}
	if s.WithContext, err = p.parseContext(false); err != nil {
		return nil, err
	}
	return s, p.blockEnd()
}

func parseFrom(p *parser, line int) (Stmt, error) {
	name, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	if !p.isName("import") {
		return nil, p.errorf("expected token 'import', got %s", describe(p.cur()))
	}
	p.next()
	s := &FromStmt{pos: pos{line}, Name: name}
	for {
		if p.isName("with", "without") && p.peek().Type == tokens.Name && p.peek().Val == "context" {
			break
		}
		n, err := p.expectName()
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(n, "_") {
			return nil, p.errorf("names starting with an underline can not be imported")
		}
		alias := n
		if p.isName("as") {
			p.next()
			if alias, err = p.expectName(); err != nil {
				return nil, err
			}
		}
		s.Names = append(s.Names, n)
		s.Aliases = append(s.Aliases, alias)
		if !p.is(tokens.Comma) {
			break
		}
		p.next()
	}
	if s.WithContext, err = p.parseContext(false); err != nil {
		return nil, err
	}
	return s, p.blockEnd()
}

// parseInclude parses {% include 'file' [ignore missing] [with[out] context] %}.
func parseInclude(p *parser, line int) (Stmt, error) {
	name, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	s := &IncludeStmt{pos: pos{line}, Name: name}
	if p.isName("ignore") && p.peek().Type == tokens.Name && p.peek().Val == "missing" {
		p.next()
		p.next()
		s.IgnoreMissing = true
	}
	with, err := p.parseContext(true)
	if err != nil {
		return nil, err
	}
	s.NoContext = !with
	return s, p.blockEnd()
}
