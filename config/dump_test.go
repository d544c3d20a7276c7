package config

import (
	"strings"
	"testing"
)

func TestDump(t *testing.T) {
	full := abs(t, "testdata/full")
	for _, tt := range []struct {
		name string
		cwd  string
		env  map[string]string
		want []string // lines that must be in the dump
		only []string // the whole --only-changed dump
	}{
		{
			name: "defaults",
			cwd:  "testdata",
			env:  map[string]string{"HOME": testHome},
			want: []string{
				"CONFIG_FILE() = None",
				"DEFAULT_FORKS(default) = 5",
				"DEFAULT_REMOTE_USER(default) = None",
				"DEFAULT_HOST_LIST(default) = ['/etc/ansible/hosts']",
				"CALLBACKS_ENABLED(default) = []",
				"HOST_KEY_CHECKING(default) = True",
				"DEFAULT_BECOME(default) = False",
				"DEFAULT_STDOUT_CALLBACK(default) = default",
			},
			only: []string{"CONFIG_FILE() = None"},
		},
		{
			name: "file and environment",
			cwd:  "testdata/full",
			env:  map[string]string{"HOME": testHome, "ANSIBLE_FORKS": "12", "ANSIBLE_CALLBACKS_ENABLED": "timer, profile_tasks"},
			want: []string{
				"CONFIG_FILE() = " + full + "/ansible.cfg",
				"DEFAULT_FORKS(env: ANSIBLE_FORKS) = 12",
				"DEFAULT_REMOTE_USER(" + full + "/ansible.cfg) = deploy",
				"CALLBACKS_ENABLED(env: ANSIBLE_CALLBACKS_ENABLED) = ['timer', 'profile_tasks']",
				"HOST_KEY_CHECKING(" + full + "/ansible.cfg) = False",
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(envFunc(tt.env), abs(t, tt.cwd))
			if err != nil {
				t.Fatal(err)
			}
			var all, changed []string
			for _, e := range c.Dump() {
				all = append(all, e.String())
				if e.Changed() {
					changed = append(changed, e.String())
				}
				if e.Name == "ssh_args" || e.Name == "reconnection_retries" {
					t.Errorf("the plugin option %s is in the base dump", e.Name)
				}
			}
			text := strings.Join(all, "\n")
			for _, w := range tt.want {
				if !strings.Contains(text, w+"\n") && !strings.HasSuffix(text, w) {
					t.Errorf("dump lacks %q:\n%s", w, text)
				}
			}
			if tt.only != nil && strings.Join(changed, "\n") != strings.Join(tt.only, "\n") {
				t.Errorf("changed = %q, want %q", changed, tt.only)
			}
			for i := 1; i < len(all); i++ {
				if all[i-1] > all[i] {
					t.Errorf("dump not sorted: %q before %q", all[i-1], all[i])
				}
			}
		})
	}
}
