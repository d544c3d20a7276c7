package value

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// JSONOptions are the arguments of Python's json.dumps that Ansible uses.
type JSONOptions struct {
	// Indent > 0 writes one item a line, indented by Indent spaces a
	// level; 0 is indent=None, all on one line.
	Indent int
	// Lines with Indent 0 is indent=0: one item a line, not indented.
	Lines bool
	// SortKeys is sort_keys=True; otherwise dicts keep their order.
	SortKeys bool
	// ASCII is ensure_ascii=True: non-ASCII characters as \u escapes.
	ASCII bool
	// Separators are the item and key separators; the zero value is
	// Python's default: ", " and ": " on one line, "," and ": " with an
	// indent.
	Separators [2]string
	// Default converts a value of another type to one that can be
	// written, as json.dumps's default= does; without it such a value is
	// Python's "is not JSON serializable" error.
	Default func(v any) (any, error)
}

// JSON is Python's json.dumps(v) with opts.
func JSON(v any, opts JSONOptions) (string, error) {
	w := jsonWriter{opts: opts}
	w.item, w.key = opts.Separators[0], opts.Separators[1]
	if w.item == "" {
		w.item = ", "
		if opts.Indent > 0 || opts.Lines {
			w.item = ","
		}
	}
	if w.key == "" {
		w.key = ": "
	}
	if err := w.write(v, 0); err != nil {
		return "", err
	}
	return w.sb.String(), nil
}

type jsonWriter struct {
	sb        strings.Builder
	opts      JSONOptions
	item, key string
}

func (w *jsonWriter) newline(level int) {
	if w.opts.Indent > 0 || w.opts.Lines {
		w.sb.WriteByte('\n')
		for range level * w.opts.Indent {
			w.sb.WriteByte(' ')
		}
	}
}

// maxJSONDepth bounds nesting, as Python's recursion limit does.
const maxJSONDepth = 10000

func (w *jsonWriter) write(v any, level int) error {
	if level > maxJSONDepth {
		return errors.New("maximum recursion depth exceeded while encoding a JSON object")
	}
	sb := &w.sb
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		sb.WriteString(strconv.FormatBool(x))
	case int:
		sb.WriteString(strconv.Itoa(x))
	case int64:
		sb.WriteString(strconv.FormatInt(x, 10))
	case *big.Int: // Python's ints have no size limit
		sb.WriteString(x.String())
	case float64:
		switch {
		case math.IsNaN(x):
			sb.WriteString("NaN")
		case math.IsInf(x, 1):
			sb.WriteString("Infinity")
		case math.IsInf(x, -1):
			sb.WriteString("-Infinity")
		default:
			sb.WriteString(FormatFloat(x))
		}
	case string:
		WriteJSONString(sb, x, w.opts.ASCII)
	case Unsafe:
		return w.write(x.V, level)
	case Tuple:
		return w.list(x, level)
	case []any:
		return w.list(x, level)
	case []string:
		list := make([]any, len(x))
		for i, s := range x {
			list[i] = s
		}
		return w.list(list, level)
	case *Dict:
		return w.dict(x, level)
	case map[string]any:
		return w.dict(FromMap(x), level)
	default:
		if w.opts.Default == nil {
			return fmt.Errorf("Object of type %T is not JSON serializable", v)
		}
		conv, err := w.opts.Default(v)
		if err != nil {
			return err
		}
		// A converted value is plain data: no second conversion.
		def := w.opts.Default
		w.opts.Default = nil
		err = w.write(conv, level)
		w.opts.Default = def
		return err
	}
	return nil
}

func (w *jsonWriter) list(x []any, level int) error {
	if len(x) == 0 {
		w.sb.WriteString("[]")
		return nil
	}
	w.sb.WriteByte('[')
	for i, e := range x {
		if i > 0 {
			w.sb.WriteString(w.item)
		}
		w.newline(level + 1)
		if err := w.write(e, level+1); err != nil {
			return err
		}
	}
	w.newline(level)
	w.sb.WriteByte(']')
	return nil
}

func (w *jsonWriter) dict(x *Dict, level int) error {
	if x.Len() == 0 {
		w.sb.WriteString("{}")
		return nil
	}
	keys := x.keys
	if w.opts.SortKeys {
		keys = x.SortedKeys()
	}
	w.sb.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			w.sb.WriteString(w.item)
		}
		w.newline(level + 1)
		WriteJSONString(&w.sb, k, w.opts.ASCII)
		w.sb.WriteString(w.key)
		v, _ := x.Get(k)
		if err := w.write(v, level+1); err != nil {
			return err
		}
	}
	w.newline(level)
	w.sb.WriteByte('}')
	return nil
}

// WriteJSONString writes s as a JSON string as Python's json module does;
// ascii is ensure_ascii.
func WriteJSONString(sb *strings.Builder, s string, ascii bool) {
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
				r -= 0x10000
				fmt.Fprintf(sb, `\u%04x\u%04x`, 0xd800+(r>>10)&0x3ff, 0xdc00+r&0x3ff)
			} else {
				fmt.Fprintf(sb, `\u%04x`, r)
			}
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
}

// DecodeJSON is Python's json.loads: objects become *Dict in the order
// their keys are written (a repeated key keeps its first place and its last
// value), integers int or *big.Int, other numbers float64. Anything after
// the value but white space is an error.
func DecodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		return nil, extraData(data, end)
	}
	return v, nil
}

// extraData is Python's error for text after the value, which starts after
// the white space that follows end.
func extraData(data []byte, end int) error {
	at := end + len(data[end:]) - len(bytes.TrimLeft(data[end:], " \t\r\n"))
	line := 1 + bytes.Count(data[:at], []byte("\n"))
	col := at - bytes.LastIndexByte(data[:at], '\n')
	return fmt.Errorf("Extra data: line %d column %d (char %d)", line, col, at)
}

// DecodeJSONObject is DecodeJSON for a document that must be an object.
func DecodeJSONObject(data []byte) (*Dict, error) {
	v, err := DecodeJSON(data)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*Dict)
	if !ok {
		return nil, fmt.Errorf("JSON value is a %s, not an object", TypeName(v))
	}
	return d, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			out := []any{}
			for dec.More() {
				e, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				out = append(out, e)
			}
			_, err := dec.Token() // ]
			return out, err
		case '{':
			out := NewDict(0)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("invalid object key %v", kt)
				}
				e, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				out.Set(k, e)
			}
			_, err := dec.Token() // }
			return out, err
		}
		return nil, fmt.Errorf("unexpected %q", rune(t))
	case json.Number:
		return ParseNumber(string(t)), nil
	}
	return tok, nil // string, bool or nil
}

// ParseNumber converts a JSON number literal as Python's json module does.
func ParseNumber(s string) any {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return int(i)
		}
		if b, ok := new(big.Int).SetString(s, 10); ok {
			return b
		}
	}
	f, _ := strconv.ParseFloat(s, 64) // out of range: ±Inf, as Python
	return f
}

// TypeName is the Python type name of a value, for error messages.
func TypeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []any:
		return "list"
	case Tuple:
		return "tuple"
	case *Dict, map[string]any:
		return "dict"
	case Unsafe:
		return TypeName(x.V)
	}
	return fmt.Sprintf("%T", v)
}
