package template

import (
	"math"
	"math/big"
)

// Python's math.log, math.log10 and math.pow call the C library, whose
// results are correctly rounded; Go's math package may be one unit in the
// last place off (math.Pow(27, 1.0/3) is 2.9999999999999996, Python says
// 3.0). These compute with 160-bit big.Floats and round once.

const wideBits = 160

func wide(f float64) *big.Float { return new(big.Float).SetPrec(wideBits).SetFloat64(f) }

// wideLn2 is ln 2 = 2 atanh(1/3), at wide precision.
var wideLn2 = func() *big.Float {
	third := new(big.Float).SetPrec(wideBits).Quo(wide(1), wide(3))
	r := wideAtanh(third)
	return r.Mul(r, wide(2))
}()

// wideAtanh sums z + z^3/3 + z^5/5 ... for |z| <= 1/3.
func wideAtanh(z *big.Float) *big.Float {
	sum := new(big.Float).SetPrec(wideBits).Set(z)
	z2 := new(big.Float).SetPrec(wideBits).Mul(z, z)
	pow := new(big.Float).SetPrec(wideBits).Set(z)
	term := new(big.Float).SetPrec(wideBits)
	for k := 3; k < 400; k += 2 {
		pow.Mul(pow, z2)
		term.Quo(pow, wide(float64(k)))
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -wideBits {
			break
		}
		sum.Add(sum, term)
	}
	return sum
}

// wideLog is ln x for a finite x > 0.
func wideLog(x float64) *big.Float {
	frac, exp := math.Frexp(x) // x = frac * 2^exp, frac in [0.5, 1)
	if frac < math.Sqrt2/2 {
		frac *= 2
		exp--
	}
	m := wide(frac)
	num := new(big.Float).SetPrec(wideBits).Sub(m, wide(1))
	den := new(big.Float).SetPrec(wideBits).Add(m, wide(1))
	r := wideAtanh(num.Quo(num, den))
	r.Mul(r, wide(2))
	e := new(big.Float).SetPrec(wideBits).Mul(wideLn2, wide(float64(exp)))
	return r.Add(r, e)
}

// wideExp is e^t, as a float64 (with overflow to ±Inf and underflow to 0).
func wideExp(t *big.Float) float64 {
	tf, _ := t.Float64()
	if tf > 710 {
		return math.Inf(1)
	}
	if tf < -746 {
		return 0
	}
	k := math.Round(tf / math.Ln2)
	r := new(big.Float).SetPrec(wideBits).Mul(wideLn2, wide(k))
	r.Sub(t, r) // |r| <= ln2/2
	sum := wide(1)
	term := wide(1)
	for n := 1; n < 200; n++ {
		term.Mul(term, r)
		term.Quo(term, wide(float64(n)))
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -wideBits {
			break
		}
		sum.Add(sum, term)
	}
	sum.SetMantExp(sum, int(k))
	f, _ := sum.Float64()
	return f
}

// pyLog is math.log(x) for a finite x > 0.
func pyLog(x float64) float64 {
	if math.IsInf(x, 1) {
		return x
	}
	f, _ := wideLog(x).Float64()
	return f
}

// pyLog10 is math.log10(x) for x > 0.
func pyLog10(x float64) float64 {
	if math.IsInf(x, 1) {
		return x
	}
	r := wideLog(x)
	r.Quo(r, wideLog(10))
	f, _ := r.Float64()
	return f
}

// pyPow is math.pow(x, y) where the result is a real number.
func pyPow(x, y float64) float64 {
	switch {
	case x == 1 || y == 0:
		return 1
	case math.IsInf(x, 0) || math.IsInf(y, 0) || math.IsNaN(x) || math.IsNaN(y) || x == 0:
		return math.Pow(x, y)
	case y == math.Trunc(y) && math.Abs(y) <= 64:
		// Exact powers (2**10) stay exact: the product of wide floats
		// rounds once.
		p := wide(1)
		b := wide(x)
		for range int(math.Abs(y)) {
			p.Mul(p, b)
		}
		if y < 0 {
			p.Quo(wide(1), p)
		}
		f, _ := p.Float64()
		return f
	}
	neg := x < 0 // only reached with an integral y
	t := wideLog(math.Abs(x))
	t.Mul(t, wide(y))
	r := wideExp(t)
	if neg && math.Mod(y, 2) != 0 {
		r = -r
	}
	return r
}
