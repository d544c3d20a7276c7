package argspec

// The playbook loader must know which actions take free-form text
// (command: ls -l creates=/x) when it splits a task's k=v string, before
// any module runs and without importing the modules: modules.Register
// records here every name of a module whose Spec says FreeForm.
var freeForm = map[string]bool{}

// RegisterFreeForm records that the action name takes free-form text.
// It is called from init functions only.
func RegisterFreeForm(name string) { freeForm[name] = true }

// IsFreeForm reports whether the action takes free-form text.
func IsFreeForm(name string) bool { return freeForm[name] }
