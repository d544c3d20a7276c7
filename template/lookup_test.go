package template

import (
	"path/filepath"
	"testing"
	"time"
)

func TestLookups(t *testing.T) {
	play, err := filepath.Abs("testdata/lookup/play")
	if err != nil {
		t.Fatal(err)
	}
	vars := MapVars{
		"playbook_dir": play,
		"role_path":    filepath.Join(play, "roles/r"),
		"who":          "{{ name }}",
		"name":         "world",
	}
	fixed := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	e := New(Options{Now: func() time.Time { return fixed }})
	cases := []struct{ tmpl, want string }{
		{"{{ lookup('file', 'a.txt') }}", "role file"},
		{"{{ lookup('file', 'b.txt') }}", "play file"},
		{"{{ lookup('file', 'c.txt') }}", "top"},
		{"{{ lookup('file', 'a.txt', 'b.txt') }}", "role file,play file"},
		{"{{ lookup('template', 't.j2') }}", "Hello world!\n"},
		{"{{ lookup('first_found', ['missing.txt', 'b.txt']) | basename }}", "b.txt"},
		{"{{ query('file', 'c.txt') }}", "['top']"},
		{"{{ lookup('file', 'c.txt', wantlist=True) }}", "['top']"},
		{"{{ lookup('vars', 'who') }}", "world"},
		{"{{ vars['who'] }}", "world"},
		{"{{ lookup('sequence', 'start=1 end=3 format=n%02d', wantlist=True) }}", "['n01', 'n02', 'n03']"},
		{"{{ lookup('sequence', 'start=9223372036854775806 end=9223372036854775807', wantlist=True) }}", "['9223372036854775806', '9223372036854775807']"},
		{"{{ lookup('sequence', 'start=5 end=1 stride=-2', wantlist=True) }}", "['5', '3', '1']"},
		{"{{ lookup('sequence', 'start=0 count=3 stride=4', wantlist=True) }}", "['0', '4', '8']"},
		{"{{ now(fmt='%Y-%m-%d %H:%M:%S') }}", "2024-05-06 07:08:09"},
		{"{{ now(true) }}", "2024-05-06 07:08:09.000000"},
	}
	for _, c := range cases {
		got, err := e.Render("t", c.tmpl, vars)
		if err != nil {
			t.Errorf("%s: %v", c.tmpl, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.tmpl, got, c.want)
		}
	}
	if _, err := e.Render("t", "{{ lookup('file', 'nope.txt') }}", vars); err == nil {
		t.Error("missing file: want an error")
	}
	// The template module searches the role's templates/; a playbook
	// string only the playbook's directory, as Ansible's environment.
	search := []string{filepath.Join(play, "roles/r/templates")}
	got, err := e.RenderFile("main.j2", "[{% include 'part.j2' %}]", vars, FileOptions{SearchPath: search})
	if err != nil || got != "[WORLD]" {
		t.Errorf("include = %q, %v", got, err)
	}
	if got, err := e.Render("main.j2", "[{% include 'part.j2' %}]", vars); err == nil {
		t.Errorf("include from a playbook string found the role's template: %q", got)
	}
	if got, err := e.Render("s", "[{% include 'c.txt' %}]", vars); err != nil || got != "[top]" {
		t.Errorf("include from a playbook string = %q, %v", got, err)
	}
}
