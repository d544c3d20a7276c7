package modules

import (
	"sort"
	"strings"
	"testing"
)

func TestFactGroups(t *testing.T) {
	for _, tc := range []struct {
		subset []string
		want   string // sorted groups, or "error: substring"
	}{
		{[]string{"all"}, "chroot fibre_channel hardware iscsi loadavg min network nvme virtual"},
		{[]string{"min"}, "min"},
		{[]string{"!all"}, "min"},
		{[]string{"!all", "!min"}, ""},
		{[]string{"!hardware"}, "min"},
		{[]string{"!all", "hardware"}, "hardware min"},
		{[]string{"all", "!network", "!virtual"}, "chroot fibre_channel hardware iscsi loadavg min nvme"},
		{[]string{"network", "!network"}, "min network"},
		{[]string{"all", "!nosuchthing"}, "chroot fibre_channel hardware iscsi loadavg min network nvme virtual"},
		{[]string{"facter"}, `error: gather_subset "facter" is not supported`},
		{[]string{"ohai"}, `error: gather_subset "ohai" is not supported`},
		{[]string{"dns"}, `error: gather_subset "dns" is not supported`},
		{[]string{"bogus"}, "error: Bad subset 'bogus' given to Ansible. gather_subset options allowed: all, all_ipv4_addresses,"},
	} {
		groups, err := factGroups(tc.subset)
		got := ""
		if err != nil {
			got = "error: " + err.Error()
		} else {
			var l []string
			for g := range groups {
				l = append(l, g)
			}
			sort.Strings(l)
			got = strings.Join(l, " ")
		}
		if !strings.HasPrefix(got, tc.want) || (err == nil && got != tc.want) {
			t.Errorf("factGroups(%q) = %q, want %q", tc.subset, got, tc.want)
		}
	}
}

func TestDiffShapes(t *testing.T) {
	want := shapeOf(map[string]any{
		"ansible_a":   map[string]any{"x": 1.0, "y": "s"},
		"ansible_l":   []any{"v"},
		"ansible_e":   []any{},
		"ansible_env": map[string]any{"HOME": "/root"},
	})
	for _, tc := range []struct {
		name  string
		facts map[string]any
		want  string
	}{
		{"same", map[string]any{"ansible_a": map[string]any{"x": 2.0, "y": "t"}, "ansible_l": []any{}, "ansible_e": []any{1.0},
			"ansible_env": map[string]any{"PATH": "/bin"}}, ""},
		{"missing key", map[string]any{"ansible_a": map[string]any{"x": 2.0}, "ansible_l": []any{}, "ansible_e": []any{},
			"ansible_env": map[string]any{}}, "missing ansible_a.y (str)"},
		{"wrong type", map[string]any{"ansible_a": map[string]any{"x": "2", "y": "t"}, "ansible_l": []any{}, "ansible_e": []any{},
			"ansible_env": map[string]any{}}, "ansible_a.x is str, want int"},
		{"float", map[string]any{"ansible_a": map[string]any{"x": 2.5, "y": "t"}, "ansible_l": []any{}, "ansible_e": []any{},
			"ansible_env": map[string]any{}}, "ansible_a.x is float, want int"},
		{"extra and element type", map[string]any{"ansible_a": map[string]any{"x": 2.0, "y": "t"}, "ansible_l": []any{1.0},
			"ansible_e": []any{}, "ansible_env": map[string]any{}, "ansible_z": true},
			"ansible_l[] is int, want str; extra ansible_z (bool)"},
	} {
		got := strings.Join(diffShapes(shapeOf(tc.facts), want), "; ")
		if got != tc.want {
			t.Errorf("%s: diffShapes = %q, want %q", tc.name, got, tc.want)
		}
	}
}
