package template

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/value"
)

// Ansible's math filters (ansible/plugins/filter/mathstuff.py): powers
// and logarithms on Python floats, itertools' combinatorics, and the byte
// size conversions of module_utils/common/text/formatters.py.
func init() {
	for name, fn := range map[string]filterFunc{
		"log":             filterLog,
		"pow":             filterPow,
		"root":            filterRoot,
		"product":         filterProduct,
		"permutations":    filterPermutations,
		"combinations":    filterCombinations,
		"human_readable":  filterHumanReadable,
		"human_to_bytes":  filterHumanToBytes,
		"rekey_on_member": filterRekeyOnMember,
	} {
		filters[name] = fn
	}
}

// realNumber is Python's float(x) as the math module takes its
// arguments: numbers and bools only.
func realNumber(v any) (float64, error) {
	if f, ok := value.Float(v); ok {
		if _, isBig := v.(*big.Int); isBig && math.IsInf(f, 0) {
			return 0, errors.New("int too large to convert to float")
		}
		return f, nil
	}
	return 0, fmt.Errorf("must be real number, not %s", pyType(v))
}

// mathResult is a float result of the math module, which raises instead
// of returning infinities and NaNs from finite input.
func mathResult(f float64, in ...float64) (any, error) {
	for _, x := range in {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return f, nil
		}
	}
	switch {
	case math.IsNaN(f):
		return nil, valueError("math domain error")
	case math.IsInf(f, 0):
		return nil, errors.New("math range error")
	}
	return f, nil
}

func filterLog(_ *evaluator, in any, a args) (any, error) {
	x, err := realNumber(in)
	if err != nil {
		return nil, fmt.Errorf("log() can only be used on numbers: %w", err)
	}
	baseArg, hasBase := a.get(0, "base")
	if !hasBase {
		if x <= 0 {
			return nil, valueError("math domain error")
		}
		return pyLog(x), nil
	}
	base, err := realNumber(baseArg)
	if err != nil {
		return nil, fmt.Errorf("log() can only be used on numbers: %w", err)
	}
	if x <= 0 || base <= 0 {
		return nil, valueError("math domain error")
	}
	if base == 10 {
		return pyLog10(x), nil
	}
	if base == 1 {
		return nil, zeroDivisionError("float division by zero")
	}
	return pyLog(x) / pyLog(base), nil
}

func filterPow(_ *evaluator, in any, a args) (any, error) {
	x, err := realNumber(in)
	if err == nil {
		var y float64
		if y, err = realNumber(a.at(0)); err == nil {
			if x == 0 && y < 0 || x < 0 && y != math.Trunc(y) {
				return nil, valueError("math domain error")
			}
			return mathResult(pyPow(x, y), x, y)
		}
	}
	return nil, fmt.Errorf("pow() can only be used on numbers: %w", err)
}

func filterRoot(_ *evaluator, in any, a args) (any, error) {
	fail := func(err error) error { return fmt.Errorf("root() can only be used on numbers: %v", err) }
	x, err := realNumber(in)
	if err != nil {
		return nil, fail(err)
	}
	baseArg, ok := a.get(0, "base")
	if !ok || value.Equal(baseArg, 2) {
		if x < 0 {
			return nil, fail(valueError("math domain error"))
		}
		return math.Sqrt(x), nil
	}
	var base float64
	switch b := baseArg.(type) {
	case string:
		base, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err != nil {
			return nil, fail(valueError("could not convert string to float: %s", value.Quote(b)))
		}
	default:
		if base, err = realNumber(b); err != nil {
			return nil, fail(fmt.Errorf("float() argument must be a string or a real number, not '%s'", pyType(b)))
		}
	}
	if base == 0 {
		return nil, zeroDivisionError("float division by zero")
	}
	if x < 0 && 1/base != math.Trunc(1/base) {
		return nil, fail(valueError("math domain error"))
	}
	r, err := mathResult(pyPow(x, 1/base), x)
	if err != nil {
		return nil, fail(err)
	}
	return r, nil
}

