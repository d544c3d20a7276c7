package template

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// versionOps are the version test's operators, in Ansible's order (its
// error message lists them).
var versionOps = []struct {
	name string
	cmp  func(int) bool
}{
	{"==", eq0}, {"=", eq0}, {"eq", eq0},
	{"<", lt0}, {"lt", lt0}, {"<=", le0}, {"le", le0},
	{">", gt0}, {"gt", gt0}, {">=", ge0}, {"ge", ge0},
	{"!=", ne0}, {"<>", ne0}, {"ne", ne0},
}

func eq0(c int) bool { return c == 0 }
func ne0(c int) bool { return c != 0 }
func lt0(c int) bool { return c < 0 }
func le0(c int) bool { return c <= 0 }
func gt0(c int) bool { return c > 0 }
func ge0(c int) bool { return c >= 0 }

var versionTypes = []string{"loose", "strict", "semver", "semantic", "pep440"}

// testVersion is Ansible's version test:
// value is version(other, operator='eq', strict=False, version_type=None),
// with its checks in its order.
func testVersion(_ *evaluator, v any, a args) (bool, error) {
	other, _ := a.get(0, "version")
	op, _ := a.str(1, "operator", "eq")
	strict := a.boolean(2, "strict", false)
	strictArg, _ := a.get(2, "strict")
	kindArg, _ := a.get(3, "version_type")
	kind := ""
	if kindArg != nil {
		kind = str(kindArg)
	}
	// As the test's "is not None" checks: strict=False counts too.
	if strictArg != nil && kindArg != nil {
		return false, fmt.Errorf("Cannot specify both 'strict' and 'version_type'")
	}
	if !truthy(v) {
		return false, fmt.Errorf("Input version value cannot be empty")
	}
	if !truthy(other) {
		return false, fmt.Errorf("Version parameter to compare against cannot be empty")
	}
	var cmp func(int) bool
	for _, o := range versionOps {
		if o.name == op {
			cmp = o.cmp
		}
	}
	if cmp == nil {
		names := make([]string, len(versionOps))
		for i, o := range versionOps {
			names[i] = "'" + o.name + "'"
		}
		return false, fmt.Errorf("Invalid operator type (%s). Must be one of %s", op, strings.Join(names, ", "))
	}
	switch {
	case strict:
		kind = "strict"
	case truthy(kindArg):
		known := false
		for _, k := range versionTypes {
			known = known || k == kind
		}
		if !known {
			return false, fmt.Errorf("Invalid version type (%s). Must be one of '%s'", kind, strings.Join(versionTypes, "', '"))
		}
	default:
		kind = "loose"
	}
	c, err := compareVersions(kind, str(v), str(other))
	if err != nil {
		return false, fmt.Errorf("Version comparison failed: %s", err)
	}
	return cmp(c), nil
}

// compareVersions compares two versions of a kind (-1, 0, 1).
func compareVersions(kind, left, right string) (int, error) {
	switch kind {
	case "strict":
		l, err := strictVersion(left)
		if err != nil {
			return 0, err
		}
		r, err := strictVersion(right)
		if err != nil {
			return 0, err
		}
		return compareParts(l, r)
	case "semver", "semantic":
		l, err := parseSemver(left)
		if err != nil {
			return 0, err
		}
		r, err := parseSemver(right)
		if err != nil {
			return 0, err
		}
		return l.compare(r), nil
	case "pep440":
		l, err := parsePEP440(left)
		if err != nil {
			return 0, err
		}
		r, err := parsePEP440(right)
		if err != nil {
			return 0, err
		}
		return l.compare(r), nil
	}
	return compareParts(looseVersion(left), looseVersion(right))
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
		return nil, fmt.Errorf("invalid version number '%s'", s)
	}
	n := func(x string) int { i, _ := strconv.Atoi(x); return i }
	parts := []any{n(m[1]), n(m[2]), n(m[4])}
	if m[5] == "" {
		// A final release sorts after its pre-releases.
		return append(parts, "z", 0), nil
	}
	return append(parts, m[5][:1], n(m[6])), nil
}

// compareParts compares version components as Python compares the lists
// of LooseVersion: a number and a string that meet are a TypeError
// (LooseVersion's _cmp tries < after ==, whatever the operator).
func compareParts(a, b []any) (int, error) {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		xi, xNum := x.(int)
		yi, yNum := y.(int)
		switch {
		case xNum && yNum:
			if c := compareInts(xi, yi); c != 0 {
				return c, nil
			}
		case xNum || yNum:
			return 0, fmt.Errorf("'<' not supported between instances of '%s' and '%s'", pyType(x), pyType(y))
		default:
			if c := strings.Compare(x.(string), y.(string)); c != 0 {
				return c, nil
			}
		}
	}
	return compareInts(len(a), len(b)), nil
}
