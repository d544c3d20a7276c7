package output

import (
	"math/big"
	"testing"
)

func TestJSONLikePython(t *testing.T) {
	tests := []struct {
		v      any
		indent int
		want   string
	}{
		{map[string]any{"msg": "hi", "changed": false}, 0, `{"changed": false, "msg": "hi"}`},
		{map[string]any{"msg": "hi"}, 4, "{\n    \"msg\": \"hi\"\n}"},
		{[]any{1, "a\nb", nil, 2.5, 3.0}, 0, `[1, "a\nb", null, 2.5, 3.0]`},
		{map[string]any{"l": []any{1, 2}}, 4, "{\n    \"l\": [\n        1,\n        2\n    ]\n}"},
		{map[string]any{}, 4, "{}"},
		{"é", 0, `"é"`},
		{[]any{new(big.Int).Lsh(big.NewInt(1), 64), 3}, 0, `[18446744073709551616, 3]`},
		{struct{ N *big.Int }{new(big.Int).Lsh(big.NewInt(1), 70)}, 0, `{"N": 1180591620717411303424}`},
	}
	for _, tt := range tests {
		if got := JSON(tt.v, tt.indent); got != tt.want {
			t.Errorf("JSON(%#v, %d) = %q, want %q", tt.v, tt.indent, got, tt.want)
		}
	}
}
