// Package pyre gives Python's re semantics on top of regexp2, for the
// filters, tests and modules where Ansible evaluates a user's pattern with
// Python: backreferences, lookaround, (?P<name>...) groups numbered as
// Python numbers them, \A and \Z, re.sub replacement templates.
package pyre

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
)

// Flags are Python's re flags that Ansible exposes.
type Flags struct {
	IgnoreCase bool // re.I
	Multiline  bool // re.M
	DotAll     bool // re.S
}

// matchTimeout bounds one match, so that a pattern with catastrophic
// backtracking fails instead of running for ever.
const matchTimeout = 10 * time.Second

// Regexp is a compiled Python pattern.
type Regexp struct {
	re     *regexp2.Regexp
	opt    regexp2.RegexOptions
	names  map[string]int
	groups int

	fullOnce sync.Once
	full     *regexp2.Regexp // the pattern anchored at both ends
	fullErr  error
}

// Compile compiles a Python pattern. Errors read like Python's re.error.
func Compile(pattern string, f Flags) (*Regexp, error) {
	src, names, err := translate(pattern)
	if err != nil {
		return nil, &Error{Pattern: pattern, Msg: err.Error()}
	}
	opt := regexp2.None
	if f.IgnoreCase {
		opt |= regexp2.IgnoreCase
	}
	if f.Multiline {
		opt |= regexp2.Multiline
	}
	if f.DotAll {
		opt |= regexp2.Singleline
	}
	re, err := regexp2.Compile(src, opt)
	if err != nil {
		return nil, &Error{Pattern: pattern, Msg: strings.TrimPrefix(err.Error(), "error parsing regexp: ")}
	}
	re.MatchTimeout = matchTimeout
	return &Regexp{re: re, opt: opt, names: names, groups: len(re.GetGroupNumbers()) - 1}, nil
}

// An Error is a pattern that does not compile. Msg is Python's re.error
// message where sre_parse has one that gansible knows (a bad escape,
// unbalanced groups or sets, a repeat of nothing), and regexp2's
// otherwise.
type Error struct {
	Pattern string
	Msg     string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (in regular expression %q)", e.Msg, e.Pattern) }

// MustCompile is Compile for patterns known to be valid.
func MustCompile(pattern string, f Flags) *Regexp {
	re, err := Compile(pattern, f)
	if err != nil {
		panic(err)
	}
	return re
}

// Groups is the number of capturing groups.
func (r *Regexp) Groups() int { return r.groups }

// GroupIndex is the number of a named group, or -1.
func (r *Regexp) GroupIndex(name string) int {
	if n, ok := r.names[name]; ok {
		return n
	}
	return -1
}

// Match is one match: Group(0) is the whole match.
type Match struct {
	m *regexp2.Match
}

// Group returns group i and whether it took part in the match.
func (m *Match) Group(i int) (string, bool) {
	g := m.m.GroupByNumber(i)
	if g == nil || len(g.Captures) == 0 {
		return "", false
	}
	return g.String(), true
}

// Start is the match's offset in runes.
func (m *Match) Start() int { return m.m.Index }

// Search is re.search: the first match anywhere, or nil.
func (r *Regexp) Search(s string) (*Match, error) {
	m, err := r.re.FindStringMatch(s)
	return wrap(m, err)
}

// Match is re.match: a match that starts at the beginning, or nil.
func (r *Regexp) Match(s string) (*Match, error) {
	m, err := r.re.FindStringMatch(s)
	if m != nil && m.Index != 0 {
		// The engine tries position 0 first: a later match means none
		// starts there.
		m = nil
	}
	return wrap(m, err)
}

// FullMatch is re.fullmatch: a match of the whole string, or nil.
func (r *Regexp) FullMatch(s string) (*Match, error) {
	r.fullOnce.Do(func() {
		r.full, r.fullErr = regexp2.Compile(`\A(?:`+r.re.String()+`)\z`, r.opt)
		if r.full != nil {
			r.full.MatchTimeout = matchTimeout
		}
	})
	if r.fullErr != nil {
		return nil, r.fullErr
	}
	m, err := r.full.FindStringMatch(s)
	return wrap(m, err)
}

// FindAll lists the non-overlapping matches from left to right, as
// re.finditer does.
func (r *Regexp) FindAll(s string) ([]*Match, error) {
	var out []*Match
	m, err := r.re.FindStringMatch(s)
	for m != nil && err == nil {
		out = append(out, &Match{m})
		m, err = r.re.FindNextMatch(m)
	}
	if err != nil {
		return nil, timeoutError(err)
	}
	return out, nil
}

// FindAllStrings is re.findall: whole matches when the pattern has no
// group, the group's text when it has one, all groups' texts otherwise
// (a group that did not take part is "").
func (r *Regexp) FindAllStrings(s string) ([][]string, error) {
	ms, err := r.FindAll(s)
	if err != nil {
		return nil, err
	}
	out := make([][]string, len(ms))
	for i, m := range ms {
		if r.groups == 0 {
			g, _ := m.Group(0)
			out[i] = []string{g}
			continue
		}
		row := make([]string, r.groups)
		for j := range row {
			row[j], _ = m.Group(j + 1)
		}
		out[i] = row
	}
	return out, nil
}

func wrap(m *regexp2.Match, err error) (*Match, error) {
	if err != nil {
		return nil, timeoutError(err)
	}
	if m == nil {
		return nil, nil
	}
	return &Match{m}, nil
}

func timeoutError(err error) error {
	if strings.Contains(err.Error(), "timeout") {
		return errors.New("regular expression match took too long (catastrophic backtracking?)")
	}
	return err
}

// GroupNames lists the named groups with their numbers, as Python's
// pattern.groupindex.
func (r *Regexp) GroupNames() map[string]int {
	out := make(map[string]int, len(r.names))
	for k, v := range r.names {
		out[k] = v
	}
	return out
}

// GroupSpan returns where group i matched, as rune offsets (Python's
// match.span(i) on a str), and whether it took part in the match.
func (m *Match) GroupSpan(i int) (start, end int, ok bool) {
	g := m.m.GroupByNumber(i)
	if g == nil || len(g.Captures) == 0 {
		return -1, -1, false
	}
	return g.Index, g.Index + g.Length, true
}
