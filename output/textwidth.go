package output

import (
	"unicode"

	"golang.org/x/text/width"
)

// textWidth is the number of terminal columns text takes, as Ansible's
// get_text_width has it from the C library's wcswidth under a UTF-8
// locale: East Asian wide and fullwidth characters take two, combining
// marks and other zero-width characters none.
func textWidth(text string) int {
	n := 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), r == 0x200B, unicode.Is(unicode.Cf, r):
		case width.LookupRune(r).Kind() == width.EastAsianWide, width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
