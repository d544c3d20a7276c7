package template

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// testVersion is Ansible's version test:
// value is version(other, operator='eq', strict=False, version_type='loose').
func testVersion(_ *evaluator, v any, a args) (bool, error) {
	other, ok := a.get(0, "version")
	if !ok {
		return false, fmt.Errorf("version test requires a version to compare with")
	}
	op, _ := a.str(1, "operator", "eq")
	kind, _ := a.str(3, "version_type", "loose")
	if a.boolean(2, "strict", false) {
		kind = "strict"
	}
	left, right := str(v), str(other)
	var c int
	switch kind {
	case "strict":
		l, err := strictVersion(left)
		if err != nil {
			return false, err
		}
		r, err := strictVersion(right)
		if err != nil {
			return false, err
		}
		c = compareParts(l, r)
	case "loose", "semver", "semantic", "pep440":
		c = compareParts(looseVersion(left), looseVersion(right))
	default:
		return false, fmt.Errorf("version_type: %s is not a valid version type", kind)
	}
	switch op {
	case "<", "lt":
		return c < 0, nil
	case "<=", "le":
		return c <= 0, nil
	case ">", "gt":
		return c > 0, nil
	case ">=", "ge":
		return c >= 0, nil
	case "==", "=", "eq":
		return c == 0, nil
	case "!=", "<>", "ne":
		return c != 0, nil
	}
	return false, fmt.Errorf("Invalid operator type (%s)", op)
}

var looseComponent = regexp.MustCompile(`\d+|[a-zA-Z]+`)

// looseVersion splits a version like distutils' LooseVersion: runs of
// digits become numbers, runs of letters stay strings.
func looseVersion(s string) []any {
	var parts []any
	for _, p := range looseComponent.FindAllString(s, -1) {
		if n, err := strconv.Atoi(p); err == nil {
			parts = append(parts, n)
		} else {
			parts = append(parts, p)
		}
	}
	return parts
}

var strictPattern = regexp.MustCompile(`^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$`)

// strictVersion parses like distutils' StrictVersion: "1.2", "1.2.3",
// optionally with a pre-release tag "a1"/"b2".
func strictVersion(s string) ([]any, error) {
	m := strictPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil, fmt.Errorf("Version comparison failed: invalid version number '%s'", s)
	}
	n := func(x string) int { i, _ := strconv.Atoi(x); return i }
	parts := []any{n(m[1]), n(m[2]), n(m[4])}
	if m[5] == "" {
		// A final release sorts after its pre-releases.
		return append(parts, "z", 0), nil
	}
	return append(parts, m[5][:1], n(m[6])), nil
}

func compareParts(a, b []any) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		xi, xNum := x.(int)
		yi, yNum := y.(int)
		switch {
		case xNum && yNum:
			if c := compareInts(xi, yi); c != 0 {
				return c
			}
		case xNum:
			return 1 // numbers sort after strings ("1.0" > "1.0a"? no: 1.0.1 > 1.0.a)
		case yNum:
			return -1
		default:
			if c := strings.Compare(x.(string), y.(string)); c != 0 {
				return c
			}
		}
	}
	return compareInts(len(a), len(b))
}
