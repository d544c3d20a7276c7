package template

import (
	"fmt"
	"strings"

	"github.com/gansible/gansible/pyre"
)

// textWrap is Python's textwrap.wrap as Jinja2's wordwrap calls it
// (expand_tabs and replace_whitespace off, drop_whitespace on): chunks of
// whitespace and words, split after hyphens when breakOnHyphens, filled
// greedily into lines of at most width characters.
func textWrap(text string, width int, breakLongWords, breakOnHyphens bool) ([]string, error) {
	if width <= 0 {
		return nil, fmt.Errorf("invalid width %d (must be > 0)", width)
	}
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

// pySplitLines is Python's str.splitlines().
func pySplitLines(s string) []string {
	var out []string
	r := []rune(s)
	start := 0
	for i := 0; i < len(r); i++ {
		switch r[i] {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			out = append(out, string(r[start:i]))
			if r[i] == '\r' && i+1 < len(r) && r[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(r) {
		out = append(out, string(r[start:]))
	}
	return out
}
