package value

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// MaxIntBits bounds the integers a template may build or write (about
// 315,000 decimal digits), so that 2**10**10 fails instead of running for
// ever.
const MaxIntBits = 1 << 20

// ParseInt is Python's int(s, base) for a string of digits (an optional
// sign, no prefix), of any length up to MaxIntBits: an int while it fits,
// a *big.Int beyond.
func ParseInt(s string, base int) (any, bool) {
	if base != 0 && (base < 2 || base > 36) {
		return nil, false // Python: ValueError, int() base must be >= 2 and <= 36, or 0
	}
	if n, err := strconv.ParseInt(s, base, 64); err == nil {
		return int(n), true
	}
	if len(s) > MaxIntBits/3 || strings.HasPrefix(s, "+-") || strings.HasPrefix(s, "-+") {
		return nil, false
	}
	b, ok := new(big.Int).SetString(strings.TrimPrefix(s, "+"), base)
	if !ok {
		return nil, false
	}
	if b.IsInt64() {
		return int(b.Int64()), true
	}
	return b, true
}

// PyInt is Python's int() of a value that must fit a Go int (a count, a
// size, a column): a bool is 0 or 1, a float is cut to its integer part,
// and a string is read as int(s) reads it, with white space around it,
// one sign and single underscores between digits. The error is Python's
// for what int() refuses.
func PyInt(v any) (int, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case int:
		return x, nil
	case Unsafe:
		return PyInt(x.V)
	case *big.Int:
		return 0, errors.New("Python int too large to convert to C ssize_t")
	case float64:
		switch {
		case math.IsNaN(x):
			return 0, errors.New("cannot convert float NaN to integer")
		case math.IsInf(x, 0):
			return 0, errors.New("cannot convert float infinity to integer")
		}
		return int(x), nil
	case string:
		if n, ok := pyIntString(x); ok {
			return n, nil
		}
		return 0, fmt.Errorf("invalid literal for int() with base 10: %s", Repr(x))
	}
	return 0, fmt.Errorf("int() argument must be a string, a bytes-like object or a real number, not '%s'", TypeName(v))
}

// pyIntString is int(s) in base 10.
func pyIntString(s string) (int, bool) {
	s = strings.TrimFunc(s, IsPySpace)
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 || body == "" || strings.HasPrefix(body, "_") || strings.HasSuffix(body, "_") || strings.Contains(body, "__") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	return n, err == nil
}

// IsPySpace is Python's str.isspace for one character.
func IsPySpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }
