package value

import (
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestJSONDumps(t *testing.T) {
	for _, tt := range pythonCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JSON(tt.v, JSONOptions{ASCII: true})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.dumps {
				t.Errorf("JSON = %s, want %s", got, tt.dumps)
			}
		})
	}
}

// The expected texts are Python 3's json.dumps with the same arguments.
func TestJSONOptions(t *testing.T) {
	d := DictOf("é", "ü😀", "b", []any{}, "a", NewDict(0))
	nested := DictOf("zeta", 1, "alpha", []any{true, 2.0})
	tests := []struct {
		name string
		v    any
		opts JSONOptions
		want string
	}{
		{"indent ascii", d, JSONOptions{Indent: 2, ASCII: true}, "{\n  \"\\u00e9\": \"\\u00fc\\ud83d\\ude00\",\n  \"b\": [],\n  \"a\": {}\n}"},
		{"sorted indent", nested, JSONOptions{Indent: 2, SortKeys: true}, "{\n  \"alpha\": [\n    true,\n    2.0\n  ],\n  \"zeta\": 1\n}"},
		{"not ascii", "é\x7f", JSONOptions{}, "\"é\x7f\""},
		{"compact separators", nested, JSONOptions{Separators: [2]string{",", ":"}}, `{"zeta":1,"alpha":[true,2.0]}`},
		{"default converts", []any{struct{}{}}, JSONOptions{Default: func(any) (any, error) { return "conv", nil }}, `["conv"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JSON(tt.v, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("JSON = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJSONNotSerializable(t *testing.T) {
	_, err := JSON([]any{struct{}{}}, JSONOptions{})
	if err == nil || !strings.Contains(err.Error(), "is not JSON serializable") {
		t.Errorf("err = %v", err)
	}
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		in   string
		repr string // Python's repr of json.loads(in)
	}{
		{`{"zeta": 1, "alpha": {"y": 2, "x": [1.5, null, true]}}`, "{'zeta': 1, 'alpha': {'y': 2, 'x': [1.5, None, True]}}"},
		{`{"b": 1, "a": 2, "b": 3}`, "{'b': 3, 'a': 2}"},
		{`[1e2, 1E-2, -0, 12345678901234567890123]`, "[100.0, 0.01, 0, 12345678901234567890123]"},
		{`"x"`, "'x'"},
		{` {} `, "{}"},
		{`1e999`, "inf"},
	}
	for _, tt := range tests {
		v, err := DecodeJSON([]byte(tt.in))
		if err != nil {
			t.Errorf("DecodeJSON(%s): %v", tt.in, err)
			continue
		}
		if got := Repr(v); got != tt.repr {
			t.Errorf("DecodeJSON(%s) = %s, want %s", tt.in, got, tt.repr)
		}
	}
	if _, ok := mustDecode(t, `99999999999999999999`).(*big.Int); !ok {
		t.Error("a large integer is not a *big.Int")
	}
}

func mustDecode(t *testing.T, s string) any {
	t.Helper()
	v, err := DecodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDecodeJSONErrors(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a" 1}`, `[1,]`, `{"a": 1} x`, `[1] [2]`, `{1: 2}`, `nul`} {
		if v, err := DecodeJSON([]byte(in)); err == nil {
			t.Errorf("DecodeJSON(%q) = %s, want an error", in, Repr(v))
		}
	}
	if _, err := DecodeJSONObject([]byte(`[1]`)); err == nil || !strings.Contains(err.Error(), "list") {
		t.Errorf("DecodeJSONObject of a list: %v", err)
	}
}

// FuzzDecodeJSON checks that what DecodeJSON reads, written back with JSON,
// reads back the same.
func FuzzDecodeJSON(f *testing.F) {
	// The seed corpus is testdata/fuzz/FuzzDecodeJSON.
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeJSON(data)
		if err != nil || !finite(v) {
			return // Python writes inf as Infinity, which only Python reads
		}
		out, err := JSON(v, JSONOptions{})
		if err != nil {
			t.Fatalf("JSON of decoded %q: %v", data, err)
		}
		w, err := DecodeJSON([]byte(out))
		if err != nil {
			t.Fatalf("decoding %q (from %q): %v", out, data, err)
		}
		if Repr(v) != Repr(w) {
			t.Fatalf("round trip of %q: %s != %s", data, Repr(v), Repr(w))
		}
	})
}

func finite(v any) bool {
	switch x := v.(type) {
	case float64:
		return !math.IsInf(x, 0) && !math.IsNaN(x)
	case []any:
		for _, e := range x {
			if !finite(e) {
				return false
			}
		}
	case *Dict:
		for _, e := range x.All() {
			if !finite(e) {
				return false
			}
		}
	}
	return true
}
