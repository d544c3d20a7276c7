package argspec

import (
	"reflect"
	"testing"
)

var testSpec = &Spec{
	Params: []Param{
		{Name: "path", Type: Path, Required: true, Aliases: []string{"dest", "name"}},
		{Name: "state", Choices: []any{"present", "absent"}, Default: "present"},
		{Name: "force", Type: Bool, Default: false},
		{Name: "mode", Type: Raw},
		{Name: "size", Type: Int},
		{Name: "groups", Type: List, Elements: Str},
		{Name: "content"},
		{Name: "src"},
		{Name: "legacy", Type: Bool, Default: false, Unsupported: "not implemented"},
	},
	MutuallyExclusive: [][]string{{"content", "src"}},
	RequiredIf:        []RequiredIf{{Key: "state", Value: "absent", Requires: []string{"force"}}},
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		want map[string]any
		err  string
	}{
		{name: "defaults and alias", args: map[string]any{"dest": "/x"},
			want: map[string]any{"path": "/x", "state": "present", "force": false, "mode": nil, "size": nil, "groups": nil, "content": nil, "src": nil, "legacy": false}},
		{name: "conversions", args: map[string]any{"path": "/x", "force": "yes", "size": "12", "groups": "a,b", "mode": 0o644},
			want: map[string]any{"path": "/x", "state": "present", "force": true, "mode": 0o644, "size": 12, "groups": []any{"a", "b"}, "content": nil, "src": nil, "legacy": false}},
		{name: "unsupported", args: map[string]any{"path": "/x", "bogus": 1, "also": 2},
			err: "Unsupported parameters for (m) module: also, bogus. Supported parameters include: content, force, groups, legacy, mode, path, size, src, state (dest, name)."},
		{name: "missing", args: map[string]any{}, err: "missing required arguments: path"},
		{name: "choices", args: map[string]any{"path": "/x", "state": "gone"},
			err: "value of state must be one of: present, absent, got: gone"},
		{name: "bad int", args: map[string]any{"path": "/x", "size": "big"},
			err: "argument 'size' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int"},
		{name: "exclusive", args: map[string]any{"path": "/x", "content": "a", "src": "b"},
			err: "parameters are mutually exclusive: content|src"},
		{name: "required if counts a default as given", args: map[string]any{"path": "/x", "state": "absent"},
			want: map[string]any{"path": "/x", "state": "absent", "force": false, "mode": nil, "size": nil, "groups": nil, "content": nil, "src": nil, "legacy": false}},
		{name: "unsupported by gansible", args: map[string]any{"path": "/x", "legacy": "yes"},
			err: "the parameter legacy is not supported by gansible: not implemented"},
		{name: "unsupported by gansible, given false", args: map[string]any{"path": "/x", "legacy": false},
			err: "the parameter legacy is not supported by gansible: not implemented"},
		{name: "unsupported by gansible, null", args: map[string]any{"path": "/x", "legacy": nil},
			want: map[string]any{"path": "/x", "state": "present", "force": false, "mode": nil, "size": nil, "groups": nil, "content": nil, "src": nil, "legacy": nil}},
		{name: "internal keys pass", args: map[string]any{"path": "/x", "_raw_params": "cmd"},
			want: map[string]any{"path": "/x", "_raw_params": "cmd", "state": "present", "force": false, "mode": nil, "size": nil, "groups": nil, "content": nil, "src": nil, "legacy": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := testSpec.Validate("m", tt.args)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestValidArgs(t *testing.T) {
	spec := &Spec{ValidArgs: true, Params: []Param{{Name: "msg"}, {Name: "var"}}}
	tests := []struct {
		args map[string]any
		err  string
	}{
		{args: map[string]any{"msg": 1}},
		{args: map[string]any{"msg": "x", "zz": 1, "bogus": 2}, err: "Invalid options for debug: bogus,zz"},
		{args: map[string]any{"_raw_params": "hello"}, err: "Invalid options for debug: _raw_params"},
	}
	for _, tt := range tests {
		got, _, err := spec.Check("debug", tt.args)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%v: %v", tt.args, err)
		case tt.err == "" && !reflect.DeepEqual(got, tt.args):
			t.Errorf("%v: got %v, want the arguments as given", tt.args, got)
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("%v: error %v, want %q", tt.args, err, tt.err)
		}
	}
}
