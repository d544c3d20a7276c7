package modules

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type modprobeCase struct {
	Name     string            `yaml:"name"`
	Check    bool              `yaml:"check"`
	Proc     string            `yaml:"proc"`
	Builtin  string            `yaml:"builtin"`
	Load     map[string]string `yaml:"load"`
	Opt      map[string]string `yaml:"opt"`
	Args     map[string]any    `yaml:"args"`
	Want     map[string]any    `yaml:"want"`
	Calls    []string          `yaml:"calls"`
	WantLoad map[string]string `yaml:"want_load"`
	WantOpt  map[string]string `yaml:"want_opt"`
}

func TestModprobe(t *testing.T) {
	standIn, err := os.ReadFile("testdata/modprobe_standin.sh")
	if err != nil {
		t.Fatal(err)
	}
	release, err := exec.Command("uname", "-r").Output()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/modprobe_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []modprobeCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	saved := modprobePaths
	t.Cleanup(func() { modprobePaths = saved })
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			root := t.TempDir()
			bin := filepath.Join(root, "bin")
			lib := filepath.Join(root, "lib")
			rel := filepath.Join(lib, strings.TrimSpace(string(release)))
			load, opt := filepath.Join(root, "modules-load.d"), filepath.Join(root, "modprobe.d")
			for _, d := range []string{bin, rel, load, opt} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			write := func(p, s string) {
				if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write(filepath.Join(bin, "modprobe"), string(standIn))
			os.Chmod(filepath.Join(bin, "modprobe"), 0o755)
			proc := filepath.Join(root, "modules")
			write(proc, tc.Proc)
			write(filepath.Join(rel, "modules.builtin"), tc.Builtin)
			for n, s := range tc.Load {
				write(filepath.Join(load, n), s)
			}
			for n, s := range tc.Opt {
				write(filepath.Join(opt, n), s)
			}
			modprobePaths.procModules, modprobePaths.libModules = proc, lib
			modprobePaths.modulesLoad, modprobePaths.modprobeD = load, opt
			log := filepath.Join(root, "log")
			t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
			t.Setenv("MODPROBE_PROC", proc)
			t.Setenv("MODPROBE_LOG", log)
			r := execModule(t, localContext(tc.Check), "community.general.modprobe", Args(tc.Args))
			checkWant(t, r, tc.Want)
			if tc.Calls != nil {
				b, _ := os.ReadFile(log)
				var calls []string
				if s := strings.TrimSuffix(string(b), "\n"); s != "" {
					calls = strings.Split(s, "\n")
				}
				if strings.Join(calls, "|") != strings.Join(tc.Calls, "|") {
					t.Errorf("calls %q, want %q", calls, tc.Calls)
				}
			}
			for dir, files := range map[string]map[string]string{load: tc.WantLoad, opt: tc.WantOpt} {
				for n, want := range files {
					got, _ := os.ReadFile(filepath.Join(dir, n))
					if string(got) != want {
						t.Errorf("%s:\n%q\nwant\n%q", n, got, want)
					}
				}
			}
		})
	}
}
