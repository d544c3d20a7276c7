package output

import (
	"strings"
	"unicode"
)

// warningWidth is the width Ansible's display wraps warnings to when
// stdout is not a terminal (max(79, columns - 1)).
const warningWidth = 79

// Wrap is Python's textwrap.fill(msg, 79) as Ansible's
// display.warning applies it: words are split after a hyphen between
// letters, whitespace at line ends is dropped, and a word longer than a
// line is cut.
func Wrap(msg string) string {
	msg = strings.NewReplacer("\n", " ", "\v", " ", "\f", " ", "\r", " ").Replace(expandTabs(msg))
	chunks := textwrapChunks([]rune(msg))
	isSpace := func(c []rune) bool { return strings.TrimSpace(string(c)) == "" }
	var lines []string
	for len(chunks) > 0 {
		if len(lines) > 0 && isSpace(chunks[0]) {
			chunks = chunks[1:]
		}
		var line [][]rune
		n := 0
		for len(chunks) > 0 && n+len(chunks[0]) <= warningWidth {
			line = append(line, chunks[0])
			n += len(chunks[0])
			chunks = chunks[1:]
		}
		if len(chunks) > 0 && len(chunks[0]) > warningWidth {
			// _handle_long_word: cut the word, after a hyphen if one fits.
			chunk, room := chunks[0], max(warningWidth-n, 1)
			end := room
			if hyphen := lastHyphen(chunk[:room]); hyphen > 0 && strings.Trim(string(chunk[:hyphen]), "-") != "" {
				end = hyphen + 1
			}
			line = append(line, chunk[:end])
			chunks[0] = chunk[end:]
		}
		if len(line) > 0 && isSpace(line[len(line)-1]) {
			line = line[:len(line)-1]
		}
		if len(line) > 0 {
			var b strings.Builder
			for _, c := range line {
				b.WriteString(string(c))
			}
			lines = append(lines, b.String())
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// expandTabs is Python's str.expandtabs(8).
func expandTabs(s string) string {
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

func lastHyphen(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == '-' {
			return i
		}
	}
	return -1
}

// textwrapChunks splits text as textwrap's wordsep_re does: runs of
// spaces, and words, a word ending after a hyphen that follows two letters
// (or letter-hyphen-letter) and precedes a letter.
func textwrapChunks(text []rune) [][]rune {
	letter := func(i int) bool {
		return i >= 0 && i < len(text) && (unicode.IsLetter(text[i]) || text[i] == '_')
	}
	var chunks [][]rune
	for i := 0; i < len(text); {
		start := i
		if text[i] == ' ' {
			for i < len(text) && text[i] == ' ' {
				i++
			}
			chunks = append(chunks, text[start:i])
			continue
		}
		for i < len(text) && text[i] != ' ' {
			i++
			if text[i-1] == '-' && i-1 > start {
				h := i - 1
				before := letter(h-2) && letter(h-1) || letter(h-3) && text[h-2] == '-' && letter(h-1)
				after := letter(h+1) && (letter(h+2) || h+2 < len(text) && text[h+2] == '-' && letter(h+3))
				if before && after {
					break
				}
			}
		}
		chunks = append(chunks, text[start:i])
	}
	return chunks
}
