package value

import (
	"math"
	"math/big"
	"testing"
)

// The expected texts are Python 3's repr(), str() and json.dumps().
var pythonCases = []struct {
	name             string
	v                any
	repr, str, dumps string
}{
	{"none", nil, "None", "None", "null"},
	{"true", true, "True", "True", "true"},
	{"int", 1, "1", "1", "1"},
	{"big int", new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil), "1000000000000000000000000000000", "1000000000000000000000000000000", "1000000000000000000000000000000"},
	{"float", 1.5, "1.5", "1.5", "1.5"},
	{"whole float", 2.0, "2.0", "2.0", "2.0"},
	{"large float", 1e16, "1e+16", "1e+16", "1e+16"},
	{"small float", 1e-5, "1e-05", "1e-05", "1e-05"},
	{"positional float", 0.0001, "0.0001", "0.0001", "0.0001"},
	{"nan", math.NaN(), "nan", "nan", "NaN"},
	{"inf", math.Inf(-1), "-inf", "-inf", "-Infinity"},
	{"apostrophe", "it's", `"it's"`, "it's", `"it's"`},
	{"double quotes", `say "hi"`, `'say "hi"'`, `say "hi"`, `"say \"hi\""`},
	{"both quotes", `it's "x"`, `'it\'s "x"'`, `it's "x"`, `"it's \"x\""`},
	{"control characters", "a\nb\tc\x01\x7f\\", `'a\nb\tc\x01\x7f\\'`, "a\nb\tc\x01\x7f\\", `"a\nb\tc\u0001\u007f\\"`},
	{"list", []any{1, "a", nil}, "[1, 'a', None]", "[1, 'a', None]", `[1, "a", null]`},
	{"dict keeps order", DictOf("zeta", 1, "alpha", []any{true, 2.0}), "{'zeta': 1, 'alpha': [True, 2.0]}", "{'zeta': 1, 'alpha': [True, 2.0]}", `{"zeta": 1, "alpha": [true, 2.0]}`},
	{"go map sorted", map[string]any{"b": 1, "a": 2}, "{'a': 2, 'b': 1}", "{'a': 2, 'b': 1}", `{"a": 2, "b": 1}`},
	{"tuple of one", Tuple{1}, "(1,)", "(1,)", "[1]"},
	{"tuple", Tuple{1, "b"}, "(1, 'b')", "(1, 'b')", `[1, "b"]`},
	{"empty dict", NewDict(0), "{}", "{}", "{}"},
	{"unsafe", Unsafe{V: "x"}, "'x'", "x", `"x"`},
}

func TestReprStr(t *testing.T) {
	for _, tt := range pythonCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := Repr(tt.v); got != tt.repr {
				t.Errorf("Repr = %s, want %s", got, tt.repr)
			}
			if got := Str(tt.v); got != tt.str {
				t.Errorf("Str = %s, want %s", got, tt.str)
			}
		})
	}
}

type custom struct{}

func (custom) Repr() string { return "<custom>" }

func TestReprer(t *testing.T) {
	if got := Repr([]any{custom{}}); got != "[<custom>]" {
		t.Errorf("Repr = %s", got)
	}
}

func TestTruthy(t *testing.T) {
	tests := []struct {
		v    any
		want bool
	}{
		{nil, false}, {false, false}, {true, true}, {0, false}, {3, true}, {0.0, false}, {0.5, true},
		{new(big.Int), false}, {"", false}, {"x", true}, {[]any{}, false}, {[]any{nil}, true},
		{Tuple{}, false}, {NewDict(0), false}, {DictOf("a", nil), true}, {(*Dict)(nil), false},
		{Unsafe{V: ""}, false}, {Unsafe{V: "x"}, true}, {custom{}, true},
	}
	for _, tt := range tests {
		if got := Truthy(tt.v); got != tt.want {
			t.Errorf("Truthy(%s) = %v, want %v", Repr(tt.v), got, tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	big30 := new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil)
	tests := []struct {
		a, b any
		want bool
	}{
		{1, 1.0, true}, {1, true, true}, {0, false, true}, {1, "1", false}, {nil, nil, true}, {nil, 0, false},
		{"a", "a", true}, {"a", Unsafe{V: "a"}, true},
		{[]any{1, "a"}, []any{1.0, "a"}, true}, {[]any{1}, Tuple{1}, false}, {Tuple{1}, Tuple{1}, true},
		{DictOf("a", 1, "b", 2), DictOf("b", 2, "a", 1), true},
		{DictOf("a", 1), DictOf("a", 2), false},
		{DictOf("a", 1), map[string]any{"a": 1}, true},
		{DictOf("a", 1), []any{"a"}, false},
		{big30, big30, true}, {big30, 1e30, false}, {new(big.Int).Lsh(big.NewInt(1), 70), math.Ldexp(1, 70), true}, {big30, 1, false}, {math.NaN(), math.NaN(), false},
		{custom{}, custom{}, true}, {[]any{}, "x", false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%s, %s) = %v, want %v", Repr(tt.a), Repr(tt.b), got, tt.want)
		}
	}
}
