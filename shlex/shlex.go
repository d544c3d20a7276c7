// Package shlex splits a command line into words as Python's shlex.split
// does in POSIX mode: quotes group and are removed, a backslash escapes
// the next character (inside double quotes only " and \\). Ansible splits
// the command module's free form, INI host lines and ssh arguments so.
package shlex

import (
	"errors"
	"strings"
)

// Split is shlex.split(s).
func Split(s string) ([]string, error) { return split(s, false) }

// SplitComments is shlex.split(s, comments=True): an unquoted # starts a
// comment, even in the middle of a word.
func SplitComments(s string) ([]string, error) { return split(s, true) }

func split(s string, comments bool) ([]string, error) {
	var (
		words   []string
		word    strings.Builder
		inWord  bool
		quote   rune // 0, '\'' or '"'
		escaped bool
	)
	skipLine := false
	for _, r := range s {
		switch {
		case skipLine:
			skipLine = r != '\n'
		case escaped:
			// Inside double quotes a backslash only escapes " and \;
			// before anything else it stays.
			if quote == '"' && r != '"' && r != '\\' {
				word.WriteRune('\\')
			}
			word.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				word.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				escaped = true
			default:
				word.WriteRune(r)
			}
		case comments && r == '#':
			// A comment runs to the end of the line, even from inside a
			// word, whose text so far is still a word.
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
			skipLine = true
		case r == '\\':
			escaped, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	switch {
	case escaped:
		return nil, errors.New("No escaped character")
	case quote != 0:
		return nil, errors.New("No closing quotation")
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}
