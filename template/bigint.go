package template

import (
	"fmt"
	"math"
	"math/big"

	"github.com/gansible/gansible/value"
)

// Python's integers have no bound. Here an int is a Go int while it fits
// and a *big.Int (never one that fits an int) once an operation overflows;
// every integer operation below promotes on overflow and demotes results
// that fit again.

// maxIntBits bounds the integers a template may build.
const maxIntBits = value.MaxIntBits

// isInt reports whether v is a Python int (or bool, which is one).
func isInt(v any) bool {
	switch v.(type) {
	case int, bool, *big.Int:
		return true
	}
	return false
}

// bigOf returns an int-like value as a new *big.Int.
func bigOf(v any) *big.Int {
	switch x := v.(type) {
	case *big.Int:
		return new(big.Int).Set(x)
	case int:
		return big.NewInt(int64(x))
	case bool:
		if x {
			return big.NewInt(1)
		}
	}
	return new(big.Int)
}

// intValue demotes a *big.Int that fits an int.
func intValue(b *big.Int) any {
	if b.IsInt64() {
		return int(b.Int64())
	}
	return b
}

// bigFloat converts a big int to float64 as Python's float() does.
func bigFloat(b *big.Int) (float64, error) {
	f, _ := new(big.Float).SetInt(b).Float64()
	if math.IsInf(f, 0) {
		return 0, fmt.Errorf("int too large to convert to float (OverflowError)")
	}
	return f, nil
}

func tooManyBits() error {
	return &limitError{fmt.Sprintf("value too large: integer result of more than %d bits", maxIntBits)}
}

// intArithmetic applies op to two ints exactly; ok is false for operators
// whose int result is not an int (/).
func intArithmetic(op string, a, b any) (v any, ok bool, err error) {
	ia, aSmall := integer(a)
	ib, bSmall := integer(b)
	if aSmall && bSmall {
		switch op {
		case "+":
			if r := ia + ib; (ia^r)&(ib^r) >= 0 {
				return r, true, nil
			}
		case "-":
			if r := ia - ib; (ia^ib)&(ia^r) >= 0 {
				return r, true, nil
			}
		case "*":
			if ia == 0 || ib == 0 {
				return 0, true, nil
			}
			r := ia * ib
			if r/ib == ia && !(ia == -1 && ib == math.MinInt) && !(ib == -1 && ia == math.MinInt) {
				return r, true, nil
			}
		case "//", "%":
			if ib == 0 {
				return nil, true, intZeroDivision(op)
			}
			if !(ia == math.MinInt && ib == -1) {
				q, m := ia/ib, ia%ib
				if m != 0 && (m < 0) != (ib < 0) {
					q, m = q-1, m+ib
				}
				if op == "//" {
					return q, true, nil
				}
				return m, true, nil
			}
		}
	}
	x, y := bigOf(a), bigOf(b)
	switch op {
	case "+":
		return intValue(x.Add(x, y)), true, nil
	case "-":
		return intValue(x.Sub(x, y)), true, nil
	case "*":
		if x.BitLen()+y.BitLen() > maxIntBits {
			return nil, true, tooManyBits()
		}
		return intValue(x.Mul(x, y)), true, nil
	case "//", "%":
		if y.Sign() == 0 {
			return nil, true, intZeroDivision(op)
		}
		q, m := new(big.Int).QuoRem(x, y, new(big.Int))
		if m.Sign() != 0 && (m.Sign() < 0) != (y.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
			m.Add(m, y)
		}
		if op == "//" {
			return intValue(q), true, nil
		}
		return intValue(m), true, nil
	case "**":
		if y.Sign() < 0 {
			return nil, false, nil // a float, as in Python
		}
		return intPow(x, y)
	}
	return nil, false, nil
}

// intPow is x ** y for y >= 0, refused before it is computed when the
// result would exceed maxIntBits.
func intPow(x, y *big.Int) (any, bool, error) {
	switch {
	case y.Sign() == 0:
		return 1, true, nil
	case x.CmpAbs(big.NewInt(1)) <= 0:
		// 0, 1 and -1 stay small whatever the exponent.
		if x.Sign() < 0 && y.Bit(0) == 0 {
			return 1, true, nil
		}
		return intValue(x), true, nil
	}
	if !y.IsInt64() || (int64(x.BitLen())-1)*y.Int64() > maxIntBits {
		return nil, true, tooManyBits()
	}
	return intValue(x.Exp(x, y, nil)), true, nil
}

// intNeg is Python's -x for an int.
func intNeg(v any) any {
	if i, ok := integer(v); ok && i != math.MinInt {
		return -i
	}
	b := bigOf(v)
	return intValue(b.Neg(b))
}

// compareBig orders a and b when either is a big int and both are
// numbers; ok is false otherwise. NaN compares as unordered (ok false
// with c 2).
func compareBig(a, b any) (c int, ok bool) {
	_, aBig := a.(*big.Int)
	_, bBig := b.(*big.Int)
	if !aBig && !bBig {
		return 0, false
	}
	toFloat := func(v any) (*big.Float, bool) {
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) {
				return nil, false
			}
			return big.NewFloat(x), true
		}
		if isInt(v) {
			return new(big.Float).SetInt(bigOf(v)), true
		}
		return nil, false
	}
	fa, okA := toFloat(a)
	fb, okB := toFloat(b)
	if !okA || !okB {
		return 2, false
	}
	return fa.Cmp(fb), true
}

// floatToInt is Python's int(f): truncation, exact for large floats; inf
// and nan have no int.
func floatToInt(f float64) (any, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	if f > -(1<<63) && f < 1<<63 {
		return int(f), true
	}
	b, _ := big.NewFloat(f).Int(nil)
	return intValue(b), true
}

// isSmallInt reports whether v is an int that fits a Go int.
func isSmallInt(v any) bool {
	_, ok := v.(int)
	return ok
}

// intZeroDivision is Python's ZeroDivisionError for an int // or % by
// zero, whose words differ by operator.
func intZeroDivision(op string) error {
	if op == "%" {
		return zeroDivisionError("integer modulo by zero")
	}
	return zeroDivisionError("integer division or modulo by zero")
}
