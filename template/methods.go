package template

import (
	"fmt"
	"strings"

	"github.com/gansible/gansible/value"
)

// method returns a Python method of a str, list or dict bound to obj.
func method(obj any, name string) (*function, bool) {
	var impl func(a args) (any, error)
	switch x := obj.(type) {
	case string:
		impl = stringMethod(x, name)
	case []any:
		impl = listMethod(x, name)
	case *dict:
		impl = dictMethod(x, name)
	case *hostVarsValue:
		if name == "keys" {
			impl = func(args) (any, error) { return iterate(x) }
		}
	}
	if impl == nil {
		return nil, false
	}
	return &function{name, func(_ *evaluator, pos []any, kw map[string]any) (any, error) {
		return impl(args{name, pos, kw})
	}}, true
}

func stringMethod(s, name string) func(a args) (any, error) {
	simple := map[string]func(string) any{
		"upper":      func(s string) any { return strings.ToUpper(s) },
		"lower":      func(s string) any { return strings.ToLower(s) },
		"capitalize": func(s string) any { return capitalize(s) },
		"title":      func(s string) any { return title(s) },
		"isdigit":    func(s string) any { return s != "" && strings.Trim(s, "0123456789") == "" },
		"isalpha": func(s string) any {
			return s != "" && strings.IndexFunc(s, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') }) < 0
		},
		"isspace":    func(s string) any { return s != "" && strings.TrimSpace(s) == "" },
		"islower":    func(s string) any { return s == strings.ToLower(s) && s != strings.ToUpper(s) },
		"isupper":    func(s string) any { return s == strings.ToUpper(s) && s != strings.ToLower(s) },
		"splitlines": func(s string) any { return toList(strings.Split(strings.TrimSuffix(s, "\n"), "\n")) },
	}
	if fn, ok := simple[name]; ok {
		return func(args) (any, error) { return fn(s), nil }
	}
	switch name {
	case "strip", "lstrip", "rstrip":
		return func(a args) (any, error) {
			cut := " \t\n\r\v\f"
			if c, ok := a.get(0, "chars"); ok && c != nil {
				cut = str(c)
			}
			switch name {
			case "lstrip":
				return strings.TrimLeft(s, cut), nil
			case "rstrip":
				return strings.TrimRight(s, cut), nil
			}
			return strings.Trim(s, cut), nil
		}
	case "split", "rsplit":
		return func(a args) (any, error) {
			n, err := a.integer(1, "maxsplit", -1)
			if err != nil {
				return nil, err
			}
			sep, ok := a.get(0, "sep")
			if !ok || sep == nil {
				fields := strings.Fields(s)
				if n >= 0 && len(fields) > n+1 {
					if name == "split" {
						head := strings.Fields(s)[:n]
						rest := strings.TrimLeft(s, " \t\n\r")
						for range n {
							rest = strings.TrimLeft(rest[strings.IndexAny(rest, " \t\n\r"):], " \t\n\r")
						}
						return toList(append(head, rest)), nil
					}
				}
				return toList(fields), nil
			}
			if name == "rsplit" && n >= 0 {
				parts := strings.Split(s, str(sep))
				if len(parts) > n+1 {
					head := strings.Join(parts[:len(parts)-n], str(sep))
					parts = append([]string{head}, parts[len(parts)-n:]...)
				}
				return toList(parts), nil
			}
			if n >= 0 {
				n++
			}
			return toList(strings.SplitN(s, str(sep), n)), nil
		}
	case "startswith", "endswith":
		return func(a args) (any, error) {
			test := strings.HasPrefix
			if name == "endswith" {
				test = strings.HasSuffix
			}
			switch p := a.at(0).(type) {
			case string:
				return test(s, p), nil
			case tuple, []any:
				prefixes, _ := asSeq(p)
				for _, e := range prefixes {
					if test(s, str(e)) {
						return true, nil
					}
				}
				return false, nil
			}
			return nil, fmt.Errorf("%s arg must be str or a tuple of str", name)
		}
	case "replace":
		return func(a args) (any, error) {
			n, err := a.integer(2, "count", -1)
			if err != nil {
				return nil, err
			}
			return strings.Replace(s, str(a.at(0)), str(a.at(1)), n), nil
		}
	case "find", "index", "rfind", "count":
		return func(a args) (any, error) {
			sub := str(a.at(0))
			switch name {
			case "count":
				return strings.Count(s, sub), nil
			case "rfind":
				return strings.LastIndex(s, sub), nil
			}
			i := strings.Index(s, sub)
			if i < 0 && name == "index" {
				return nil, fmt.Errorf("substring not found")
			}
			return i, nil
		}
	case "join":
		return func(a args) (any, error) {
			items, err := iterate(a.at(0))
			if err != nil {
				return nil, err
			}
			parts := make([]string, len(items))
			for i, e := range items {
				parts[i] = str(e)
			}
			return strings.Join(parts, s), nil
		}
	case "format":
		return func(a args) (any, error) { return braceFormat(s, a) }
	case "partition", "rpartition":
		return func(a args) (any, error) { return partition(s, a, name == "rpartition") }
	case "zfill", "ljust", "rjust", "center":
		return func(a args) (any, error) {
			width, err := a.integer(0, "width", 0)
			if err != nil {
				return nil, err
			}
			pad := width - len([]rune(s))
			if pad <= 0 {
				return s, nil
			}
			if err := checkString(width); err != nil {
				return nil, err
			}
			fill := " "
			if f, ok := a.get(1, "fillchar"); ok {
				fill = str(f)
			}
			switch name {
			case "zfill":
				if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
					return s[:1] + strings.Repeat("0", pad) + s[1:], nil
				}
				return strings.Repeat("0", pad) + s, nil
			case "ljust":
				return s + strings.Repeat(fill, pad), nil
			case "rjust":
				return strings.Repeat(fill, pad) + s, nil
			}
			left := pad / 2
			return strings.Repeat(fill, left) + s + strings.Repeat(fill, pad-left), nil
		}
	}
	return nil
}

