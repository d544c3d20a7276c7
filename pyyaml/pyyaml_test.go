package pyyaml

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gansible/gansible/value"
)

// literalMultiline asks for the literal style for text with a line break,
// as testdata/gen_expected.py's LiteralDumper does.
func literalMultiline(s string) (string, Style) {
	if strings.Contains(s, "\n") {
		return s, Literal
	}
	return s, Any
}

// optionsOf reads a case's yaml.dump keyword arguments.
func optionsOf(t *testing.T, o *value.Dict) Options {
	var opts Options
	if o == nil {
		return opts
	}
	for k, v := range o.All() {
		switch k {
		case "indent":
			opts.Indent = v.(int)
		case "width":
			opts.Width = v.(int)
		case "default_flow_style":
			switch v {
			case nil:
				opts.FlowStyle = Auto
			case true:
				opts.FlowStyle = Flow
			}
		case "sort_keys":
			opts.KeepOrder = v == false
		case "allow_unicode":
			opts.AllowUnicode = v == true
		case "explicit_start":
			opts.ExplicitStart = v == true
		case "explicit_end":
			opts.ExplicitEnd = v == true
		case "literal":
			opts.Scalar = literalMultiline
		case "alias", "vault": // applied by the test itself
		default:
			t.Fatalf("unknown option %q", k)
		}
	}
	return opts
}

// TestDumpMatchesPyYAML replays testdata/cases.json against the outputs
// of yaml.dump recorded in testdata/expected.json (gen_expected.py).
func TestDumpMatchesPyYAML(t *testing.T) {
	data, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	casesV, err := value.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	var expected []string
	data, err = os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &expected); err != nil {
		t.Fatal(err)
	}
	cases := casesV.([]any)
	if len(cases) != len(expected) {
		t.Fatalf("%d cases, %d expected outputs: run testdata/gen_expected.py", len(cases), len(expected))
	}
	for i, c := range cases {
		cd := c.(*value.Dict)
		v, _ := cd.Get("v")
		o, _ := cd.Get("o")
		od, _ := o.(*value.Dict)
		if od != nil && od.Has("vault") {
			x := value.Unsafe{V: "the plaintext", Vault: true, Ciphertext: v.(string)}
			v = []any{x, value.DictOf("k", x)}
		}
		if od != nil && od.Has("alias") {
			v = []any{v, value.DictOf("k", v), v}
		}
		got, err := Dump(v, optionsOf(t, od))
		if err != nil {
			t.Errorf("case %d %s: %v", i, value.Repr(v), err)
			continue
		}
		if got != expected[i] {
			t.Errorf("case %d: yaml.dump(%s, %s)\n got %q\nwant %q", i, value.Repr(v), value.Repr(o), got, expected[i])
		}
	}
}

func TestUnrepresentable(t *testing.T) {
	_, err := Dump([]any{value.Tuple{1, 2}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "cannot represent an object") {
		t.Fatalf("got %v", err)
	}
}
