// Package fnmatch is Python's fnmatch module: shell-style wildcards (*,
// ?, [seq], [!seq]) matched against a whole name, as Ansible's find
// module and filters match file names. There is no escape character and
// * matches / too, unlike path.Match.
package fnmatch

import (
	"strings"

	"github.com/gansible/gansible/pyre"
)

// Translate is fnmatch.translate: the Python regular expression that
// matches exactly the names the pattern matches.
func Translate(pat string) string {
	var b strings.Builder
	r := []rune(pat)
	for i := 0; i < len(r); i++ {
		switch c := r[i]; c {
		case '*':
			for i+1 < len(r) && r[i+1] == '*' {
				i++ // consecutive stars are one star
			}
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := i + 1
			if j < len(r) && r[j] == '!' {
				j++
			}
			if j < len(r) && r[j] == ']' {
				j++
			}
			for j < len(r) && r[j] != ']' {
				j++
			}
			if j >= len(r) {
				b.WriteString(`\[`)
				continue
			}
			class := string(r[i+1 : j])
			class = strings.ReplaceAll(class, `\`, `\\`)
			switch {
			case strings.HasPrefix(class, "!"):
				class = "^" + class[1:]
			case strings.HasPrefix(class, "^"), strings.HasPrefix(class, "["):
				class = `\` + class
			}
			b.WriteString("[" + class + "]")
			i = j
		default:
			b.WriteString(pyre.Escape(string(c)))
		}
	}
	return `(?s:` + b.String() + `)\Z`
}

// Pattern is a compiled wildcard pattern.
type Pattern struct{ re *pyre.Regexp }

// Compile compiles a wildcard pattern; a character class Python's re
// refuses (such as a reversed range) is an error.
func Compile(pat string) (*Pattern, error) {
	re, err := pyre.Compile(Translate(pat), pyre.Flags{})
	if err != nil {
		return nil, err
	}
	return &Pattern{re}, nil
}

// Match is fnmatch.fnmatch on POSIX (no case folding): whether name
// matches the whole pattern.
func (p *Pattern) Match(name string) bool {
	m, err := p.re.Match(name)
	return err == nil && m != nil
}
