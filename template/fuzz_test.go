package template

import "testing"

// FuzzRender checks that no input makes the engine panic.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"{{ x }}", "{% if a %}b{% else %}c{% endif %}", "{% for a, b in c if d %}{{ loop.index }}{% endfor %}",
		"{{ a | f(1, k=2) is t 3 }}", "{{ (1, 2)[0] }}", "{% set x %}y{% endset %}", "{{ 'a' ~ b[1:2:3] }}",
		"{% macro m(a=1) %}{{ a }}{% endmacro %}{{ m() }}", "{{ {'a': [1, {'b': none}]} }}", "{# c #}{%- raw -%}x{% endraw %}",
		"{{ 2**64 // -3 % 7 }}", "{{ 'ab' * 3 ~ [1] * 2 }}", "{{ range(1, 9, 2) | join('-') }}",
		"{{ 'a1' | regex_replace('(?P<d>\\d)', '\\g<d>') }}", "{{ 'x' is match('(x)\\1?') }}",
		"{% set ns = namespace(l=[]) %}{% for i in range(3) %}{% set ns.l = ns.l + [i] %}{% endfor %}{{ ns.l }}",
	} {
		f.Add(s)
	}
	e := New(Options{})
	vars := MapVars{"x": 1, "c": map[string]any{"k": []any{1, 2}}, "a": "{{ x }}"}
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = e.Render("fuzz", src, vars)
		_, _ = e.Template(src, vars)
		_, _ = e.Condition(src, vars)
	})
}
