package config

import (
	"reflect"
	"testing"
)

func TestSetting(t *testing.T) {
	c := defaults("/home/u")
	c.RemoteUser = "deploy"
	cases := []struct {
		name string
		want any
		ok   bool
	}{
		{"DEFAULT_FORKS", 5, true},
		{"DEFAULT_TIMEOUT", 10, true},
		{"DEFAULT_REMOTE_USER", "deploy", true},
		{"DEFAULT_BECOME_EXE", nil, true},
		{"DEFAULT_BECOME_USER", "root", true},
		{"HOST_KEY_CHECKING", true, true},
		{"DEFAULT_ROLES_PATH", []any{"/home/u/.ansible/roles", "/usr/share/ansible/roles", "/etc/ansible/roles"}, true},
		{"DEFAULT_HOST_LIST", []any{"/etc/ansible/hosts"}, true},
		{"DEFAULT_VAULT_IDENTITY_LIST", []any{}, true},
		{"DEFAULT_LOG_PATH", nil, true},
		{"NOPE", nil, false},
	}
	for _, tc := range cases {
		got, ok := c.Setting(tc.name)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Setting(%s) = %#v, %v; want %#v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
