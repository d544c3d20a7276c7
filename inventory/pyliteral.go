package inventory

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// INI inventory values go through Python's ast.literal_eval: "1" becomes
// an int, "True" a bool, "[1, 2]" a list, "'a'" a string, and anything that
// is not a Python literal ("yes", "a b", "01") stays the text it was.

// iniValue converts an INI inventory value as ansible-core does.
func iniValue(s string) any {
	if v, ok := pyLiteral(s); ok {
		return v
	}
	return s
}

// pyLiteral evaluates s as a Python literal expression. ok is false when s
// is not one.
func pyLiteral(s string) (v any, ok bool) {
	p := &pyParser{src: strings.TrimLeft(s, " \t")}
	v, ok = p.exprList()
	if !ok {
		return nil, false
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, false
	}
	return v, true
}

type pyParser struct {
	src string
	pos int
}

func (p *pyParser) skipSpace() {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			p.pos++
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *pyParser) peek() byte {
	p.skipSpace()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

// exprList parses "a" or the bare tuple "a, b, ...".
func (p *pyParser) exprList() (any, bool) {
	first, ok := p.expr()
	if !ok {
		return nil, false
	}
	if p.peek() != ',' {
		return first, true
	}
	items := []any{first}
	for p.peek() == ',' {
		p.pos++
		if c := p.peek(); c == 0 || c == ')' {
			break
		}
		v, ok := p.expr()
		if !ok {
			return nil, false
		}
		items = append(items, v)
	}
	return items, true
}

func (p *pyParser) expr() (any, bool) {
	switch c := p.peek(); {
	case c == '[':
		p.pos++
		return p.sequence(']')
	case c == '(':
		p.pos++
		return p.parenthesized()
	case c == '{':
		p.pos++
		return p.dictOrSet()
	case c == '-' || c == '+':
		p.pos++
		v, ok := p.number()
		if !ok {
			return nil, false
		}
		if c == '-' {
			switch n := v.(type) {
			case int:
				return -n, true
			case float64:
				return -n, true
			}
		}
		return v, true
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case c == '\'' || c == '"':
		return p.strings()
	case isIdentStart(c):
		return p.name()
	}
	return nil, false
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// name parses True, False, None and string prefixes (r”, b”, u”).
func (p *pyParser) name() (any, bool) {
	start := p.pos
	for p.pos < len(p.src) && (isIdentStart(p.src[p.pos]) || p.src[p.pos] >= '0' && p.src[p.pos] <= '9') {
		p.pos++
	}
	word := p.src[start:p.pos]
	if p.pos < len(p.src) && (p.src[p.pos] == '\'' || p.src[p.pos] == '"') {
		switch strings.ToLower(word) {
		case "r", "u", "b", "br", "rb":
			p.pos = start
			return p.strings()
		}
		return nil, false
	}
	switch word {
	case "True":
		return true, true
	case "False":
		return false, true
	case "None":
		return nil, true
	}
	return nil, false
}

// sequence parses list items up to the closing bracket.
func (p *pyParser) sequence(closing byte) (any, bool) {
	items := []any{}
	for {
		if p.peek() == closing {
			p.pos++
			return items, true
		}
		v, ok := p.expr()
		if !ok {
			return nil, false
		}
		items = append(items, v)
		switch p.peek() {
		case ',':
			p.pos++
		case closing:
		default:
			return nil, false
		}
	}
}

// parenthesized parses "()", "(x)" and tuples "(x,)", "(x, y)".
func (p *pyParser) parenthesized() (any, bool) {
	if p.peek() == ')' {
		p.pos++
		return []any{}, true
	}
	v, ok := p.exprList()
	if !ok || p.peek() != ')' {
		return nil, false
	}
	p.pos++
	return v, true
}

func (p *pyParser) dictOrSet() (any, bool) {
	if p.peek() == '}' {
		p.pos++
		return value.NewDict(0), true
	}
	first, ok := p.expr()
	if !ok {
		return nil, false
	}
	if p.peek() != ':' {
		// A set: passed on as the collection of its items.
		items := []any{first}
		switch p.peek() {
		case '}':
			p.pos++
			return items, true
		case ',':
			p.pos++
		default:
			return nil, false
		}
		rest, ok := p.sequence('}')
		if !ok {
			return nil, false
		}
		return append(items, rest.([]any)...), true
	}
	m := value.NewDict(0)
	key := first
	for {
		p.pos++ // ':'
		v, ok := p.expr()
		if !ok {
			return nil, false
		}
		m.Set(yamlvalue.Stringify(key), v)
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return nil, false
		}
		if p.peek() == '}' {
			p.pos++
			return m, true
		}
		if key, ok = p.expr(); !ok || p.peek() != ':' {
			return nil, false
		}
	}
}

// number parses a Python int or float literal.
func (p *pyParser) number() (any, bool) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		isExpSign := (c == '-' || c == '+') && p.pos > start && (p.src[p.pos-1] == 'e' || p.src[p.pos-1] == 'E') &&
			!strings.HasPrefix(strings.ToLower(p.src[start:]), "0x")
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || isExpSign {
			p.pos++
			continue
		}
		break
	}
	lit := p.src[start:p.pos]
	if lit == "" || strings.Contains(lit, "__") || strings.HasSuffix(lit, "_") {
		return nil, false
	}
	clean := strings.ReplaceAll(lit, "_", "")
	lower := strings.ToLower(clean)
	for _, prefix := range []struct {
		p    string
		base int
	}{{"0x", 16}, {"0o", 8}, {"0b", 2}} {
		if strings.HasPrefix(lower, prefix.p) {
			n, err := strconv.ParseInt(clean[2:], prefix.base, 64)
			return int(n), err == nil
		}
	}
	if strings.ContainsAny(lower, ".e") {
		if strings.ContainsAny(lower, "abcdfghijklmnopqrstuvwxyz") || strings.HasPrefix(lit, "_") {
			return nil, false
		}
		f, err := strconv.ParseFloat(clean, 64)
		return f, err == nil
	}
	for _, c := range clean {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	// Python forbids leading zeros in non-zero decimal literals.
	if len(clean) > 1 && clean[0] == '0' && strings.Trim(clean, "0") != "" {
		return nil, false
	}
	n, err := strconv.ParseInt(clean, 10, 64)
	return int(n), err == nil
}

