package value

import (
	"encoding/json"
	"os"
	"testing"
)

// TestPyJSONError checks PyJSONError against json.loads's errors for the
// texts of testdata/json_errors.json (from gen_json_errors.py).
func TestPyJSONError(t *testing.T) {
	data, err := os.ReadFile("testdata/json_errors.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Text  string
		Error *string
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		got, bad := PyJSONError(c.Text)
		switch {
		case c.Error == nil && bad:
			t.Errorf("%q: %q, want no error", c.Text, got)
		case c.Error != nil && got != *c.Error:
			t.Errorf("%q: %q, want %q", c.Text, got, *c.Error)
		}
	}
}

// FuzzPyJSONError checks that any text is judged without a panic, and
// that what Go's strict JSON reader takes is JSON to Python too.
func FuzzPyJSONError(f *testing.F) {
	for _, s := range []string{"", "[1, 2]", `{"a": "\u00e9"}`, "[1,]", `"\q"`, "- a", "NaN", "1e5", "{\"a\"\n:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		msg, bad := PyJSONError(s)
		if bad && json.Valid([]byte(s)) {
			t.Errorf("%q is JSON, but PyJSONError says %q", s, msg)
		}
	})
}
