package listing

import (
	"fmt"
	"math"
	"math/big"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/value"
)

// YAML formats v as ansible-inventory -y does: yaml.dump(v,
// Dumper=AnsibleDumper, default_flow_style=False, allow_unicode=True).
// AnsibleDumper is PyYAML's CSafeDumper, so the emitter below follows
// libyaml's (PyYAML's own differs in a few corners) for block
// collections: sorted keys,
// lists not indented under their key, empty collections as {} and [],
// each string in the first style of plain, single-quoted and
// double-quoted that can hold it, and long scalars folded past column 80.
func YAML(v any) (string, error) {
	e := &emitter{whitespace: true, indention: true, indent: -1, anchors: map[identity]string{}, emitted: map[identity]bool{}}
	e.findShared(v, map[identity]bool{})
	if err := e.node(v, false, false, false); err != nil {
		return "", err
	}
	e.writeIndent()
	return e.b.String(), nil
}

const (
	bestIndent = 2
	bestWidth  = 80
)

type emitter struct {
	b                     strings.Builder
	column                int
	whitespace, indention bool
	indent                int // -1: none yet
	indents               []int
	simpleKey             bool
	mappingContext        bool
	// anchors names the collections that occur more than once, which
	// PyYAML writes once with &idNNN and then as *idNNN, as it does for a
	// Python object referenced twice (a group's list in several hosts'
	// variables).
	anchors map[identity]string
	emitted map[identity]bool
}

// identity tells one Go map or slice from another with equal content.
type identity struct {
	ptr uintptr
	len int
}

func identityOf(v any) (identity, bool) {
	if d, ok := v.(*value.Dict); ok {
		if d.Len() == 0 {
			return identity{}, false
		}
		return identity{reflect.ValueOf(d).Pointer(), d.Len()}, true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice:
		if rv.Len() == 0 {
			return identity{}, false
		}
		return identity{rv.Pointer(), rv.Len()}, true
	}
	return identity{}, false
}

// findShared is PyYAML's Serializer.anchor_node: anchors are numbered in
// the order their second occurrence is met, in emission order.
func (e *emitter) findShared(v any, seen map[identity]bool) {
	id, ok := identityOf(v)
	if !ok {
		return
	}
	if seen[id] {
		if _, named := e.anchors[id]; !named {
			e.anchors[id] = fmt.Sprintf("id%03d", len(e.anchors)+1)
		}
		return
	}
	seen[id] = true
	switch x := v.(type) {
	case []any:
		for _, item := range x {
			e.findShared(item, seen)
		}
	case *value.Dict:
		for _, k := range x.SortedKeys() {
			e.findShared(get(x, k), seen)
		}
	case map[string]any:
		e.findShared(value.FromMap(x), seen)
	}
}

// get is d[k], for keys known to be there.
func get(d *value.Dict, k string) any {
	v, _ := d.Get(k)
	return v
}

func (e *emitter) write(s string) {
	e.b.WriteString(s)
	e.column += len([]rune(s))
}

func (e *emitter) increaseIndent(flow, indentless bool) {
	e.indents = append(e.indents, e.indent)
	switch {
	case e.indent < 0 && flow:
		e.indent = bestIndent
	case e.indent < 0:
		e.indent = 0
	case !indentless:
		e.indent += bestIndent
	}
}

func (e *emitter) popIndent() {
	e.indent = e.indents[len(e.indents)-1]
	e.indents = e.indents[:len(e.indents)-1]
}

func (e *emitter) writeIndicator(ind string, needWhitespace, whitespace, indention bool) {
	if e.whitespace || !needWhitespace {
		e.write(ind)
	} else {
		e.write(" " + ind)
	}
	e.whitespace = whitespace
	e.indention = e.indention && indention
}

func (e *emitter) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || (e.column == indent && !e.whitespace) {
		e.writeLineBreak()
	}
	if e.column < indent {
		e.whitespace = true
		e.write(strings.Repeat(" ", indent-e.column))
	}
}

func (e *emitter) writeLineBreak() {
	e.whitespace, e.indention = true, true
	e.b.WriteByte('\n')
	e.column = 0
}

