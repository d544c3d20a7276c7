package template

import (
	"fmt"
	"math/big"
	"strings"
)

// percentFormat is Python's "fmt % values" for the common conversions.
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
		for j < len(format) && strings.IndexByte("-+ #0123456789.", format[j]) >= 0 {
			j++
		}
		if j == len(format) {
			return "", fmt.Errorf("incomplete format")
		}
		spec, verb := format[i+1:j], format[j]
		i = j
		if verb == '%' {
			sb.WriteByte('%')
			continue
		}
		if next >= len(list) {
			return "", fmt.Errorf("not enough arguments for format string")
		}
		v := list[next]
		next++
		switch verb {
		case 's':
			fmt.Fprintf(&sb, "%"+spec+"s", str(v))
		case 'r':
			fmt.Fprintf(&sb, "%"+spec+"s", repr(v))
		case 'd', 'i':
			if b, ok := v.(*big.Int); ok {
				fmt.Fprintf(&sb, "%"+spec+"s", b.String())
				continue
			}
			if n, ok := integer(v); ok {
				fmt.Fprintf(&sb, "%"+spec+"d", n)
				continue
			}
			f, ok := number(v)
			if !ok {
				return "", fmt.Errorf("%%d format: a number is required, not %s", pyType(v))
			}
			fmt.Fprintf(&sb, "%"+spec+"d", int(f))
		case 'f', 'F', 'e', 'E', 'g', 'G':
			f, ok := number(v)
			if !ok {
				return "", fmt.Errorf("must be real number, not %s", pyType(v))
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
				return "", fmt.Errorf("%%%c format: an integer is required, not %s", verb, pyType(v))
			}
			fmt.Fprintf(&sb, "%"+spec+string(verb), n)
		default:
			return "", fmt.Errorf("unsupported format character '%c'", verb)
		}
	}
	if next < len(list) && isList {
		return "", fmt.Errorf("not all arguments converted during string formatting")
	}
	return sb.String(), nil
}
