package argspec

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/gansible/gansible/value"
)

// convert turns a value into the parameter's type as Ansible's
// check_type_* functions do.
func convert(name string, t Type, v any) (any, error) {
	if u, ok := v.(value.Unsafe); ok {
		v = u.V
	}
	fail := func(reason string) error {
		return &Error{fmt.Sprintf("argument '%s' is of type <class '%s'> and we were unable to convert to %s: %s",
			name, value.TypeName(v), t, reason)}
	}
	switch t {
	case "", Str, Path:
		switch x := v.(type) {
		case string:
			return x, nil
		case bool, int, *big.Int, float64:
			return value.Str(x), nil
		}
		return value.Str(v), nil
	case Raw:
		return v, nil
	case Bool:
		switch v.(type) {
		case bool, string, int, *big.Int, float64:
		default:
			return nil, fail(fmt.Sprintf("<class '%s'> cannot be converted to a bool", value.TypeName(v)))
		}
		b, ok := toBool(v)
		if !ok {
			// Ansible lists its spellings in the order of a Python set,
			// which changes from one run to the next; this is one.
			return nil, fail(fmt.Sprintf("The value '%s' is not a valid boolean.  %s", value.Str(v), value.ValidBooleans))
		}
		return b, nil
	case Int:
		switch x := v.(type) {
		case bool:
			// Python's bool is an int: Ansible keeps True, which the
			// module then reads as 1.
			if x {
				return 1, nil
			}
			return 0, nil
		case int, *big.Int:
			return x, nil
		case string:
			n, err := strconv.Atoi(strings.TrimSpace(x))
			if err == nil {
				return n, nil
			}
		}
		return nil, fail(fmt.Sprintf("<class '%s'> cannot be converted to an int", value.TypeName(v)))
	case Float:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int:
			return float64(x), nil
		case bool:
			if x {
				return 1.0, nil
			}
			return 0.0, nil
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err == nil {
				return f, nil
			}
		}
		return nil, fail(fmt.Sprintf("<class '%s'> cannot be converted to a float", value.TypeName(v)))
	case List:
		switch x := v.(type) {
		case []any:
			return append([]any(nil), x...), nil
		case string:
			parts := strings.Split(x, ",")
			out := make([]any, len(parts))
			for i, p := range parts {
				out[i] = p
			}
			return out, nil
		case bool, int, float64, *big.Int:
			return []any{value.Str(x)}, nil
		}
		return nil, fail(fmt.Sprintf("<class '%s'> cannot be converted to a list", value.TypeName(v)))
	case Dict:
		switch x := v.(type) {
		case *value.Dict:
			return x, nil
		case map[string]any:
			return value.FromMap(x), nil
		case string:
			if strings.HasPrefix(x, "{") {
				d, err := value.DecodeJSONObject([]byte(x))
				if err == nil {
					return d, nil
				}
				return nil, fail("unable to evaluate string as dictionary")
			}
			if !strings.Contains(x, "=") {
				return nil, fail("dictionary requested, could not parse JSON or key=value")
			}
			d, err := keyValues(x)
			if err != "" {
				return nil, fail(err)
			}
			return d, nil
		}
		return nil, fail(fmt.Sprintf("<class '%s'> cannot be converted to a dict", value.TypeName(v)))
	case JSONArg:
		switch x := v.(type) {
		case string:
			return strings.TrimSpace(x), nil
		case []any, *value.Dict, map[string]any:
			s, err := value.JSON(x, value.JSONOptions{ASCII: true})
			if err != nil {
				return nil, fail(err.Error())
			}
			return s, nil
		}
		return nil, fail(fmt.Sprintf("<class '%s'> cannot be converted to a json string", value.TypeName(v)))
	case Bytes:
		n, ok := humanToBytes(value.Str(v))
		if !ok {
			return nil, fail(fmt.Sprintf("<class '%s'> cannot be converted to a Byte value", value.TypeName(v)))
		}
		return n, nil
	}
	panic("argspec: unknown type " + string(t))
}

// convertElement converts one element of a list parameter.
func convertElement(name string, t Type, v any) (any, error) {
	c, err := convert(name, t, v)
	if err != nil {
		return nil, &Error{fmt.Sprintf("Elements value for option '%s' is of type <class '%s'> and we were unable to convert to %s: %s",
			name, value.TypeName(v), t, strings.SplitN(err.Error(), ": ", 2)[1])}
	}
	return c, nil
}

// toBool is Ansible's boolean(): its true and false spellings, case
// insensitive.
func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case int:
		if x == 0 || x == 1 {
			return x == 1, true
		}
	case float64:
		if x == 0 || x == 1 {
			return x == 1, true
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "y", "yes", "on", "1", "true", "t":
			return true, true
		case "n", "no", "off", "0", "false", "f":
			return false, true
		}
	}
	return false, false
}

// keyValues parses Ansible's "k1=v1, k2=v2" dict shorthand as
// check_type_dict: fields split on commas and spaces outside quotes, a
// backslash escaping the next character. The error is Python's, for a
// field without "=".
func keyValues(s string) (*value.Dict, string) {
	var fields []string
	var field strings.Builder
	var quote rune
	escaped := false
	for _, c := range strings.TrimSpace(s) {
		switch {
		case escaped:
			field.WriteRune(c)
			escaped = false
		case c == '\\':
			escaped = true
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == ',' || c == ' '):
			if field.Len() > 0 {
				fields = append(fields, field.String())
			}
			field.Reset()
		default:
			field.WriteRune(c)
		}
	}
	if field.Len() > 0 {
		fields = append(fields, field.String())
	}
	d := value.NewDict(len(fields))
	for i, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Sprintf("dictionary update sequence element #%d has length 1; 2 is required", i)
		}
		d.Set(k, v)
	}
	return d, ""
}

// humanToBytes converts sizes such as "10", "10K", "1.5M" or "2GB" to
// bytes, as Ansible's human_to_bytes.
func humanToBytes(s string) (int, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, false
	}
	unit := strings.ToUpper(strings.TrimSpace(s[i:]))
	unit = strings.TrimSuffix(unit, "B")
	pow := strings.Index("KMGTPEZY", unit)
	switch {
	case unit == "":
		pow = -1
	case len(unit) != 1 || pow < 0:
		return 0, false
	}
	return int(num * math.Pow(1024, float64(pow+1))), true
}
