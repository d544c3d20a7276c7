// Package shell builds POSIX sh command lines from untrusted values.
//
// Every value that reaches a managed host inside a command line goes through
// Quote, so that user data never becomes shell syntax.
package shell

import "strings"

// Quote returns s as a single POSIX sh word that the shell reads back as
// exactly s: it is wrapped in single quotes, and each embedded single quote
// closes the quoting, adds an escaped quote and reopens it.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if isSafe(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes each word and joins them with spaces. The first word, in
// command position, is quoted also when it reads as a variable assignment
// ("A=b"), which the shell would perform instead of running it.
func Join(words ...string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = Quote(w)
		if i == 0 && quoted[0] == w && isAssignment(w) {
			quoted[0] = "'" + w + "'"
		}
	}
	return strings.Join(quoted, " ")
}

// isAssignment reports whether s starts with a shell variable name
// followed by "=".
func isAssignment(s string) bool {
	name, _, ok := strings.Cut(s, "=")
	if !ok || name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, c := range []byte(name) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isSafe reports whether s needs no quoting at all.
func isSafe(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("-_./:=@%+,", r):
		default:
			return false
		}
	}
	return true
}