// strings parses one or more adjacent string literals, which Python joins.
func (p *pyParser) strings() (any, bool) {
	var out strings.Builder
	for n := 0; ; n++ {
		p.skipSpace()
		raw := false
		start := p.pos
		for p.pos < len(p.src) && strings.IndexByte("rRuUbB", p.src[p.pos]) >= 0 {
			raw = raw || p.src[p.pos] == 'r' || p.src[p.pos] == 'R'
			p.pos++
		}
		if p.pos-start > 2 || p.pos >= len(p.src) || (p.src[p.pos] != '\'' && p.src[p.pos] != '"') {
			p.pos = start
			if n == 0 {
				return nil, false
			}
			return out.String(), true
		}
		s, ok := p.stringLiteral(raw)
		if !ok {
			return nil, false
		}
		out.WriteString(s)
	}
}

func (p *pyParser) stringLiteral(raw bool) (string, bool) {
	q := p.src[p.pos : p.pos+1]
	if strings.HasPrefix(p.src[p.pos:], q+q+q) {
		q = q + q + q
	}
	p.pos += len(q)
	var out strings.Builder
	for p.pos < len(p.src) {
		if strings.HasPrefix(p.src[p.pos:], q) {
			p.pos += len(q)
			return out.String(), true
		}
		c := p.src[p.pos]
		if c == '\n' && len(q) == 1 {
			return "", false
		}
		if c != '\\' || p.pos+1 >= len(p.src) {
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			out.WriteRune(r)
			p.pos += size
			continue
		}
		if raw {
			out.WriteString(p.src[p.pos : p.pos+2])
			p.pos += 2
			continue
		}
		p.pos++
		if !p.escape(&out) {
			return "", false
		}
	}
	return "", false
}

// escape decodes the escape sequence after a backslash.
func (p *pyParser) escape(out *strings.Builder) bool {
	c := p.src[p.pos]
	p.pos++
	simple := map[byte]string{'\\': `\`, '\'': `'`, '"': `"`, 'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v", '\n': ""}
	if s, ok := simple[c]; ok {
		out.WriteString(s)
		return true
	}
	hex := func(n int) bool {
		if p.pos+n > len(p.src) {
			return false
		}
		v, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
		if err != nil {
			return false
		}
		p.pos += n
		out.WriteRune(rune(v))
		return true
	}
	switch {
	case c == 'x':
		return hex(2)
	case c == 'u':
		return hex(4)
	case c == 'U':
		return hex(8)
	case c >= '0' && c <= '7':
		v := int(c - '0')
		for i := 0; i < 2 && p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '7'; i++ {
			v = v*8 + int(p.src[p.pos]-'0')
			p.pos++
		}
		out.WriteRune(rune(v))
		return true
	}
	// Unknown escapes keep their backslash.
	out.WriteByte('\\')
	out.WriteByte(c)
	return true
}
