package argspec

import (
	"reflect"
	"testing"
)

func TestMask(t *testing.T) {
	secrets := []string{"hunter2", "42"}
	tests := []struct {
		in, want any
	}{
		{"hunter2", NoLogPlaceholder},
		{"pass hunter2 here", "pass ******** here"},
		{42, NoLogPlaceholder},
		{true, true},
		{nil, nil},
		{[]any{"a", "hunter2"}, []any{"a", NoLogPlaceholder}},
		{map[string]any{"hunter2": "x hunter2"}, map[string]any{NoLogPlaceholder: "x ********"}},
	}
	for _, tt := range tests {
		if got := Mask(tt.in, secrets); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Mask(%#v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	if got := Mask("hunter2", nil); got != "hunter2" {
		t.Errorf("no secrets: %v", got)
	}
}

func TestNoLogValues(t *testing.T) {
	spec := &Spec{Params: []Param{{Name: "password", NoLog: true, Aliases: []string{"pass"}}, {Name: "user"}}}
	got := spec.NoLogValues(map[string]any{"password": []any{"a", "", true, 5}, "pass": "b", "user": "u"})
	if want := []string{"a", "5", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("NoLogValues = %q, want %q", got, want)
	}
}
