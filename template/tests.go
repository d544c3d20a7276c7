package template

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// testFunc implements a Jinja2 test: value is name(args).
type testFunc func(ev *evaluator, v any, a args) (bool, error)

var tests map[string]testFunc

// lenientTests accept an undefined value instead of failing on it. As in
// Jinja2, an undefined value is simply not a string, number, mapping...
// (and, being a Python object with __call__, is callable); the other tests
// use the value and so fail on it.
var lenientTests = map[string]bool{
	"defined": true, "undefined": true, "none": true, "boolean": true,
	"false": true, "true": true, "string": true, "number": true,
	"integer": true, "float": true, "mapping": true, "sequence": true,
	"callable": true, "sameas": true, "in": true,
}

func init() {
	tests = map[string]testFunc{
		"defined":   func(_ *evaluator, v any, _ args) (bool, error) { return !isUndefined(v), nil },
		"undefined": func(_ *evaluator, v any, _ args) (bool, error) { return isUndefined(v), nil },
		"none":      func(_ *evaluator, v any, _ args) (bool, error) { return v == nil, nil },
		"boolean":   typeTest(func(v any) bool { _, ok := v.(bool); return ok }),
		"false":     func(_ *evaluator, v any, _ args) (bool, error) { return v == false, nil },
		"true":      func(_ *evaluator, v any, _ args) (bool, error) { return v == true, nil },
		"string":    typeTest(func(v any) bool { _, ok := v.(string); return ok }),
		"number": typeTest(func(v any) bool {
			switch v.(type) {
			case int, *big.Int, float64, bool: // Python's bool is a Number
				return true
			}
			return false
		}),
		"integer": typeTest(func(v any) bool { _, isBool := v.(bool); return isInt(v) && !isBool }),
		"float":   typeTest(func(v any) bool { _, ok := v.(float64); return ok }),
		"mapping": typeTest(func(v any) bool {
			switch v.(type) {
			case *dict, *varsValue, *hostVarsValue:
				return true
			}
			return false
		}),
		"sequence": typeTest(func(v any) bool {
			switch v.(type) {
			case []any, tuple, string, *dict, *hostVarsValue:
				return true
			}
			return false
		}),
		"iterable": typeTest(func(v any) bool { _, err := iterate(v); return err == nil }),
		"callable": typeTest(func(v any) bool {
			switch v.(type) {
			case *function, *undefined:
				return true
			}
			return false
		}),
		"lower": typeTest(func(v any) bool { s, ok := v.(string); return ok && s == strings.ToLower(s) }),
		"upper": typeTest(func(v any) bool { s, ok := v.(string); return ok && s == strings.ToUpper(s) }),
		"odd":   remainderTest(2, 1),
		"even":  remainderTest(2, 0),
		"divisibleby": func(_ *evaluator, v any, a args) (bool, error) {
			if !isInt(v) || !isInt(a.at(0)) {
				return false, fmt.Errorf("divisibleby requires integers")
			}
			m, _, err := intArithmetic("%", v, a.at(0))
			return err == nil && m == 0, err
		},
		"eq": cmpTest("=="), "equalto": cmpTest("=="), "==": cmpTest("=="),
		"ne": cmpTest("!="), "!=": cmpTest("!="),
		"lt": cmpTest("<"), "lessthan": cmpTest("<"), "<": cmpTest("<"),
		"le": cmpTest("<="), "<=": cmpTest("<="),
		"gt": cmpTest(">"), "greaterthan": cmpTest(">"), ">": cmpTest(">"),
		"ge": cmpTest(">="), ">=": cmpTest(">="),
		"sameas": func(_ *evaluator, v any, a args) (bool, error) { return same(v, a.at(0)), nil },
		"in":     testIn,
		"contains": func(_ *evaluator, v any, a args) (bool, error) {
			return contains(v, a.at(0))
		},
		"truthy": func(_ *evaluator, v any, _ args) (bool, error) { return truthy(v), nil },
		"falsy":  func(_ *evaluator, v any, _ args) (bool, error) { return !truthy(v), nil },
		"match":  regexTest("match"), "search": regexTest("search"), "regex": regexTest(""),
		"version": testVersion, "version_compare": testVersion,
		"subset": func(_ *evaluator, v any, a args) (bool, error) { return subset(v, a.at(0)) },
		"superset": func(_ *evaluator, v any, a args) (bool, error) {
			return subset(a.at(0), v)
		},
		"abs": func(_ *evaluator, v any, _ args) (bool, error) {
			s, ok := v.(string)
			return ok && strings.HasPrefix(s, "/"), nil
		},
	}
	// Tests on registered task results: failed, changed, skipped and
	// unreachable return the result's own value, which Jinja2 hands back
	// as it is ({{ r is changed }} can print "yes").
	for _, name := range []string{"failed", "failure"} {
		resultTests[name] = resultField("failed", "failed")
	}
	for _, name := range []string{"succeeded", "success", "successful"} {
		resultTests[name] = negated(resultField("failed", "failed"))
	}
	resultTests["changed"] = func(v any) (any, error) {
		r, ok := v.(*dict)
		if !ok {
			return nil, errors.New("The 'changed' test expects a dictionary")
		}
		if c, ok := r.Get("changed"); ok {
			return c, nil
		}
		// A looped result: changed when one of its items is.
		if items, ok := field(r, "results").([]any); ok && len(items) > 0 {
			if _, isDict := items[0].(*dict); isDict {
				for _, it := range items {
					if d, ok := it.(*dict); ok && truthy(field(d, "changed")) {
						return true, nil
					}
				}
			}
		}
		return false, nil
	}
	resultTests["change"] = resultTests["changed"]
	resultTests["skipped"] = resultField("skipped", "skipped")
	resultTests["skip"] = resultTests["skipped"]
	resultTests["unreachable"] = resultField("unreachable", "unreachable")
	resultTests["reachable"] = negated(resultField("unreachable", "unreachable"))
	resultTests["finished"] = func(v any) (any, error) {
		r, ok := v.(*dict)
		if !ok {
			return nil, errors.New("The 'finished' test expects a dictionary")
		}
		if f, ok := r.Get("finished"); ok {
			return value.Equal(f, 1), nil
		}
		return true, nil
	}
	for name, fn := range resultTests {
		tests[name] = func(_ *evaluator, v any, _ args) (bool, error) {
			r, err := fn(v)
			return truthy(r), err
		}
	}
}

