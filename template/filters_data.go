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

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// Serialisation filters. Output follows Python's json.dumps and PyYAML's
// yaml.dump as Ansible calls them: to_json keeps dict order (json.dumps's
// sort_keys=False), to_nice_json and the YAML filters sort keys.
func init() {
	filters["to_json"] = func(_ *evaluator, in any, a args) (any, error) {
		return jsonFilter(in, a, 0, false)
	}
	filters["to_nice_json"] = func(_ *evaluator, in any, a args) (any, error) {
		return jsonFilter(in, a, 4, true)
	}
	filters["tojson"] = filters["to_json"]
	filters["from_json"] = func(_ *evaluator, in any, _ args) (any, error) {
		v, err := value.DecodeJSON([]byte(str(in)))
		if err != nil {
			return nil, fmt.Errorf("from_json: %w", err)
		}
		return v, nil
	}
	filters["from_yaml"] = func(_ *evaluator, in any, _ args) (any, error) {
		n, err := yamlvalue.Parse("<string>", []byte(str(in)))
		if err != nil {
			return nil, fmt.Errorf("from_yaml: %w", err)
		}
		v, err := yamlvalue.Decode("<string>", n)
		if err != nil {
			return nil, fmt.Errorf("from_yaml: %w", err)
		}
		return normalize(v), nil
	}
	filters["from_yaml_all"] = func(_ *evaluator, in any, _ args) (any, error) {
		docs, err := yamlvalue.DecodeAll("<string>", []byte(str(in)))
		if err != nil {
			return nil, fmt.Errorf("from_yaml_all: %w", err)
		}
		for i, d := range docs {
			docs[i] = normalize(d)
		}
		return docs, nil
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

// jsonFilter is to_json and to_nice_json: json.dumps with the indent= and
// sort_keys= of the call (defaults indent and sortKeys), ensure_ascii
// unless ensure_ascii=False.
func jsonFilter(in any, a args, indent int, sortKeys bool) (any, error) {
	indent, err := a.integer(-1, "indent", indent)
	if err != nil {
		return nil, err
	}
	if err := checkIndent(indent); err != nil {
		return nil, err
	}
	if v, ok := a.kw["sort_keys"]; ok {
		sortKeys = truthy(v)
	}
	return toJSON(in, value.JSONOptions{Indent: indent, SortKeys: sortKeys, ASCII: a.kw["ensure_ascii"] != false})
}

// JSONDumps is Python's json.dumps(v) with its defaults (", " and ": "
// separators, ensure_ascii, dict order kept), which Ansible uses for a copy
// content given as data as well as for to_json.
func JSONDumps(v any) (string, error) { return toJSON(v, value.JSONOptions{ASCII: true}) }

func toJSON(v any, opts value.JSONOptions) (string, error) {
	opts.Default = func(v any) (any, error) {
		if u, ok := v.(*undefined); ok {
			return nil, strict(u)
		}
		return nil, fmt.Errorf("Object of type %s is not JSON serializable", pyType(v))
	}
	return value.JSON(v, opts)
}

// toYAML emits YAML as PyYAML's yaml.dump does (sorted keys, PyYAML's
// indentation of lists); flowLeaves is default_flow_style=None, which
// writes collections holding only scalars in flow style.
func toYAML(v any, indent int, flowLeaves bool) string {
	v = plain(v)
	var sb strings.Builder
	y := yamlWriter{sb: &sb, indent: indent, flowLeaves: flowLeaves}
	switch x := v.(type) {
	case []any, *dict:
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
	case *dict:
		for _, e := range x.All() {
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
	case []any, *dict:
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
	case *dict:
		y.sb.WriteByte('{')
		for i, k := range x.SortedKeys() {
			if i > 0 {
				y.sb.WriteString(", ")
			}
			y.sb.WriteString(yamlScalar(k))
			y.sb.WriteString(": ")
			e, _ := x.Get(k)
			y.flow(e)
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
	case *dict:
		for _, k := range x.SortedKeys() {
			y.sb.WriteString(pad + yamlScalar(k) + ":")
			e, _ := x.Get(k)
			if _, isList := e.([]any); isList {
				y.value(e, level)
			} else {
				y.value(e, level+1)
			}
		}
	case []any:
		for _, e := range x {
			y.sb.WriteString(pad + "-")
			if m, ok := e.(*dict); ok && m.Len() > 0 && !(y.flowLeaves && isLeafCollection(m)) {
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
		return value.FormatFloat(x)
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
