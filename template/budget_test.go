package template

import (
	"errors"
	"strings"
	"testing"
)

// TestLimits checks that templates building huge values or recursing
// without end fail with a template error instead of exhausting memory or
// the stack.
func TestLimits(t *testing.T) {
	chain := MapVars{"a0": "x"}
	for i := 1; i <= 60; i++ {
		chain["a"+itoa(i)] = "{{a" + itoa(i-1) + "}}{{a" + itoa(i-1) + "}}"
	}
	deep := MapVars{"d0": "end"}
	for i := 1; i <= 3000; i++ {
		deep["d"+itoa(i)] = "{{ d" + itoa(i-1) + " }}"
	}
	cases := []struct {
		name, src string
		vars      MapVars
		want      string
	}{
		{"huge string repeat", "{{ 'ab' * 4611686018427387904 }}", nil, "repeated string is too long"},
		{"string repeat over budget", "{{ 'x' * (300 * 1024 * 1024) }}", nil, "repeated string is too long"},
		{"list repeat", "{{ [1, 2] * 4611686018427387904 }}", nil, "value too large"},
		{"repeat by a big int", "{{ 'ab' * 2**64 }}", nil, "value too large"},
		{"list repeat max int", "{{ [1, 2] * 9223372036854775807 }}", nil, "value too large"},
		{"recursive macro", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", nil, "maximum recursion depth exceeded"},
		{"exponential variables", "{{ a60 }}", chain, "value too large"},
		{"deeply nested variables", "{{ d3000 }}", deep, "maximum recursion depth exceeded"},
		{"huge range", "{{ range(10**12) | length }}", nil, "value too large"},
		{"regex_replace result", "{{ ('x' * 10**6) | regex_replace('', 'y' * 1000) }}", nil, "value too large"},
		{"to_nice_json indent", "{{ [[[1]]] | to_nice_json(indent=10**9) }}", nil, "value too large"},
		{"int times string", "{{ 4611686018427387904 * 'ab' }}", nil, "too long"},
		{"batch fill", "{{ [1] | batch(10**12, 'x') }}", nil, "value too large"},
		{"huge sequence", "{{ lookup('sequence', 'start=1 end=1000000000000') }}", nil, "value too large"},
		{"sequence past the int range", "{{ lookup('sequence', 'start=1 count=3 stride=9223372036854775807') }}", nil, "value too large"},
		{"deep parentheses", strings.Repeat("{{ (", 1) + strings.Repeat("(", 200000) + "1" + strings.Repeat(")", 200001) + " }}", nil, "maximum recursion depth exceeded"},
		{"deep not", "{{ " + strings.Repeat("not ", 200000) + "1 }}", nil, "maximum recursion depth exceeded"},
		{"deep blocks", strings.Repeat("{% if 1 %}", 100000) + strings.Repeat("{% endif %}", 100000), nil, "maximum recursion depth exceeded"},
		{"long operator chain", "{{ 1" + strings.Repeat(" + 1", 100000) + " }}", nil, "maximum recursion depth exceeded"},
		{"range of a big int", "{{ range(2**64) | length }}", nil, "value too large"},
		{"range at int limits", "{{ range(-9223372036854775807, 9223372036854775807) | length }}", nil, "value too large"},
		{"center", "{{ 'x' | center(10**12) }}", nil, "value too large"},
		{"ljust method", "{{ 'x'.ljust(10**12) }}", nil, "value too large"},
		{"indent", "{{ 'a\nb' | indent(10**12) }}", nil, "too long"},
		{"string doubling loop", "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}", nil, "value too large"},
		{"list built in loop", "{% set ns = namespace(l=[]) %}{% for i in range(10**6) %}{% set ns.l = ns.l + [i] %}{% endfor %}{{ ns.l | length }}", nil, "too much work"},
		{"nested loops", "{% for i in range(1100) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", nil, "too much work"},
		{"join", "{{ range(10**6) | join('x' * 1000) }}", nil, "value too large"},
		{"namespace in itself", "{% set ns = namespace() %}{% set ns.a = [1, {'b': ns}] %}{{ ns }}", nil, "cannot contain itself"},
		{"namespaces in each other", "{% set n1 = namespace() %}{% set n2 = namespace(x=n1) %}{% set n1.y = n2 %}{{ n1 }}", nil, "cannot contain itself"},
	}
	eng := New(Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := eng.Template(c.src, c.vars)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got error %v, want one containing %q", err, c.want)
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Errorf("error %T is not a template error", err)
			}
		})
	}
}

// TestWithinLimits checks that ordinary recursion and sizes still work.
func TestWithinLimits(t *testing.T) {
	deep := MapVars{"d0": "end"}
	for i := 1; i <= 200; i++ {
		deep["d"+itoa(i)] = "{{ d" + itoa(i-1) + " }}"
	}
	cases := []struct {
		src  string
		vars MapVars
		want string
	}{
		{"{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{{ n }}{% endmacro %}{{ f(100) | length }}", nil, "193"},
		{"{{ d200 }}", deep, "end"},
		{"{{ ('ab' * 1000000) | length }}", nil, "2000000"},
		{"{{ ([1] * 1000000) | length }}", nil, "1000000"},
		{"{{ range(3, -3, -2) | list }}", nil, "[3, 1, -1]"},
		{"{{ range(0, 10, 3) | list }}", nil, "[0, 3, 6, 9]"},
		{"{{ 'ab' * -1 }}|{{ [1] * -5 }}", nil, "|[]"},
		{"{{ [1, 2, 3] | batch(9223372036854775807) | list }}", nil, "[[1, 2, 3]]"},
		{"{{ 'hello world' | truncate(9223372036854775807) }}", nil, "hello world"},
		{"{{ 'hello world foo' | truncate(8, leeway=0) }}", nil, "hello..."},
		{"{{ 2 * 'ab' }}|{{ (1, 2) * 2 }}|{{ 2 * [0] }}", nil, "abab|(1, 2, 1, 2)|[0, 0]"},
	}
	eng := New(Options{})
	for _, c := range cases {
		got, err := eng.Template(c.src, c.vars)
		if err != nil || str(got) != c.want {
			t.Errorf("%s = %v, %v; want %s", c.src, got, err, c.want)
		}
	}
}

func itoa(i int) string { return str(i) }
