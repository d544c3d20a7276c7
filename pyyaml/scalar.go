package pyyaml

import "fmt"

// analysis is libyaml's scalar_data: which styles can carry the text.
type analysis struct {
	multiline           bool
	flowPlainAllowed    bool
	blockPlainAllowed   bool
	singleQuotedAllowed bool
	blockAllowed        bool
}

// Character classes of libyaml's yaml_private.h, on code points.

func isBreak(r rune) bool {
	return r == '\r' || r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029
}

func isBlank(r rune) bool { return r == ' ' || r == '\t' }

// isBlankZ includes the end of the text (and a NUL, which libyaml cannot
// tell from it).
func isBlankZ(r rune) bool { return isBlank(r) || isBreak(r) || r == 0 }

// isPrintable is IS_PRINTABLE: libyaml tests UTF-8 bytes and so leaves
// out tab, CR, NEL and every character beyond the Basic Multilingual
// Plane, which are written escaped.
func isPrintable(r rune) bool {
	switch {
	case r == 0x0A:
		return true
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return r != 0xFEFF
	}
	return false
}

// runeAt is the character at i, or NUL past the end as libyaml reads the
// terminating byte.
func runeAt(rs []rune, i int) rune {
	if i < len(rs) {
		return rs[i]
	}
	return 0
}

