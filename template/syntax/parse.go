package syntax

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nikolalohinski/gonja/v2/tokens"
)

// maxNesting bounds the nesting of expressions and blocks, as Python's
// recursion limit bounds Jinja2's parser.
const maxNesting = 1000

// parser turns gonja's token stream into this package's syntax tree. It
// follows Jinja2's grammar (jinja2/parser.py) rather than gonja's own parser,
// whose precedence and conditional-expression handling differ from Jinja2.
type parser struct {
	toks  []*tokens.Token
	i     int
	depth int // nesting of expressions and blocks, bounded by maxNesting
	// blocks collects the {% block %}s met, by name.
	blocks map[string]*BlockStmt
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
	if p.depth >= maxNesting {
		return p.errorf("maximum recursion depth exceeded: nested too deeply")
	}
	p.depth++
	return nil
}

func (p *parser) leave() { p.depth-- }

// Error is a parse failure at a line of the source.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Parse parses a whole template source lexed with syn.
func Parse(src string, syn Syntax) (*Template, error) {
	toks, bad := lex(src, syn)
	if bad != nil {
		return nil, lexError(src, bad)
	}
	if err := checkBrackets(toks); err != nil {
		return nil, err
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
	t := &Template{
		Body:             body,
		TrailingNewlines: TrailingNewlines(src),
		Syntax:           syn,
		Blocks:           p.blocks,
	}
	if len(body) == 1 {
		if out, ok := body[0].(*OutputStmt); ok {
			t.KeepText = isTextFilter(out.Expr)
		}
	}
	// The lexer dropped a final newline: "{{ x }}\n" is text, not x.
	if len(body) == 1 && t.TrailingNewlines == 0 {
		if out, ok := body[0].(*OutputStmt); ok {
			t.Single = out.Expr
		}
	}
	return t, nil
}

// isTextFilter reports whether e is a call of one of Ansible's
// STRING_TYPE_FILTERS, whose result is NativeJinjaText: a template that
// is only that expression is never turned back into data.
func isTextFilter(e Expr) bool {
	f, ok := e.(*FilterExpr)
	if !ok || f.Qualified { // Ansible's list holds the short names only
		return false
	}
	switch f.Name {
	case "string", "to_json", "to_nice_json", "to_yaml", "to_nice_yaml", "ppretty", "json":
		return true
	}
	return false
}

// ParseExpr parses a bare expression such as a `when:` value.
func ParseExpr(src string) (Expr, error) {
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

// ParseLiteral parses s when it is what Python's ast.literal_eval reads:
// literals, lists, tuples and dicts of them, and a sign before a literal.
// With json, JSON's true, false and null read as Python's True, False and
// None (Ansible's Json2Python step).
func ParseLiteral(s string, json bool) (Expr, bool) {
	src, ok := literalNames(s, json)
	if !ok {
		return nil, false
	}
	x, err := ParseExpr(src)
	if err != nil || !isLiteral(x) {
		return nil, false
	}
	return x, true
}

// literalNames reports whether the only names in s are Python's literal
// keywords or, with json, JSON's true, false and null too (Ansible's
// Json2Python step), and returns s with those spelled as Jinja2 reads
// them.
func literalNames(s string, json bool) (string, bool) {
	const open = "{{ "
	toks, bad := lex(open+s+" }}", DefaultSyntax())
	if bad != nil {
		return "", false
	}
	var out strings.Builder
	last := 0
	for _, t := range toks {
		if t.Type != tokens.Name {
			continue
		}
		switch {
		case t.Val == "True" || t.Val == "False" || t.Val == "None":
		case json && (t.Val == "true" || t.Val == "false"):
		case json && t.Val == "null":
			at := t.Pos - len(open)
			if at < last || at+len(t.Val) > len(s) || s[at:at+len(t.Val)] != t.Val {
				return "", false
			}
			out.WriteString(s[last:at])
			out.WriteString("None")
			last = at + len(t.Val)
		default:
			return "", false
		}
	}
	out.WriteString(s[last:])
	return out.String(), true
}

// isLiteral reports whether x is made of literals only.
func isLiteral(x Expr) bool {
	switch n := x.(type) {
	case *LiteralExpr:
		return true
	case *ListExpr:
		for _, e := range n.Items {
			if !isLiteral(e) {
				return false
			}
		}
		return true
	case *TupleExpr:
		for _, e := range n.Items {
			if !isLiteral(e) {
				return false
			}
		}
		return true
	case *DictExpr:
		for i := range n.Keys {
			if !isLiteral(n.Keys[i]) || !isLiteral(n.Vals[i]) {
				return false
			}
		}
		return true
	case *UnaryExpr:
		_, ok := n.Operand.(*LiteralExpr)
		return ok && (n.Op == "-" || n.Op == "+")
	}
	return false
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
	var want, got string
	if n, _ := fmt.Sscanf(msg, "Unbalanced delimiters, expected %q, got %q", &want, &got); n == 2 {
		msg = fmt.Sprintf("unexpected '%s', expected '%s'", got, want)
	}
	return &Error{Line: line, Msg: msg}
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
	return &Error{Line: p.cur().Line, Msg: fmt.Sprintf(format, args...)}
}

// expect consumes a token of type typ, or fails as Jinja2's
// TokenStream.expect does.
func (p *parser) expect(typ tokens.Type, what string) error {
	if !p.is(typ) {
		what = strings.Trim(what, "'")
		if p.is(tokens.EOF) {
			return p.errorf("unexpected end of template, expected '%s'.", what)
		}
		return p.errorf("expected token '%s', got %s", what, describe(p.cur()))
	}
	p.next()
	return nil
}

// closers pairs each bracket with the one that closes it.
var closers = map[tokens.Type]string{
	tokens.LeftParenthesis: ")", tokens.LeftBracket: "]", tokens.LeftBrace: "}",
}

// checkBrackets is the balance check of Jinja2's lexer: a closing bracket
// must close the innermost open one, and the end of a tag cannot come
// while one is open (Jinja2 then reads its '}' as a bracket).
func checkBrackets(toks []*tokens.Token) error {
	var open []string
	for _, t := range toks {
		switch t.Type {
		case tokens.LeftParenthesis, tokens.LeftBracket, tokens.LeftBrace:
			open = append(open, closers[t.Type])
		case tokens.RightParenthesis, tokens.RightBracket, tokens.RightBrace:
			if len(open) == 0 {
				return &Error{Line: t.Line, Msg: fmt.Sprintf("unexpected '%s'", t.Val)}
			}
			if want := open[len(open)-1]; want != t.Val {
				return &Error{Line: t.Line, Msg: fmt.Sprintf("unexpected '%s', expected '%s'", t.Val, want)}
			}
			open = open[:len(open)-1]
		case tokens.VariableEnd, tokens.BlockEnd:
			switch {
			case len(open) == 0:
			case open[len(open)-1] == "}" && t.Type == tokens.VariableEnd:
				// '}}' closes the brace, then its second '}' has none.
				return &Error{Line: t.Line, Msg: "unexpected '}'"}
			case open[len(open)-1] != "}":
				return &Error{Line: t.Line, Msg: fmt.Sprintf("unexpected '}', expected '%s'", open[len(open)-1])}
			}
			open = nil
		}
	}
	return nil
}

func (p *parser) expectName() (string, error) {
	if !p.is(tokens.Name) {
		return "", p.errorf("expected a name, got %s", describe(p.cur()))
	}
	return p.next().Val, nil
}

// describe names a token the way Jinja2's messages do: its
// describe_token, quoted as they print it (with !r).
func describe(t *tokens.Token) string {
	switch t.Type {
	case tokens.EOF:
		return "'end of template'"
	case tokens.VariableEnd:
		return "'end of print statement'"
	case tokens.BlockEnd:
		return "'end of statement block'"
	}
	return "'" + t.Val + "'"
}

// parseBody parses statements until an unknown block tag, whose name it
// returns with the position just after that name ("" at the end of input).
func (p *parser) parseBody() ([]Stmt, string, error) {
	var body []Stmt
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
				body = append(body, &DataStmt{pos{t.Line}, text})
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
			body = append(body, &OutputStmt{pos{t.Line}, e})
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
func (p *parser) parseUntil(opener string, ends ...string) ([]Stmt, string, error) {
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
	return &Error{Line: p.cur().Line, Msg: strings.Join(msg, " ")}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "'" + s + "'"
	}
	return out
}

// TrailingNewlines is Ansible's _count_newlines_from_end: the "\n"s
// ending s ("\r" stops the count).
func TrailingNewlines(s string) int {
	return len(s) - len(strings.TrimRight(s, "\n"))
}
