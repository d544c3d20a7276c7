package modules

import "strings"

// debVersionCompare orders two Debian versions ([epoch:]upstream[-revision])
// as dpkg --compare-versions does: <0, 0 or >0.
func debVersionCompare(a, b string) int {
	ea, ua, ra := debVersionParts(a)
	eb, ub, rb := debVersionParts(b)
	if c := debNumCompare(ea, eb); c != 0 {
		return c
	}
	if c := debFragmentCompare(ua, ub); c != 0 {
		return c
	}
	return debFragmentCompare(ra, rb)
}

func debVersionParts(v string) (epoch, upstream, revision string) {
	if i := strings.IndexByte(v, ':'); i >= 0 {
		epoch, v = v[:i], v[i+1:]
	}
	if i := strings.LastIndexByte(v, '-'); i >= 0 {
		return epoch, v[:i], v[i+1:]
	}
	return epoch, v, ""
}

// debOrder is dpkg's order of a version character: ~ before everything,
// even the end of the string; letters before the other characters.
func debOrder(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return 0
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return int(c)
	case c == '~':
		return -1
	case c == 0:
		return 0
	}
	return int(c) + 256
}

func debFragmentCompare(a, b string) int {
	for a != "" || b != "" {
		// The non-digit prefix, character by character.
		for (a != "" && !isDigit(a[0])) || (b != "" && !isDigit(b[0])) {
			var ca, cb byte
			if a != "" {
				ca = a[0]
			}
			if b != "" {
				cb = b[0]
			}
			if oa, ob := debOrder(ca), debOrder(cb); oa != ob {
				return oa - ob
			}
			if a != "" {
				a = a[1:]
			}
			if b != "" {
				b = b[1:]
			}
		}
		// Then the digits, as numbers.
		i, j := 0, 0
		for i < len(a) && isDigit(a[i]) {
			i++
		}
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		if c := debNumCompare(a[:i], b[:j]); c != 0 {
			return c
		}
		a, b = a[i:], b[j:]
	}
	return 0
}

// debNumCompare compares two digit strings as numbers of any length.
func debNumCompare(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
