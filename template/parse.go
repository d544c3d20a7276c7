package template

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nikolalohinski/gonja/v2/tokens"
)

// parser turns gonja's token stream into this package's syntax tree. It
// follows Jinja2's grammar (jinja2/parser.py) rather than gonja's own parser,
// whose precedence and conditional-expression handling differ from Jinja2.
type parser struct {
	toks  []*tokens.Token
	i     int
	depth int // nesting of expressions and blocks, bounded by maxDepth
	// blocks collects the {% block %}s met, by name.
	blocks map[string]*blockStmt
	// ends and tags are the stacks of the end tags looked for and of the
	// blocks open, for Jinja2's messages about unknown tags.
	ends [][]string
	tags []string
	// seen counts the uses of varargs and kwargs, which make a macro
	// take extra arguments.
	seen map[string]int
}

// enter counts one level of nesting; leave must follow. Without a bound a
// source of a million "(" would exhaust the stack.
func (p *parser) enter() error {
	if p.depth >= maxDepth {
		return p.errorf("maximum recursion depth exceeded: nested too deeply")
	}
	p.depth++
	return nil
}

func (p *parser) leave() { p.depth-- }

// syntaxError is a parse failure at a line of the source.
type syntaxError struct {
	line int
	msg  string
}

func (e *syntaxError) Error() string { return e.msg }

// parse parses a whole template source.
func parse(src string, syn Syntax) (*parsedTemplate, error) {
	toks, bad := lex(src, syn)
	if bad != nil {
		return nil, lexError(src, bad)
	}
	p := &parser{toks: toks, seen: map[string]int{}}
	body, end, err := p.parseBody()
	if err != nil {
		return nil, err
	}
	if end != "" {
		return nil, p.unknownTag(end)
	}
	// Ansible counts the source's final "\n"s as they are: "a\r\n\r\n"
	// ends with one.
	t := &parsedTemplate{
		body:             body,
		trailingNewlines: trailingNewlines(src),
		syn:              syn,
		blocks:           p.blocks,
	}
	if len(body) == 1 {
		if out, ok := body[0].(*outputStmt); ok {
			t.keepText = isTextFilter(out.e)
		}
	}
	// The lexer dropped a final newline: "{{ x }}\n" is text, not x.
	if len(body) == 1 && t.trailingNewlines == 0 {
		if out, ok := body[0].(*outputStmt); ok {
			t.single = out.e
		}
	}
	return t, nil
}

// isTextFilter reports whether e is a call of one of Ansible's
// STRING_TYPE_FILTERS, whose result is NativeJinjaText: a template that
// is only that expression is never turned back into data.
func isTextFilter(e expr) bool {
	f, ok := e.(*filterExpr)
	if !ok || f.qualified { // Ansible's list holds the short names only
		return false
	}
	switch f.name {
	case "string", "to_json", "to_nice_json", "to_yaml", "to_nice_yaml", "ppretty", "json":
		return true
	}
	return false
}

// parseExpressionSource parses a bare expression such as a `when:` value.
func parseExpressionSource(src string) (expr, error) {
	toks, bad := lex("{{ "+src+" }}", DefaultSyntax())
	if bad != nil {
		return nil, lexError(src, bad)
	}
	p := &parser{toks: toks, seen: map[string]int{}}
	if err := p.expect(tokens.VariableBegin, "'{{'"); err != nil {
		return nil, err
	}
	e, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	if err := p.expect(tokens.VariableEnd, "end of expression"); err != nil {
		return nil, err
	}
	if p.cur().Type != tokens.EOF {
		return nil, p.errorf("unexpected data after the expression")
	}
	return e, nil
}

// lexError reports a lexer failure; gonja's error tokens carry an offset
// but not always a line.
func lexError(src string, bad *tokens.Token) error {
	line := bad.Line
	if line == 0 {
		line = 1 + strings.Count(src[:min(max(bad.Pos, 0), len(src))], "\n")
	}
	msg := bad.Val
	// Word gonja's most common complaint the way Jinja2 does.
	if d, ok := strings.CutPrefix(msg, "Unexpected delimiter "); ok {
		msg = "unexpected '" + strings.Trim(d, `"`) + "'"
	}
	return &syntaxError{line: line, msg: msg}
}

func (p *parser) cur() *tokens.Token { return p.toks[p.i] }

