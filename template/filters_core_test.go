package template

import (
	"strings"
	"testing"
)

// TestCoreFilters214 checks core filters against ansible-playbook 2.14's
// results for the same expressions (values, or a fragment of the error).
func TestCoreFilters214(t *testing.T) {
	cases := []struct{ src, want, wantErr string }{
		{src: `{{ [1,3] | zip([2,4]) | list | flatten }}`, want: "[1, 2, 3, 4]"},
		{src: `{{ [1, None, 'None', ['null', [2]]] | flatten }}`, want: "[1, 2]"},
		{src: `{{ [1, [2, [3]]] | flatten(levels=1) }}`, want: "[1, 2, [3]]"},
		{src: `{{ [1, [2]] | flatten(levels='x') }}`, wantErr: "'>=' not supported between instances of 'str' and 'int'"},
		{src: `{{ [1, 2] | flatten(levels='x') }}`, want: "[1, 2]"},
		{src: `{{ None | combine }}`, want: "{}"},
		{src: `{{ 5 | combine }}`, want: "5"},
		{src: `{{ {'a': 1} | combine({'b': 2}, {'a': 3}) }}`, want: "{'a': 3, 'b': 2}"},
		{src: `{{ [1] | combine(foo='bar') }}`, wantErr: "'recursive' and 'list_merge' are the only valid keyword arguments"},
		{src: `{{ [{'a': 1}, [2]] | combine({'b': 1}) }}`, wantErr: "expected dicts but got a 'list' and a 'dict': \n[2]\n{\"b\": 1}"},
		{src: `{{ 'a' | b64encode(urlsafe=True) }}`, wantErr: "b64encode() got an unexpected keyword argument 'urlsafe'"},
		{src: `{{ 'a=b' | regex_replace('=', ':', count=1) }}`, wantErr: "regex_replace() got an unexpected keyword argument 'count'"},
		{src: `{{ ']]^.x' | regex_escape(re_type='posix_basic') }}`, want: `\]\]\^\.x`},
		{src: `{{ 'a' | regex_escape(re_type='posix_extended') }}`, wantErr: "Regex type (posix_extended) not yet implemented"},
		{src: `{{ 'a' | regex_escape(re_type='x') }}`, wantErr: "Invalid regex type (x)"},
		{src: `{{ 'key' | extract(nope) | default('a') }}`, want: "a"},
		{src: `{{ ('key' | extract(nope, 'sub')).more | default('a') }}`, want: "a"},
		{src: `{{ 'hello' | regex_search('hello', 'unknown') }}`, wantErr: "Unknown argument"},
		{src: `{{ 'ab' | regex_search('(a)', '\\1') }}`, wantErr: "'NoneType' object has no attribute 'group'"},
		{src: `{{ 'ab' | regex_search('(a)', '\2') }}`, wantErr: "no such group"},
		{src: `{{ 'ab' | regex_search('(?P<n>a)', '\g<n>') }}`, want: "['a']"},
		{src: `{{ 7 % 0 }}`, wantErr: "integer modulo by zero"},
		{src: `{{ 7 // 0 }}`, wantErr: "integer division or modulo by zero"},
		{src: `{{ 7.0 % 0 }}`, wantErr: "float modulo"},
		{src: `{{ 7.0 // 0 }}`, wantErr: "float floor division by zero"},
		{src: `{{ 1 is divisibleby 0 }}`, wantErr: "integer modulo by zero"},
		{src: `{{ '1.0' is version('1.0', strict=False, version_type='loose') }}`, wantErr: "Cannot specify both 'strict' and 'version_type'"},
		{src: `{{ '1.0' is version('1.0', strict=False) }}`, want: "True"},
		{src: `{{ lookup('sequence', 'start=5 end=1') }}`, wantErr: "to count backwards make stride negative"},
		{src: `{{ lookup('sequence', 'start=1 end=5 stride=-1') }}`, wantErr: "to count forward don't make stride negative"},
		{src: `{{ lookup('subelements', [{'l': [1]}], 'l', 'x') }}`, wantErr: "must be a dict with flags skip_missing"},
		{src: `{{ lookup('vars', 1) }}`, wantErr: `Invalid setting identifier, "1" is not a string, its a <class 'int'>`},
	}
	eng := New(Options{})
	for _, c := range cases {
		v, err := eng.Template(c.src, nil)
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v; want one with %q", c.src, err, c.wantErr)
			}
		case err != nil || str(v) != c.want:
			t.Errorf("%s = %q, %v; want %q", c.src, str(v), err, c.want)
		}
	}
}

// TestConditionSyntaxError checks that a condition's syntax error is
// worded by the {% if %} statement Ansible renders it in.
func TestConditionSyntaxError(t *testing.T) {
	_, err := New(Options{}).Condition("1 +", nil)
	want := "template error while templating string: unexpected 'end of statement block'. String: {% if 1 + %} True {% else %} False {% endif %}. unexpected 'end of statement block'"
	if err == nil || err.Error() != want {
		t.Errorf("got %v; want %s", err, want)
	}
}