// node emits one value in the context PyYAML's expect_node is given.
func (e *emitter) node(v any, root, sequence, mapping bool) error {
	_ = root
	e.mappingContext = mapping
	if id, ok := identityOf(v); ok {
		if anchor, shared := e.anchors[id]; shared {
			if e.emitted[id] {
				e.writeIndicator("*"+anchor, true, false, false)
				return nil
			}
			e.emitted[id] = true
			e.writeIndicator("&"+anchor, true, false, false)
		}
	}
	switch x := v.(type) {
	case []string:
		list := make([]any, len(x))
		for i, s := range x {
			list[i] = s
		}
		return e.node(list, root, sequence, mapping)
	case []any:
		if len(x) == 0 {
			e.writeIndicator("[", true, true, false)
			e.writeIndicator("]", false, false, false)
			return nil
		}
		e.increaseIndent(false, e.mappingContext && !e.indention)
		for _, item := range x {
			e.writeIndent()
			e.writeIndicator("-", true, false, true)
			if err := e.node(item, false, true, false); err != nil {
				return err
			}
		}
		e.popIndent()
		return nil
	case map[string]any:
		// The listing's own structure: its keys sorted as yaml.dump's.
		return e.node(value.FromMap(x), root, sequence, mapping)
	case *value.Dict:
		if x.Len() == 0 {
			e.writeIndicator("{", true, true, false)
			e.writeIndicator("}", false, false, false)
			return nil
		}
		e.increaseIndent(false, false)
		for _, k := range x.SortedKeys() {
			e.writeIndent()
			a := analyze(k)
			if len(k) <= 128 && !a.multiline {
				e.simpleKey = true
				e.scalar(k, "str", a)
				e.simpleKey = false
				e.writeIndicator(":", false, false, false)
			} else {
				e.writeIndicator("?", true, false, true)
				e.scalar(k, "str", a)
				e.writeIndent()
				e.writeIndicator(":", true, false, true)
			}
			if err := e.node(get(x, k), false, false, true); err != nil {
				return err
			}
		}
		e.popIndent()
		return nil
	}
	text, tag, err := represent(v)
	if err != nil {
		return err
	}
	e.scalar(text, tag, analyze(text))
	return nil
}

// represent is SafeRepresenter's text and tag for a scalar.
func represent(v any) (text, tag string, err error) {
	switch x := v.(type) {
	case nil:
		return "null", "null", nil
	case bool:
		return strconv.FormatBool(x), "bool", nil
	case int:
		return strconv.Itoa(x), "int", nil
	case int64:
		return strconv.FormatInt(x, 10), "int", nil
	case *big.Int:
		return x.String(), "int", nil
	case float64:
		switch {
		case math.IsNaN(x):
			return ".nan", "float", nil
		case math.IsInf(x, 1):
			return ".inf", "float", nil
		case math.IsInf(x, -1):
			return "-.inf", "float", nil
		}
		s := strings.ToLower(value.FormatFloat(x))
		if !strings.Contains(s, ".") && strings.Contains(s, "e") {
			s = strings.Replace(s, "e", ".0e", 1)
		}
		return s, "float", nil
	case string:
		return x, "str", nil
	}
	return "", "", fmt.Errorf("cannot represent an object: %v", v)
}

// YAML 1.1 implicit resolvers, as PyYAML's Resolver has them.
var resolvers = []struct {
	tag string
	re  *regexp.Regexp
}{
	{"bool", regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)},
	{"float", regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)},
	{"int", regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)},
	{"merge", regexp.MustCompile(`^(?:<<)$`)},
	{"null", regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)},
	{"timestamp", regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)},
	{"value", regexp.MustCompile(`^(?:=)$`)},
}

// resolvedTag is the tag a plain scalar with this text reads back as.
// Python's "$" also matches before a final newline.
func resolvedTag(s string) string {
	t := strings.TrimSuffix(s, "\n")
	for _, r := range resolvers {
		if r.re.MatchString(t) {
			return r.tag
		}
	}
	return "str"
}

type analysis struct {
	empty, multiline                   bool
	allowBlockPlain, allowSingleQuoted bool
}

func isBreak(r rune) bool { return r == '\n' || r == '\u0085' || r == '\u2028' || r == '\u2029' }

func isSpaceOrEnd(r rune) bool { return r == 0 || r == ' ' || r == '\t' || r == '\r' || isBreak(r) }

// analyze is PyYAML's Emitter.analyze_scalar, for the block context.
func analyze(s string) analysis {
	if s == "" {
		return analysis{empty: true, allowBlockPlain: true, allowSingleQuoted: true}
	}
	text := []rune(s)
	var blockIndicators, lineBreaks, special bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		blockIndicators = true
	}
	precededByWS := true
	followedByWS := len(text) == 1 || isSpaceOrEnd(text[1])
	prevSpace, prevBreak := false, false
	for i, ch := range text {
		if i == 0 {
			if strings.ContainsRune("#,[]{}&*!|>'\"%@`", ch) {
				blockIndicators = true
			}
			if (ch == '?' || ch == ':') && followedByWS {
				blockIndicators = true
			}
			if ch == '-' && followedByWS {
				blockIndicators = true
			}
		} else {
			if ch == ':' && followedByWS {
				blockIndicators = true
			}
			if ch == '#' && precededByWS {
				blockIndicators = true
			}
		}
		if isBreak(ch) {
			lineBreaks = true
		}
		if !printable(ch) {
			special = true
		}
		switch {
		case ch == ' ':
			leadingSpace = leadingSpace || i == 0
			trailingSpace = trailingSpace || i == len(text)-1
			breakSpace = breakSpace || prevBreak
			prevSpace, prevBreak = true, false
		case isBreak(ch):
			leadingBreak = leadingBreak || i == 0
			trailingBreak = trailingBreak || i == len(text)-1
			spaceBreak = spaceBreak || prevSpace
			prevSpace, prevBreak = false, true
		default:
			prevSpace, prevBreak = false, false
		}
		precededByWS = isSpaceOrEnd(ch)
		followedByWS = i+2 >= len(text) || isSpaceOrEnd(text[i+2])
	}
	a := analysis{multiline: lineBreaks, allowBlockPlain: true, allowSingleQuoted: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || blockIndicators {
		a.allowBlockPlain = false
	}
	if breakSpace || spaceBreak || special {
		a.allowBlockPlain, a.allowSingleQuoted = false, false
	}
	return a
}