func (p *parser) peek() *tokens.Token {
	if p.i+1 < len(p.toks) {
		return p.toks[p.i+1]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() *tokens.Token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) is(typ tokens.Type) bool { return p.cur().Type == typ }

func (p *parser) isName(names ...string) bool {
	t := p.cur()
	if t.Type != tokens.Name {
		return false
	}
	for _, n := range names {
		if t.Val == n {
			return true
		}
	}
	return false
}

func (p *parser) errorf(format string, args ...any) error {
	return &syntaxError{line: p.cur().Line, msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expect(typ tokens.Type, what string) error {
	if !p.is(typ) {
		return p.errorf("expected %s, got %s", what, describe(p.cur()))
	}
	p.next()
	return nil
}

func (p *parser) expectName() (string, error) {
	if !p.is(tokens.Name) {
		return "", p.errorf("expected a name, got %s", describe(p.cur()))
	}
	return p.next().Val, nil
}

// describe names a token the way Jinja2's messages do.
func describe(t *tokens.Token) string {
	switch t.Type {
	case tokens.EOF:
		return "end of template"
	case tokens.VariableEnd:
		return "end of print statement"
	case tokens.BlockEnd:
		return "end of statement block"
	}
	return "'" + t.Val + "'"
}

// parseBody parses statements until an unknown block tag, whose name it
// returns with the position just after that name ("" at the end of input).
func (p *parser) parseBody() ([]stmt, string, error) {
	var body []stmt
	for {
		t := p.cur()
		switch t.Type {
		case tokens.EOF:
			return body, "", nil
		case tokens.Data:
			p.next()
			text := t.Val
			if p.i >= 2 && trimsAfter(p.toks[p.i-2]) {
				text = strings.TrimLeft(text, " \t\r\n")
			}
			if trimsBefore(p.cur()) {
				text = strings.TrimRight(text, " \t\r\n")
			}
			if text != "" {
				body = append(body, &dataStmt{pos{t.Line}, text})
			}
		case tokens.CommentBegin:
			for !p.is(tokens.CommentEnd) && !p.is(tokens.EOF) {
				p.next()
			}
			if err := p.expect(tokens.CommentEnd, "end of comment"); err != nil {
				return nil, "", err
			}
		case tokens.VariableBegin:
			p.next()
			if err := p.expectExpression(); err != nil {
				return nil, "", err
			}
			e, err := p.parseExpr(true)
			if err != nil {
				return nil, "", err
			}
			if err := p.expect(tokens.VariableEnd, "end of print statement"); err != nil {
				return nil, "", err
			}
			body = append(body, &outputStmt{pos{t.Line}, e})
		case tokens.BlockBegin:
			p.next()
			name, err := p.expectName()
			if err != nil {
				return nil, "", err
			}
			parse, ok := statementParsers[name]
			if !ok {
				return body, name, nil
			}
			s, err := parse(p, t.Line)
			if err != nil {
				return nil, "", err
			}
			if s != nil {
				body = append(body, s)
			}
		default:
			return nil, "", p.errorf("unexpected %s", describe(t))
		}
	}
}

// trimsAfter reports whether t is a closing delimiter with "-" whitespace control.
func trimsAfter(t *tokens.Token) bool {
	switch t.Type {
	case tokens.VariableEnd, tokens.BlockEnd, tokens.CommentEnd:
		return strings.HasPrefix(t.Val, "-")
	}
	return false
}

// trimsBefore reports whether t is an opening delimiter with "-" whitespace control.
func trimsBefore(t *tokens.Token) bool {
	switch t.Type {
	case tokens.VariableBegin, tokens.BlockBegin, tokens.CommentBegin:
		return strings.HasSuffix(t.Val, "-")
	}
	return false
}

// blockEnd consumes the "%}" closing a tag.
func (p *parser) blockEnd() error {
	return p.expect(tokens.BlockEnd, "end of statement block")
}

// parseUntil parses a body that must end with one of the given tags and
// returns the tag found. The tags are listed in Jinja2's order, which its
// error messages keep.
func (p *parser) parseUntil(opener string, ends ...string) ([]stmt, string, error) {
	if err := p.enter(); err != nil {
		return nil, "", err
	}
	defer p.leave()
	p.ends = append(p.ends, ends)
	p.tags = append(p.tags, opener)
	defer func() { p.ends, p.tags = p.ends[:len(p.ends)-1], p.tags[:len(p.tags)-1] }()
	body, end, err := p.parseBody()
	if err != nil {
		return nil, "", err
	}
	for _, e := range ends {
		if end == e {
			return body, end, nil
		}
	}
	return nil, "", p.unknownTag(end)
}

// unknownTag is Jinja2's fail_unknown_tag and fail_eof: name is the tag
// found, "" at the end of the template.
func (p *parser) unknownTag(name string) error {
	var msg []string
	if name == "" {
		msg = append(msg, "Unexpected end of template.")
	} else {
		msg = append(msg, fmt.Sprintf("Encountered unknown tag '%s'.", name))
	}
	if len(p.ends) > 0 {
		looking := strings.Join(quoteAll(p.ends[len(p.ends)-1]), " or ")
		expected := false
		for _, level := range p.ends {
			expected = expected || slices.Contains(level, name)
		}
		if name != "" && expected {
			msg = append(msg, "You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for "+looking+".")
		} else {
			msg = append(msg, "Jinja was looking for the following tags: "+looking+".")
		}
	}
	if len(p.tags) > 0 {
		msg = append(msg, fmt.Sprintf("The innermost block that needs to be closed is '%s'.", p.tags[len(p.tags)-1]))
	}
	return &syntaxError{line: p.cur().Line, msg: strings.Join(msg, " ")}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "'" + s + "'"
	}
	return out
}

// trailingNewlines is Ansible's _count_newlines_from_end: the "\n"s
// ending s ("\r" stops the count).
func trailingNewlines(s string) int {
	return len(s) - len(strings.TrimRight(s, "\n"))
}