// filterProduct is itertools.product(in, *others, repeat=1).
func filterProduct(_ *evaluator, in any, a args) (any, error) {
	var pools [][]any
	for _, l := range append([]any{in}, a.pos...) {
		items, err := iterate(l)
		if err != nil {
			return nil, err
		}
		pools = append(pools, items)
	}
	repeat, err := a.integer(-1, "repeat", 1)
	if err != nil {
		return nil, err
	}
	if repeat < 0 {
		return nil, errors.New("repeat argument cannot be negative")
	}
	var all [][]any
	for range repeat {
		all = append(all, pools...)
	}
	total := 1
	for _, p := range all {
		total *= len(p)
		if total > maxListItems {
			return nil, checkItems(total)
		}
	}
	out := []any{tuple{}}
	for _, p := range all {
		next := make([]any, 0, len(out)*len(p))
		for _, prefix := range out {
			for _, x := range p {
				row := append(append(tuple{}, prefix.(tuple)...), x)
				next = append(next, row)
			}
		}
		out = next
	}
	return out, nil
}

// combinatoricR is the r argument of permutations and combinations.
func combinatoricR(a args, n int, required bool) (int, error) {
	v, ok := a.get(0, "r")
	if !ok || v == nil {
		if required {
			return 0, fmt.Errorf("%s() missing required argument 'r' (pos 2)", a.fn)
		}
		return n, nil
	}
	r, isInt := integer(v)
	if !isInt {
		return 0, fmt.Errorf("'%s' object cannot be interpreted as an integer", pyType(v))
	}
	if r < 0 {
		return 0, errors.New("r must be non-negative")
	}
	return r, nil
}

