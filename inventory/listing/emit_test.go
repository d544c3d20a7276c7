package listing

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// testdata/values.json holds values with the awkward cases of both
// formats (strings that must be quoted, folded past column 80, escaped,
// big and small floats, odd keys); testdata/want.json what Python's json
// and PyYAML print for each, recorded by testdata/record.py (run it, or
// set GANSIBLE_E2E=1 to check the recording against the installed
// ansible-core).

// loadValues decodes values.json as Python's json.load does: an integer
// literal is an int (of any size), any other number a float.
func loadValues(t *testing.T) []any {
	t.Helper()
	data, err := os.ReadFile("testdata/values.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var values []any
	if err := dec.Decode(&values); err != nil {
		t.Fatal(err)
	}
	for i := range values {
		values[i] = pythonNumbers(values[i])
	}
	return values
}

func pythonNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			n, _ := new(big.Int).SetString(s, 10)
			if n.IsInt64() {
				return int(n.Int64())
			}
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = pythonNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = pythonNumbers(x[k])
		}
	}
	return v
}

type recorded struct{ JSON, YAML string }

func loadWant(t *testing.T, data []byte) []recorded {
	t.Helper()
	var want []recorded
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	return want
}

func TestEmittersMatchPython(t *testing.T) {
	data, err := os.ReadFile("testdata/want.json")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GANSIBLE_E2E") == "1" {
		refenv.Require(t, "ansible-core", "python3-yaml")
		live, err := exec.Command("/usr/bin/python3", "testdata/record.py").CombinedOutput()
		if err != nil {
			t.Fatalf("record.py: %v\n%s", err, live)
		}
		if data, err = os.ReadFile("testdata/want.json"); err != nil {
			t.Fatal(err)
		}
	}
	values, want := loadValues(t), loadWant(t, data)
	if len(values) != len(want) {
		t.Fatalf("%d values, %d recorded outputs: rerun testdata/record.py", len(values), len(want))
	}
	for i, v := range values {
		gotJSON, err := JSON(v)
		if err != nil {
			t.Errorf("value %d: JSON: %v", i, err)
		} else if gotJSON != want[i].JSON {
			t.Errorf("value %d: JSON\ngot:\n%s\nwant:\n%s", i, gotJSON, want[i].JSON)
		}
		gotYAML, err := YAML(v)
		if err != nil {
			t.Errorf("value %d: YAML: %v", i, err)
		} else if gotYAML != want[i].YAML {
			t.Errorf("value %d: YAML\ngot:\n%s\nwant:\n%s", i, gotYAML, want[i].YAML)
		}
	}
}

// TestYAMLAnchorsSharedValues: a list referenced twice is written once
// with an anchor and then as an alias, as PyYAML does for one Python
// object; equal but distinct lists are written twice.
func TestYAMLAnchorsSharedValues(t *testing.T) {
	shared := []any{"a", "b"}
	tests := []struct {
		in   any
		want string
	}{
		{map[string]any{"x": shared, "y": shared}, "x: &id001\n- a\n- b\ny: *id001\n"},
		{map[string]any{"x": []any{"a"}, "y": []any{"a"}}, "x:\n- a\ny:\n- a\n"},
		{[]any{map[string]any{"k": shared}, shared}, "- k: &id001\n  - a\n  - b\n- *id001\n"},
	}
	for _, tt := range tests {
		got, err := YAML(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("YAML(%v):\ngot  %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
