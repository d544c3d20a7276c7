package modules

import (
	"context"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type yumCase struct {
	Name   string         `yaml:"name"`
	Check  bool           `yaml:"check"`
	Args   map[string]any `yaml:"args"`
	Probe  map[string]any `yaml:"probe"`
	Run    []string       `yaml:"run"`
	NotRun []string       `yaml:"not_run"`
	Apply  map[string]any `yaml:"apply"`
	Want   map[string]any `yaml:"want"`
}

func TestYum(t *testing.T) {
	data, err := os.ReadFile("testdata/yum_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []yumCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			conn := &scriptedConn{replies: []string{formatRecords(tc.Probe), formatRecords(tc.Apply)}}
			c := &Context{Ctx: context.Background(), Conn: conn, CheckMode: tc.Check}
			r := execModule(t, c, "yum", Args(tc.Args))
			checkWant(t, r, tc.Want)
			switch {
			case len(tc.Run) == 0 && len(conn.cmds) > 1:
				t.Errorf("unexpected change command:\n%s", conn.cmds[1])
			case len(tc.Run) > 0 && len(conn.cmds) != 2:
				t.Fatalf("%d commands run, want probe and change", len(conn.cmds))
			case len(tc.Run) > 0:
				rest := conn.cmds[1]
				for _, want := range tc.Run {
					i := strings.Index(rest, want)
					if i < 0 {
						t.Fatalf("change command lacks %q (in order):\n%s", want, conn.cmds[1])
					}
					rest = rest[i+len(want):]
				}
				for _, unwanted := range tc.NotRun {
					if strings.Contains(conn.cmds[1], unwanted) {
						t.Errorf("change command has %q:\n%s", unwanted, conn.cmds[1])
					}
				}
			}
		})
	}
}

func TestYumAliases(t *testing.T) {
	for _, name := range []string{"dnf", "package", "ansible.builtin.yum"} {
		if _, ok := Lookup(name); !ok {
			t.Errorf("%s not registered", name)
		}
	}
	// ansible-playbook 2.14.18's message for yum (use_backend=yum4), whose
	// action plugin runs the dnf module.
	const want = "Unsupported parameters for (ansible.legacy.dnf) module: bogus. Supported parameters include: " +
		"allow_downgrade, allowerasing, autoremove, bugfix, cacheonly, conf_file, disable_excludes, disable_gpg_check, " +
		"disable_plugin, disablerepo, download_dir, download_only, enable_plugin, enablerepo, exclude, install_repoquery, " +
		"install_weak_deps, installroot, list, lock_timeout, name, nobest, releasever, security, skip_broken, sslverify, " +
		"state, update_cache, update_only, validate_certs (expire-cache, pkg)."
	m, _ := Lookup("yum")
	if _, err := Validate("yum", m, Args{"name": "x", "use_backend": "yum4", "bogus": true}); err == nil || err.Error() != want {
		t.Errorf("unknown parameter: %v\nwant %s", err, want)
	}
	if _, err := Validate("yum", m, Args{"name": "x", "lock_timeout": 5}); err == nil || !strings.Contains(err.Error(), "lock_timeout is not supported by gansible") {
		t.Errorf("unimplemented parameter: %v", err)
	}
}

func TestRPMVerCmp(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0}, {"1.0", "1.1", -1}, {"1.10", "1.9", 1}, {"1.0a", "1.0", 1},
		{"1.0", "1.0a", -1}, {"1.a", "1.1", -1}, {"001", "1", 0}, {"1.0~rc1", "1.0", -1},
		{"1.0^git1", "1.0", 1}, {"1.0^git1", "1.0.1", -1}, {"el6", "el7", -1}, {"1_0", "1.0", 0},
	}
	for _, tc := range tests {
		if got := rpmVerCmp(tc.a, tc.b); got != tc.want {
			t.Errorf("rpmVerCmp(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestDnfPackageNameDict(t *testing.T) {
	tests := []struct {
		spec string
		want rpmPackage
		ok   bool
	}{
		{"gansible-hello-1.0-1", rpmPackage{name: "gansible-hello", epoch: "0", version: "1.0", release: "1"}, true},
		{"gansible-hello-1.0-1.noarch", rpmPackage{name: "gansible-hello", epoch: "0", version: "1.0", release: "1"}, true},
		{"foo-2:1.0-3.el8", rpmPackage{name: "foo", epoch: "2", version: "1.0", release: "3.el8"}, true},
		// No release: the version is taken for the release, and "hello"
		// is no version.
		{"gansible-hello-1.0", rpmPackage{}, false},
		{"vim", rpmPackage{}, false},
	}
	for _, tt := range tests {
		got, ok := dnfPackageNameDict(tt.spec)
		if ok != tt.ok || got != tt.want {
			t.Errorf("dnfPackageNameDict(%q) = %+v, %v; want %+v, %v", tt.spec, got, ok, tt.want, tt.ok)
		}
	}
}
