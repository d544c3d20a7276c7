package pyre

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dlclark/regexp2"
)

// templatePart is a piece of a parsed replacement: literal text, or a
// group reference when group >= 0.
type templatePart struct {
	text  string
	group int
}

// parseTemplate parses a re.sub replacement as Python does: \1 to \99 and
// \g<n> or \g<name> are groups, \0 and three-digit octal escapes are
// characters, \n \t and friends are the usual escapes, a backslash before
// an unknown ASCII letter is an error, and before anything else stays.
func (r *Regexp) parseTemplate(repl string) ([]templatePart, error) {
	var parts []templatePart
	var lit strings.Builder
	group := func(n int) error {
		if n > r.groups {
			return fmt.Errorf("invalid group reference %d", n)
		}
		parts = append(parts, templatePart{lit.String(), -1}, templatePart{group: n})
		lit.Reset()
		return nil
	}
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 == len(repl) {
			lit.WriteByte(c)
			continue
		}
		i++
		c = repl[i]
		switch {
		case c == 'g':
			end := strings.IndexByte(repl[i:], '>')
			if !strings.HasPrefix(repl[i:], "g<") || end < 0 {
				return nil, fmt.Errorf("missing < or > in group reference at position %d", i-1)
			}
			name := repl[i+2 : i+end]
			n, err := strconv.Atoi(name)
			if err != nil || n < 0 {
				n = r.GroupIndex(name)
				if n < 0 {
					return nil, fmt.Errorf("unknown group name '%s'", name)
				}
			}
			if err := group(n); err != nil {
				return nil, err
			}
			i += end
		case c == '0' || isOctal3(repl[i:]):
			j := i + 1
			for j < len(repl) && j < i+3 && repl[j] >= '0' && repl[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(repl[i:j], 8, 32)
			if v > 0o377 {
				return nil, fmt.Errorf("octal escape value \\%s outside of range 0-0o377", repl[i:j])
			}
			lit.WriteRune(rune(v))
			i = j - 1
		case c >= '1' && c <= '9':
			j := i + 1
			if j < len(repl) && repl[j] >= '0' && repl[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(repl[i:j])
			if err := group(n); err != nil {
				return nil, err
			}
			i = j - 1
		case strings.IndexByte("abfnrtv\\", c) >= 0:
			lit.WriteByte("\a\b\f\n\r\t\v\\"[strings.IndexByte("abfnrtv\\", c)])
		case c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
			return nil, fmt.Errorf("bad escape \\%c at position %d", c, i-1)
		default:
			lit.WriteByte('\\')
			lit.WriteByte(c)
		}
	}
	parts = append(parts, templatePart{lit.String(), -1})
	return parts, nil
}

// isOctal3 reports whether s starts with three octal digits.
func isOctal3(s string) bool {
	return len(s) >= 3 && strings.Trim(s[:3], "01234567") == ""
}

// Expand fills a replacement template from a match, as match.expand does.
func (r *Regexp) Expand(repl string, m *Match) (string, error) {
	parts, err := r.parseTemplate(repl)
	if err != nil {
		return "", err
	}
	return expand(parts, m), nil
}

func expand(parts []templatePart, m *Match) string {
	var sb strings.Builder
	for _, p := range parts {
		if p.group < 0 {
			sb.WriteString(p.text)
			continue
		}
		g, _ := m.Group(p.group) // a group that did not match is ""
		sb.WriteString(g)
	}
	return sb.String()
}

// Sub is re.sub(pattern, repl, s, count): count <= 0 replaces every match.
func (r *Regexp) Sub(repl, s string, count int) (string, error) {
	out, _, err := r.SubN(repl, s, count)
	return out, err
}

// SubN is re.subn: the result and the number of replacements made.
func (r *Regexp) SubN(repl, s string, count int) (string, int, error) {
	return r.SubLimit(repl, s, count, -1)
}

// ErrTooLong is SubLimit's error for a result over its limit.
var ErrTooLong = errors.New("value too large: the result of the substitution is too long")

// SubLimit is SubN whose result may not exceed maxLen bytes (none when
// maxLen < 0); the check runs as replacements are made, so an over-long
// result is never built.
func (r *Regexp) SubLimit(repl, s string, count, maxLen int) (string, int, error) {
	parts, err := r.parseTemplate(repl)
	if err != nil {
		return "", 0, err
	}
	if count <= 0 {
		count = -1
	}
	n, size, over := 0, len(s), false
	out, err := r.re.ReplaceFunc(s, func(m regexp2.Match) string {
		if over {
			return ""
		}
		n++
		e := expand(parts, &Match{&m})
		if size += len(e); maxLen >= 0 && size > maxLen {
			over = true
			return ""
		}
		return e
	}, -1, count)
	if err != nil {
		return "", 0, timeoutError(err)
	}
	if over {
		return "", 0, ErrTooLong
	}
	return out, n, nil
}
