package output

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCensor(t *testing.T) {
	res := map[string]any{"changed": true, "attempts": 2, "stdout": "s3cr3t", "item": "s3cr3t", "failed": true}
	hide, show := Censor{NoLog: true}, Censor{}
	if got, want := hide.Result(res), map[string]any{"censored": NoLogMessage, "changed": true, "attempts": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("Result = %v, want %v", got, want)
	}
	if got := show.Result(res); !reflect.DeepEqual(got, res) {
		t.Errorf("Result without no_log = %v", got)
	}
	for _, tt := range []struct{ got, want string }{
		{hide.Item("s3cr3t"), "None"},
		{show.Item("a"), "a"},
		{hide.IncludeItem("s3cr3t"), "(censored due to no_log)"},
		{hide.Diff("+s3cr3t\n"), ""},
		{show.Diff("+a\n"), "+a\n"},
		{hide.Command("echo s3cr3t"), "(command hidden: no_log)"},
		{show.Command("echo a b"), "/bin/sh -c 'echo a b'"},
		{hide.Error(errors.New("exited: s3cr3t")), "(error hidden: no_log)"},
		{show.Error(errors.New("exited: a")), "exited: a"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestResultNoLog prints no_log results through Default, as Ansible's
// default callback does.
func TestResultNoLog(t *testing.T) {
	item := "s3cr3t"
	res := map[string]any{"changed": true, "stdout": "s3cr3t", "results": []any{map[string]any{"item": "s3cr3t"}}}
	tests := []struct {
		name      string
		verbosity int
		r         HostResult
		want      string
	}{
		{"item", 0, HostResult{Host: "h", Status: Changed, Item: &item, Result: res, NoLog: true, Diff: "+s3cr3t\n"},
			"changed: [h] => (item=None)\n"},
		{"loop final", 1, HostResult{Host: "h", Status: Changed, Result: res, Looped: true, NoLog: true},
			`changed: [h] => {"censored": "` + NoLogMessage + `", "changed": true}` + "\n"},
		{"loop final in the clear", 1, HostResult{Host: "h", Status: Changed, Result: res, Looped: true}, ""},
		{"debug", 0, HostResult{Host: "h", Status: OK, Result: map[string]any{"changed": false, "msg": "s3cr3t"}, Verbose: true, Debug: true, NoLog: true},
			"ok: [h]\n"},
		{"debug -v", 1, HostResult{Host: "h", Status: OK, Result: map[string]any{"changed": false, "msg": "s3cr3t"}, Verbose: true, Debug: true, NoLog: true},
			`ok: [h] => {"censored": "` + NoLogMessage + `"}` + "\n"},
		{"fatal", 0, HostResult{Host: "h", Status: Failed, Result: map[string]any{"msg": "s3cr3t"}, NoLog: true, Ignored: true},
			`fatal: [h]: FAILED! => {"censored": "` + NoLogMessage + `"}` + "\n...ignoring\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			NewDefault(&out, &out, false, tt.verbosity).Result(tt.r)
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
			if tt.r.NoLog && strings.Contains(out.String(), "s3cr3t") {
				t.Errorf("the secret is shown: %q", out.String())
			}
		})
	}
}
