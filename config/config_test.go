package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const testHome = "/home/tester"

func init() {
	// Keep the machine's own configuration out of the tests.
	systemConfigFile = "/nonexistent/ansible.cfg"
}

func envFunc(env map[string]string) func(string) string {
	return func(name string) string {
		if name == "HOME" {
			if v, ok := env[name]; ok {
				return v
			}
			return testHome
		}
		return env[name]
	}
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestLoad(t *testing.T) {
	full := abs(t, "testdata/full")
	tests := []struct {
		name string
		cwd  string // relative to the package directory
		env  map[string]string
		edit func(c *Config) // turns the defaults into the wanted config
	}{
		{
			name: "no config file",
			cwd:  "testdata",
			edit: func(c *Config) {},
		},
		{
			name: "mesos repository",
			cwd:  "testdata/mesos",
			edit: func(c *Config) {
				c.Path = abs(t, "testdata/mesos/ansible.cfg")
				c.RolesPath = []string{"/home/ansible/ansible_dir/mesos-project/roles"}
				c.BecomeExe = "sudo"
			},
		},
		{
			name: "every setting",
			cwd:  "testdata/full",
			env:  map[string]string{"HOME": "/h"},
			edit: func(c *Config) {
				c.Path = filepath.Join(full, "ansible.cfg")
				c.Inventory = []string{filepath.Join(full, "hosts"), filepath.Join(filepath.Dir(full), "other"), "/h/x"}
				c.RemoteUser = "deploy"
				c.Forks = 7
				c.Timeout = 30
				c.RolesPath = []string{filepath.Join(full, "roles"), "/h/r", "/abs", filepath.Join(full, "$UNSET_VAR/x")}
				c.PrivateKeyFile = "/h/.ssh/k"
				c.LogPath = "/h/logs/ansible.log"
				c.VaultPasswordFile = filepath.Join(full, "secrets/vault-pass")
				c.VaultIdentityList = []string{"dev@dev-pass", "prod@prompt"}
				c.VaultEncryptIdentity = "dev"
				c.HostKeyChecking = false
				c.Gathering = "smart"
				c.NoColor = true
				c.ForceColor = true
				c.RetryFiles = true
				c.Become = true
				c.BecomeUser = "app"
				c.BecomeMethod = "su"
				c.BecomeExe = "/bin/su"
				c.AskBecomePass = true
				c.SSHArgs = "-o ControlMaster=auto\n-o ControlPersist=60s"
				c.Pipelining = true
				c.SSHRetries = 3
			},
		},
		{
			name: "environment overrides the file",
			cwd:  "testdata/full",
			env: map[string]string{
				"HOME":                        "/h",
				"ANSIBLE_INVENTORY":           "inv1,/abs/inv2",
				"ANSIBLE_REMOTE_USER":         "envuser",
				"ANSIBLE_FORKS":               "12",
				"ANSIBLE_TIMEOUT":             "3",
				"ANSIBLE_ROLES_PATH":          "/r1:r2",
				"ANSIBLE_PRIVATE_KEY_FILE":    "$HOME/key",
				"ANSIBLE_LOG_PATH":            "${HOME}/a.log",
				"ANSIBLE_HOST_KEY_CHECKING":   "True",
				"ANSIBLE_BECOME":              "no",
				"ANSIBLE_BECOME_USER":         "envbecome",
				"ANSIBLE_SUDO_USER":           "ignored-legacy",
				"ANSIBLE_BECOME_METHOD":       "sudo",
				"ANSIBLE_BECOME_EXE":          "/usr/bin/sudo",
				"ANSIBLE_GATHERING":           "explicit",
				"ANSIBLE_NOCOLOR":             "false",
				"ANSIBLE_FORCE_COLOR":         "0",
				"ANSIBLE_VAULT_PASSWORD_FILE": "$HOME/vp",
				"ANSIBLE_VAULT_IDENTITY_LIST": "x@y",
				"ANSIBLE_SSH_RETRIES":         "5",
			},
			edit: func(c *Config) {
				c.Path = filepath.Join(full, "ansible.cfg")
				c.Inventory = []string{filepath.Join(full, "inv1"), "/abs/inv2"}
				c.RemoteUser = "envuser"
				c.Forks = 12
				c.Timeout = 3
				c.RolesPath = []string{"/r1", filepath.Join(full, "r2")}
				c.PrivateKeyFile = "/h/key"
				c.LogPath = "/h/a.log"
				c.VaultPasswordFile = "/h/vp"
				c.VaultIdentityList = []string{"x@y"}
				c.VaultEncryptIdentity = "dev"
				c.HostKeyChecking = true
				c.Gathering = "explicit"
				c.RetryFiles = true
				c.BecomeUser = "envbecome"
				c.BecomeMethod = "sudo"
				c.BecomeExe = "/usr/bin/sudo"
				c.AskBecomePass = true
				c.SSHArgs = "-o ControlMaster=auto\n-o ControlPersist=60s"
				c.Pipelining = true
				c.SSHRetries = 5
			},
		},
		{
			name: "ANSIBLE_CONFIG names the file",
			cwd:  "testdata/mesos",
			env:  map[string]string{"ANSIBLE_CONFIG": "../legacy/ansible.cfg"},
			edit: func(c *Config) {
				c.Path = abs(t, "testdata/legacy/ansible.cfg")
				c.BecomeUser = "admin"
				c.BecomeExe = "/usr/local/bin/sudo"
			},
		},
		{
			name: "ANSIBLE_CONFIG names a directory",
			cwd:  "testdata",
			env:  map[string]string{"ANSIBLE_CONFIG": "legacy", "ANSIBLE_HOSTS": "/old/hosts"},
			edit: func(c *Config) {
				c.Path = abs(t, "testdata/legacy/ansible.cfg")
				c.Inventory = []string{"/old/hosts"}
				c.BecomeUser = "admin"
				c.BecomeExe = "/usr/local/bin/sudo"
			},
		},
		{
			name: "NO_COLOR",
			cwd:  "testdata",
			env:  map[string]string{"NO_COLOR": "1"},
			edit: func(c *Config) { c.NoColor = true },
		},
		{
			name: "home config",
			cwd:  "testdata",
			env:  map[string]string{"HOME": abs(t, "testdata/home")},
			edit: func(c *Config) {
				c.Path = abs(t, "testdata/home/.ansible.cfg")
				c.RolesPath[0] = abs(t, "testdata/home/.ansible/roles")
				c.RemoteUser = "fromhome"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := testHome
			if h, ok := tt.env["HOME"]; ok {
				home = h
			}
			want := defaults(home)
			tt.edit(want)
			got, err := Load(envFunc(tt.env), abs(t, tt.cwd))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			// Where values came from is TestDump's.
			got.origins, want.origins = nil, nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load() =\n%+v\nwant\n%+v", *got, *want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want string
	}{
		{"bad_line", "bad_line/ansible.cfg:3: Source contains parsing errors"},
		{"bad_int", `bad_int/ansible.cfg:3: DEFAULT_FORKS: invalid integer "many"`},
		{"no_section", "no_section/ansible.cfg:1: File contains no section headers"},
		{"bad_gathering", `bad_gathering/ansible.cfg:2: DEFAULT_GATHERING: invalid value "sometimes"`},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			_, err := Load(envFunc(nil), abs(t, filepath.Join("testdata", tt.dir)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("bad environment value", func(t *testing.T) {
		_, err := Load(envFunc(map[string]string{"ANSIBLE_FORKS": "x"}), abs(t, "testdata"))
		if err == nil || !strings.Contains(err.Error(), "env ANSIBLE_FORKS") {
			t.Errorf("Load() error = %v, want one naming ANSIBLE_FORKS", err)
		}
	})
}

// A world-writable working directory's ansible.cfg is ignored with a
// warning, since anyone could have put it there.
func TestWorldWritableDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ansible.cfg"), []byte("[defaults]\nforks = 50\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	c, err := Load(envFunc(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "" || c.Forks != 5 {
		t.Errorf("used %q (forks %d), want the file ignored", c.Path, c.Forks)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "world writable directory ("+dir+")") {
		t.Errorf("warnings = %q", c.Warnings)
	}

	// Named explicitly, the same file is used, without a warning.
	c, err = Load(envFunc(map[string]string{"ANSIBLE_CONFIG": filepath.Join(dir, "ansible.cfg")}), dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Forks != 50 || len(c.Warnings) != 0 {
		t.Errorf("forks %d, warnings %q; want 50 and none", c.Forks, c.Warnings)
	}
}
