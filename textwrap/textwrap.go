// Package textwrap is Python's textwrap module: Jinja2's wordwrap filter
// and Ansible's display (which wraps warnings to the terminal) use it.
package textwrap

import (
	"fmt"
	"strings"

	"github.com/gansible/gansible/pyre"
)

// Options are TextWrapper's: which of its steps run. drop_whitespace is
// always on.
type Options struct {
	BreakLongWords, BreakOnHyphens bool
	// ExpandTabs is str.expandtabs(8) first; ReplaceWhitespace then turns
	// each whitespace character into a space.
	ExpandTabs, ReplaceWhitespace bool
}

// Fill is textwrap.fill(text, width) with Python's defaults (every
// option on), as Ansible's display wraps warnings.
func Fill(text string, width int) string {
	lines, _ := Wrap(text, width, Options{BreakLongWords: true, BreakOnHyphens: true, ExpandTabs: true, ReplaceWhitespace: true})
	return strings.Join(lines, "\n")
}

// Wrap is Python's textwrap.wrap: chunks of whitespace and words, split
// after hyphens with BreakOnHyphens, filled greedily into lines of at
// most width characters.
func Wrap(text string, width int, o Options) ([]string, error) {
	if width <= 0 {
		return nil, fmt.Errorf("invalid width %d (must be > 0)", width)
	}
	if o.ExpandTabs {
		text = expandTabs(text)
	}
	if o.ReplaceWhitespace {
		text = strings.NewReplacer("\t", " ", "\n", " ", "\v", " ", "\f", " ", "\r", " ").Replace(text)
	}
	breakLongWords, breakOnHyphens := o.BreakLongWords, o.BreakOnHyphens
	sep := wordSepSimple
	if breakOnHyphens {
		sep = wordSep
	}
	found, err := sep.FindAll(text)
	if err != nil {
		return nil, err
	}
	// Chunks come out in reverse, as textwrap pops them off the end.
	// Match offsets count runes.
	runes := []rune(text)
	var chunks [][]rune
	prev := 0
	add := func(r []rune) {
		if len(r) > 0 {
			chunks = append(chunks, r)
		}
	}
	for _, m := range found {
		whole, _ := m.Group(0)
		start := m.Start()
		add(runes[prev:start])
		add([]rune(whole))
		prev = start + len([]rune(whole))
	}
	add(runes[prev:])
	for i, j := 0, len(chunks)-1; i < j; i, j = i+1, j-1 {
		chunks[i], chunks[j] = chunks[j], chunks[i]
	}
	isSpace := func(r []rune) bool { return strings.TrimSpace(string(r)) == "" }
	var lines []string
	for len(chunks) > 0 {
		var cur [][]rune
		curLen := 0
		if isSpace(chunks[len(chunks)-1]) && len(lines) > 0 {
			chunks = chunks[:len(chunks)-1]
		}
		for len(chunks) > 0 {
			l := len(chunks[len(chunks)-1])
			if curLen+l > width {
				break
			}
			cur = append(cur, chunks[len(chunks)-1])
			chunks = chunks[:len(chunks)-1]
			curLen += l
		}
		if len(chunks) > 0 && len(chunks[len(chunks)-1]) > width {
			// _handle_long_word
			spaceLeft := max(width-curLen, 1)
			last := chunks[len(chunks)-1]
			if breakLongWords {
				end := spaceLeft
				if breakOnHyphens && len(last) > spaceLeft {
					hyphen := -1
					for i := spaceLeft - 1; i >= 0; i-- {
						if last[i] == '-' {
							hyphen = i
							break
						}
					}
					if hyphen > 0 && strings.Trim(string(last[:hyphen]), "-") != "" {
						end = hyphen + 1
					}
				}
				cur = append(cur, last[:end])
				chunks[len(chunks)-1] = last[end:]
			} else if len(cur) == 0 {
				cur = append(cur, last)
				chunks = chunks[:len(chunks)-1]
			}
		}
		if len(cur) > 0 && isSpace(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			var sb strings.Builder
			for _, c := range cur {
				sb.WriteString(string(c))
			}
			lines = append(lines, sb.String())
		}
	}
	return lines, nil
}

// textwrap's TextWrapper.wordsep_re and wordsep_simple_re, over its ASCII
// whitespace.
var (
	wordSep       = pyre.MustCompile(`([\t\n\x0b\x0c\r ]+|(?<=[\w!"'&.,?])-{2,}(?=\w)|[^\t\n\x0b\x0c\r ]+?(?:-(?:(?<=[^\d\W]{2}-)|(?<=[^\d\W]-[^\d\W]-))(?=[^\d\W]-?[^\d\W])|(?=[\t\n\x0b\x0c\r ]|\Z)|(?<=[\w!"'&.,?])(?=-{2,}\w)))`, pyre.Flags{})
	wordSepSimple = pyre.MustCompile(`([\t\n\x0b\x0c\r ]+)`, pyre.Flags{})
)

// expandTabs is Python's str.expandtabs(8).
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}
