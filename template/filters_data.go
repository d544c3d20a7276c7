package template

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Serialisation filters. Output follows Python's json.dumps and PyYAML's
// yaml.dump as Ansible calls them; dict keys come out sorted.
func init() {
	filters["to_json"] = func(_ *evaluator, in any, a args) (any, error) {
		indent, err := a.integer(-1, "indent", 0)
		if err != nil {
			return nil, err
		}
		if err := checkIndent(indent); err != nil {
			return nil, err
		}
		return toJSON(in, indent, a.kw["ensure_ascii"] != false)
	}
	filters["to_nice_json"] = func(_ *evaluator, in any, a args) (any, error) {
		indent, err := a.integer(-1, "indent", 4)
		if err != nil {
			return nil, err
		}
		if err := checkIndent(indent); err != nil {
			return nil, err
		}
		return toJSON(in, indent, a.kw["ensure_ascii"] != false)
	}
	filters["tojson"] = filters["to_json"]
	filters["from_json"] = func(_ *evaluator, in any, _ args) (any, error) {
		var v any
		d := json.NewDecoder(strings.NewReader(str(in)))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil, fmt.Errorf("from_json: %w", err)
		}
		return normalize(v), nil
	}
	filters["from_yaml"] = func(_ *evaluator, in any, _ args) (any, error) {
		var v any
		if err := yaml.Unmarshal([]byte(str(in)), &v); err != nil {
			return nil, fmt.Errorf("from_yaml: %w", err)
		}
		return normalize(v), nil
	}
	filters["from_yaml_all"] = func(_ *evaluator, in any, _ args) (any, error) {
		d := yaml.NewDecoder(strings.NewReader(str(in)))
		out := []any{}
		for {
			var v any
			if err := d.Decode(&v); err != nil {
				if err.Error() == "EOF" {
					return out, nil
				}
				return nil, fmt.Errorf("from_yaml_all: %w", err)
			}
			out = append(out, normalize(v))
		}
	}
	filters["to_yaml"] = func(_ *evaluator, in any, a args) (any, error) {
		indent, err := a.integer(-1, "indent", 2)
		if err != nil {
			return nil, err
		}
		if err := checkIndent(indent); err != nil {
			return nil, err
		}
		return toYAML(in, indent, true), nil
	}
	filters["to_nice_yaml"] = func(_ *evaluator, in any, a args) (any, error) {
		indent, err := a.integer(-1, "indent", 4)
		if err != nil {
			return nil, err
		}
		if err := checkIndent(indent); err != nil {
			return nil, err
		}
		return toYAML(in, indent, false), nil
	}
}

// toJSON is json.dumps(v, indent=indent or None, sort_keys=True).
// JSONDumps is Python's json.dumps(v) with its defaults (", " and ": "
// separators, ensure_ascii), which Ansible uses for a copy content given
// as data as well as for to_json.
func JSONDumps(v any) (string, error) { return toJSON(v, 0, true) }

func toJSON(v any, indent int, ascii bool) (string, error) {
	var sb strings.Builder
	if err := writeJSON(&sb, v, indent, 0, ascii); err != nil {
		return "", err
	}
	return sb.String(), nil
}

func writeJSON(sb *strings.Builder, v any, indent, level int, ascii bool) error {
	newline := func(l int) {
		if indent > 0 {
			sb.WriteByte('\n')
			sb.WriteString(strings.Repeat(" ", indent*l))
		}
	}
	sep := ", "
	if indent > 0 {
		sep = ","
	}
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		sb.WriteString(strconv.FormatBool(x))
	case int:
		sb.WriteString(strconv.Itoa(x))
	case *big.Int:
		sb.WriteString(x.String())
	case float64:
		switch {
		case math.IsNaN(x):
			sb.WriteString("NaN")
		case math.IsInf(x, 0):
			if x < 0 {
				sb.WriteByte('-')
			}
			sb.WriteString("Infinity")
		default:
			sb.WriteString(formatFloat(x))
		}
	case string:
		writeJSONString(sb, x, ascii)
	case tuple:
		return writeJSON(sb, []any(x), indent, level, ascii)
	case []any:
		if len(x) == 0 {
			sb.WriteString("[]")
			return nil
		}
		sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				sb.WriteString(sep)
			}
			newline(level + 1)
			if err := writeJSON(sb, e, indent, level+1, ascii); err != nil {
				return err
			}
		}
		newline(level)
		sb.WriteByte(']')
	case map[string]any:
		if len(x) == 0 {
			sb.WriteString("{}")
			return nil
		}
		sb.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				sb.WriteString(sep)
			}
			newline(level + 1)
			writeJSONString(sb, k, ascii)
			sb.WriteString(": ")
			if err := writeJSON(sb, x[k], indent, level+1, ascii); err != nil {
				return err
			}
		}
		newline(level)
		sb.WriteByte('}')
	case *undefined:
		return strict(x)
	default:
		return fmt.Errorf("Object of type %s is not JSON serializable", pyType(v))
	}
	return nil
}

