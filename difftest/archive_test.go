package difftest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseArchive(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Archive
	}{
		{
			name: "comment and files",
			in:   "about\n-- a.yml --\nx: 1\n-- dir/b --\n\n-- c --\nno newline",
			want: &Archive{
				Comment: []byte("about\n"),
				Files: []ArchiveFile{
					{Name: "a.yml", Data: []byte("x: 1\n")},
					{Name: "dir/b", Data: []byte("\n")},
					{Name: "c", Data: []byte("no newline")},
				},
			},
		},
		{
			name: "not markers",
			in:   "-- a --\n--  --\n-- b\n--x --\n",
			want: &Archive{Files: []ArchiveFile{{Name: "a", Data: []byte("--  --\n-- b\n--x --\n")}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseArchive([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseArchive(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// TestArchiveFormat checks that formatting a parsed archive gives back
// its bytes, for every archive of the package's test data.
func TestArchiveFormat(t *testing.T) {
	inputs := map[string]string{
		"no final newline": "about\n-- a.yml --\nx: 1\n-- c --\nno newline",
		"empty file":       "-- a --\n-- b --\nb\n",
		"no comment":       "-- a --\n",
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = string(data)
	}
	for name, in := range inputs {
		if got := string(ParseArchive([]byte(in)).Format()); got != in {
			t.Errorf("%s: Format(ParseArchive(x)) = %q, want %q", name, got, in)
		}
	}
	glued := &Archive{Files: []ArchiveFile{{Name: "a", Data: []byte("x")}, {Name: "b", Data: []byte("y\n")}}}
	if got, want := string(glued.Format()), "-- a --\nx\n-- b --\ny\n"; got != want {
		t.Errorf("Format of a file without final newline = %q, want %q", got, want)
	}
}

func TestParseCase(t *testing.T) {
	in := `-- inventory --
h1 out=@OUT@
-- site.yml --
- include: x.yml
-- t.j2 --
{{ x }}
-- args --
-e
 x=1 y=2 
-- expect --
exit 2
mention site.yml:1
-- ansible-adapt --
- include: => - import_playbook:
-- noeol --
t.j2
-- needs --
root
command tar gzip
command unzip
`
	c, err := ParseCase("demo", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"-e", "x=1 y=2"}; !reflect.DeepEqual(c.Args, want) {
		t.Errorf("Args = %q, want %q", c.Args, want)
	}
	if c.Exit != 2 || !reflect.DeepEqual(c.Mentions, []string{"site.yml:1"}) {
		t.Errorf("Exit, Mentions = %d, %q", c.Exit, c.Mentions)
	}
	if want := []Replacement{{"- include:", "- import_playbook:"}}; !reflect.DeepEqual(c.Adapt, want) {
		t.Errorf("Adapt = %q, want %q", c.Adapt, want)
	}
	if want := []string{"tar", "gzip", "unzip"}; !c.NeedsRoot || !reflect.DeepEqual(c.Commands, want) {
		t.Errorf("NeedsRoot, Commands = %v, %q, want true, %q", c.NeedsRoot, c.Commands, want)
	}
	if len(c.Files) != 3 || string(c.Files[2].Data) != "{{ x }}" {
		t.Errorf("Files = %+v, want 3 files, t.j2 without its newline", c.Files)
	}
}

func TestParseCaseErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"no site.yml", "-- inventory --\nh1\n"},
		{"no inventory", "-- site.yml --\n- hosts: all\n"},
		{"bad exit", "-- inventory --\n-- site.yml --\n-- expect --\nexit two\n"},
		{"unknown expectation", "-- inventory --\n-- site.yml --\n-- expect --\nsucceed\n"},
		{"bad adapt", "-- inventory --\n-- site.yml --\n-- ansible-adapt --\nno arrow\n"},
		{"noeol of missing file", "-- inventory --\n-- site.yml --\n-- noeol --\nx.j2\n"},
		{"escaping path", "-- inventory --\n-- site.yml --\n-- ../x --\n"},
		{"unknown need", "-- inventory --\n-- site.yml --\n-- needs --\nnetwork\n"},
		{"command without name", "-- inventory --\n-- site.yml --\n-- needs --\ncommand\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseCase(tt.name, []byte(tt.in)); err == nil {
				t.Errorf("ParseCase accepted %q", tt.in)
			}
		})
	}
}

// TestCasesParse checks every case file, so a broken case is caught
// without running anything.
func TestCasesParse(t *testing.T) {
	for _, dir := range []string{"cases", "errors"} {
		cases := loadCases(t, dir)
		for _, c := range cases {
			if len(c.Files) < 2 {
				t.Errorf("%s/%s: no project files", dir, c.Name)
			}
		}
		if dir == "cases" && len(cases) < 45 {
			t.Errorf("only %d cases, want at least 45", len(cases))
		}
	}
}
