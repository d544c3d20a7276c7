package template

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// semver is ansible.utils.version.SemanticVersion: major.minor.patch,
// pre-release identifiers, build metadata (ignored when comparing).
type semver struct {
	core [3]*big.Int
	pre  []string
}

var semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:\d*[a-zA-Z-][0-9a-zA-Z-]*|[1-9]\d*|0)(?:\.(?:\d*[a-zA-Z-][0-9a-zA-Z-]*|[1-9]\d*|0))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func parseSemver(s string) (*semver, error) {
	m := semverPattern.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("invalid semantic version '%s'", s)
	}
	v := &semver{}
	for i := range 3 {
		v.core[i], _ = new(big.Int).SetString(m[i+1], 10)
	}
	if m[4] != "" {
		v.pre = strings.Split(m[4], ".")
	}
	return v, nil
}

func (v *semver) compare(o *semver) int {
	for i := range 3 {
		if c := v.core[i].Cmp(o.core[i]); c != 0 {
			return c
		}
	}
	// A release sorts after its pre-releases.
	switch {
	case v.pre == nil && o.pre == nil:
		return 0
	case v.pre == nil:
		return 1
	case o.pre == nil:
		return -1
	}
	for i := 0; i < len(v.pre) && i < len(o.pre); i++ {
		x, y := v.pre[i], o.pre[i]
		xn, xErr := strconv.Atoi(x)
		yn, yErr := strconv.Atoi(y)
		switch {
		case xErr == nil && yErr == nil:
			if c := compareInts(xn, yn); c != 0 {
				return c
			}
		case xErr == nil: // numeric identifiers sort first
			return -1
		case yErr == nil:
			return 1
		default:
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
		}
	}
	return compareInts(len(v.pre), len(o.pre))
}

// pep440 is packaging.version.Version, compared by its _cmpkey.
type pep440 struct {
	epoch   int
	release []int
	// pre, post and dev: rank -1 (sorts first), 0 (a value) or 1 (last).
	preRank, postRank, devRank int
	preTag                     string
	preN, postN, devN          int
	local                      []string
}

var pep440Pattern = regexp.MustCompile(`(?i)^\s*v?(?:(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)` +
	`([-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?([0-9]+)?)?` +
	`((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?` +
	`([-_.]?(dev)[-_.]?([0-9]+)?)?)` +
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$`)

func parsePEP440(s string) (*pep440, error) {
	m := pep440Pattern.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("Invalid version: '%s'", s)
	}
	num := func(x string) int { n, _ := strconv.Atoi(x); return n }
	v := &pep440{epoch: num(m[1])}
	for _, p := range strings.Split(m[2], ".") {
		v.release = append(v.release, num(p))
	}
	for len(v.release) > 1 && v.release[len(v.release)-1] == 0 {
		v.release = v.release[:len(v.release)-1]
	}
	if m[3] != "" {
		v.preTag = map[string]string{"alpha": "a", "beta": "b", "c": "rc", "pre": "rc", "preview": "rc"}[strings.ToLower(m[4])]
		if v.preTag == "" {
			v.preTag = strings.ToLower(m[4])
		}
		v.preN = num(m[5])
	}
	v.postRank, v.postN = -1, 0
	if m[6] != "" {
		v.postRank = 0
		v.postN = num(m[7] + m[9])
	}
	v.devRank = 1
	if m[10] != "" {
		v.devRank, v.devN = 0, num(m[12])
	}
	switch {
	case m[3] == "" && m[6] == "" && m[10] != "":
		v.preRank = -1 // 1.0.dev0 sorts before 1.0a0
	case m[3] == "":
		v.preRank = 1
	}
	if m[13] != "" {
		v.local = regexp.MustCompile(`[-_.]`).Split(strings.ToLower(m[13]), -1)
	}
	return v, nil
}

func (v *pep440) compare(o *pep440) int {
	if c := compareInts(v.epoch, o.epoch); c != 0 {
		return c
	}
	for i := 0; i < len(v.release) || i < len(o.release); i++ {
		switch {
		case i >= len(v.release):
			return -1
		case i >= len(o.release):
			return 1
		}
		if c := compareInts(v.release[i], o.release[i]); c != 0 {
			return c
		}
	}
	if c := compareInts(v.preRank, o.preRank); c != 0 {
		return c
	}
	if v.preRank == 0 {
		if c := strings.Compare(v.preTag, o.preTag); c != 0 {
			return c
		}
		if c := compareInts(v.preN, o.preN); c != 0 {
			return c
		}
	}
	if c := compareInts(v.postRank, o.postRank); c != 0 {
		return c
	}
	if c := compareInts(v.postN, o.postN); c != 0 {
		return c
	}
	if c := compareInts(v.devRank, o.devRank); c != 0 {
		return c
	}
	if c := compareInts(v.devN, o.devN); c != 0 {
		return c
	}
	return compareLocal(v.local, o.local)
}

// compareLocal orders local version labels: none first, then segment by
// segment, words before numbers.
func compareLocal(a, b []string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		an, aErr := strconv.Atoi(a[i])
		bn, bErr := strconv.Atoi(b[i])
		switch {
		case aErr == nil && bErr == nil:
			if c := compareInts(an, bn); c != 0 {
				return c
			}
		case aErr == nil:
			return 1
		case bErr == nil:
			return -1
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return compareInts(len(a), len(b))
}
