package modules

import "strings"

// rpmVerCmp compares two version (or release) strings with rpm's
// rpmvercmp algorithm: alternating runs of digits and letters compared
// segment by segment, digits numerically and beating letters; "~" sorts
// before anything, "^" after the end of a version but before more
// segments. It returns -1, 0 or 1.
func rpmVerCmp(a, b string) int {
	if a == b {
		return 0
	}
	isAlnum := func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	for len(a) > 0 || len(b) > 0 {
		for len(a) > 0 && !isAlnum(a[0]) && a[0] != '~' && a[0] != '^' {
			a = a[1:]
		}
		for len(b) > 0 && !isAlnum(b[0]) && b[0] != '~' && b[0] != '^' {
			b = b[1:]
		}
		// Tilde: pre-release, sorts lower.
		if strings.HasPrefix(a, "~") || strings.HasPrefix(b, "~") {
			if !strings.HasPrefix(a, "~") {
				return 1
			}
			if !strings.HasPrefix(b, "~") {
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		// Caret: post-release snapshot, higher than the end of the string.
		if strings.HasPrefix(a, "^") || strings.HasPrefix(b, "^") {
			switch {
			case a == "":
				return -1
			case b == "":
				return 1
			case !strings.HasPrefix(a, "^"):
				return 1
			case !strings.HasPrefix(b, "^"):
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		if a == "" || b == "" {
			break
		}
		numeric := isDigit(a[0])
		segA, restA := leadingRun(a, numeric)
		segB, restB := leadingRun(b, numeric)
		if segB == "" {
			// Different segment types: the numeric one is newer.
			if numeric {
				return 1
			}
			return -1
		}
		if numeric {
			segA, segB = strings.TrimLeft(segA, "0"), strings.TrimLeft(segB, "0")
			if len(segA) != len(segB) {
				if len(segA) > len(segB) {
					return 1
				}
				return -1
			}
		}
		if c := strings.Compare(segA, segB); c != 0 {
			return c
		}
		a, b = restA, restB
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// leadingRun splits off the leading run of digits (numeric) or letters.
func leadingRun(s string, numeric bool) (string, string) {
	i := 0
	for i < len(s) {
		c := s[i]
		if numeric && !isDigit(c) || !numeric && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			break
		}
		i++
	}
	return s[:i], s[i:]
}