func writeJSONString(sb *strings.Builder, s string, ascii bool) {
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			sb.WriteString(`\"`)
		case r == '\\':
			sb.WriteString(`\\`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == '\b':
			sb.WriteString(`\b`)
		case r == '\f':
			sb.WriteString(`\f`)
		case r < 0x20 || (ascii && r > 0x7e):
			if r > 0xffff {
				r1, r2 := utf16Pair(r)
				fmt.Fprintf(sb, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(sb, `\u%04x`, r)
			}
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// toYAML emits YAML as PyYAML's yaml.dump does (sorted keys, PyYAML's
// indentation of lists); flowLeaves is default_flow_style=None, which
// writes collections holding only scalars in flow style.
func toYAML(v any, indent int, flowLeaves bool) string {
	v = plain(v)
	var sb strings.Builder
	y := yamlWriter{sb: &sb, indent: indent, flowLeaves: flowLeaves}
	switch x := v.(type) {
	case []any, map[string]any:
		if (flowLeaves && isLeafCollection(x)) || length0(x) {
			y.flow(x)
			sb.WriteByte('\n')
		} else {
			y.block(x, 0)
		}
	default:
		sb.WriteString(yamlScalar(v))
		sb.WriteByte('\n')
	}
	return sb.String()
}

func length0(v any) bool {
	n, err := length(v)
	return err == nil && n == 0
}

type yamlWriter struct {
	sb         *strings.Builder
	indent     int
	flowLeaves bool
}

func isLeafCollection(v any) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if !isScalar(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range x {
			if !isScalar(e) {
				return false
			}
		}
		return true
	}
	return false
}

func isScalar(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return false
	}
	return true
}

func (y *yamlWriter) flow(v any) {
	switch x := v.(type) {
	case []any:
		y.sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				y.sb.WriteString(", ")
			}
			y.flow(e)
		}
		y.sb.WriteByte(']')
	case map[string]any:
		y.sb.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				y.sb.WriteString(", ")
			}
			y.sb.WriteString(yamlScalar(k))
			y.sb.WriteString(": ")
			y.flow(x[k])
		}
		y.sb.WriteByte('}')
	default:
		y.sb.WriteString(yamlScalar(v))
	}
}

// value writes a mapping value or list item after its "key:" or "-".
func (y *yamlWriter) value(v any, level int) {
	if isScalar(v) || length0(v) || (y.flowLeaves && isLeafCollection(v)) {
		y.sb.WriteByte(' ')
		y.flow(v)
		y.sb.WriteByte('\n')
		return
	}
	y.sb.WriteByte('\n')
	y.block(v, level)
}

// block writes a collection in block style at the given nesting level.
// PyYAML does not indent a list that is a mapping value.
func (y *yamlWriter) block(v any, level int) {
	pad := strings.Repeat(" ", y.indent*level)
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			y.sb.WriteString(pad + yamlScalar(k) + ":")
			if _, isList := x[k].([]any); isList {
				y.value(x[k], level)
			} else {
				y.value(x[k], level+1)
			}
		}
	case []any:
		for _, e := range x {
			y.sb.WriteString(pad + "-")
			if m, ok := e.(map[string]any); ok && len(m) > 0 && !(y.flowLeaves && isLeafCollection(m)) {
				// The first key goes on the dash line.
				var inner strings.Builder
				sub := yamlWriter{sb: &inner, indent: y.indent, flowLeaves: y.flowLeaves}
				sub.block(m, level+1)
				text := inner.String()
				y.sb.WriteString(strings.Repeat(" ", y.indent-1))
				y.sb.WriteString(strings.TrimPrefix(text, strings.Repeat(" ", y.indent*(level+1))))
				continue
			}
			if isScalar(e) || length0(e) || (y.flowLeaves && isLeafCollection(e)) {
				y.sb.WriteByte(' ')
				y.flow(e)
				y.sb.WriteByte('\n')
				continue
			}
			y.value(e, level+1)
		}
	}
}

var yamlPlainUnsafe = regexp.MustCompile(`^(?i:yes|no|true|false|on|off|null|~|[-+]?(\.inf|\.nan)|[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+([eE][-+]?[0-9]+)?|0x[0-9a-f_]+|0o?[0-7_]+|[0-9]+(:[0-5]?[0-9])+(\.[0-9_]*)?|\d{4}-\d\d?-\d\d?.*)$`)

// yamlScalar renders a scalar as PyYAML would.
func yamlScalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case *big.Int:
		return x.String()
	case float64:
		switch {
		case math.IsNaN(x):
			return ".nan"
		case math.IsInf(x, 1):
			return ".inf"
		case math.IsInf(x, -1):
			return "-.inf"
		}
		return formatFloat(x)
	case string:
		return yamlString(x)
	}
	return yamlString(str(v))
}

func yamlString(s string) string {
	if s == "" {
		return "''"
	}
	if strings.ContainsAny(s, "\n\t\r") || !utf8.ValidString(s) {
		q, _ := json.Marshal(s)
		return string(q)
	}
	plain := !yamlPlainUnsafe.MatchString(s) &&
		!strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@` ") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") &&
		!strings.HasSuffix(s, " ") && !strings.HasSuffix(s, ":")
	if plain {
		return s
	}
	if (s[0] == '-' || s[0] == '?' || s[0] == ':') && len(s) > 1 && s[1] != ' ' && !yamlPlainUnsafe.MatchString(s) && !strings.ContainsAny(s, ",[]{}#") && !strings.Contains(s, ": ") && !strings.HasSuffix(s, " ") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
