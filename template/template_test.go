package template

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// renderCase is one entry of testdata/render.yaml.
type renderCase struct {
	Name     string         `yaml:"name" json:"name"`
	Template string         `yaml:"template" json:"template"`
	Vars     map[string]any `yaml:"vars" json:"vars"`
	Want     *string        `yaml:"want" json:"-"`
	Error    string         `yaml:"error" json:"-"` // a substring of the expected error
}

func loadCases(t *testing.T, file string) []renderCase {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []renderCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return cases
}

func TestRender(t *testing.T) {
	e := New(Options{})
	for _, file := range []string{"testdata/render.yaml", "testdata/filters.yaml", "testdata/whitespace.yaml", "testdata/library.yaml"} {
		for _, c := range loadCases(t, file) {
			t.Run(c.Name, func(t *testing.T) {
				got, err := e.Render("test.j2", c.Template, MapVars(c.Vars))
				checkResult(t, c, got, err)
			})
		}
	}
}

func checkResult(t *testing.T, c renderCase, got string, err error) {
	t.Helper()
	if c.Error != "" {
		if err == nil {
			t.Fatalf("got %q, want an error containing %q", got, c.Error)
		}
		if !strings.Contains(err.Error(), c.Error) {
			t.Fatalf("error %q does not contain %q", err, c.Error)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if c.Want == nil {
		t.Fatalf("case has neither want nor error")
	}
	if got != *c.Want {
		t.Errorf("got  %q\nwant %q", got, *c.Want)
	}
}
