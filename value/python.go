package value

import (
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
)

// Unsafe marks data that came back from a host (registered results, facts)
// or an inline vault secret: it is never templated, even when it contains
// "{{". It prints, compares and dumps as the value it holds.
type Unsafe struct {
	V any
	// Vault is set for the plaintext of an inline !vault value: the
	// vault_encrypted test is true for a variable holding it.
	Vault bool
	// Ciphertext is a Vault value's vaulted text as the YAML held it,
	// which yaml.dump writes (as "!vault |") instead of the plaintext.
	Ciphertext string
}

// Tuple is a Python tuple: a list that prints with parentheses.
type Tuple []any

// Reprer is a value with a repr of its own: the template package's
// functions, namespaces and host variables.
type Reprer interface {
	Repr() string
}

// Str is Python's str().
func Str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case *big.Int:
		return x.String()
	case float64:
		return FormatFloat(x)
	case Unsafe:
		return Str(x.V)
	}
	return Repr(v)
}

// Repr is Python's repr().
func Repr(v any) string {
	var sb strings.Builder
	WriteRepr(&sb, v)
	return sb.String()
}

// WriteRepr writes Python's repr() of v to sb.
func WriteRepr(sb *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		sb.WriteString(Quote(x))
	case []any:
		writeItems(sb, '[', x, ']')
	case Tuple:
		if len(x) == 1 {
			sb.WriteByte('(')
			WriteRepr(sb, x[0])
			sb.WriteString(",)")
			return
		}
		writeItems(sb, '(', x, ')')
	case *Dict:
		sb.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(Quote(k))
			sb.WriteString(": ")
			WriteRepr(sb, x.vals[i])
		}
		sb.WriteByte('}')
	case map[string]any:
		// A Go map has no order of its own: sorted.
		WriteRepr(sb, FromMap(x))
	case nil, bool, int, *big.Int, float64:
		sb.WriteString(Str(v))
	case Unsafe:
		WriteRepr(sb, x.V)
	case Reprer:
		sb.WriteString(x.Repr())
	default:
		fmt.Fprintf(sb, "%v", v)
	}
}

func writeItems(sb *strings.Builder, open byte, items []any, close byte) {
	sb.WriteByte(open)
	for i, e := range items {
		if i > 0 {
			sb.WriteString(", ")
		}
		WriteRepr(sb, e)
	}
	sb.WriteByte(close)
}

// Quote quotes s the way Python's repr does.
func Quote(s string) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = '"'
	}
	var sb strings.Builder
	sb.Grow(len(s) + 2)
	sb.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			sb.WriteString(`\\`)
		case r == rune(q):
			sb.WriteByte('\\')
			sb.WriteByte(q)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte(q)
	return sb.String()
}

// FormatFloat is Python's repr() of a float: the shortest digits that read
// back the same, positional from 1e-4 up to 1e16, else with an exponent
// of at least two digits.
func FormatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs >= 1e16 || abs < 1e-4) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		if len(exp) < 2 {
			exp = fmt.Sprintf("%02s", exp)
		}
		return mant + "e" + string(sign) + exp
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// Truthy is Python's truth test.
func Truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int:
		return x != 0
	case *big.Int:
		return x.Sign() != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case Tuple:
		return len(x) > 0
	case *Dict:
		return x.Len() > 0
	case map[string]any:
		return len(x) > 0
	case Unsafe:
		return Truthy(x.V)
	}
	return true
}

// Equal is Python's ==. Dicts are equal whatever their order, as in Python;
// a list never equals a tuple.
func Equal(a, b any) bool {
	if u, ok := a.(Unsafe); ok {
		a = u.V
	}
	if u, ok := b.(Unsafe); ok {
		b = u.V
	}
	if ab, bb := isBig(a), isBig(b); ab || bb {
		fa, okA := bigFloat(a)
		fb, okB := bigFloat(b)
		return okA && okB && fa.Cmp(fb) == 0
	}
	if fa, ok := Float(a); ok {
		fb, ok := Float(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && equalItems(x, y)
	case Tuple:
		y, ok := b.(Tuple)
		return ok && equalItems(x, y)
	case *Dict:
		return equalDicts(x, b)
	case map[string]any:
		return equalDicts(FromMap(x), b)
	}
	return sameValue(a, b)
}

func equalDicts(x *Dict, b any) bool {
	var y *Dict
	switch m := b.(type) {
	case *Dict:
		y = m
	case map[string]any:
		y = FromMap(m)
	default:
		return false
	}
	if x.Len() != y.Len() {
		return false
	}
	for k, v := range x.All() {
		w, ok := y.Get(k)
		if !ok || !Equal(v, w) {
			return false
		}
	}
	return true
}

func equalItems(x, y []any) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !Equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

// sameValue compares values of other types by identity, without comparing
// uncomparable ones.
func sameValue(a, b any) bool {
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || (ta != nil && !ta.Comparable()) {
		return false
	}
	return a == b
}

// Float returns v as a float64 when it is a number: an int (the nearest
// float of a big one), a float or a bool (bools are ints in Python).
func Float(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func isBig(v any) bool {
	_, ok := v.(*big.Int)
	return ok
}

// bigFloat is v as an exact big.Float, for comparing big ints with other
// numbers.
func bigFloat(v any) (*big.Float, bool) {
	switch x := v.(type) {
	case *big.Int:
		return new(big.Float).SetInt(x), true
	case float64:
		if math.IsNaN(x) {
			return nil, false
		}
		return big.NewFloat(x), true
	case int:
		return new(big.Float).SetInt64(int64(x)), true
	case bool:
		if x {
			return big.NewFloat(1), true
		}
		return big.NewFloat(0), true
	}
	return nil, false
}

// ParseBool is Ansible's boolean() (module_utils.parsing.convert_bool):
// the booleans, the numbers 0 and 1, and the strings y/yes/on/1/true/t and
// n/no/off/0/false/f in any case and spacing.
func ParseBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case float64:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "y", "yes", "on", "1", "true", "t":
			return true, nil
		case "n", "no", "off", "0", "false", "f":
			return false, nil
		}
	}
	return false, fmt.Errorf("The value '%s' is not a valid boolean.", Str(v))
}

// ValidBooleans is the list Ansible's boolean(strict=True) error appends
// to "The value '...' is not a valid boolean.", in one order Python's set
// printing gives.
const ValidBooleans = "Valid booleans include: 0, 'on', 'f', 'false', 1, 'no', 'n', '1', '0', 't', 'y', 'off', 'yes', 'true'"
