package template

import (
	"strings"
	"testing"

	"github.com/gansible/gansible/value"
)

// TestDictOrder checks that dicts keep insertion order through templates,
// and that only the sorting filters sort. The expected texts are what
// ansible-playbook 2.14 (Jinja2 3, Python 3) renders.
func TestDictOrder(t *testing.T) {
	vars := MapVars{
		"d":     value.DictOf("zeta", 1, "alpha", 2),
		"pairs": []any{value.DictOf("k", "b", "v", 1), value.DictOf("k", "a", "v", 2)},
	}
	tests := []struct{ tmpl, want string }{
		{"{{ d }}", "{'zeta': 1, 'alpha': 2}"},
		{"{{ d | string }}", "{'zeta': 1, 'alpha': 2}"},
		{"{{ d | to_json }}", `{"zeta": 1, "alpha": 2}`},
		{"{{ d | to_json(sort_keys=True) }}", `{"alpha": 2, "zeta": 1}`},
		{"{{ d | to_nice_json }}", "{\n    \"alpha\": 2,\n    \"zeta\": 1\n}"},
		{"{{ d | to_yaml }}", "{alpha: 2, zeta: 1}\n"},
		{"{{ d.keys() | list }}", "['zeta', 'alpha']"},
		{"{{ d.values() | list }}", "[1, 2]"},
		{"{{ d.items() | list }}", "[('zeta', 1), ('alpha', 2)]"},
		{"{{ d | list }}", "['zeta', 'alpha']"},
		{"{% for k in d %}{{ k }},{% endfor %}", "zeta,alpha,"},
		{"{% for k, v in d.items() %}{{ k }}={{ v }},{% endfor %}", "zeta=1,alpha=2,"},
		{"{{ d | dict2items }}", "[{'key': 'zeta', 'value': 1}, {'key': 'alpha', 'value': 2}]"},
		{"{{ d | dictsort }}", "[('alpha', 2), ('zeta', 1)]"},
		{"{{ {'B': 1, 'a': 2, 'c': 0} | dictsort }}", "[('a', 2), ('B', 1), ('c', 0)]"},
		{"{{ {'B': 1, 'a': 2} | dictsort(true) }}", "[('B', 1), ('a', 2)]"},
		{"{{ {'x': 3, 'y': 1} | dictsort(by='value') }}", "[('y', 1), ('x', 3)]"},
		{"{{ d | combine({'beta': 3, 'zeta': 0}) }}", "{'zeta': 0, 'alpha': 2, 'beta': 3}"},
		{"{{ {'a': {'y': 1, 'x': 2}} | combine({'a': {'w': 0, 'y': 5}}, recursive=True) }}", "{'a': {'y': 5, 'x': 2, 'w': 0}}"},
		{"{{ {'b': 1, 'a': 2} }}", "{'b': 1, 'a': 2}"},
		{"{{ dict(d, beta=3) }}", "{'zeta': 1, 'alpha': 2, 'beta': 3}"},
		{"{{ dict([['y', 1], ['x', 2]]) }}", "{'y': 1, 'x': 2}"},
		{"{{ dict(b=1, a=2) }}", "{'b': 1, 'a': 2}"},
		{"{{ dict(z=dict(y=1, x=2), a=0) }}", "{'z': {'y': 1, 'x': 2}, 'a': 0}"},
		{"{% set ns = namespace(z=1, a=2) %}{{ ns }}", "<Namespace {'z': 1, 'a': 2}>"},
		{`{{ '{"y": 1, "x": {"b": 2, "a": 3}}' | from_json }}`, "{'y': 1, 'x': {'b': 2, 'a': 3}}"},
		{"{{ 'y: 1\\nx: 2' | from_yaml }}", "{'y': 1, 'x': 2}"},
		{"{{ 'v: 0644\\nw: yes' | from_yaml }}", "{'v': 420, 'w': True}"},
		{"{{ 'z: 1\\ny: 2\\n---\\nb: 2\\n' | from_yaml_all | list }}", "[{'z': 1, 'y': 2}, {'b': 2}]"},
		{"{{ pairs | items2dict(key_name='k', value_name='v') }}", "{'b': 1, 'a': 2}"},
		{"{{ d | to_json | from_json | to_json }}", `{"zeta": 1, "alpha": 2}`},
		{"{{ d.copy() }}", "{'zeta': 1, 'alpha': 2}"},
		{"{% set ns = namespace(b=1) %}{% set ns.a = 2 %}{{ ns.b }}{{ ns.a }}", "12"},
	}
	e := New(Options{})
	for _, tt := range tests {
		got, err := e.Render("t", tt.tmpl, vars)
		if err != nil {
			t.Errorf("%s: %v", tt.tmpl, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.tmpl, got, tt.want)
		}
	}
}

func TestFromJSONExtraData(t *testing.T) {
	_, err := New(Options{}).Render("t", `{{ '{"a": 1} x' | from_json }}`, nil)
	if err == nil || !strings.Contains(err.Error(), "Extra data: line 1 column 10 (char 9)") {
		t.Errorf("err = %v", err)
	}
}

// TestDictLiteralValue checks that a template whose result is a dict hands
// back a *value.Dict in the order written.
func TestDictLiteralValue(t *testing.T) {
	got, err := New(Options{}).Template("{{ {'b': 1, 'a': [{'y': 1, 'x': 2}]} }}", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := value.Repr(got); r != "{'b': 1, 'a': [{'y': 1, 'x': 2}]}" {
		t.Errorf("got %s", r)
	}
}
