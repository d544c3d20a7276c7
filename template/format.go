package template

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/gansible/gansible/value"
)

// percentFormat is Python's "fmt % values" for the common conversions.
// It returns a typeError where Python's % raises TypeError, which Ansible
// reports as an unexpected templating type error.
func percentFormat(format string, values any) (string, error) {
	list, isList := values.(tuple)
	if !isList {
		list = []any{values}
	}
	var sb strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			sb.WriteByte(c)
			continue
		}
		j := i + 1
		// "%(name)s" takes the value from a dict.
		var key string
		keyed := false
		if j < len(format) && format[j] == '(' {
			end := strings.IndexByte(format[j:], ')')
			if end < 0 {
				return "", fmt.Errorf("incomplete format key")
			}
			key, keyed = format[j+1:j+end], true
			j += end + 1
		}
		start := j
		for j < len(format) && strings.IndexByte("-+ #0123456789.", format[j]) >= 0 {
			j++
		}
		if j == len(format) {
			return "", fmt.Errorf("incomplete format")
		}
		spec, verb := format[start:j], format[j]
		i = j
		if verb == '%' {
			sb.WriteByte('%')
			continue
		}
		var v any
		if keyed {
			m, ok := values.(*dict)
			if !ok {
				return "", &typeError{"format requires a mapping"}
			}
			if v, ok = m.Get(key); !ok {
				return "", fmt.Errorf("KeyError: %s", value.Quote(key))
			}
			isList = false
		} else {
			if next >= len(list) {
				return "", &typeError{"not enough arguments for format string"}
			}
			v = list[next]
			next++
		}
		switch verb {
		case 's':
			fmt.Fprintf(&sb, "%"+spec+"s", str(v))
		case 'r':
			fmt.Fprintf(&sb, "%"+spec+"s", value.Repr(v))
		case 'd', 'i':
			if b, ok := v.(*big.Int); ok {
				fmt.Fprintf(&sb, "%"+spec+"s", b.String())
				continue
			}
			if n, ok := integer(v); ok {
				fmt.Fprintf(&sb, "%"+spec+"d", n)
				continue
			}
			f, ok := value.Float(v)
			if !ok {
				return "", &typeError{"%d format: a real number is required, not " + pyType(v)}
			}
			fmt.Fprintf(&sb, "%"+spec+"d", int(f))
		case 'f', 'F', 'e', 'E', 'g', 'G':
			f, ok := value.Float(v)
			if !ok {
				return "", &typeError{"must be real number, not " + pyType(v)}
			}
			if !strings.Contains(spec, ".") && verb != 'g' && verb != 'G' {
				spec += ".6"
			}
			fmt.Fprintf(&sb, "%"+spec+string(verb), f)
		case 'x', 'X', 'o':
			if b, ok := v.(*big.Int); ok {
				fmt.Fprintf(&sb, "%"+spec+string(verb), b)
				continue
			}
			n, ok := integer(v)
			if !ok {
				return "", &typeError{fmt.Sprintf("%%%c format: an integer is required, not %s", verb, pyType(v))}
			}
			fmt.Fprintf(&sb, "%"+spec+string(verb), n)
		default:
			return "", fmt.Errorf("unsupported format character '%c'", verb)
		}
	}
	if next < len(list) && isList {
		return "", &typeError{"not all arguments converted during string formatting"}
	}
	return sb.String(), nil
}

// formatSpec is Python's format(value, spec) for the format specification
// mini-language: [[fill]align][sign][0][width][,][.precision][type].
func formatSpec(v any, spec string) (string, error) {
	if spec == "" {
		return str(v), nil
	}
	bad := fmt.Errorf("Invalid format specifier '%s' for object of type '%s'", spec, pyType(v))
	rs := []rune(spec)
	fill, align := ' ', rune(0)
	if len(rs) >= 2 && strings.ContainsRune("<>^=", rs[1]) {
		fill, align, rs = rs[0], rs[1], rs[2:]
	} else if len(rs) >= 1 && strings.ContainsRune("<>^=", rs[0]) {
		align, rs = rs[0], rs[1:]
	}
	sign := rune(0)
	if len(rs) > 0 && strings.ContainsRune("+- ", rs[0]) {
		sign, rs = rs[0], rs[1:]
	}
	if len(rs) > 0 && rs[0] == '0' {
		if align == 0 {
			fill, align = '0', '='
		}
		rs = rs[1:]
	}
	width := 0
	for len(rs) > 0 && rs[0] >= '0' && rs[0] <= '9' {
		width, rs = width*10+int(rs[0]-'0'), rs[1:]
	}
	group := ""
	if len(rs) > 0 && (rs[0] == ',' || rs[0] == '_') {
		group, rs = string(rs[0]), rs[1:]
	}
	prec := -1
	if len(rs) > 0 && rs[0] == '.' {
		rs = rs[1:]
		prec = 0
		for len(rs) > 0 && rs[0] >= '0' && rs[0] <= '9' {
			prec, rs = prec*10+int(rs[0]-'0'), rs[1:]
		}
	}
	typ := ""
	if len(rs) == 1 {
		typ = string(rs)
	} else if len(rs) > 1 {
		return "", bad
	}
	var body string
	numeric := false
	switch x := v.(type) {
	case string:
		if typ != "" && typ != "s" {
			return "", bad
		}
		body = x
		if prec >= 0 && prec < len([]rune(x)) {
			body = string([]rune(x)[:prec])
		}
		if align == 0 {
			align = '<'
		}
	default:
		f, isNum := value.Float(v)
		n, isInt := integer(v)
		if _, isBool := v.(bool); !isNum || isBool && typ == "" {
			body = str(v)
			break
		}
		numeric = true
		if align == 0 {
			align = '>'
		}
		switch typ {
		case "d", "":
			if !isInt && typ == "d" {
				return "", bad
			}
			if isInt && typ == "" || typ == "d" {
				body = fmt.Sprint(abs(n))
			} else if prec >= 0 {
				body = fmt.Sprintf("%.*g", prec, math.Abs(f))
			} else {
				body = value.FormatFloat(math.Abs(f))
			}
		case "x", "X", "o", "b":
			if !isInt {
				return "", bad
			}
			body = fmt.Sprintf("%"+typ, abs(n))
		case "f", "F", "e", "E", "g", "G", "%":
			if prec < 0 {
				prec = 6
			}
			if typ == "%" {
				body = fmt.Sprintf("%.*f%%", prec, math.Abs(f)*100)
			} else {
				body = fmt.Sprintf("%.*"+typ, prec, math.Abs(f))
			}
		default:
			return "", bad
		}
		if group != "" {
			intPart, rest, _ := strings.Cut(body, ".")
			if rest != "" || strings.Contains(body, ".") {
				rest = "." + rest
			}
			var g strings.Builder
			for i, c := range intPart {
				if i > 0 && (len(intPart)-i)%3 == 0 {
					g.WriteString(group)
				}
				g.WriteRune(c)
			}
			body = g.String() + rest
		}
		switch {
		case f < 0:
			body = "-" + body
		case sign == '+':
			body = "+" + body
		case sign == ' ':
			body = " " + body
		}
	}
	pad := width - len([]rune(body))
	if pad <= 0 {
		return body, nil
	}
	p := strings.Repeat(string(fill), pad)
	switch align {
	case '<':
		return body + p, nil
	case '^':
		return strings.Repeat(string(fill), pad/2) + body + strings.Repeat(string(fill), pad-pad/2), nil
	case '=':
		if numeric && body != "" && strings.ContainsRune("+- ", rune(body[0])) {
			return body[:1] + p + body[1:], nil
		}
	}
	return p + body, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
