package modules

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type cronCase struct {
	Name      string         `yaml:"name"`
	Check     bool           `yaml:"check"`
	Diff      bool           `yaml:"diff"`
	Table     *string        `yaml:"table"`
	Cron      *string        `yaml:"cron"`
	Args      map[string]any `yaml:"args"`
	Want      map[string]any `yaml:"want"`
	WantTable *string        `yaml:"want_table"`
	WantCron  *string        `yaml:"want_cron"`
	WantDiff  *struct {
		Before       string `yaml:"before"`
		After        string `yaml:"after"`
		BeforeHeader string `yaml:"before_header"`
		AfterHeader  string `yaml:"after_header"`
	} `yaml:"want_diff"`
}

func TestCron(t *testing.T) {
	standIn, err := os.ReadFile("testdata/crontab_standin.sh")
	if err != nil {
		t.Fatal(err)
	}
	me, err := exec.Command("id", "-un").Output()
	if err != nil {
		t.Fatal(err)
	}
	user := strings.TrimSpace(string(me))
	data, err := os.ReadFile("testdata/cron_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []cronCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			root := t.TempDir()
			bin, spool, dir := filepath.Join(root, "bin"), filepath.Join(root, "spool"), filepath.Join(root, "d")
			for _, d := range []string{bin, spool, dir} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(bin, "crontab"), standIn, 0o755); err != nil {
				t.Fatal(err)
			}
			t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
			t.Setenv("CRONTAB_SPOOL", spool)
			t.Setenv("TMPDIR", root)
			table := filepath.Join(spool, user)
			if tc.Table != nil {
				if err := os.WriteFile(table, []byte(*tc.Table), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			job := filepath.Join(dir, "job")
			if tc.Cron != nil {
				if err := os.WriteFile(job, []byte(*tc.Cron), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rep := strings.NewReplacer("@DIR@", dir)
			c := localContext(tc.Check)
			c.DiffMode = tc.Diff
			r := execModule(t, c, "cron", Args(substitute(tc.Args, rep).(map[string]any)))
			checkWant(t, r, substitute(tc.Want, rep).(map[string]any))
			if w := tc.WantDiff; w != nil && (len(r.Diff) != 1 || r.Diff[0] != Diff{w.Before, w.After, w.BeforeHeader, w.AfterHeader}) {
				t.Errorf("diff %+v, want %+v", r.Diff, *tc.WantDiff)
			}
			if tc.WantTable != nil {
				got, _ := os.ReadFile(table)
				if string(got) != *tc.WantTable {
					t.Errorf("crontab:\n%q\nwant\n%q", got, *tc.WantTable)
				}
			}
			if tc.WantCron != nil {
				got, err := os.ReadFile(job)
				switch {
				case *tc.WantCron == "" && err == nil:
					t.Errorf("cron_file left: %q", got)
				case *tc.WantCron != "" && string(got) != *tc.WantCron:
					t.Errorf("cron_file:\n%q\nwant\n%q", got, *tc.WantCron)
				}
				if *tc.WantCron != "" {
					if st, err := os.Stat(job); err != nil || st.Mode().Perm() != 0o644 {
						t.Errorf("cron_file mode: %v %v", st.Mode(), err)
					}
				}
			}
		})
	}
}

func TestCronBackup(t *testing.T) {
	standIn, err := os.ReadFile("testdata/crontab_standin.sh")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "crontab"), standIn, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", root+":"+os.Getenv("PATH"))
	t.Setenv("CRONTAB_SPOOL", root)
	t.Setenv("TMPDIR", root)
	r := execModule(t, localContext(false), "cron", Args{"name": "x", "job": "y", "backup": true})
	mustSucceed(t, r)
	b, _ := r.Fields["backup_file"].(string)
	if !strings.HasPrefix(b, root+"/crontab") {
		t.Fatalf("backup_file %q", b)
	}
	if st, err := os.Stat(b); err != nil || st.Size() != 0 || st.Mode().Perm() != 0o600 {
		t.Errorf("backup of the empty table: %v %v", st, err)
	}
}
