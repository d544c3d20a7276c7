package pyre

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// pyCase is one case of testdata/cases.json, whose want was recorded by
// running Python's re (testdata/gen_cases.py).
type pyCase struct {
	Op, Pattern, Flags, Input string
	Repl                      *string
	Count                     int
	Want                      json.RawMessage
}

func flagsOf(s string) Flags {
	var f Flags
	for _, c := range s {
		switch c {
		case 'i':
			f.IgnoreCase = true
		case 'm':
			f.Multiline = true
		case 's':
			f.DotAll = true
		}
	}
	return f
}

// run gives a case's result in the JSON shape gen_cases.py records.
func run(c pyCase) any {
	if c.Op == "escape" {
		return Escape(c.Pattern)
	}
	failed := map[string]any{"error": true}
	re, err := Compile(c.Pattern, flagsOf(c.Flags))
	if err != nil {
		return failed
	}
	var m *Match
	switch c.Op {
	case "search":
		m, err = re.Search(c.Input)
	case "match":
		m, err = re.Match(c.Input)
	case "fullmatch":
		m, err = re.FullMatch(c.Input)
	case "findall":
		rows, err := re.FindAllStrings(c.Input)
		if err != nil {
			return failed
		}
		out := []any{}
		for _, row := range rows {
			r := []any{}
			for _, g := range row {
				r = append(r, g)
			}
			out = append(out, r)
		}
		return out
	case "sub":
		s, err := re.Sub(*c.Repl, c.Input, c.Count)
		if err != nil {
			return failed
		}
		return s
	}
	if err != nil {
		return failed
	}
	if m == nil {
		return nil
	}
	groups := []any{}
	for i := 0; i <= re.Groups(); i++ {
		if g, ok := m.Group(i); ok {
			groups = append(groups, g)
		} else {
			groups = append(groups, nil)
		}
	}
	return groups
}

func TestPythonCases(t *testing.T) {
	data, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []pyCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases in testdata/cases.json", len(cases))
	}
	for _, c := range cases {
		var want any
		if err := json.Unmarshal(c.Want, &want); err != nil {
			t.Fatal(err)
		}
		// Round-trip through JSON so both sides have the same types.
		gotJSON, _ := json.Marshal(run(c))
		var got any
		_ = json.Unmarshal(gotJSON, &got)
		if !reflect.DeepEqual(got, want) {
			repl := ""
			if c.Repl != nil {
				repl = " repl=" + *c.Repl
			}
			t.Errorf("%s %q flags=%q on %q%s: got %s, want %s", c.Op, c.Pattern, c.Flags, c.Input, repl, gotJSON, c.Want)
		}
	}
}

func TestGroupIndex(t *testing.T) {
	re := MustCompile(`(?P<a>x)(y)(?P<b>z)`, Flags{})
	for name, want := range map[string]int{"a": 1, "b": 3, "c": -1} {
		if got := re.GroupIndex(name); got != want {
			t.Errorf("GroupIndex(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestCatastrophicBacktrackingEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("takes the match timeout")
	}
	re := MustCompile(`(a+)+$`, Flags{})
	long := make([]byte, 64)
	for i := range long {
		long[i] = 'a'
	}
	if _, err := re.Search(string(long) + "!"); err == nil {
		t.Fatal("a catastrophic pattern matched without error")
	}
}

func TestSubLimit(t *testing.T) {
	re := MustCompile(``, Flags{})
	if _, _, err := re.SubLimit("yyyy", "xxxxxxxxxx", 0, 30); err != ErrTooLong {
		t.Errorf("over the limit: got %v, want ErrTooLong", err)
	}
	if out, n, err := re.SubLimit("y", "xx", 0, 30); out != "yxyxy" || n != 3 || err != nil {
		t.Errorf("within the limit: got %q, %d, %v", out, n, err)
	}
}

func TestPossessiveNotSupported(t *testing.T) {
	for _, p := range []string{`a*+a`, `a++`, `(ab)?+`, `x{2}+`} {
		_, err := Compile(p, Flags{})
		if err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("%s: got %v, want a not supported error", p, err)
		}
	}
}

// TestPythonErrors checks that a pattern Python refuses is refused, with
// re.error's message (testdata/errors.json, from gen_errors.py), and that
// one Python takes compiles.
func TestPythonErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/errors.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Pattern string
		Error   *string
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		_, err := Compile(c.Pattern, Flags{})
		var pe *Error
		switch {
		case c.Error == nil && err != nil:
			t.Errorf("%q: %v, want no error", c.Pattern, err)
		case c.Error != nil && !errors.As(err, &pe):
			t.Errorf("%q: error %v, want %q", c.Pattern, err, *c.Error)
		case c.Error != nil && pe.Msg != *c.Error:
			t.Errorf("%q: error %q, want %q", c.Pattern, pe.Msg, *c.Error)
		}
	}
}
