package argspec

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/gansible/gansible/value"
)

// recordedSpec is the argument spec of testdata/record/library/specmod.py,
// the module testdata/ansible-2.14.json was recorded with.
var recordedSpec = &Spec{
	Params: []Param{
		{Name: "path", Type: Path, Required: true, Aliases: []string{"dest", "name"}},
		{Name: "state", Choices: []any{"present", "absent"}, Default: "present"},
		{Name: "force", Type: Bool, Default: false},
		{Name: "mode", Type: Raw},
		{Name: "size", Type: Int},
		{Name: "ratio", Type: Float},
		{Name: "groups", Type: List, Elements: Str, Choices: []any{"a", "b", "c"}},
		{Name: "ports", Type: List, Elements: Int},
		{Name: "opts", Type: Dict},
		{Name: "data", Type: JSONArg},
		{Name: "limit", Type: Bytes},
		{Name: "content"},
		{Name: "src"},
		{Name: "owner"},
		{Name: "group"},
		{Name: "secret", NoLog: true},
		{Name: "answer", Choices: []any{"yes", "no", "maybe"}},
		{Name: "one"},
		{Name: "two"},
	},
	MutuallyExclusive: [][]string{{"content", "src"}, {"one", "two"}},
	RequiredTogether:  [][]string{{"owner", "group"}},
	RequiredOneOf:     [][]string{{"path", "content"}},
	RequiredIf: []RequiredIf{
		{Key: "state", Value: "absent", Requires: []string{"force", "size"}},
		{Key: "force", Value: true, Requires: []string{"ratio", "limit"}, Any: true},
	},
	RequiredBy: map[string][]string{"secret": {"owner", "mode"}},
}

// TestRecorded replays what ansible-playbook's validation did with each
// case (testdata/ansible-2.14.json, made by testdata/record/record.py):
// the failure message, or the validated parameters and the warnings.
func TestRecorded(t *testing.T) {
	raw, err := os.ReadFile("testdata/ansible-2.14.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := value.DecodeJSONObject(raw)
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := doc.Get("cases")
	for _, c := range cases.([]any) {
		c := c.(*value.Dict)
		name, _ := c.Get("name")
		t.Run(name.(string), func(t *testing.T) {
			args, _ := c.Get("args")
			got, warnings, err := recordedSpec.Check("specmod", toMap(args.(*value.Dict)))
			wantWarnings := []string{}
			if w, ok := c.Get("warnings"); ok {
				for _, s := range w.([]any) {
					wantWarnings = append(wantWarnings, s.(string))
				}
			}
			if strings.Join(warnings, "\n") != strings.Join(wantWarnings, "\n") {
				t.Errorf("warnings %q, want %q", warnings, wantWarnings)
			}
			if msg, ok := c.Get("msg"); ok {
				if err == nil {
					t.Fatalf("no error, want %q", msg)
				}
				if normBooleans(err.Error()) != normBooleans(msg.(string)) {
					t.Fatalf("error\n%s\nwant\n%s", err, msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			// The module returned its params through Ansible's no_log
			// masking; so are ours before comparing.
			masked := Mask(got, recordedSpec.NoLogValues(got)).(map[string]any)
			params, _ := c.Get("params")
			want := params.(*value.Dict)
			for _, p := range recordedSpec.Params {
				w, _ := want.Get(p.Name)
				g := masked[p.Name]
				sameType := value.TypeName(g) == value.TypeName(w)
				if _, isBool := w.(bool); isBool && p.Type == Int {
					// Ansible keeps a boolean given to an int parameter
					// (Python's bool is an int); modules read it as the int.
					sameType = true
				}
				if !value.Equal(g, w) || !sameType {
					t.Errorf("%s = %s (%s), want %s (%s)", p.Name, value.Repr(g), value.TypeName(g), value.Repr(w), value.TypeName(w))
				}
			}
		})
	}
}

// normBooleans sorts the list of valid booleans of a boolean conversion
// error: Ansible prints a Python set, whose order changes between runs.
func normBooleans(msg string) string {
	const marker = "Valid booleans include: "
	i := strings.Index(msg, marker)
	if i < 0 {
		return msg
	}
	items := strings.Split(msg[i+len(marker):], ", ")
	sort.Strings(items)
	return msg[:i+len(marker)] + strings.Join(items, ", ")
}

func toMap(d *value.Dict) map[string]any {
	m := map[string]any{}
	for k, v := range d.All() {
		m[k] = v
	}
	return m
}
