package modules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type selinuxCase struct {
	Name        string         `yaml:"name"`
	Check       bool           `yaml:"check"`
	Enforce     *string        `yaml:"enforce"`
	SysConfig   *string        `yaml:"sysconfig"`
	Config      *string        `yaml:"config"`
	Args        map[string]any `yaml:"args"`
	Want        map[string]any `yaml:"want"`
	WantConfig  *string        `yaml:"want_config"`
	WantEnforce *string        `yaml:"want_enforce"`
}

func TestSelinux(t *testing.T) {
	data, err := os.ReadFile("testdata/selinux_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []selinuxCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	savedFS, savedSys := selinuxFS, selinuxSysConfig
	t.Cleanup(func() { selinuxFS, selinuxSysConfig = savedFS, savedSys })
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			root := t.TempDir()
			selinuxFS = filepath.Join(root, "selinuxfs")
			selinuxSysConfig = filepath.Join(root, "sysconfig")
			cfg := filepath.Join(root, "config")
			write := func(p string, s *string) {
				if s == nil {
					return
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(*s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write(filepath.Join(selinuxFS, "enforce"), tc.Enforce)
			write(selinuxSysConfig, tc.SysConfig)
			write(cfg, tc.Config)
			args := Args{"configfile": cfg}
			for k, v := range tc.Args {
				args[k] = v
			}
			rep := strings.NewReplacer("@CFG@", cfg)
			r := execModule(t, localContext(tc.Check), "ansible.posix.selinux", args)
			checkWant(t, r, substitute(tc.Want, rep).(map[string]any))
			if tc.WantConfig != nil {
				got, _ := os.ReadFile(cfg)
				if string(got) != *tc.WantConfig {
					t.Errorf("config:\n%q\nwant\n%q", got, *tc.WantConfig)
				}
			}
			if tc.WantEnforce != nil {
				got, _ := os.ReadFile(filepath.Join(selinuxFS, "enforce"))
				if string(got) != *tc.WantEnforce {
					t.Errorf("enforce %q, want %q", got, *tc.WantEnforce)
				}
			}
		})
	}
}

func TestSelinuxPolicyType(t *testing.T) {
	tests := []struct{ config, want string }{
		{"", "targeted"},
		{"SELINUX=enforcing\n.", "targeted"},
		{"SELINUXTYPE=mls\n.", "mls"},
		{"  selinuxtype=minimum  \n.", "minimum"},
		{"# SELINUXTYPE=mls\n.", "targeted"},
		{"SELINUXTYPE=mls\nSELINUXTYPE=targeted\n.", "targeted"},
	}
	for _, tt := range tests {
		if got := *selinuxPolicyType(tt.config); got != tt.want {
			t.Errorf("selinuxPolicyType(%q) = %q, want %q", tt.config, got, tt.want)
		}
	}
}
