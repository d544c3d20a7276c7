package modules

// The part of Python's packaging that the pip module uses to tell whether
// an installed version satisfies a requirement: PEP 440 versions, their
// order, and specifier sets (Requirement.specifier.contains with
// prereleases=True). Legacy versions that PEP 440 cannot read are not
// supported: the task fails naming the version.

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

var pep440Re = regexp.MustCompile(`(?i)^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)` +
	`(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?` +
	`(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?` +
	`(?:[-_.]?(dev)[-_.]?(\d+)?)?` +
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$`)

// pyVersion is a parsed PEP 440 version.
type pyVersion struct {
	epoch   int
	release []int
	pre     *[2]int // phase (0 a, 1 b, 2 rc) and number
	post    *int
	dev     *int
	local   string
}

func parsePyVersion(s string) (pyVersion, bool) {
	m := pep440Re.FindStringSubmatch(s)
	if m == nil {
		return pyVersion{}, false
	}
	num := func(x string) int { n, _ := strconv.Atoi(x); return n }
	v := pyVersion{epoch: num(m[1]), local: strings.ToLower(m[10])}
	for _, p := range strings.Split(m[2], ".") {
		v.release = append(v.release, num(p))
	}
	if m[3] != "" {
		phase := map[string]int{"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}[strings.ToLower(m[3])]
		v.pre = &[2]int{phase, num(m[4])}
	}
	switch {
	case m[5] != "":
		n := num(m[5])
		v.post = &n
	case m[6] != "":
		n := num(m[7])
		v.post = &n
	}
	if m[8] != "" {
		n := num(m[9])
		v.dev = &n
	}
	return v, true
}

func (v pyVersion) isPre() bool { return v.pre != nil || v.dev != nil }

// public is the version without its local part.
func (v pyVersion) public() pyVersion { v.local = ""; return v }

// base is epoch and release only.
func (v pyVersion) base() pyVersion { return pyVersion{epoch: v.epoch, release: v.release} }

// key is packaging's _cmpkey, as a list of numbers compared in order.
func (v pyVersion) key() []float64 {
	k := []float64{float64(v.epoch)}
	rel := v.release
	for len(rel) > 1 && rel[len(rel)-1] == 0 {
		rel = rel[:len(rel)-1]
	}
	// Pad the release so that keys of any two versions line up.
	for i := 0; i < 16; i++ {
		if i < len(rel) {
			k = append(k, float64(rel[i]))
		} else {
			k = append(k, 0)
		}
	}
	switch {
	case v.pre == nil && v.post == nil && v.dev != nil:
		k = append(k, math.Inf(-1), 0)
	case v.pre == nil:
		k = append(k, math.Inf(1), 0)
	default:
		k = append(k, float64(v.pre[0]), float64(v.pre[1]))
	}
	if v.post == nil {
		k = append(k, math.Inf(-1))
	} else {
		k = append(k, float64(*v.post))
	}
	if v.dev == nil {
		k = append(k, math.Inf(1))
	} else {
		k = append(k, float64(*v.dev))
	}
	return k
}

// comparePyVersions orders a and b, local parts last (a version with one
// sorts after the same version without).
func comparePyVersions(a, b pyVersion) int {
	ka, kb := a.key(), b.key()
	for i := range ka {
		if ka[i] != kb[i] {
			if ka[i] < kb[i] {
				return -1
			}
			return 1
		}
	}
	return compareLocal(a.local, b.local)
}

func compareLocal(a, b string) int {
	if a == b {
		return 0
	}
	if a == "" {
		return -1
	}
	if b == "" {
		return 1
	}
	split := func(s string) []string { return regexp.MustCompile(`[-_.]`).Split(s, -1) }
	pa, pb := split(a), split(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		switch {
		case ea == nil && eb == nil:
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
		case ea == nil: // numbers sort after strings
			return 1
		case eb == nil:
			return -1
		case pa[i] != pb[i]:
			if pa[i] < pb[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(pa) < len(pb):
		return -1
	case len(pa) > len(pb):
		return 1
	}
	return 0
}

// pySpecifier is one clause of a specifier set: ">=1.0", "==2.*".
type pySpecifier struct {
	op, version string
}

func (s pySpecifier) String() string { return s.op + s.version }

// contains is packaging's Specifier.contains with prereleases=True.
func (s pySpecifier) contains(candidate string) (bool, error) {
	if s.op == "===" {
		return strings.EqualFold(candidate, s.version), nil
	}
	c, ok := parsePyVersion(candidate)
	if !ok {
		return false, failf("pip: the installed version %q is not a PEP 440 version, which is not supported", candidate)
	}
	spec := s.version
	switch s.op {
	case "==", "!=":
		var eq bool
		if prefix, wild := strings.CutSuffix(spec, ".*"); wild {
			p, ok := parsePyVersion(prefix)
			if !ok {
				return false, failf("pip: the version specifier %q is not supported", s.String())
			}
			eq = releasePrefix(c.public(), p)
		} else {
			p, ok := parsePyVersion(spec)
			if !ok {
				return false, failf("pip: the version specifier %q is not supported", s.String())
			}
			cc := c
			if p.local == "" {
				cc = c.public()
			}
			eq = comparePyVersions(cc, p) == 0
		}
		return eq == (s.op == "=="), nil
	}
	p, ok := parsePyVersion(spec)
	if !ok {
		return false, failf("pip: the version specifier %q is not supported", s.String())
	}
	pub := c.public()
	switch s.op {
	case "<=":
		return comparePyVersions(pub, p) <= 0, nil
	case ">=":
		return comparePyVersions(pub, p) >= 0, nil
	case "<":
		if comparePyVersions(c, p) >= 0 {
			return false, nil
		}
		if !p.isPre() && c.isPre() && comparePyVersions(c.base(), p.base()) == 0 {
			return false, nil
		}
		return true, nil
	case ">":
		if comparePyVersions(c, p) <= 0 {
			return false, nil
		}
		if p.post == nil && c.post != nil && comparePyVersions(c.base(), p.base()) == 0 {
			return false, nil
		}
		if c.local != "" && comparePyVersions(c.public(), p) == 0 {
			return false, nil
		}
		return true, nil
	case "~=":
		if len(p.release) < 2 {
			return false, failf("pip: the version specifier %q is not supported", s.String())
		}
		if comparePyVersions(pub, p) < 0 {
			return false, nil
		}
		prefix := pyVersion{epoch: p.epoch, release: p.release[:len(p.release)-1]}
		return releasePrefix(pub, prefix), nil
	}
	return false, failf("pip: the version specifier %q is not supported", s.String())
}

// releasePrefix tells whether v's epoch and release start with p's
// (== V.*: v's release padded with zeros; pre, post and dev ignored).
func releasePrefix(v, p pyVersion) bool {
	if v.epoch != p.epoch {
		return false
	}
	for i, n := range p.release {
		x := 0
		if i < len(v.release) {
			x = v.release[i]
		}
		if x != n {
			return false
		}
	}
	return true
}
