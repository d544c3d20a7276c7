package runner

import (
	"testing"

	"github.com/gansible/gansible/playbook"
)

func TestListedName(t *testing.T) {
	role := &playbook.Role{Name: "r1"}
	tests := []struct {
		task *playbook.Task
		want string
	}{
		{&playbook.Task{Action: "debug"}, "debug"},
		{&playbook.Task{Action: "debug", ActionWritten: "ansible.builtin.debug"}, "ansible.builtin.debug"},
		{&playbook.Task{Action: "debug", Role: role}, "debug"},
		{&playbook.Task{Action: "debug", Name: "say", Role: role}, "r1 : say"},
		{&playbook.Task{Action: "include_role", Args: map[string]any{"name": "r1"}}, "include_role"},
		{&playbook.Task{Action: "debug", Name: "say"}, "say"},
	}
	for _, tc := range tests {
		if got := listedName(tc.task); got != tc.want {
			t.Errorf("listedName(%+v) = %q, want %q", tc.task, got, tc.want)
		}
	}
}
