package template

import "github.com/gansible/gansible/value"

// Str is Python's str() of a value as Ansible prints it: loop item labels,
// values interpolated into messages.
func Str(v any) string { return str(v) }

// Repr is Python's repr() of a value.
func Repr(v any) string { return value.Repr(v) }