// analyze is yaml_emitter_analyze_scalar.
func analyze(s string, unicode bool) analysis {
	if s == "" {
		return analysis{blockPlainAllowed: true, singleQuotedAllowed: true}
	}
	rs := []rune(s)
	var blockIndicators, flowIndicators, lineBreaks, special bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak bool
	var breakSpace, spaceBreak, previousSpace, previousBreak bool

	if len(rs) >= 3 && ((rs[0] == '-' && rs[1] == '-' && rs[2] == '-') || (rs[0] == '.' && rs[1] == '.' && rs[2] == '.')) {
		blockIndicators, flowIndicators = true, true
	}
	precededByWhitespace := true
	followedByWhitespace := isBlankZ(runeAt(rs, 1))
	for i, r := range rs {
		if i == 0 {
			switch r {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				flowIndicators, blockIndicators = true, true
			case '?', ':':
				flowIndicators = true
				if followedByWhitespace {
					blockIndicators = true
				}
			case '-':
				if followedByWhitespace {
					flowIndicators, blockIndicators = true, true
				}
			}
		} else {
			switch r {
			case ',', '?', '[', ']', '{', '}':
				flowIndicators = true
			case ':':
				flowIndicators = true
				if followedByWhitespace {
					blockIndicators = true
				}
			case '#':
				if precededByWhitespace {
					flowIndicators, blockIndicators = true, true
				}
			}
		}
		if !isPrintable(r) || (r > 0x7F && !unicode) {
			special = true
		}
		if isBreak(r) {
			lineBreaks = true
		}
		last := i == len(rs)-1
		switch {
		case r == ' ':
			if i == 0 {
				leadingSpace = true
			}
			if last {
				trailingSpace = true
			}
			if previousBreak {
				breakSpace = true
			}
			previousSpace, previousBreak = true, false
		case isBreak(r):
			if i == 0 {
				leadingBreak = true
			}
			if last {
				trailingBreak = true
			}
			if previousSpace {
				spaceBreak = true
			}
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = isBlankZ(r)
		if !last {
			followedByWhitespace = isBlankZ(runeAt(rs, i+2))
		}
	}

	a := analysis{multiline: lineBreaks, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		a.flowPlainAllowed, a.blockPlainAllowed = false, false
	}
	if trailingSpace {
		a.blockAllowed = false
	}
	if breakSpace {
		a.flowPlainAllowed, a.blockPlainAllowed, a.singleQuotedAllowed = false, false, false
	}
	if spaceBreak || special {
		a.flowPlainAllowed, a.blockPlainAllowed, a.singleQuotedAllowed, a.blockAllowed = false, false, false, false
	}
	if lineBreaks {
		a.flowPlainAllowed, a.blockPlainAllowed = false, false
	}
	if flowIndicators {
		a.flowPlainAllowed = false
	}
	if blockIndicators {
		a.blockPlainAllowed = false
	}
	return a
}

func (e *emitter) writePlain(s string, allowBreaks bool) {
	// No space before an empty value in block mode (no trailing space).
	if !e.whitespace && (s != "" || e.flowLevel > 0) {
		e.put(' ')
	}
	rs := []rune(s)
	spaces, breaks := false, false
	for i, r := range rs {
		switch {
		case r == ' ':
			if allowBreaks && !spaces && e.column > e.bestWidth && runeAt(rs, i+1) != ' ' {
				e.writeIndent()
			} else {
				e.put(r)
			}
			spaces = true
		case isBreak(r):
			if !breaks && r == '\n' {
				e.putBreak()
			}
			e.writeBreak(r)
			e.indention = true
			breaks = true
		default:
			if breaks {
				e.writeIndent()
			}
			e.put(r)
			e.indention = false
			spaces, breaks = false, false
		}
	}
	e.whitespace = false
	e.indention = false
}

func (e *emitter) writeSingleQuoted(s string, allowBreaks bool) {
	e.writeIndicator("'", true, false, false)
	rs := []rune(s)
	spaces, breaks := false, false
	for i, r := range rs {
		switch {
		case r == ' ':
			if allowBreaks && !spaces && e.column > e.bestWidth && i != 0 && i != len(rs)-1 && runeAt(rs, i+1) != ' ' {
				e.writeIndent()
			} else {
				e.put(r)
			}
			spaces = true
		case isBreak(r):
			if !breaks && r == '\n' {
				e.putBreak()
			}
			e.writeBreak(r)
			e.indention = true
			breaks = true
		default:
			if breaks {
				e.writeIndent()
			}
			if r == '\'' {
				e.put('\'')
			}
			e.put(r)
			e.indention = false
			spaces, breaks = false, false
		}
	}
	if breaks {
		e.writeIndent()
	}
	e.writeIndicator("'", false, false, false)
	e.whitespace = false
	e.indention = false
}

// doubleEscapes are the short escapes libyaml writes in double quotes.
var doubleEscapes = map[rune]byte{
	0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0A: 'n', 0x0B: 'v', 0x0C: 'f',
	0x0D: 'r', 0x1B: 'e', '"': '"', '\\': '\\', 0x85: 'N', 0xA0: '_',
	0x2028: 'L', 0x2029: 'P',
}

func (e *emitter) writeDoubleQuoted(s string, allowBreaks bool) {
	e.writeIndicator("\"", true, false, false)
	rs := []rune(s)
	spaces := false
	for i, r := range rs {
		switch {
		case !isPrintable(r) || (!e.unicode && r > 0x7F) || r == 0xFEFF || isBreak(r) || r == '"' || r == '\\':
			e.put('\\')
			if c, ok := doubleEscapes[r]; ok {
				e.put(rune(c))
			} else {
				var esc string
				switch {
				case r <= 0xFF:
					esc = fmt.Sprintf("x%02X", r)
				case r <= 0xFFFF:
					esc = fmt.Sprintf("u%04X", r)
				default:
					esc = fmt.Sprintf("U%08X", r)
				}
				e.writeRaw(esc)
			}
			spaces = false
		case r == ' ':
			if allowBreaks && !spaces && e.column > e.bestWidth && i != 0 && i != len(rs)-1 {
				e.writeIndent()
				if runeAt(rs, i+1) == ' ' {
					e.put('\\')
				}
			} else {
				e.put(r)
			}
			spaces = true
		default:
			e.put(r)
			spaces = false
		}
	}
	e.writeIndicator("\"", false, false, false)
	e.whitespace = false
	e.indention = false
}

// writeBlockHints writes a block scalar's indentation indicator (when it
// starts with a space or a break) and chomping indicator: "-" without a
// final break, "+" with more than one (which leaves the document open
// ended, so that "..." closes the stream).
func (e *emitter) writeBlockHints(rs []rune) {
	if len(rs) > 0 && (rs[0] == ' ' || isBreak(rs[0])) {
		e.writeIndicator(string(rune('0'+e.bestIndent)), false, false, false)
	}
	e.openEnded = 0
	chomp := ""
	switch n := len(rs); {
	case n == 0 || !isBreak(rs[n-1]):
		chomp = "-"
	case n == 1 || isBreak(rs[n-2]):
		chomp = "+"
		e.openEnded = 2
	}
	if chomp != "" {
		e.writeIndicator(chomp, false, false, false)
	}
}

func (e *emitter) writeLiteral(s string) {
	rs := []rune(s)
	e.writeIndicator("|", true, false, false)
	e.writeBlockHints(rs)
	e.putBreak()
	e.indention = true
	e.whitespace = true
	breaks := true
	for _, r := range rs {
		if isBreak(r) {
			e.writeBreak(r)
			e.indention = true
			breaks = true
			continue
		}
		if breaks {
			e.writeIndent()
		}
		e.put(r)
		e.indention = false
		breaks = false
	}
}

func (e *emitter) writeFolded(s string) {
	rs := []rune(s)
	e.writeIndicator(">", true, false, false)
	e.writeBlockHints(rs)
	e.putBreak()
	e.indention = true
	e.whitespace = true
	breaks, leadingSpaces := true, true
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isBreak(r) {
			if !breaks && !leadingSpaces && r == '\n' {
				k := i
				for k < len(rs) && isBreak(rs[k]) {
					k++
				}
				if !isBlankZ(runeAt(rs, k)) {
					e.putBreak()
				}
			}
			e.writeBreak(r)
			e.indention = true
			breaks = true
			continue
		}
		if breaks {
			e.writeIndent()
			leadingSpaces = isBlank(r)
		}
		if !breaks && r == ' ' && runeAt(rs, i+1) != ' ' && e.column > e.bestWidth {
			e.writeIndent()
		} else {
			e.put(r)
		}
		e.indention = false
		breaks = false
	}
}