// scalar is PyYAML's expect_scalar: the style chosen as
// choose_scalar_style does, then written.
func (e *emitter) scalar(text, tag string, a analysis) {
	e.increaseIndent(true, false)
	split := !e.simpleKey
	plainOK := resolvedTag(text) == tag
	switch {
	case plainOK && !(e.simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain:
		e.writePlain(text, split)
	case a.allowSingleQuoted && !(e.simpleKey && a.multiline):
		e.writeSingleQuoted(text, split)
	default:
		e.writeDoubleQuoted(text, split)
	}
	e.popIndent()
}

func (e *emitter) writePlain(s string, split bool) {
	if s == "" {
		return
	}
	if !e.whitespace {
		e.write(" ")
	}
	e.whitespace, e.indention = false, false
	text := []rune(s)
	spaces := false
	start := 0
	for end := 0; end <= len(text); end++ {
		var ch rune = -1
		if end < len(text) {
			ch = text[end]
		}
		if spaces {
			if ch != ' ' {
				if start+1 == end && e.column > bestWidth && split {
					e.writeIndent()
					e.whitespace, e.indention = false, false
				} else {
					e.write(string(text[start:end]))
				}
				start = end
			}
		} else if ch == -1 || ch == ' ' || isBreak(ch) {
			e.write(string(text[start:end]))
			start = end
		}
		if ch != -1 {
			spaces = ch == ' '
		}
	}
}

func (e *emitter) writeSingleQuoted(s string, split bool) {
	e.writeIndicator("'", true, false, false)
	text := []rune(s)
	spaces, breaks := false, false
	start := 0
	for end := 0; end <= len(text); end++ {
		var ch rune = -1
		if end < len(text) {
			ch = text[end]
		}
		switch {
		case spaces:
			if ch != ' ' {
				if start+1 == end && e.column > bestWidth && split && start != 0 && end != len(text) {
					e.writeIndent()
				} else {
					e.write(string(text[start:end]))
				}
				start = end
			}
		case breaks:
			if ch == -1 || !isBreak(ch) {
				if text[start] == '\n' {
					e.writeLineBreak()
				}
				for _, br := range text[start:end] {
					if br == '\n' {
						e.writeLineBreak()
					} else {
						e.whitespace, e.indention = true, true
						e.b.WriteString(string(br))
						e.column = 0
					}
				}
				e.writeIndent()
				start = end
			}
		default:
			if ch == -1 || ch == ' ' || isBreak(ch) || ch == '\'' {
				if start < end {
					e.write(string(text[start:end]))
					start = end
				}
			}
		}
		if ch == '\'' {
			e.write("''")
			start = end + 1
		}
		if ch != -1 {
			spaces, breaks = ch == ' ', isBreak(ch)
		}
	}
	e.writeIndicator("'", false, false, false)
}

var escapes = map[rune]string{
	0: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0a: "n", 0x0b: "v", 0x0c: "f", 0x0d: "r",
	0x1b: "e", '"': "\"", '\\': "\\", 0x85: "N", 0xa0: "_", 0x2028: "L", 0x2029: "P",
}

// writeDoubleQuoted is libyaml's yaml_emitter_write_double_quoted.
func (e *emitter) writeDoubleQuoted(s string, split bool) {
	e.writeIndicator("\"", true, false, false)
	text := []rune(s)
	spaces := false
	for i, ch := range text {
		switch {
		case !printable(ch) || ch == 0xfeff || isBreak(ch) || ch == '"' || ch == '\\':
			var data string
			switch esc, ok := escapes[ch]; {
			case ok:
				data = `\` + esc
			case ch <= 0xff:
				data = fmt.Sprintf(`\x%02X`, ch)
			case ch <= 0xffff:
				data = fmt.Sprintf(`\u%04X`, ch)
			default:
				data = fmt.Sprintf(`\U%08X`, ch)
			}
			e.write(data)
			spaces = false
		case ch == ' ':
			if split && !spaces && e.column > bestWidth && i != 0 && i != len(text)-1 {
				e.writeIndent()
				if text[i+1] == ' ' {
					e.write(`\`)
				}
			} else {
				e.write(" ")
			}
			spaces = true
		default:
			e.write(string(ch))
			spaces = false
		}
	}
	e.writeIndicator("\"", false, false, false)
}

// printable is libyaml's IS_PRINTABLE: characters beyond the Basic
// Multilingual Plane are not, so they are escaped.
func printable(ch rune) bool {
	return ch == '\n' || ch >= 0x20 && ch <= 0x7e || ch >= 0xa0 && ch <= 0xd7ff ||
		ch >= 0xe000 && ch <= 0xfffd && ch != 0xfeff
}
