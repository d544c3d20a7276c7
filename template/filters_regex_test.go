package template

import "testing"

// TestRegexFilters checks the regex filters and tests against results
// printed by ansible-playbook 2.14 for the same expressions as debug msg=
// values in a playbook (where backslashes in Jinja2 strings stay).
func TestRegexFilters(t *testing.T) {
	cases := []struct{ src, want string }{
		{`{{ 'xxababyy' | regex_search('(ab)\1') }}`, "abab"},
		{`{{ 'foobaz foobar' | regex_replace('foo(?=bar)', 'X') }}`, "foobaz Xbar"},
		{`{{ 'root@host me@there' | regex_replace('(\w+)@(\w+)', '\2 at \1') }}`, "host at root there at me"},
		{`{{ 'root@host' | regex_replace('(?P<u>\w+)@(?P<h>\w+)', '\g<h>/\g<u>') }}`, "host/root"},
		{`{{ 'a1b2' | regex_replace('(\d)', '\g<1>0') }}`, "a10b20"},
		{`{{ 'user=bob id=7' | regex_search('(?P<k>\w+)=(?P<v>\w+)', '\g<v>', '\1') }}`, "['bob', 'user']"},
		{`{{ 'a=1, b=2' | regex_findall('(\w)=(\d)') }}`, "[['a', '1'], ['b', '2']]"},
		{`{{ 'ABC abc' | regex_findall('abc', ignorecase=True) }}`, "['ABC', 'abc']"},
		{`{{ 'a.b*c' | regex_escape }}`, `a\.b\*c`},
		{`{{ 'key=1' is match('^(?!#)key=') }}`, "True"},
		{`{{ '#key=1' is match('^(?!#)key=') }}`, "False"},
		{`{{ 'xkey' is search('key$') }}`, "True"},
		{`{{ 'abc' is regex('b', match_type='fullmatch') }}`, "False"},
		{`{{ 'abc' is regex('a.c', match_type='fullmatch') }}`, "True"},
		{`{{ 'nothing' | regex_search('x') }}`, ""},
	}
	eng := New(Options{})
	for _, c := range cases {
		v, err := eng.Template(c.src, nil)
		got := str(v)
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.src, got, err, c.want)
		}
	}
}
