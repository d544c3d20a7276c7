package pyre

import (
	"fmt"
	"strconv"
	"strings"
)

// translate rewrites a Python pattern into the .NET syntax regexp2 reads.
// Python numbers every capturing group from left to right, named or not,
// whereas .NET numbers named groups after the unnamed ones; so named groups
// become plain groups here and their names are kept in names. It also maps
// (?P=name) to a numbered backreference and \Z (Python's end of string) to
// \z.
func translate(p string) (string, map[string]int, error) {
	var sb strings.Builder
	names := map[string]int{}
	groups := 0
	inClass := false
	classAt := 0   // where the open character set starts
	var open []int // where the open groups start, innermost last
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !inClass {
			if err := structureError(p, i, open); err != nil {
				return "", nil, err
			}
			switch c {
			case '(':
				open = append(open, i)
			case ')':
				if len(open) > 0 {
					open = open[:len(open)-1]
				}
			}
		}
		switch {
		case c == '\\' && i+1 < len(p):
			if e := p[i+1]; e < 0x80 && isLetter(e) && strings.IndexByte(pythonEscapes, e) < 0 {
				// .NET knows \p{..}, \k<..>, \G and more; Python does not.
				return "", nil, fmt.Errorf("bad escape \\%c at position %d", e, i)
			}
			if p[i+1] == 'Z' && !inClass {
				sb.WriteString(`\z`)
			} else {
				sb.WriteString(p[i : i+2])
			}
			i++
			continue
		case inClass:
			if c == ']' {
				inClass = false
			} else if c == '[' {
				// .NET reads "-[" as class subtraction; Python as a literal.
				sb.WriteString(`\[`)
				continue
			}
		case c == '[':
			inClass, classAt = true, i
			sb.WriteByte(c)
			// A ']' right after '[' or '[^' is a literal in Python.
			if strings.HasPrefix(p[i+1:], "^") {
				sb.WriteByte('^')
				i++
			}
			if strings.HasPrefix(p[i+1:], "]") {
				sb.WriteString(`\]`)
				i++
			}
			continue
		case c == '(' && strings.HasPrefix(p[i:], "(?P<"):
			end := strings.IndexByte(p[i:], '>')
			if end < 0 {
				return "", nil, fmt.Errorf("missing >, unterminated name at position %d", i+4)
			}
			name := p[i+4 : i+end]
			if !validName(name) {
				return "", nil, fmt.Errorf("bad character in group name '%s' at position %d", name, i+4)
			}
			if _, dup := names[name]; dup {
				return "", nil, fmt.Errorf("redefinition of group name '%s' as group %d", name, groups+1)
			}
			groups++
			names[name] = groups
			sb.WriteByte('(')
			i += end
			continue
		case c == '(' && strings.HasPrefix(p[i:], "(?P="):
			end := strings.IndexByte(p[i:], ')')
			if end < 0 {
				return "", nil, fmt.Errorf("missing ), unterminated name at position %d", i+4)
			}
			name := p[i+4 : i+end]
			n, ok := names[name]
			if !ok {
				return "", nil, fmt.Errorf("unknown group name '%s' at position %d", name, i+4)
			}
			sb.WriteString(`(?:\` + strconv.Itoa(n) + `)`)
			i += end
			open = open[:len(open)-1] // its ')' is read
			continue
		case c == '(' && strings.HasPrefix(p[i:], "(?<") && !strings.HasPrefix(p[i:], "(?<=") && !strings.HasPrefix(p[i:], "(?<!"):
			return "", nil, fmt.Errorf("unknown extension ?< at position %d", i+1)
		case c == '(' && !strings.HasPrefix(p[i:], "(?"):
			groups++
		case c == '{' && strings.HasPrefix(p[i:], "{,") && closesCount(p[i+2:]):
			// Python reads {,n} as {0,n}; .NET as literal text.
			sb.WriteString("{0")
			continue
		case c == '+' && i > 0 && strings.IndexByte("*+?}", p[i-1]) >= 0 && !escapedAt(p, i-1):
			return "", nil, fmt.Errorf("possessive quantifiers (*+, ++, ?+, {m,n}+) are not supported, at position %d", i)
		}
		sb.WriteByte(c)
	}
	switch {
	case strings.HasSuffix(p, `\`) && !escapedAt(p, len(p)-1):
		return "", nil, fmt.Errorf("bad escape (end of pattern) at position %d", len(p)-1)
	case inClass:
		return "", nil, fmt.Errorf("unterminated character set at position %d", classAt)
	case len(open) > 0:
		return "", nil, fmt.Errorf("missing ), unterminated subpattern at position %d", open[len(open)-1])
	}
	return sb.String(), names, nil
}

// structureError is sre_parse's error, if any, for the character at i
// of p outside a character set, with open the groups open there: a ')'
// that closes nothing, or a repeat with nothing before it to repeat.
func structureError(p string, i int, open []int) error {
	if escapedAt(p, i) {
		return nil
	}
	switch p[i] {
	case ')':
		if len(open) == 0 {
			return fmt.Errorf("unbalanced parenthesis at position %d", i)
		}
	case '*', '+', '?':
		if i == 0 || (strings.IndexByte("(|", p[i-1]) >= 0 && !escapedAt(p, i-1)) {
			if p[i] == '?' && i > 0 && p[i-1] == '(' {
				return nil // (?...), an extension
			}
			return fmt.Errorf("nothing to repeat at position %d", i)
		}
		if prev := p[i-1]; p[i] == '*' && strings.IndexByte("*+?", prev) >= 0 && !escapedAt(p, i-1) && !(prev == '?' && i >= 2 && p[i-2] == '(') {
			return fmt.Errorf("multiple repeat at position %d", i)
		}
	}
	return nil
}

// validName is Python's rule for group names: an identifier.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Escape is Python's re.escape (3.7 and later): the characters special
// in a pattern, and whitespace, get a backslash.
func Escape(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if r < 0x80 && strings.IndexByte(escaped, byte(r)) >= 0 {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

const escaped = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f"

// pythonEscapes are the letters Python's re accepts after a backslash.
const pythonEscapes = "abBdDfnrsStvwWZAxuUN"

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// closesCount reports whether s is "n}" for digits n (maybe none), the
// rest of {,n}.
func closesCount(s string) bool {
	end := strings.IndexByte(s, '}')
	return end >= 0 && strings.Trim(s[:end], "0123456789") == ""
}

// escapedAt reports whether p[i] is escaped by an odd run of backslashes.
func escapedAt(p string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && p[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}
