package modules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type systemdCase struct {
	Name       string            `yaml:"name"`
	Check      bool              `yaml:"check"`
	Units      []string          `yaml:"units"`
	Running    []string          `yaml:"running"`
	Enablement map[string]string `yaml:"enablement"`
	Args       map[string]any    `yaml:"args"`
	Refused    string            `yaml:"refused"`
	Want       map[string]any    `yaml:"want"`
	WantStatus map[string]string `yaml:"want_status"`
	Log        []string          `yaml:"log"`
}

func TestSystemd(t *testing.T) {
	standIn, err := os.ReadFile("../testcluster/assets/standin-init/systemctl")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := os.ReadFile("../testcluster/assets/standin-init/lib.sh")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/systemd_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []systemdCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			root := t.TempDir()
			write := func(p string, b []byte, mode os.FileMode) {
				p = filepath.Join(root, p)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, b, mode); err != nil {
					t.Fatal(err)
				}
			}
			write("bin/systemctl", standIn, 0o755)
			write("lib.sh", lib, 0o644)
			for _, u := range tc.Units {
				write("etc/systemd/system/"+u+".service", []byte("[Service]\n"), 0o644)
			}
			for _, u := range tc.Running {
				write("var/lib/init-standin/"+u, []byte("running\n"), 0o644)
			}
			for u, e := range tc.Enablement {
				write("var/lib/init-standin/"+u+".unit-file", []byte(e+"\n"), 0o644)
			}
			t.Setenv("PATH", filepath.Join(root, "bin")+":"+os.Getenv("PATH"))
			t.Setenv("STANDIN_ROOT", root)
			t.Setenv("STANDIN_LIB", filepath.Join(root, "lib.sh"))
			m, _ := Lookup("ansible.builtin.systemd")
			args, err := Validate("systemd", m, Args(tc.Args))
			if tc.Refused != "" {
				if err == nil || err.Error() != tc.Refused {
					t.Fatalf("validation error %v, want %q", err, tc.Refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r, err := m.Run(localContext(tc.Check), args)
			if err != nil {
				t.Fatal(err)
			}
			checkWant(t, r, tc.Want)
			if tc.WantStatus != nil {
				st, _ := r.Fields["status"].(map[string]any)
				for k, v := range tc.WantStatus {
					if st[k] != v {
						t.Errorf("status[%s] = %v, want %s", k, st[k], v)
					}
				}
			}
			if tc.Log != nil {
				b, _ := os.ReadFile(filepath.Join(root, "var/log/gansible-init.log"))
				var got []string
				if s := strings.TrimSuffix(string(b), "\n"); s != "" {
					got = strings.Split(s, "\n")
				}
				if strings.Join(got, "|") != strings.Join(tc.Log, "|") {
					t.Errorf("log %q, want %q", got, tc.Log)
				}
			}
		})
	}
}

func TestParseSystemctlShow(t *testing.T) {
	got := parseSystemctlShow([]string{"Id=a.service", "ExecStart={ path=/bin/a ;", "  argv[]=/bin/a }", "Description= spaced ", "junk"})
	want := map[string]any{"Id": "a.service", "ExecStart": "{ path=/bin/a ;\n  argv[]=/bin/a }", "Description": "spaced"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
