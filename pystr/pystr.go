// Package pystr decodes the backslash escapes of Python string literals,
// which Ansible applies to k=v argument values and Jinja2 to its string
// literals.
package pystr

import (
	"strconv"
	"strings"
)

// simple are the one-character escapes.
var simple = map[byte]string{
	'n': "\n", 't': "\t", 'r': "\r", 'a': "\a", 'b': "\b", 'f': "\f", 'v': "\v",
	'\\': "\\", '\'': "'", '"': "\"",
}

// hexWidth is how many hex digits follow \x, \u and \U.
var hexWidth = map[byte]int{'x': 2, 'u': 4, 'U': 8}

// Unescape decodes \n, \t and the other one-character escapes, \xHH,
// \uHHHH, \UHHHHHHHH and octal \OOO in s. An escape it does not know, or
// a malformed one, is kept as written, as Python keeps it.
func Unescape(s string) string { return unescape(s, true) }

// UnescapeKV decodes what ansible-core's parse_kv decodes in a k=v
// value (its _decode_escapes): Unescape's escapes but octal, so that \1
// stays a regular expression's back reference.
func UnescapeKV(s string) string { return unescape(s, false) }

func unescape(s string, octal bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		next := s[i+1]
		if r, ok := simple[next]; ok {
			b.WriteString(r)
			i++
			continue
		}
		if width, ok := hexWidth[next]; ok {
			if i+2+width <= len(s) {
				if n, err := strconv.ParseUint(s[i+2:i+2+width], 16, 32); err == nil {
					b.WriteRune(rune(n))
					i += 1 + width
					continue
				}
			}
		} else if octal && next >= '0' && next <= '7' {
			j := i + 1
			for j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(s[i+1:j], 8, 32)
			b.WriteRune(rune(n))
			i = j - 1
			continue
		}
		// Kept as written: the backslash now, the next byte on the next turn.
		b.WriteByte(c)
	}
	return b.String()
}
