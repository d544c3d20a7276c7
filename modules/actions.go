package modules

import "github.com/gansible/gansible/modules/argspec"

// Controller-side actions (debug, assert, pause...) run in the runner,
// which has the play's variables; their parameters are declared here
// beside the modules', with their action plugin's checks: most only list
// valid names (_VALID_ARGS), pause validates a spec.
var actionSpecs = map[string]*argspec.Spec{
	"debug": {ValidArgs: true, Params: []argspec.Param{{Name: "msg"}, {Name: "var"}, {Name: "verbosity"}}},
	"fail":  {ValidArgs: true, Params: []argspec.Param{{Name: "msg"}}},
	"assert": {ValidArgs: true, Params: []argspec.Param{
		{Name: "fail_msg"}, {Name: "msg"}, {Name: "quiet"}, {Name: "success_msg"}, {Name: "that"}}},
	"group_by":  {ValidArgs: true, Params: []argspec.Param{{Name: "key"}, {Name: "parents"}}},
	"set_stats": {ValidArgs: true, Params: []argspec.Param{{Name: "aggregate"}, {Name: "data"}, {Name: "per_host"}}},
	"reboot": {ValidArgs: true, Params: []argspec.Param{
		{Name: "boot_time_command"}, {Name: "connect_timeout"}, {Name: "msg"}, {Name: "post_reboot_delay"},
		{Name: "pre_reboot_delay"}, {Name: "reboot_command"}, {Name: "reboot_timeout"}, {Name: "search_paths"},
		{Name: "test_command"}}},
	"wait_for_connection": {ValidArgs: true, Params: []argspec.Param{
		{Name: "connect_timeout"}, {Name: "delay"}, {Name: "sleep"}, {Name: "timeout"}}},
	"pause": {
		Module: "pause",
		Params: []argspec.Param{
			{Name: "echo", Type: argspec.Bool, Default: true},
			// Ansible converts these with Python's int(), floats too.
			{Name: "minutes", Type: argspec.Raw},
			{Name: "seconds", Type: argspec.Raw},
			{Name: "prompt"},
		},
		MutuallyExclusive: [][]string{{"minutes", "seconds"}},
	},
}

// ActionSpec is the declared parameters of a controller-side action.
func ActionSpec(name string) (*argspec.Spec, bool) {
	s, ok := actionSpecs[name]
	return s, ok
}

// CheckAction checks a controller action's arguments as its action plugin
// does; name is the action as the task wrote it, for the message. The
// arguments the action reads stay the ones given: only the checks are
// shared.
func CheckAction(name, action string, args map[string]any) error {
	s, ok := actionSpecs[action]
	if !ok {
		return nil
	}
	_, _, err := s.Check(name, args)
	return err
}