// filterPermutations is itertools.permutations(in, r=None), in its order.
func filterPermutations(_ *evaluator, in any, a args) (any, error) {
	pool, err := iterate(in)
	if err != nil {
		return nil, err
	}
	r, err := combinatoricR(a, len(pool), false)
	if err != nil {
		return nil, err
	}
	out := []any{}
	if r > len(pool) {
		return out, nil
	}
	used := make([]bool, len(pool))
	var cur tuple
	var walk func() error
	walk = func() error {
		if len(cur) == r {
			if len(out) >= maxListItems {
				return checkItems(len(out) + 1)
			}
			out = append(out, append(tuple{}, cur...))
			return nil
		}
		for i, x := range pool {
			if used[i] {
				continue
			}
			used[i] = true
			cur = append(cur, x)
			err := walk()
			cur = cur[:len(cur)-1]
			used[i] = false
			if err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk()
}

// filterCombinations is itertools.combinations(in, r), in its order.
func filterCombinations(_ *evaluator, in any, a args) (any, error) {
	pool, err := iterate(in)
	if err != nil {
		return nil, err
	}
	r, err := combinatoricR(a, len(pool), true)
	if err != nil {
		return nil, err
	}
	out := []any{}
	if r > len(pool) {
		return out, nil
	}
	var cur tuple
	var walk func(from int) error
	walk = func(from int) error {
		if len(cur) == r {
			if len(out) >= maxListItems {
				return checkItems(len(out) + 1)
			}
			out = append(out, append(tuple{}, cur...))
			return nil
		}
		for i := from; i <= len(pool)-(r-len(cur)); i++ {
			cur = append(cur, pool[i])
			err := walk(i + 1)
			cur = cur[:len(cur)-1]
			if err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(0)
}

// sizeRanges are formatters.SIZE_RANGES, largest first.
var sizeRanges = []struct {
	suffix string
	limit  float64
}{
	{"Y", 1 << 80}, {"Z", 1 << 70}, {"E", 1 << 60}, {"P", 1 << 50},
	{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1},
}

// filterHumanReadable is human_readable(isbits=False, unit=None):
// formatters.bytes_to_human.
func filterHumanReadable(_ *evaluator, in any, a args) (any, error) {
	size, ok := value.Float(in)
	if !ok {
		if in == nil {
			return nil, errors.New("human_readable() failed on bad input: '>=' not supported between instances of 'NoneType' and 'int'")
		}
		return nil, fmt.Errorf("human_readable() failed on bad input: '>=' not supported between instances of '%s' and 'int'", pyType(in))
	}
	base := "Bytes"
	if a.boolean(0, "isbits", false) {
		base = "bits"
	}
	unitArg, hasUnit := a.get(1, "unit")
	unit := ""
	if hasUnit && unitArg != nil {
		unit = strings.ToUpper(str(unitArg))
	} else {
		hasUnit = false
	}
	var suffix string
	var limit float64
	for _, r := range sizeRanges {
		suffix, limit = r.suffix, r.limit
		if !hasUnit && size >= limit || hasUnit && unit != "" && unit[0] == r.suffix[0] {
			break
		}
	}
	if limit != 1 {
		suffix += base[:1]
	} else {
		suffix = base
	}
	return fmt.Sprintf("%.2f %s", size/limit, suffix), nil
}

var humanSize = regexp.MustCompile(`^\s*(\d*\.?\d*)\s*([A-Za-z]+)?`)

// filterHumanToBytes is human_to_bytes(default_unit=None, isbits=False):
// formatters.human_to_bytes. Ansible replaces every failure of the
// conversion with one message.
func filterHumanToBytes(_ *evaluator, in any, a args) (any, error) {
	text := str(in)
	fail := fmt.Errorf("human_to_bytes() can't interpret following string: %s", text)
	m := humanSize.FindStringSubmatch(text)
	if m == nil {
		return nil, fail
	}
	num, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return nil, fail
	}
	unit := m[2]
	if unit == "" {
		if d, ok := a.get(0, "default_unit"); ok && d != nil {
			unit = str(d)
		}
	}
	if unit == "" {
		return pyRound(num), nil
	}
	key := strings.ToUpper(unit[:1])
	var limit float64
	for _, r := range sizeRanges {
		if r.suffix == key {
			limit = r.limit
		}
	}
	if limit == 0 {
		return nil, fail
	}
	class, className := "B", "byte"
	if a.boolean(1, "isbits", false) {
		class, className = "b", "bit"
	}
	if len(unit) > 1 && !strings.Contains(strings.ToLower(unit), className) && unit[1:2] != class {
		return nil, fail
	}
	return pyRound(num * limit), nil
}

// pyRound is int(round(f)): halves round to even.
func pyRound(f float64) any {
	r := math.RoundToEven(f)
	if math.Abs(r) < 1<<62 {
		return int(r)
	}
	b, _ := new(big.Float).SetFloat64(r).Int(nil)
	return intValue(b)
}

// filterRekeyOnMember is rekey_on_member(key, duplicates='error'): a dict
// of the dicts in the input, keyed by their member key.
func filterRekeyOnMember(_ *evaluator, in any, a args) (any, error) {
	key, _ := a.get(0, "key")
	if err := strict(key); err != nil {
		return nil, err
	}
	dup, err := a.str(1, "duplicates", "error")
	if err != nil {
		return nil, err
	}
	if dup != "error" && dup != "overwrite" {
		return nil, fmt.Errorf("duplicates parameter to rekey_on_member has unknown value: %s", dup)
	}
	var items []any
	switch x := in.(type) {
	case *dict:
		for _, e := range x.All() {
			items = append(items, e)
		}
	case string:
		return nil, errors.New("Type is not a valid list, set, or dict")
	default:
		if items, err = iterate(in); err != nil {
			return nil, errors.New("Type is not a valid list, set, or dict")
		}
	}
	out := newDict(len(items))
	for _, item := range items {
		m, ok := item.(*dict)
		if !ok {
			return nil, errors.New("List item is not a valid dict")
		}
		v, ok := m.Get(str(key))
		if !ok {
			return nil, fmt.Errorf("Key %s was not found", str(key))
		}
		k := str(v)
		if prev, ok := out.Get(k); ok && truthy(prev) {
			if dup == "error" {
				return nil, fmt.Errorf("Key %s is not unique, cannot correctly turn into dict", k)
			}
		}
		out.Set(k, m)
	}
	return out, nil
}
