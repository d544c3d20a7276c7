package inventory

import (
	"errors"
	"strings"
)

// shlexSplit splits an INI host line into words the way Python's
// shlex.split(line, comments=True) does in POSIX mode: quotes group and are
// removed, a backslash escapes the next character (inside double quotes only
// before " and \), and an unquoted # starts a comment, even mid-word.
func shlexSplit(line string) ([]string, error) {
	var (
		words  []string
		word   strings.Builder
		inWord bool // a word has started, possibly empty ("")
	)
	flush := func() {
		if inWord {
			words = append(words, word.String())
		}
		word.Reset()
		inWord = false
	}
	r := []rune(line)
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			flush()
		case c == '#':
			flush()
			return words, nil
		case c == '\\':
			if i+1 >= len(r) {
				return nil, errors.New("No escaped character")
			}
			i++
			word.WriteRune(r[i])
			inWord = true
		case c == '\'' || c == '"':
			inWord = true
			closed := false
			for i++; i < len(r); i++ {
				if r[i] == c {
					closed = true
					break
				}
				if c == '"' && r[i] == '\\' && i+1 < len(r) && (r[i+1] == '"' || r[i+1] == '\\') {
					i++
				}
				word.WriteRune(r[i])
			}
			if !closed {
				return nil, errors.New("No closing quotation")
			}
		default:
			word.WriteRune(c)
			inWord = true
		}
	}
	flush()
	return words, nil
}
