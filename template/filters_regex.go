package template

import (
	"fmt"
	"strings"

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
// filters and tests use.
func compileRegex(pattern string, flags pyre.Flags) (*pyre.Regexp, error) {
	return pyre.Compile(pattern, flags)
}

// filterRegexReplace is re.sub(pattern, replacement, value, count).
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
	out, _, err := re.SubLimit(repl, str(in), count, maxStringBytes)
	if err == pyre.ErrTooLong {
		err = &limitError{err.Error()}
	}
	return out, err
}

// filterRegexSearch is regex_search(pattern, '\\1', '\\g<name>'...): the
// match, or the listed groups, or None when nothing matches.
func filterRegexSearch(_ *evaluator, in any, a args) (any, error) {
	pattern, _ := a.str(0, "pattern", "")
	re, err := compileRegex(pattern, regexFlags(a, -1))
	if err != nil {
		return nil, err
	}
	m, err := re.Search(str(in))
	if err != nil || m == nil {
		return nil, err
	}
	refs := a.rest(1)
	if len(refs) == 0 {
		g, _ := m.Group(0)
		return g, nil
	}
	out := []any{}
	for _, r := range refs {
		ref := str(r)
		idx := -1
		switch {
		case strings.HasPrefix(ref, `\g<`) && strings.HasSuffix(ref, ">"):
			name := ref[3 : len(ref)-1]
			if idx = atoiOr(name, -1); idx < 0 {
				idx = re.GroupIndex(name)
			}
		case strings.HasPrefix(ref, `\`):
			idx = atoiOr(ref[1:], -1)
		default:
			return nil, fmt.Errorf("Unknown argument")
		}
		if idx < 0 || idx > re.Groups() {
			return nil, fmt.Errorf("no such group")
		}
		if g, ok := m.Group(idx); ok {
			out = append(out, g)
		} else {
			out = append(out, nil)
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
