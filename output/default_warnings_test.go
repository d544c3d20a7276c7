package output

import (
	"bytes"
	"testing"
)

// TestResultWarnings: a module's warnings go to stderr before its line,
// and not into the result shown with -v, as Ansible's default callback.
func TestResultWarnings(t *testing.T) {
	tests := []struct {
		status       Status
		item         *string
		out, errWant string
	}{
		{OK, nil, "ok: [h] => {\"changed\": false}\n", "[WARNING]: careful\n"},
		{Failed, nil, "fatal: [h]: FAILED! => {\"changed\": false, \"msg\": \"no\"}\n", "[WARNING]: careful\n"},
		{OK, strPtr("a"), "ok: [h] => (item=a) => {\"changed\": false, \"warnings\": [\"careful\"]}\n", ""},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		d := NewDefault(&out, &errOut, false, 1)
		res := map[string]any{"changed": false, "warnings": []any{"careful"}}
		if tt.status == Failed {
			res["msg"] = "no"
		}
		d.Result(HostResult{Host: "h", Status: tt.status, Item: tt.item, Result: res})
		if out.String() != tt.out || errOut.String() != tt.errWant {
			t.Errorf("%s: stdout %q stderr %q, want %q %q", tt.status, out.String(), errOut.String(), tt.out, tt.errWant)
		}
	}
}

func strPtr(s string) *string { return &s }
