package modules

import (
	"os/exec"
	"reflect"
	"testing"
)

// TestGetent runs getent on this machine; the results are the shapes
// ansible-core 2.14's getent returned for the same tasks on the test
// cluster.
func TestGetent(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("getent"); err != nil {
		t.Skip("getent not installed")
	}
	tests := []struct {
		args  Args
		fail  string
		facts map[string]any
	}{
		{args: Args{"database": "passwd", "key": "root"}, facts: map[string]any{
			"getent_passwd": map[string]any{"root": []any{"x", "0", "0", "root", "/root", "/bin/bash"}}}},
		{args: Args{"database": "passwd", "key": "no-such-user-x", "fail_key": false}, facts: map[string]any{
			"getent_passwd": map[string]any{"no-such-user-x": nil}}},
		{args: Args{"database": "passwd", "key": "no-such-user-x"}, fail: "One or more supplied key could not be found in the database."},
		{args: Args{"database": "no-such-db"}, fail: "Missing arguments, or database unknown."},
		{args: Args{"database": "passwd", "key": "root", "split": "o"}, facts: map[string]any{
			"getent_passwd": map[string]any{"r": []any{"", "t:x:0:0:r", "", "t:/r", "", "t:/bin/bash"}}}},
		{args: Args{"database": "passwd", "key": "root", "split": ""}, fail: "empty separator"},
	}
	for _, tt := range tests {
		res := runModule(t, testContext(t, nil), "getent", tt.args)
		if tt.fail != "" {
			if !res.Failed || res.Msg != tt.fail {
				t.Errorf("%v: %+v, want failure %q", tt.args, res, tt.fail)
			}
			continue
		}
		if res.Failed || !reflect.DeepEqual(res.Fields["ansible_facts"], tt.facts) {
			t.Errorf("%v: %+v, want facts %v", tt.args, res, tt.facts)
		}
	}
}
