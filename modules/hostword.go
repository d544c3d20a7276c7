package modules

import (
	"strings"

	"github.com/gansible/gansible/shell"
)

// hostWord returns s as one sh word that the host's shell expands the way
// Ansible's modules expand arguments and paths on the host: Python's
// os.path.expandvars ($NAME and ${NAME} of variables that are set; others
// stay as written) and then os.path.expanduser (a leading ~ or ~user).
// Nothing else in s is interpreted. With glob, the wildcards * ? [ ] are
// left to the shell too, for Ansible's glob.glob of creates/removes.
func hostWord(s string, glob bool) string {
	var b strings.Builder
	if prefix, ok := tildePrefix(s); ok {
		// The tilde prefix, up to and including the first slash, must be
		// unquoted for the shell to expand it.
		b.WriteString(prefix)
		s = s[len(prefix):]
	}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			b.WriteString(shell.Quote(lit.String()))
			lit.Reset()
		}
	}
	for len(s) > 0 {
		if name, n := varRef(s); n > 0 {
			flush()
			// Set: its value, unsplit. Unset: the reference as written.
			asWritten := `\$` + name
			if s[1] == '{' {
				asWritten = `\${` + name + `\}`
			}
			b.WriteString(`"${` + name + `-` + asWritten + `}"`)
			s = s[n:]
			continue
		}
		if glob && strings.ContainsRune("*?[]", rune(s[0])) {
			flush()
			b.WriteByte(s[0])
			s = s[1:]
			continue
		}
		lit.WriteByte(s[0])
		s = s[1:]
	}
	flush()
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}

// tildePrefix returns the "~" or "~user" at the start of s, with the slash
// that ends it, when it is one the shell would expand.
func tildePrefix(s string) (string, bool) {
	if !strings.HasPrefix(s, "~") {
		return "", false
	}
	end := strings.IndexByte(s, '/')
	user := s[1:]
	if end >= 0 {
		user = s[1:end]
	}
	for _, r := range user {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return "", false
		}
	}
	if end >= 0 {
		return s[:end+1], true
	}
	return s, true
}

// varRef recognizes $NAME or ${NAME} at the start of s, NAME being a
// shell identifier, and returns NAME and the length of the reference.
func varRef(s string) (string, int) {
	if len(s) < 2 || s[0] != '$' {
		return "", 0
	}
	if s[1] == '{' {
		end := strings.IndexByte(s, '}')
		if end < 0 || !isIdentifier(s[2:end]) {
			return "", 0
		}
		return s[2:end], end + 1
	}
	n := 1
	for n < len(s) && isIdentByte(s[n], n == 1) {
		n++
	}
	if n == 1 {
		return "", 0
	}
	return s[1:n], n
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i], i == 0) {
			return false
		}
	}
	return true
}

func isIdentByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}
