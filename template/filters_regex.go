package template

import (
	"fmt"
	"strings"
)

// regexFlags turns Ansible's ignorecase= and multiline= into Go flags.
func regexFlags(a args, firstKw int) string {
	flags := ""
	if a.boolean(firstKw, "ignorecase", false) {
		flags += "i"
	}
	if a.boolean(firstKw+1, "multiline", false) {
		flags += "m"
	}
	return flags
}

// pythonReplacement converts a Python replacement string (\1, \g<name>)
// into Go's ${1}, ${name}.
func pythonReplacement(r string) string {
	var sb strings.Builder
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == '$':
			sb.WriteString("$$")
		case c == '\\' && i+1 < len(r) && r[i+1] >= '0' && r[i+1] <= '9':
			j := i + 1
			for j < len(r) && r[j] >= '0' && r[j] <= '9' && j < i+3 {
				j++
			}
			sb.WriteString("${" + r[i+1:j] + "}")
			i = j - 1
		case c == '\\' && strings.HasPrefix(r[i:], `\g<`):
			end := strings.IndexByte(r[i:], '>')
			if end < 0 {
				sb.WriteByte(c)
				continue
			}
			sb.WriteString("${" + r[i+3:i+end] + "}")
			i += end
		case c == '\\' && i+1 < len(r):
			i++
			switch r[i] {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case '\\':
				sb.WriteByte('\\')
			default:
				sb.WriteByte('\\')
				sb.WriteByte(r[i])
			}
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

func filterRegexReplace(_ *evaluator, in any, a args) (any, error) {
	pattern, _ := a.str(0, "pattern", "")
	repl, _ := a.str(1, "replacement", "")
	re, err := compileRegex(pattern, regexFlags(a, 2))
	if err != nil {
		return nil, err
	}
	count, err := a.integer(-1, "count", 0)
	if err != nil {
		return nil, err
	}
	s := str(in)
	repl = pythonReplacement(repl)
	if count <= 0 {
		return re.ReplaceAllString(s, repl), nil
	}
	n := 0
	return re.ReplaceAllStringFunc(s, func(m string) string {
		n++
		if n > count {
			return m
		}
		return re.ReplaceAllString(m, repl)
	}), nil
}

// filterRegexSearch is regex_search(pattern, '\\1', '\\g<name>'...): the
// match, or the listed groups, or None when nothing matches.
func filterRegexSearch(_ *evaluator, in any, a args) (any, error) {
	pattern, _ := a.str(0, "pattern", "")
	re, err := compileRegex(pattern, regexFlags(a, -1))
	if err != nil {
		return nil, err
	}
	s := str(in)
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, nil
	}
	refs := a.rest(1)
	if len(refs) == 0 {
		return s[m[0]:m[1]], nil
	}
	out := []any{}
	for _, r := range refs {
		ref := str(r)
		var idx int
		switch {
		case strings.HasPrefix(ref, `\g<`) && strings.HasSuffix(ref, ">"):
			idx = re.SubexpIndex(ref[3 : len(ref)-1])
		case strings.HasPrefix(ref, `\`):
			idx = atoiOr(ref[1:], -1)
		default:
			idx = -1
		}
		if idx < 0 || 2*idx+1 >= len(m) {
			return nil, fmt.Errorf("regex_search: invalid group reference %s", ref)
		}
		if m[2*idx] < 0 {
			out = append(out, nil)
		} else {
			out = append(out, s[m[2*idx]:m[2*idx+1]])
		}
	}
	return out, nil
}

func atoiOr(s string, def int) int {
	n := 0
	if s == "" {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// filterRegexFindall is Python's re.findall: whole matches, the single
// group, or tuples of groups.
func filterRegexFindall(_ *evaluator, in any, a args) (any, error) {
	pattern, _ := a.str(0, "pattern", "")
	re, err := compileRegex(pattern, regexFlags(a, 1))
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, m := range re.FindAllStringSubmatch(str(in), -1) {
		switch len(m) {
		case 1:
			out = append(out, m[0])
		case 2:
			out = append(out, m[1])
		default:
			groups := make(tuple, len(m)-1)
			for i, g := range m[1:] {
				groups[i] = g
			}
			out = append(out, groups)
		}
	}
	return out, nil
}

// regexEscape is Python's re.escape.
func regexEscape(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80) {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}
