package template

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// renderCase is one entry of testdata/render.yaml.
type renderCase struct {
	Name     string         `yaml:"name" json:"name"`
	Template string         `yaml:"template" json:"template"`
	Vars     map[string]any `yaml:"vars" json:"vars"`
	// Files are templates the case can include, import or extend.
	Files map[string]string `yaml:"files" json:"files,omitempty"`
	// Env are template module options (trim_blocks, variable_start_string...).
	Env   map[string]any `yaml:"env" json:"env,omitempty"`
	Want  *string        `yaml:"want" json:"-"`
	Error string         `yaml:"error" json:"-"` // a substring of the expected error
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
	for _, file := range renderFiles {
		for _, c := range loadCases(t, file) {
			t.Run(c.Name, func(t *testing.T) {
				opts, err := caseOptions(t, c)
				if err != nil {
					t.Fatal(err)
				}
				got, err := e.RenderFile("test.j2", c.Template, MapVars(c.Vars), opts)
				checkResult(t, c, got, err)
			})
		}
	}
}

// renderFiles hold the rendering cases, also checked against ansible-core.
var renderFiles = []string{"testdata/render.yaml", "testdata/filters.yaml", "testdata/whitespace.yaml", "testdata/files.yaml", "testdata/library.yaml"}

// caseOptions writes a case's files to a directory searched for templates
// and turns its env into a syntax, as the template module does.
func caseOptions(t *testing.T, c renderCase) (FileOptions, error) {
	var opts FileOptions
	if len(c.Files) > 0 {
		dir := t.TempDir()
		for name, text := range c.Files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return opts, err
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				return opts, err
			}
		}
		opts.SearchPath = []string{dir}
	}
	syn, err := SyntaxFromOptions(func(name string) (any, bool) {
		v, ok := c.Env[name]
		return v, ok
	})
	opts.Syntax = syn
	return opts, err
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
