package value

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// PyJSONError is the message of the JSONDecodeError that Python's
// json.loads raises for text, with its line, column and character offset
// ("Expecting ',' delimiter: line 1 column 9 (char 8)"), or false when
// text is JSON. It follows CPython's scanner: the same checks in the same
// order, so that the first problem found is the one Python reports.
func PyJSONError(text string) (string, bool) {
	s := &pyJSONScanner{text: text}
	if strings.HasPrefix(text, "\ufeff") {
		return s.message("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0), true
	}
	pos, err := s.value(s.blank(0))
	if err == nil {
		if pos = s.blank(pos); pos != len(text) {
			err = &pyJSONProblem{"Extra data", pos}
		}
	}
	if err == nil {
		return "", false
	}
	return s.message(err.msg, err.pos), true
}

// pyJSONProblem is a problem found at a byte offset of the text.
type pyJSONProblem struct {
	msg string
	pos int
}

type pyJSONScanner struct{ text string }

// message words a problem as JSONDecodeError's str does: the position
// in characters, not bytes, and the column counted from 1.
func (s *pyJSONScanner) message(msg string, pos int) string {
	before := s.text[:pos]
	line := 1 + strings.Count(before, "\n")
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("%s: line %d column %d (char %d)", msg, line, col, utf8.RuneCountInString(before))
}

// blank skips JSON's whitespace from pos.
func (s *pyJSONScanner) blank(pos int) int {
	for pos < len(s.text) && strings.IndexByte(" \t\n\r", s.text[pos]) >= 0 {
		pos++
	}
	return pos
}

// at is the byte at pos, or 0 past the end.
func (s *pyJSONScanner) at(pos int) byte {
	if pos < len(s.text) {
		return s.text[pos]
	}
	return 0
}

// value scans the value at pos (scan_once) and returns where it ends.
func (s *pyJSONScanner) value(pos int) (int, *pyJSONProblem) {
	rest := s.text[pos:]
	switch c := s.at(pos); {
	case c == '"':
		return s.str(pos)
	case c == '{':
		return s.object(pos + 1)
	case c == '[':
		return s.array(pos + 1)
	}
	for _, word := range []string{"null", "true", "false", "NaN", "Infinity", "-Infinity"} {
		if strings.HasPrefix(rest, word) {
			return pos + len(word), nil
		}
	}
	if n := pyJSONNumber(rest); n > 0 {
		return pos + n, nil
	}
	return pos, &pyJSONProblem{"Expecting value", pos}
}

// pyJSONNumber is the length of the number that starts s, as the
// scanner's -?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)? matches it, or 0.
func pyJSONNumber(s string) int {
	digits := func(i int) int {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j
	}
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(i)
	default:
		return 0
	}
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i = digits(i + 1)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if k := digits(j); k > j {
			i = k
		}
	}
	return i
}

// str scans the string whose quote is at begin (scanstring, strict).
func (s *pyJSONScanner) str(begin int) (int, *pyJSONProblem) {
	for pos := begin + 1; pos < len(s.text); pos++ {
		switch c := s.text[pos]; {
		case c == '"':
			return pos + 1, nil
		case c < 0x20:
			return 0, &pyJSONProblem{"Invalid control character at", pos}
		case c == '\\':
			switch e := s.at(pos + 1); {
			case e == 0 && pos+1 == len(s.text):
				return 0, &pyJSONProblem{"Unterminated string starting at", begin}
			case e == 'u':
				hex := s.text[pos+2 : min(pos+6, len(s.text))]
				if len(hex) < 4 || strings.Trim(hex, "0123456789abcdefABCDEF") != "" {
					return 0, &pyJSONProblem{`Invalid \uXXXX escape`, pos + 1}
				}
				pos += 5
			case strings.IndexByte(`"\/bfnrt`, e) >= 0:
				pos++
			default:
				return 0, &pyJSONProblem{`Invalid \escape`, pos}
			}
		}
	}
	return 0, &pyJSONProblem{"Unterminated string starting at", begin}
}

// object scans the members of an object whose '{' ends at pos.
func (s *pyJSONScanner) object(pos int) (int, *pyJSONProblem) {
	pos = s.blank(pos)
	if s.at(pos) == '}' {
		return pos + 1, nil
	}
	for {
		if s.at(pos) != '"' {
			return 0, &pyJSONProblem{"Expecting property name enclosed in double quotes", pos}
		}
		end, err := s.str(pos)
		if err != nil {
			return 0, err
		}
		if pos = s.blank(end); s.at(pos) != ':' {
			return 0, &pyJSONProblem{"Expecting ':' delimiter", pos}
		}
		if pos, err = s.value(s.blank(pos + 1)); err != nil {
			return 0, err
		}
		switch pos = s.blank(pos); s.at(pos) {
		case '}':
			return pos + 1, nil
		case ',':
			pos = s.blank(pos + 1)
		default:
			return 0, &pyJSONProblem{"Expecting ',' delimiter", pos}
		}
	}
}

// array scans the items of an array whose '[' ends at pos.
func (s *pyJSONScanner) array(pos int) (int, *pyJSONProblem) {
	pos = s.blank(pos)
	if s.at(pos) == ']' {
		return pos + 1, nil
	}
	for {
		var err *pyJSONProblem
		if pos, err = s.value(pos); err != nil {
			return 0, err
		}
		switch pos = s.blank(pos); s.at(pos) {
		case ']':
			return pos + 1, nil
		case ',':
			pos = s.blank(pos + 1)
		default:
			return 0, &pyJSONProblem{"Expecting ',' delimiter", pos}
		}
	}
}
