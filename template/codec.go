package template

import (
	byteorder "encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gansible/gansible/value"
)

// Python's text codecs that the b64encode and b64decode filters take as
// encoding=: UTF-8, UTF-16 (with and without byte order mark), Latin-1
// and ASCII.

// codecName normalises an encoding name as Python's codecs lookup does.
func codecName(name string) string {
	n := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(name)))
	switch n {
	case "utf8", "utf_8", "u8":
		return "utf_8"
	case "utf16", "utf_16", "u16":
		return "utf_16"
	case "utf_16le", "utf_16_le":
		return "utf_16_le"
	case "utf_16be", "utf_16_be":
		return "utf_16_be"
	case "latin_1", "latin1", "iso_8859_1", "iso8859_1", "l1":
		return "latin_1"
	case "ascii", "us_ascii":
		return "ascii"
	}
	return ""
}

// encodeText is str.encode(encoding).
func encodeText(s, encoding string) ([]byte, error) {
	switch codecName(encoding) {
	case "utf_8":
		return []byte(s), nil
	case "utf_16", "utf_16_le", "utf_16_be":
		var order byteorder.ByteOrder = byteorder.LittleEndian
		var out []byte
		switch codecName(encoding) {
		case "utf_16":
			out = []byte{0xff, 0xfe}
		case "utf_16_be":
			order = byteorder.BigEndian
		}
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, 0, 0)
			order.PutUint16(out[len(out)-2:], u)
		}
		return out, nil
	case "latin_1", "ascii":
		limit := rune(0xff)
		if codecName(encoding) == "ascii" {
			limit = 0x7f
		}
		out := make([]byte, 0, len(s))
		for i, r := range []rune(s) {
			if r > limit {
				return nil, fmt.Errorf("'%s' codec can't encode character %s in position %d: ordinal not in range(%d)", strings.ReplaceAll(codecName(encoding), "_", "-"), value.Quote(string(r)), i, limit+1)
			}
			out = append(out, byte(r))
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown encoding: %s", encoding)
}

// decodeText is bytes.decode(encoding) with errors='surrogate_or_strict'
// as Ansible's to_text calls it; undecodable UTF-8 becomes U+FFFD.
func decodeText(b []byte, encoding string) (string, error) {
	switch codecName(encoding) {
	case "utf_8":
		if utf8.Valid(b) {
			return string(b), nil
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	case "utf_16", "utf_16_le", "utf_16_be":
		var order byteorder.ByteOrder = byteorder.LittleEndian
		if codecName(encoding) == "utf_16_be" {
			order = byteorder.BigEndian
		}
		if codecName(encoding) == "utf_16" && len(b) >= 2 {
			switch {
			case b[0] == 0xff && b[1] == 0xfe:
				b = b[2:]
			case b[0] == 0xfe && b[1] == 0xff:
				b, order = b[2:], byteorder.BigEndian
			}
		}
		if len(b)%2 != 0 {
			return "", fmt.Errorf("'%s' codec can't decode byte 0x%02x in position %d: truncated data", strings.ReplaceAll(codecName(encoding), "_", "-"), b[len(b)-1], len(b)-1)
		}
		units := make([]uint16, len(b)/2)
		for i := range units {
			units[i] = order.Uint16(b[2*i:])
		}
		return string(utf16.Decode(units)), nil
	case "latin_1":
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r), nil
	case "ascii":
		for i, c := range b {
			if c > 0x7f {
				return "", fmt.Errorf("'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in range(128)", c, i)
			}
		}
		return string(b), nil
	}
	return "", fmt.Errorf("unknown encoding: %s", encoding)
}