// resultTests are the tests on registered results, by name.
var resultTests = map[string]func(v any) (any, error){}

// resultField is a result test returning result.get(key, False); its
// error names the test as Ansible's function is named.
func resultField(test, key string) func(any) (any, error) {
	return func(v any) (any, error) {
		r, ok := v.(*dict)
		if !ok {
			return nil, fmt.Errorf("The '%s' test expects a dictionary", test)
		}
		if x, ok := r.Get(key); ok {
			return x, nil
		}
		return false, nil
	}
}

func negated(fn func(any) (any, error)) func(any) (any, error) {
	return func(v any) (any, error) {
		r, err := fn(v)
		return !truthy(r), err
	}
}

// testIn is "v is in(seq)". An undefined v is only an error when
// something in seq gets compared with it.
func testIn(_ *evaluator, v any, a args) (bool, error) {
	if isUndefined(v) {
		if items, err := iterate(a.at(0)); err == nil && len(items) == 0 {
			return false, nil
		}
		return false, strict(v)
	}
	return contains(a.at(0), v)
}

func isUndefined(v any) bool {
	_, ok := v.(*undefined)
	return ok
}

func typeTest(fn func(any) bool) testFunc {
	return func(_ *evaluator, v any, _ args) (bool, error) { return fn(v), nil }
}

// remainderTest is "v % by == want" for ints of any size.
func remainderTest(by, want int) testFunc {
	return func(_ *evaluator, v any, _ args) (bool, error) {
		if !isInt(v) {
			return false, nil
		}
		m, _, err := intArithmetic("%", v, by)
		return err == nil && m == want, err
	}
}

func cmpTest(op string) testFunc {
	return func(_ *evaluator, v any, a args) (bool, error) {
		r, err := binary(op, v, a.at(0))
		return r == true, err
	}
}

// field is a key of a result, or None.
func field(r *dict, key string) any {
	v, _ := r.Get(key)
	return v
}

// regexTest is Ansible's match (re.match), search (re.search) and regex
// (whose match_type picks one of re.match, re.search and re.fullmatch).
// Arguments: pattern, ignorecase, multiline[, match_type].
func regexTest(fixedMode string) testFunc {
	return func(_ *evaluator, v any, a args) (bool, error) {
		pattern, _ := a.str(0, "pattern", "")
		mode := fixedMode
		if mode == "" {
			mode, _ = a.str(3, "match_type", "search")
		}
		re, err := compileRegex(pattern, regexFlags(a, 1))
		if err != nil {
			return false, err
		}
		var m *pyre.Match
		switch mode {
		case "match":
			m, err = re.Match(str(v))
		case "fullmatch":
			m, err = re.FullMatch(str(v))
		case "search":
			m, err = re.Search(str(v))
		default:
			return false, fmt.Errorf("'re' module has no attribute '%s'", mode)
		}
		return m != nil, err
	}
}

func subset(a, b any) (bool, error) {
	items, err := iterate(a)
	if err != nil {
		return false, err
	}
	for _, x := range items {
		in, err := contains(b, x)
		if err != nil || !in {
			return false, err
		}
	}
	return true, nil
}

func (ev *evaluator) evalTest(n *syntax.TestExpr, f *frame) (any, error) {
	fn, ok := tests[n.Name]
	if !ok {
		return nil, &syntax.Error{Line: n.Line(), Msg: fmt.Sprintf("Could not load \"%s\": '%s'", n.Name, n.Name)}
	}
	if n.Name == "vault_encrypted" {
		// The test looks at the variable as written, not its plaintext.
		return ev.isVaulted(n.In, f) != n.Negate, nil
	}
	v, err := ev.eval(n.In, f)
	if err != nil {
		return nil, err
	}
	if !lenientTests[n.Name] {
		if err := strict(v); err != nil {
			return nil, err
		}
	}
	pos, kw, err := ev.evalArgs(n.Args, n.Kwargs, f)
	if err != nil {
		return nil, err
	}
	if raw, ok := resultTests[n.Name]; ok {
		r, err := raw(v)
		if err != nil || !n.Negate {
			return r, err
		}
		return !truthy(r), nil
	}
	r, err := fn(ev, v, args{n.Name, pos, kw})
	if err != nil {
		return nil, err
	}
	return r != n.Negate, nil
}

// callTest calls a test by name, for select() and friends.
func (ev *evaluator) callTest(name string, v any, pos []any) (bool, error) {
	fn, ok := tests[name]
	if !ok {
		return false, fmt.Errorf("No test named '%s'.", name)
	}
	if !lenientTests[name] {
		if err := strict(v); err != nil {
			return false, err
		}
	}
	return fn(ev, v, args{name, pos, nil})
}
