package playbook

import (
	"sort"
	"strings"
)

// rawParamActions may be given words that are not k=v arguments (kept in
// _raw_params): ansible-core's RAW_PARAM_MODULES, the free-form modules
// and the actions that take a file or an expression. Any other action
// given such words is refused when the playbook loads, as in Ansible,
// rather than having the words dropped.
var rawParamActions = map[string]bool{
	"command": true, "shell": true, "raw": true, "script": true,
	"win_command": true, "win_shell": true, "ansible.windows.win_command": true, "ansible.windows.win_shell": true,
	"include": true, "include_vars": true, "include_tasks": true, "include_role": true,
	"import_tasks": true, "import_role": true, "add_host": true, "group_by": true,
	"set_fact": true, "meta": true,
}

// extraParamsMessage is Ansible's error for words given to an action
// that takes none. Ansible lists the allowed names in the order of a
// Python set, which changes from run to run; the list here is sorted.
func extraParamsMessage(action string) string {
	var names []string
	for n := range rawParamActions {
		names = append(names, n)
		if !strings.Contains(n, ".") {
			names = append(names, "ansible.builtin."+n, "ansible.legacy."+n)
		}
	}
	sort.Strings(names)
	return "this task '" + action + "' has extra params, which is only allowed in the following modules: " + strings.Join(names, ", ")
}
