package value

import (
	"math/big"
	"strconv"
	"strings"
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
