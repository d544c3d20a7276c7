package inventory

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Match returns the hosts an Ansible host pattern selects, deduplicated,
// in the order ansible-core gives them.
//
// A pattern is a list of terms separated by "," (or ":" when that is not
// part of a host address or range): a host or group name, "all" or "*",
// a shell glob ("web*"), a regular expression ("~web\d+"), any of them
// with a subscript ("web[0]", "web[1:3]", "web[-1]"), and "&term"
// (intersection) or "!term" (exclusion). Plain terms are unioned first,
// then intersections applied, then exclusions, whatever their order.
// A name that matches nothing contributes nothing (see UnmatchedPatterns).
// localhost, 127.0.0.1 and ::1 match the implicit localhost when the
// inventory does not define them.
func (inv *Inventory) Match(pattern string) ([]*Host, error) {
	var hosts []*Host
	for _, term := range orderTerms(splitPattern(pattern)) {
		if h, ok := inv.hosts[term]; ok {
			hosts = append(hosts, h)
			continue
		}
		matched, err := inv.matchTerm(term)
		if err != nil {
			return nil, err
		}
		switch term[0] {
		case '!':
			hosts = filterHosts(hosts, matched, false)
		case '&':
			hosts = filterHosts(hosts, matched, true)
		default:
			hosts = append(hosts, matched...)
		}
	}
	return dedupHosts(hosts), nil
}

// UnmatchedPatterns returns the terms of pattern that match no host and no
// group, for the warning "Could not match supplied host pattern, ignoring".
func (inv *Inventory) UnmatchedPatterns(pattern string) []string {
	var unmatched []string
	for _, term := range splitPattern(pattern) {
		name := strings.TrimLeft(term, "&!")
		if name == "" || name == allGroup {
			continue
		}
		if _, ok := inv.hosts[term]; ok {
			continue
		}
		expr, _, err := splitSubscript(name)
		if err != nil {
			continue
		}
		hosts, groups, err := inv.enumerate(expr)
		if err == nil && len(hosts) == 0 && len(groups) == 0 {
			unmatched = append(unmatched, expr)
		}
	}
	return unmatched
}

var patternWords = regexp.MustCompile(`(?:[^\s:\[\]]|\[[^\]]*\])+`)

// splitPattern splits a pattern into terms. Commas always separate; colons
// do unless the whole pattern is one address ("::1", "web[1:3]").
func splitPattern(pattern string) []string {
	var parts []string
	switch {
	case strings.Contains(pattern, ","):
		parts = strings.Split(pattern, ",")
	case isPatternAddress(pattern):
		parts = []string{pattern}
	default:
		parts = patternWords.FindAllString(pattern, -1)
	}
	var terms []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			terms = append(terms, p)
		}
	}
	return terms
}

func isPatternAddress(s string) bool {
	host := s
	if m := bracketedHostPort.FindStringSubmatch(host); m != nil {
		host = m[1]
	}
	if m := hostPort.FindStringSubmatch(host); m != nil {
		host = m[1]
	}
	return isAddress(host)
}

// orderTerms puts plain terms first, then intersections, then exclusions.
// With no plain term, the pattern starts from all.
func orderTerms(terms []string) []string {
	var plain, and, not []string
	for _, t := range terms {
		switch t[0] {
		case '!':
			not = append(not, t)
		case '&':
			and = append(and, t)
		default:
			plain = append(plain, t)
		}
	}
	if len(plain) == 0 {
		plain = []string{allGroup}
	}
	return append(append(plain, and...), not...)
}

func filterHosts(hosts, matched []*Host, keep bool) []*Host {
	in := map[*Host]bool{}
	for _, h := range matched {
		in[h] = true
	}
	var out []*Host
	for _, h := range hosts {
		if in[h] == keep {
			out = append(out, h)
		}
	}
	return out
}

func dedupHosts(hosts []*Host) []*Host {
	seen := map[*Host]bool{}
	out := []*Host{}
	for _, h := range hosts {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// matchTerm returns the hosts one term (without its & or !) selects.
func (inv *Inventory) matchTerm(term string) ([]*Host, error) {
	name := term
	if name[0] == '&' || name[0] == '!' {
		name = name[1:]
	}
	if name == "" {
		return nil, nil
	}
	expr, sub, err := splitSubscript(name)
	if err != nil {
		return nil, err
	}
	hosts, _, err := inv.enumerate(expr)
	if err != nil {
		return nil, err
	}
	if sub == nil || len(hosts) == 0 {
		return hosts, nil
	}
	selected, ok := sub.apply(hosts)
	if !ok {
		return nil, fmt.Errorf("No hosts matched the subscripted pattern '%s'", name)
	}
	return selected, nil
}

// enumerate returns the hosts of every group expr matches, then the hosts
// whose name it matches when no group did or expr is a glob or regex.
func (inv *Inventory) enumerate(expr string) (hosts []*Host, groups []*Group, err error) {
	re, err := patternRegexp(expr)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range inv.groupOrder {
		if re.MatchString(g.Name) {
			groups = append(groups, g)
			hosts = append(hosts, inv.groupHosts(g)...)
		}
	}
	if len(groups) == 0 || expr[0] == '~' || strings.ContainsAny(expr, ".?*[") {
		for _, h := range inv.hostOrder {
			if re.MatchString(h.Name) {
				hosts = append(hosts, h)
			}
		}
	}
	if len(hosts) == 0 && localhostNames[expr] {
		hosts = append(hosts, inv.implicitLocalhost(expr))
	}
	return hosts, groups, nil
}

// patternRegexp compiles a term: "~regex" matches from the start of a name,
// anything else is a shell glob matching the whole name.
func patternRegexp(expr string) (*regexp.Regexp, error) {
	src := ""
	if expr[0] == '~' {
		src = `^(?:` + expr[1:] + `)`
	} else {
		src = `^(?:` + globToRegexp(expr) + `)$`
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("Invalid host list pattern: %s", expr)
	}
	return re, nil
}

// globToRegexp translates a shell glob as Python's fnmatch.translate does.
func globToRegexp(glob string) string {
	var b strings.Builder
	r := []rune(glob)
	for i := 0; i < len(r); i++ {
		switch c := r[i]; c {
		case '*':
			b.WriteString(`(?s:.*)`)
		case '?':
			b.WriteString(`(?s:.)`)
		case '[':
			j := i + 1
			if j < len(r) && r[j] == '!' {
				j++
			}
			if j < len(r) && r[j] == ']' {
				j++
			}
			for j < len(r) && r[j] != ']' {
				j++
			}
			if j >= len(r) {
				b.WriteString(`\[`)
				continue
			}
			class := string(r[i+1 : j])
			class = strings.ReplaceAll(class, `\`, `\\`)
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			} else if strings.HasPrefix(class, "^") {
				class = `\` + class
			}
			b.WriteString("[" + class + "]")
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// subscript selects hosts by position: [i] or [start:end] (end inclusive,
// empty for "to the last").
type subscript struct {
	start, end int
	isRange    bool
}

var patternWithSubscript = regexp.MustCompile(`^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$`)

// splitSubscript splits "expr[sub]" into expr and its subscript. Regex
// terms never carry one.
func splitSubscript(term string) (string, *subscript, error) {
	if term[0] == '~' {
		return term, nil, nil
	}
	m := patternWithSubscript.FindStringSubmatch(term)
	if m == nil {
		return term, nil, nil
	}
	if m[2] != "" {
		i, err := strconv.Atoi(m[2])
		return m[1], &subscript{start: i}, err
	}
	start, err := strconv.Atoi(m[3])
	if err != nil {
		return "", nil, err
	}
	end := -1
	if m[5] != "" {
		if end, err = strconv.Atoi(m[5]); err != nil {
			return "", nil, err
		}
	}
	// As in Ansible, "[x:0]" means the single host x.
	return m[1], &subscript{start: start, end: end, isRange: end != 0}, nil
}

// apply selects hosts; ok is false for an index out of range.
func (s *subscript) apply(hosts []*Host) ([]*Host, bool) {
	n := len(hosts)
	if !s.isRange {
		i := s.start
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return nil, false
		}
		return []*Host{hosts[i]}, true
	}
	end := s.end
	if end == -1 {
		end = n - 1
	}
	start, stop := min(s.start, n), min(end+1, n)
	if start >= stop {
		return []*Host{}, true
	}
	return hosts[start:stop], true
}
