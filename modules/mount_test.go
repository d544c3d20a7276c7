package modules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type mountCase struct {
	Name       string         `yaml:"name"`
	Check      bool           `yaml:"check"`
	Fstab      string         `yaml:"fstab"`
	Args       map[string]any `yaml:"args"`
	Want       map[string]any `yaml:"want"`
	WantFstab  *string        `yaml:"want_fstab"`
	WantBackup *string        `yaml:"want_backup"`
	WantDir    bool           `yaml:"want_dir"`
	Calls      []string       `yaml:"calls"`
}

// mountStandIn logs "NAME ARGS" and fails for a path containing "fail"
// (a remount of one containing "fail-remount" only).
const mountStandIn = `#!/bin/sh
echo "${0##*/} $*" >> "$MOUNT_LOG"
for a do last=$a; done
case "${0##*/} $*" in
*"-o remount"*fail-remount*) echo "mount: remount refused" >&2; exit 32 ;;
*fail-remount*) exit 0 ;;
*fail*) echo "${0##*/}: cannot mount $last" >&2; exit 32 ;;
esac
`

func TestMount(t *testing.T) {
	data, err := os.ReadFile("testdata/mount_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []mountCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			if err := os.Mkdir(bin, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"mount", "umount"} {
				if err := os.WriteFile(filepath.Join(bin, n), []byte(mountStandIn), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			log := filepath.Join(dir, "log")
			t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
			t.Setenv("MOUNT_LOG", log)
			fstab := filepath.Join(dir, "fstab")
			if err := os.WriteFile(fstab, []byte(tc.Fstab), 0o644); err != nil {
				t.Fatal(err)
			}
			rep := strings.NewReplacer("@DIR@", dir)
			args := Args(substitute(tc.Args, rep).(map[string]any))
			args["fstab"] = fstab
			r := execModule(t, localContext(tc.Check), "ansible.posix.mount", args)
			checkWant(t, r, substitute(tc.Want, rep).(map[string]any))
			got, _ := os.ReadFile(fstab)
			if tc.WantFstab != nil && string(got) != rep.Replace(*tc.WantFstab) {
				t.Errorf("fstab:\n%q\nwant\n%q", got, rep.Replace(*tc.WantFstab))
			}
			if tc.Calls != nil {
				b, _ := os.ReadFile(log)
				var calls []string
				if s := strings.TrimSuffix(string(b), "\n"); s != "" {
					calls = strings.Split(s, "\n")
				}
				want := rep.Replace(strings.Join(tc.Calls, "|"))
				if strings.Join(calls, "|") != want {
					t.Errorf("calls %q, want %q", calls, want)
				}
			}
			if tc.WantDir {
				if st, err := os.Stat(filepath.Join(dir, "mnt")); err != nil || !st.IsDir() {
					t.Errorf("mount point not made: %v", err)
				}
			}
			if tc.WantBackup != nil {
				b, _ := r.Fields["backup_file"].(string)
				got, err := os.ReadFile(b)
				if err != nil || string(got) != *tc.WantBackup {
					t.Errorf("backup %q: %q %v", b, got, err)
				}
			}
		})
	}
}

func TestMountFstabEdits(t *testing.T) {
	a := &mountArgs{name: "/a b", src: "x&y", fstype: "ext4", opts: "defaults", dump: "0", passno: "0", hasSrc: true}
	got, changed := a.setMount("x&y /a b ext4 defaults 0 0\n/other /o ext4 defaults 0 0")
	want := "x&y /a b ext4 defaults 0 0\n/other /o ext4 defaults 0 0\nx\\046y /a\\040b ext4 defaults 0 0\n"
	if !changed || got != want {
		t.Errorf("setMount = %q, %v; want %q", got, changed, want)
	}
	got, changed = a.unsetMount("x\\046y /a\\040b ext4 defaults 0 0\n#c\n")
	if !changed || got != "#c\n" {
		t.Errorf("unsetMount = %q, %v", got, changed)
	}
}
