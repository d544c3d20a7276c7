package pyyaml

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/gansible/gansible/value"
	"gopkg.in/yaml.v3"
)

// FuzzDumpReadsBack checks the one invariant there is without PyYAML at
// hand: whatever the text and the options, the output reads back (with
// the project's YAML reader) as the value written.
func FuzzDumpReadsBack(f *testing.F) {
	for _, s := range []string{"x", "", "a\nb", " a ", "- x", "null", "1.5", "é\t\x85", "'\"", "a: b #c", "\n\n", "x " + string(make([]byte, 100))} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(0xff))
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		if !validText(s) {
			t.Skip()
		}
		opts := Options{
			Indent:        2 + int(o&3),
			Width:         []int{0, 10, 30, -1}[o>>2&3],
			FlowStyle:     FlowStyle(o >> 4 & 3 % 3),
			AllowUnicode:  o&0x40 != 0,
			ExplicitStart: o&0x80 != 0,
		}
		if o&0x80 != 0 && o&1 != 0 {
			opts.Scalar = literalMultiline
		}
		d := value.NewDict(2)
		d.Set(s, []any{s, 1})
		d.Set("k", s)
		for _, v := range []any{s, []any{s}, d} {
			out, err := Dump(v, opts)
			if err != nil {
				t.Fatal(err)
			}
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("%q with %+v: %q does not parse: %v", s, opts, out, err)
			}
			if msg := sameNode(doc.Content[0], v); msg != "" {
				t.Fatalf("%q with %+v: %q: %s", s, opts, out, msg)
			}
		}
	})
}

// validText leaves out what a YAML document cannot hold at all (invalid
// UTF-8; other characters are written escaped).
func validText(s string) bool {
	for _, r := range s {
		if r == 0xFFFD {
			return false
		}
	}
	return true
}

// sameNode compares a parsed node with the value written: the same
// structure and scalar text, and a plain scalar's text resolves (by
// PyYAML's YAML 1.1 rules, which differ from the parser's YAML 1.2 ones
// for words like "yes" or "+.0") to the value's type.
func sameNode(n *yaml.Node, v any) string {
	switch x := v.(type) {
	case string:
		if n.Kind != yaml.ScalarNode || n.Value != x {
			return fmt.Sprintf("%s read back as %q", value.Repr(v), n.Value)
		}
		if n.Style == 0 && resolvePlain(x) != strTag {
			return fmt.Sprintf("%s is written plain", value.Repr(v))
		}
	case int:
		if n.Kind != yaml.ScalarNode || n.Value != strconv.Itoa(x) || n.Style != 0 {
			return fmt.Sprintf("%d read back as %q", x, n.Value)
		}
	case []any:
		if n.Kind != yaml.SequenceNode || len(n.Content) != len(x) {
			return fmt.Sprintf("%s read back as another node", value.Repr(v))
		}
		for i, e := range x {
			if msg := sameNode(n.Content[i], e); msg != "" {
				return msg
			}
		}
	case *value.Dict:
		if n.Kind != yaml.MappingNode || len(n.Content) != 2*x.Len() {
			return fmt.Sprintf("%s read back as another node", value.Repr(v))
		}
		for i, k := range x.SortedKeys() {
			e, _ := x.Get(k)
			if msg := sameNode(n.Content[2*i], k); msg != "" {
				return msg
			}
			if msg := sameNode(n.Content[2*i+1], e); msg != "" {
				return msg
			}
		}
	default:
		return fmt.Sprintf("unexpected %T", v)
	}
	return ""
}
