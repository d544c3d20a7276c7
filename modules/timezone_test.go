package modules

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type timezoneCase struct {
	Name      string            `yaml:"name"`
	Check     bool              `yaml:"check"`
	Tools     []string          `yaml:"tools"`
	Status    string            `yaml:"status"`
	Files     map[string]string `yaml:"files"`
	Link      string            `yaml:"localtime_link"`
	Args      map[string]any    `yaml:"args"`
	Refused   string            `yaml:"refused"`
	Want      map[string]any    `yaml:"want"`
	WantFiles map[string]string `yaml:"want_files"`
	WantLink  string            `yaml:"want_link"`
	Calls     []string          `yaml:"calls"`
}

// timezoneStandIns are the stand-ins of timezone_cases.yaml.
var timezoneStandIns = map[string]string{
	"timedatectl": `case $1 in
status) cat "$TZROOT/status" ;;
set-timezone) echo "timedatectl $*" >> "$TZROOT/log"; sed "s|Time zone: [^ ]*|Time zone: $2|" "$TZROOT/status" > "$TZROOT/s"; mv "$TZROOT/s" "$TZROOT/status" ;;
set-local-rtc) echo "timedatectl $*" >> "$TZROOT/log"; sed "s|RTC in local TZ: .*|RTC in local TZ: $2|" "$TZROOT/status" > "$TZROOT/s"; mv "$TZROOT/s" "$TZROOT/status" ;;
esac`,
	"hwclock": `echo "hwclock $*" >> "$TZROOT/log"
case $* in *--localtime*) printf '0.0 0 0.0\n0\nLOCAL\n' > "$TZROOT/etc/adjtime" ;; *) printf '0.0 0 0.0\n0\nUTC\n' > "$TZROOT/etc/adjtime" ;; esac`,
	"dpkg-reconfigure": `echo "dpkg-reconfigure $*" >> "$TZROOT/log"`,
}

// timezoneBasics are the real tools the module's commands use.
var timezoneBasics = []string{"sh", "cat", "cp", "ln", "cmp", "readlink", "sed", "mktemp", "mv", "chmod", "chown",
	"stat", "sha1sum", "wc", "dd", "sync", "id", "rm", "mkdir", "kill", "date", "awk", "getent", "head", "cut", "printf", "dirname", "od", "find", "ls", "tr", "test", "["}

func TestTimezone(t *testing.T) {
	data, err := os.ReadFile("testdata/timezone_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []timezoneCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	saved := tzRoot
	t.Cleanup(func() { tzRoot = saved })
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			root := t.TempDir()
			bin := filepath.Join(root, "bin")
			write := func(p, s string, mode os.FileMode) {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(s), mode); err != nil {
					t.Fatal(err)
				}
			}
			for _, tool := range timezoneBasics {
				if p, err := exec.LookPath(tool); err == nil {
					os.MkdirAll(bin, 0o755)
					os.Symlink(p, filepath.Join(bin, tool))
				}
			}
			for _, tool := range tc.Tools {
				write(filepath.Join(bin, tool), "#!/bin/sh\n"+timezoneStandIns[tool]+"\n", 0o755)
			}
			zones := map[string]string{"UTC": "UTC zone\n", "Europe/Paris": "Paris zone\n", "Asia/Tokyo": "Tokyo zone\n"}
			for z, s := range zones {
				write(filepath.Join(root, "usr/share/zoneinfo", z), s, 0o644)
			}
			write(filepath.Join(root, "status"), tc.Status, 0o644)
			write(filepath.Join(root, "log"), "", 0o644)
			for f, s := range tc.Files {
				write(filepath.Join(root, f), s, 0o644)
			}
			if tc.Link != "" {
				os.MkdirAll(filepath.Join(root, "etc"), 0o755)
				if err := os.Symlink(filepath.Join(root, "usr/share/zoneinfo", tc.Link), filepath.Join(root, "etc/localtime")); err != nil {
					t.Fatal(err)
				}
			}
			tzRoot = root
			t.Setenv("PATH", bin)
			t.Setenv("TZROOT", root)
			m, _ := Lookup("community.general.timezone")
			args, err := Validate("timezone", m, Args(tc.Args))
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
			rep := strings.NewReplacer("@ROOT@", root, "@BIN@", bin)
			checkWant(t, r, substitute(tc.Want, rep).(map[string]any))
			for f, want := range tc.WantFiles {
				got, _ := os.ReadFile(filepath.Join(root, f))
				if string(got) != want {
					t.Errorf("%s:\n%q\nwant\n%q", f, got, want)
				}
			}
			if tc.WantLink != "" {
				got, _ := os.Readlink(filepath.Join(root, "etc/localtime"))
				if got != filepath.Join(root, "usr/share/zoneinfo", tc.WantLink) {
					t.Errorf("localtime -> %s", got)
				}
			}
			if tc.Calls != nil {
				b, _ := os.ReadFile(filepath.Join(root, "log"))
				var calls []string
				if s := strings.TrimSuffix(string(b), "\n"); s != "" {
					calls = strings.Split(s, "\n")
				}
				if strings.Join(calls, "|") != strings.Join(tc.Calls, "|") {
					t.Errorf("calls %q, want %q", calls, tc.Calls)
				}
			}
		})
	}
}
