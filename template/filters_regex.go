package template

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/gansible/gansible/pyre"
)

// regexFlags reads Ansible's ignorecase= and multiline= arguments.
func regexFlags(a args, firstKw int) pyre.Flags {
	return pyre.Flags{
		IgnoreCase: a.boolean(firstKw, "ignorecase", false),
		Multiline:  a.boolean(firstKw+1, "multiline", false),
	}
}

// compileRegex compiles a pattern with Python's re semantics, as Ansible's
// filters and tests use; a bad pattern raises re.error.
func compileRegex(pattern string, flags pyre.Flags) (*pyre.Regexp, error) {
	re, err := pyre.Compile(pattern, flags)
	var pe *pyre.Error
	if errors.As(err, &pe) {
		return nil, &PyError{"re.error", pe.Msg}
	}
	return re, err
}

// filterRegexReplace is re.sub(pattern, replacement, value, count).
func filterRegexReplace(_ *evaluator, in any, a args) (any, error) {
	if err := a.onlyKeywords("regex_replace", "value", "pattern", "replacement", "ignorecase", "multiline"); err != nil {
		return nil, err
	}
	pattern, _ := a.str(0, "pattern", "")
	repl, _ := a.str(1, "replacement", "")
	re, err := compileRegex(pattern, regexFlags(a, 2))
	if err != nil {
		return nil, err
	}
	out, _, err := re.SubLimit(repl, str(in), 0, maxStringBytes)
	if err == pyre.ErrTooLong {
		err = &limitError{err.Error()}
	}
	return out, err
}

// filterRegexSearch is regex_search(pattern, '\\1', '\\g<name>'...): the
// match, or the listed groups, or None when nothing matches.
func filterRegexSearch(_ *evaluator, in any, a args) (any, error) {
	refs, err := groupRefs(a.rest(1))
	if err != nil {
		return nil, err
	}
	pattern, _ := a.str(0, "pattern", "")
	re, err := compileRegex(pattern, regexFlags(a, -1))
	if err != nil {
		return nil, err
	}
	m, err := re.Search(str(in))
	if err != nil || m == nil {
		return nil, err
	}
	if len(refs) == 0 {
		g, _ := m.Group(0)
		return g, nil
	}
	out := []any{}
	for _, ref := range refs {
		idx, isNum := ref.(int)
		if !isNum {
			idx = atoiOr(ref.(string), -1)
			if idx < 0 {
				idx = re.GroupIndex(ref.(string))
			}
		}
		if idx < 0 || idx > re.Groups() {
			return nil, &PyError{"IndexError", "no such group"}
		}
		if g, ok := m.Group(idx); ok {
			out = append(out, g)
		} else {
			out = append(out, nil)
		}
	}
	return out, nil
}

// groupRefs reads regex_search's group arguments as the filter does before
// it searches: "\\g<name>" is the group name (a string), "\\N" the group
// number (an int). One that starts with a backslash but is neither fails
// as Python's None.group() does.
func groupRefs(args []any) ([]any, error) {
	noMatch := &PyError{"AttributeError", "'NoneType' object has no attribute 'group'"}
	var refs []any
	for _, r := range args {
		ref := str(r)
		switch {
		case strings.HasPrefix(ref, `\g`):
			name, ok := refName(ref)
			if !ok {
				return nil, noMatch
			}
			refs = append(refs, name)
		case strings.HasPrefix(ref, `\`):
			n := 0
			digits := 0
			for _, c := range ref[1:] {
				if c < '0' || c > '9' {
					break
				}
				n = n*10 + int(c-'0')
				digits++
			}
			if digits == 0 {
				return nil, noMatch
			}
			refs = append(refs, n)
		default:
			return nil, fmt.Errorf("Unknown argument")
		}
	}
	return refs, nil
}

// refName is the name re.match(r'\\g<(\S+)>', ref) captures: the longest
// run of non-space characters after "\g<" that a ">" follows.
func refName(ref string) (string, bool) {
	if !strings.HasPrefix(ref, `\g<`) {
		return "", false
	}
	rest := ref[3:]
	end := strings.IndexFunc(rest, unicode.IsSpace)
	if end < 0 {
		end = len(rest)
	}
	if i := strings.LastIndex(rest[:end], ">"); i > 0 {
		return rest[:i], true
	}
	return "", false
}

func atoiOr(s string, def int) int {
	n := 0
	if s == "" {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<20 {
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
	rows, err := re.FindAllStrings(str(in))
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(rows))
	for _, row := range rows {
		if len(row) == 1 {
			out = append(out, row[0])
			continue
		}
		groups := make(tuple, len(row))
		for i, g := range row {
			groups[i] = g
		}
		out = append(out, groups)
	}
	return out, nil
}

// regexEscape is Python's re.escape.
func regexEscape(s string) string { return pyre.Escape(s) }

// filterRegexEscape is regex_escape(re_type='python'): Python's re.escape,
// or for posix_basic a backslash before each of BRE's special characters.
func filterRegexEscape(_ *evaluator, in any, a args) (any, error) {
	s := str(in)
	switch t, _ := a.str(0, "re_type", "python"); t {
	case "python":
		return regexEscape(s), nil
	case "posix_basic":
		var b strings.Builder
		for _, r := range s {
			if strings.ContainsRune(`].[^$*\`, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		return b.String(), nil
	case "posix_extended":
		return nil, fmt.Errorf("Regex type (%s) not yet implemented", t)
	default:
		return nil, fmt.Errorf("Invalid regex type (%s)", t)
	}
}
