package template

import (
	"fmt"
	"strings"

	"github.com/nikolalohinski/gonja/v2/tokens"
)

// statementParser parses a block tag; the tag name has been consumed.
type statementParser func(p *parser, line int) (stmt, error)

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

func parseIf(p *parser, line int) (stmt, error) {
	s := &ifStmt{pos: pos{line}}
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
		s.conds = append(s.conds, cond)
		s.bodies = append(s.bodies, body)
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
			s.bodies = append(s.bodies, body)
		}
		return s, p.blockEnd()
	}
}

func parseFor(p *parser, line int) (stmt, error) {
	s := &forStmt{pos: pos{line}}
	for {
		name, err := p.expectName()
		if err != nil {
			return nil, err
		}
		s.targets = append(s.targets, name)
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
	s.iter = iter
	if p.isName("if") {
		p.next()
		if s.filter, err = p.parseExpr(false); err != nil {
			return nil, err
		}
	}
	if p.isName("recursive") {
		p.next()
		s.recurses = true
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	body, end, err := p.parseUntil("for", "endfor", "else")
	if err != nil {
		return nil, err
	}
	s.body = body
	if end == "else" {
		if err := p.blockEnd(); err != nil {
			return nil, err
		}
		if s.orElse, _, err = p.parseUntil("for", "endfor"); err != nil {
			return nil, err
		}
	}
	return s, p.blockEnd()
}

func parseSet(p *parser, line int) (stmt, error) {
	s := &setStmt{pos: pos{line}}
	for {
		name, err := p.expectName()
		if err != nil {
			return nil, err
		}
		s.targets = append(s.targets, name)
		if p.is(tokens.Dot) && len(s.targets) == 1 {
			p.next()
			if s.attr, err = p.expectName(); err != nil {
				return nil, err
			}
			break
		}
		if !p.is(tokens.Comma) {
			break
		}
		p.next()
	}
	if p.is(tokens.Pipe) && s.attr == "" && len(s.targets) == 1 {
		for p.is(tokens.Pipe) {
			p.next()
			f, err := p.parseFilterCall(nil)
			if err != nil {
				return nil, err
			}
			s.filters = append(s.filters, f)
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
		s.body, s.block = body, true
		return s, p.blockEnd()
	}
	if err := p.expect(tokens.Assign, "'='"); err != nil {
		return nil, err
	}
	val, err := p.parseTupleOrExpr()
	if err != nil {
		return nil, err
	}
	s.val = val
	return s, p.blockEnd()
}

// parseMacroSignature parses "(a, b=1)" into m.
func (p *parser) parseMacroSignature(m *macro) error {
	if err := p.expect(tokens.LeftParenthesis, "'('"); err != nil {
		return err
	}
	for !p.is(tokens.RightParenthesis) {
		if len(m.params) > 0 {
			if err := p.expect(tokens.Comma, "','"); err != nil {
				return err
			}
		}
		name, err := p.expectName()
		if err != nil {
			return err
		}
		var def expr
		if p.is(tokens.Assign) {
			p.next()
			if def, err = p.parseExpr(true); err != nil {
				return err
			}
		}
		m.params = append(m.params, name)
		m.defaults = append(m.defaults, def)
	}
	p.next()
	return nil
}

func parseMacro(p *parser, line int) (stmt, error) {
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	m := &macro{name: name}
	if err := p.parseMacroSignature(m); err != nil {
		return nil, err
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	va, kw := p.seen["varargs"], p.seen["kwargs"]
	if m.body, _, err = p.parseUntil("macro", "endmacro"); err != nil {
		return nil, err
	}
	m.varargs, m.kwargs = p.seen["varargs"] > va, p.seen["kwargs"] > kw
	return &macroStmt{pos{line}, m}, p.blockEnd()
}

func parseCallBlock(p *parser, line int) (stmt, error) {
	caller := &macro{name: "caller"}
	if p.is(tokens.LeftParenthesis) {
		if err := p.parseMacroSignature(caller); err != nil {
			return nil, err
		}
	}
	e, err := p.parseExpr(false)
	if err != nil {
		return nil, err
	}
	call, ok := e.(*callExpr)
	if !ok {
		return nil, p.errorf("expected a call")
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	va, kw := p.seen["varargs"], p.seen["kwargs"]
	if caller.body, _, err = p.parseUntil("call", "endcall"); err != nil {
		return nil, err
	}
	caller.varargs, caller.kwargs = p.seen["varargs"] > va, p.seen["kwargs"] > kw
	return &callBlockStmt{pos{line}, call, caller}, p.blockEnd()
}

func parseWith(p *parser, line int) (stmt, error) {
	s := &withStmt{pos: pos{line}}
	for !p.is(tokens.BlockEnd) {
		if len(s.names) > 0 {
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
		s.names = append(s.names, name)
		s.vals = append(s.vals, val)
	}
	p.next()
	var err error
	if s.body, _, err = p.parseUntil("with", "endwith"); err != nil {
		return nil, err
	}
	return s, p.blockEnd()
}

func parseFilterBlock(p *parser, line int) (stmt, error) {
	s := &filterBlockStmt{pos: pos{line}}
	for {
		f, err := p.parseFilterCall(nil)
		if err != nil {
			return nil, err
		}
		s.filters = append(s.filters, f)
		if !p.is(tokens.Pipe) {
			break
		}
		p.next()
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	var err error
	if s.body, _, err = p.parseUntil("filter", "endfilter"); err != nil {
		return nil, err
	}
	return s, p.blockEnd()
}

// parseRaw takes the text the lexer left untouched up to {% endraw %}.
func parseRaw(p *parser, line int) (stmt, error) {
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
	return &dataStmt{pos{line}, text}, p.blockEnd()
}

// parsePrint is {% print a, b %}: each expression output as {{ }} does.
func parsePrint(p *parser, line int) (stmt, error) {
	s := &printStmt{pos: pos{line}}
	for !p.is(tokens.BlockEnd) {
		if len(s.outputs) > 0 {
			if err := p.expect(tokens.Comma, "','"); err != nil {
				return nil, err
			}
		}
		e, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		s.outputs = append(s.outputs, &outputStmt{pos{line}, e})
	}
	return s, p.blockEnd()
}

// parseAutoescape is {% autoescape false %}...{% endautoescape %}, which
// changes nothing in Ansible's environment. Escaping (true) needs Markup
// values, which gansible does not have, and is refused when rendered.
func parseAutoescape(p *parser, line int) (stmt, error) {
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
	return &autoescapeStmt{pos{line}, on, body}, p.blockEnd()
}

// Template inheritance and templates loaded from templates.

func parseBlock(p *parser, line int) (stmt, error) {
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	b := &blockStmt{pos: pos{line}, name: name}
	for p.isName("scoped", "required") {
		b.scoped = b.scoped || p.cur().Val == "scoped"
		b.required = b.required || p.cur().Val == "required"
		p.next()
	}
	if err := p.blockEnd(); err != nil {
		return nil, err
	}
	if b.body, _, err = p.parseUntil("block", "endblock"); err != nil {
		return nil, err
	}
	if p.is(tokens.Name) {
		if p.cur().Val != name {
			return nil, p.errorf("mismatching name for block '%s': endblock '%s'", name, p.cur().Val)
		}
		p.next()
	}
	if p.blocks == nil {
		p.blocks = map[string]*blockStmt{}
	}
	if _, dup := p.blocks[name]; dup {
		return nil, &syntaxError{line: line, msg: fmt.Sprintf("block '%s' defined twice", name)}
	}
	p.blocks[name] = b
	return b, p.blockEnd()
}

func parseExtends(p *parser, line int) (stmt, error) {
	name, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	return &extendsStmt{pos{line}, name}, p.blockEnd()
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

func parseImport(p *parser, line int) (stmt, error) {
	name, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	if !p.isName("as") {
		return nil, p.errorf("expected token 'as', got %s", describe(p.cur()))
	}
	p.next()
	s := &importStmt{pos: pos{line}, name: name}
	if s.alias, err = p.expectName(); err != nil {
		return nil, err
	}
	if s.withContext, err = p.parseContext(false); err != nil {
		return nil, err
	}
	return s, p.blockEnd()
}

func parseFrom(p *parser, line int) (stmt, error) {
	name, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	if !p.isName("import") {
		return nil, p.errorf("expected token 'import', got %s", describe(p.cur()))
	}
	p.next()
	s := &fromStmt{pos: pos{line}, name: name}
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
		s.names = append(s.names, n)
		s.aliases = append(s.aliases, alias)
		if !p.is(tokens.Comma) {
			break
		}
		p.next()
	}
	if s.withContext, err = p.parseContext(false); err != nil {
		return nil, err
	}
	return s, p.blockEnd()
}

// parseInclude parses {% include 'file' [ignore missing] [with[out] context] %}.
func parseInclude(p *parser, line int) (stmt, error) {
	name, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	s := &includeStmt{pos: pos{line}, name: name}
	if p.isName("ignore") && p.peek().Type == tokens.Name && p.peek().Val == "missing" {
		p.next()
		p.next()
		s.ignoreMissing = true
	}
	with, err := p.parseContext(true)
	if err != nil {
		return nil, err
	}
	s.noContext = !with
	return s, p.blockEnd()
}
