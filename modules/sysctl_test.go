package modules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type sysctlCase struct {
	Name     string            `yaml:"name"`
	Check    bool              `yaml:"check"`
	File     *string           `yaml:"file"`
	Proc     map[string]string `yaml:"proc"`
	Args     map[string]any    `yaml:"args"`
	Want     map[string]any    `yaml:"want"`
	WantFile *string           `yaml:"want_file"`
	Calls    []string          `yaml:"calls"`
	Refused  string            `yaml:"refused"`
}

// sysctlStandIn answers reads from $SYSCTL_STATE/KEY, takes -w into it
// (refusing ro.* keys as a read-only /proc/sys does) and logs every call
// but reads.
const sysctlStandIn = `#!/bin/sh
case "$*" in
"-e -n -- "*) k=${*##* }; [ -f "$SYSCTL_STATE/$k" ] && cat "$SYSCTL_STATE/$k"; exit 0 ;;
esac
printf '%s\n' "$*" >> "$SYSCTL_LOG"
case "$*" in
*"-w -- ro."*) kv=${*##* }; echo "sysctl: setting key \"${kv%%=*}\": Read-only file system" >&2; exit 0 ;;
*"-w -- "*) kv=${*##* }; printf '%s\n' "${kv#*=}" > "$SYSCTL_STATE/${kv%%=*}" ;;
esac
exit 0
`

func TestSysctl(t *testing.T) {
	data, err := os.ReadFile("testdata/sysctl_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []sysctlCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			root := t.TempDir()
			bin, state := filepath.Join(root, "bin"), filepath.Join(root, "state")
			for _, d := range []string{bin, state} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(bin, "sysctl"), []byte(sysctlStandIn), 0o755); err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.Proc {
				if err := os.WriteFile(filepath.Join(state, k), []byte(v+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			log := filepath.Join(root, "log")
			t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
			t.Setenv("SYSCTL_STATE", state)
			t.Setenv("SYSCTL_LOG", log)
			file := filepath.Join(root, "sysctl.conf")
			if tc.File != nil {
				if err := os.WriteFile(file, []byte(*tc.File), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := Args{"sysctl_file": file}
			for k, v := range tc.Args {
				args[k] = v
			}
			m, _ := Lookup("ansible.posix.sysctl")
			valid, err := Validate("sysctl", m, args)
			if tc.Refused != "" {
				if err == nil || err.Error() != tc.Refused {
					t.Fatalf("validation error %v, want %q", err, tc.Refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := localContext(tc.Check)
			r, err := m.Run(c, valid)
			if err != nil {
				t.Fatal(err)
			}
			checkWant(t, r, tc.Want)
			got, _ := os.ReadFile(file)
			switch {
			case tc.WantFile != nil && string(got) != *tc.WantFile:
				t.Errorf("file:\n%q\nwant\n%q", got, *tc.WantFile)
			case tc.WantFile == nil && tc.File != nil && string(got) != *tc.File:
				t.Errorf("file changed:\n%q", got)
			}
			if tc.Calls != nil {
				logged, _ := os.ReadFile(log)
				var calls []string
				if s := strings.TrimSuffix(string(logged), "\n"); s != "" {
					calls = strings.Split(s, "\n")
				}
				want := strings.Join(tc.Calls, "|")
				want = strings.ReplaceAll(want, "@FILE@", file)
				if strings.Join(calls, "|") != want {
					t.Errorf("calls %q, want %q", calls, want)
				}
			}
		})
	}
}
