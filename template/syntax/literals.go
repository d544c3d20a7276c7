package syntax

import (
	"regexp"
	"strings"
)

// This file rewrites the string literals of a template's tags before it
// is lexed, following Jinja2's lexer: literals count only inside {{ }} and
// {% %}, not in text, comments or raw blocks.

var (
	rawBlockStart = regexp.MustCompile(`^\{%[-+]?\s*raw\s*[-+]?%\}`)
	rawBlockEnd   = regexp.MustCompile(`\{%[-+]?\s*endraw\s*[-+]?%\}`)
)

// rewriteLiterals returns s with each string literal lit (quotes
// included) of its tags replaced by fn(inExpr, lit), where inExpr tells a
// {{ }} expression from a {% %} tag.
func rewriteLiterals(s string, fn func(inExpr bool, lit string) string) string {
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "{#"):
			end := len(s)
			if j := strings.Index(s[i:], "#}"); j >= 0 {
				end = i + j + 2
			}
			sb.WriteString(s[i:end])
			i = end
		case rawBlockStart.MatchString(s[i:]):
			end := len(s)
			if loc := rawBlockEnd.FindStringIndex(s[i:]); loc != nil {
				end = i + loc[1]
			}
			sb.WriteString(s[i:end])
			i = end
		case strings.HasPrefix(s[i:], "{%"):
			sb.WriteString("{%")
			i = rewriteTag(s, i+2, "%}", &sb, func(lit string) string { return fn(false, lit) })
		case strings.HasPrefix(s[i:], "{{"):
			sb.WriteString("{{")
			i = rewriteTag(s, i+2, "}}", &sb, func(lit string) string { return fn(true, lit) })
		default:
			sb.WriteByte(s[i])
			i++
		}
	}
	return sb.String()
}

// rewriteTag copies the inside of a tag, from i up to and including
// close, to out with its string literals passed through fn, and returns
// the index just past the tag. As in Jinja2, close ends the tag only
// outside string literals and brackets: "{{ {'a': 1}}}" is one tag.
func rewriteTag(s string, i int, close string, out *strings.Builder, fn func(string) string) int {
	depth := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			end := literalEnd(s, i)
			out.WriteString(fn(s[i:end]))
			i = end
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
		case (c == ')' || c == ']' || c == '}') && depth > 0:
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], close):
			out.WriteString(close)
			return i + len(close)
		}
		out.WriteByte(c)
		i++
	}
	return len(s)
}

// literalEnd returns the index just past the string literal opened by the
// quote at s[i], or len(s) when it is never closed.
func literalEnd(s string, i int) int {
	quote := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case quote:
			return j + 1
		}
	}
	return len(s)
}

// EscapeBackslashes is Ansible's Templar._escape_backslashes, applied to
// strings from playbooks and variables but not to template files: the
// backslashes of the string literals in {{ }} are doubled, so that YAML's
// "{{ s | regex_replace('(a)', '\\1') }}" reaches Jinja2 as '\\1', the
// text \1, as it would be outside the braces. Like Ansible, it doubles
// blindly: "{{ 'a\'b' }}" becomes a syntax error.
func EscapeBackslashes(s string) string {
	if !strings.Contains(s, `\`) || !strings.Contains(s, "{{") {
		return s
	}
	return rewriteLiterals(s, func(inExpr bool, lit string) string {
		if !inExpr {
			return lit
		}
		return strings.ReplaceAll(lit, `\`, `\\`)
	})
}

// protectFinalBackslash works around gonja's lexer, which takes the quote
// closing a literal that ends in an escaped backslash ('a\\') for an
// escaped quote and reads on past it. That last escaped backslash is
// spelled \x5c instead, which means the same to Python and to unescape.
func protectFinalBackslash(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return rewriteLiterals(s, func(_ bool, lit string) string {
		if len(lit) < 2 || lit[len(lit)-1] != lit[0] {
			return lit // not closed
		}
		body := lit[1 : len(lit)-1]
		run := len(body) - len(strings.TrimRight(body, `\`))
		if run == 0 || run%2 != 0 {
			return lit
		}
		return lit[:len(lit)-3] + `\x5c` + lit[len(lit)-1:]
	})
}
