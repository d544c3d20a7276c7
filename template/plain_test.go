package template

import (
	"testing"

	"github.com/gansible/gansible/value"
)

func TestMarkPlain(t *testing.T) {
	groups := func(names ...any) *value.Dict {
		d := value.NewDict(2)
		d.Set("all", names)
		d.Set("ungrouped", []any{})
		return d
	}
	for _, tc := range []struct {
		name  string
		d     *value.Dict
		plain bool
	}{
		{"host names", groups("a", "b"), true},
		{"a name with template text", groups("a", "{{ x }}"), false},
		{"a value of another kind", groups("a", Unsafe{V: "b"}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MarkPlain(tc.d).Plain(); got != tc.plain {
				t.Fatalf("Plain() = %v, want %v", got, tc.plain)
			}
			// Either way, templating sees the same values.
			e := New(Options{})
			v, err := e.Template("{{ groups.all | join(',') }}", MapVars(map[string]any{"groups": tc.d, "x": "X"}))
			if err != nil {
				t.Fatal(err)
			}
			want := "a,b"
			if !tc.plain && tc.name == "a name with template text" {
				want = "a,X"
			}
			if Str(v) != want {
				t.Errorf("got %q, want %q", Str(v), want)
			}
		})
	}
	d := MarkPlain(groups("a"))
	d.Set("web", []any{"{{ x }}"})
	if d.Plain() {
		t.Error("a dict changed after MarkPlain is still plain")
	}
}