func toList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// braceFormat is str.format with positional and named "{}" fields.
func braceFormat(s string, a args) (any, error) {
	var sb strings.Builder
	auto := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			sb.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			sb.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("Single '{' encountered in format string")
			}
			field, spec, _ := strings.Cut(s[i+1:i+end], ":")
			field, conv, _ := strings.Cut(field, "!")
			var v any
			var ok bool
			if field == "" {
				v, ok = a.get(auto, "")
				auto++
			} else if n, err := fmt.Sscanf(field, "%d", new(int)); err == nil && n == 1 {
				var idx int
				fmt.Sscanf(field, "%d", &idx)
				v, ok = a.get(idx, "")
			} else {
				v, ok = a.kw[field]
			}
			if !ok {
				return nil, fmt.Errorf("format: missing argument for {%s}", field)
			}
			if conv == "r" {
				v = value.Repr(v)
			}
			out, err := formatSpec(v, spec)
			if err != nil {
				return nil, err
			}
			sb.WriteString(out)
			i += end
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String(), nil
}

func listMethod(l []any, name string) func(a args) (any, error) {
	switch name {
	case "index":
		return func(a args) (any, error) {
			for i, e := range l {
				if value.Equal(e, a.at(0)) {
					return i, nil
				}
			}
			return nil, fmt.Errorf("%s is not in list", value.Repr(a.at(0)))
		}
	case "count":
		return func(a args) (any, error) {
			n := 0
			for _, e := range l {
				if value.Equal(e, a.at(0)) {
					n++
				}
			}
			return n, nil
		}
	case "copy":
		return func(args) (any, error) { return append([]any(nil), l...), nil }
	}
	return nil
}

func dictMethod(m *dict, name string) func(a args) (any, error) {
	switch name {
	case "keys":
		return func(args) (any, error) { return toList(m.Keys()), nil }
	case "values":
		return func(args) (any, error) {
			out := make([]any, 0, m.Len())
			for _, v := range m.All() {
				out = append(out, v)
			}
			return out, nil
		}
	case "items":
		return func(a args) (any, error) { return filterItems(nil, m, a) }
	case "get":
		return func(a args) (any, error) {
			if v, ok := m.Get(str(a.at(0))); ok {
				return v, nil
			}
			return a.at(1), nil
		}
	case "copy":
		return func(args) (any, error) { return m.Copy(), nil }
	}
	return nil
}

// partition is str.partition(sep) (str.rpartition when last): the
// 3-tuple of before, sep and after; a missing sep leaves s whole on the
// side Python puts it.
func partition(s string, a args, last bool) (any, error) {
	v, ok := a.get(0, "sep")
	sep, isStr := v.(string)
	if !ok || !isStr {
		return nil, &typeError{"must be str, not " + pyType(v)}
	}
	if sep == "" {
		return nil, fmt.Errorf("empty separator")
	}
	i := strings.Index(s, sep)
	if last {
		i = strings.LastIndex(s, sep)
	}
	switch {
	case i >= 0:
		return tuple{s[:i], sep, s[i+len(sep):]}, nil
	case last:
		return tuple{"", "", s}, nil
	}
	return tuple{s, "", ""}, nil
}
