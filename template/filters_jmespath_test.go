package template

import (
	"strings"
	"testing"
)

// TestJSONQuery checks json_query against the results of Python's
// jmespath 1.1 (the library Ansible's filter calls) for the same data.
func TestJSONQuery(t *testing.T) {
	vars := MapVars{
		"d":     map[string]any{"a": []any{map[string]any{"n": 1, "x": "p"}, map[string]any{"n": 2, "x": "q"}}},
		"mixed": map[string]any{"a": []any{map[string]any{"n": 1}, map[string]any{"n": 2.5}}},
		"nest":  map[string]any{"a": map[string]any{"x": map[string]any{"b": 1}, "y": map[string]any{"b": 2}}},
	}
	e := New(Options{})
	cases := []struct{ tmpl, want string }{
		{"{{ d | json_query('a[?n > `1`].x') }}", "['q']"},
		{"{{ mixed | json_query('a[*].n') }}", "[1, 2.5]"},
		{"{{ [1,2,3] | json_query('sum(@)') }} {{ [1,2] | json_query('avg(@)') }}", "6 1.5"},
		{"{{ {'a': 1} | json_query('b') }}", ""},
		{"{{ [3,1,2] | json_query('sort(@)') }} {{ {'a':{'b':'c'}} | json_query('a') }}", "[1, 2, 3] {'b': 'c'}"},
		{"{{ 'abc' | json_query('length(@)') }} {{ [1,2,3] | json_query('[0:2]') }}", "3 [1, 2]"},
		{"{{ d.a | json_query('max_by(@, &n).x') }} {{ '12' | json_query('to_number(@)') }}", "q 12"},
		{"{{ nest | json_query('a.*.b') | sort }} {{ {'a': 1, 'b': [1,2]} | json_query('{k: a, l: length(b)}') }}", "[1, 2] {'k': 1, 'l': 2}"},
		{"{{ [1,2] | json_query('contains(@, `2`)') }}", "True"},
	}
	for _, c := range cases {
		got, err := e.Render("t", c.tmpl, vars)
		if err != nil {
			t.Errorf("%s: %v", c.tmpl, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.tmpl, got, c.want)
		}
	}
	for _, tmpl := range []string{"{{ 1 | json_query('[') }}", "{{ 1 | json_query('length(@)') }}"} {
		if _, err := e.Render("t", tmpl, vars); err == nil || !strings.Contains(err.Error(), "JMESPathError in json_query filter plugin:") {
			t.Errorf("%s: error %v, want a JMESPathError", tmpl, err)
		}
	}
}
