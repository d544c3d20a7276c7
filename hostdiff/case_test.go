package hostdiff

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCase(t *testing.T) {
	tests := []struct {
		name, archive string
		err           string // part of the error; "" for none
		check         func(t *testing.T, c *Case)
	}{
		{name: "defaults", archive: "comment\n-- site.yml --\n- hosts: targets\n", check: func(t *testing.T, c *Case) {
			if c.Hosts != 1 || !slices.Equal(c.Runs, DefaultRuns) || !slices.Equal(c.Fields, DefaultFields) || c.Flavour != "centos" || c.Comment != "comment" {
				t.Errorf("got %+v", c)
			}
			if got := c.ClusterHost("h1"); got != "defaults-h1" {
				t.Errorf("ClusterHost = %q", got)
			}
		}},
		{name: "sections", archive: "-- site.yml --\nx\n-- runs --\napply\n# a comment\nagain\n-- hosts --\n3\n-- fields --\ndest\nchanged\nstat.mode\n-- args --\n-e\nx=1\n",
			check: func(t *testing.T, c *Case) {
				if c.Hosts != 3 || !slices.Equal(c.Runs, []string{"apply", "again"}) || !slices.Equal(c.Args, []string{"-e", "x=1"}) {
					t.Errorf("got %+v", c)
				}
				if !slices.Equal(c.Fields, append(slices.Clone(DefaultFields), "dest", "stat.mode")) {
					t.Errorf("fields %v", c.Fields)
				}
				if !slices.Equal(c.HostNames(), []string{"h1", "h2", "h3"}) {
					t.Errorf("hosts %v", c.HostNames())
				}
			}},
		{name: "no_site", archive: "-- other.yml --\n", err: `missing file "site.yml"`},
		{name: "inventory", archive: "-- site.yml --\n-- inventory --\n", err: "the harness writes the inventory"},
		{name: "bad_run", archive: "-- site.yml --\n-- runs --\nrun\n", err: `unknown run "run"`},
		{name: "no_runs", archive: "-- site.yml --\n-- runs --\n# none\n", err: "no runs"},
		{name: "many_hosts", archive: "-- site.yml --\n-- hosts --\n5\n", err: "from 1 to 4"},
		{name: "bad_hosts", archive: "-- site.yml --\n-- hosts --\ntwo\n", err: "from 1 to 4"},
		{name: "bad_field", archive: "-- site.yml --\n-- fields --\nstat..mode\n", err: "bad field name"},
		{name: "flavour", archive: "-- site.yml --\n-- flavour --\nsolaris\n", err: "want one of"},
		{name: "python", archive: "-- site.yml --\n-- python --\nvisible\n", check: func(t *testing.T, c *Case) {
			if !c.Python || !ClusterPythons([]*Case{c})["python-h1"] {
				t.Errorf("python section: %+v", c)
			}
		}},
		{name: "bad_python", archive: "-- site.yml --\n-- python --\nyes\n", err: "want visible"},
		{name: "escape", archive: "-- site.yml --\n-- ../x --\n", err: "escapes the project"},
		{name: "twice", archive: "-- site.yml --\n-- site.yml --\n", err: "appears twice"},
		{name: "Bad-Name", archive: "-- site.yml --\n", err: "case name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCase(tt.name, []byte(tt.archive))
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want one containing %q", err, tt.err)
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case tt.check != nil:
				tt.check(t, c)
			}
		})
	}
}

// FuzzParseCase: any archive either fails with an error or gives a case
// within the documented bounds.
func FuzzParseCase(f *testing.F) {
	f.Add("name", "-- site.yml --\n- hosts: targets\n-- hosts --\n2\n-- runs --\ncheck\napply\n-- fields --\ndest\n")
	f.Add("x", "-- site.yml --\n-- flavour --\ncentos\n")
	f.Fuzz(func(t *testing.T, name, archive string) {
		c, err := ParseCase(name, []byte(archive))
		if err != nil {
			return
		}
		if c.Hosts < 1 || c.Hosts > MaxCaseHosts || len(c.Runs) == 0 || !slices.Contains(flavours, c.Flavour) {
			t.Fatalf("out of bounds: %+v", c)
		}
		for _, r := range c.Runs {
			if _, ok := runKinds[r]; !ok {
				t.Fatalf("run %q", r)
			}
		}
		for _, f := range c.Fields {
			if !fieldRE.MatchString(f) {
				t.Fatalf("field %q", f)
			}
		}
		if !caseNameRE.MatchString(name) || len(c.HostNames()) != c.Hosts {
			t.Fatalf("name %q hosts %v", name, c.HostNames())
		}
	})
}
