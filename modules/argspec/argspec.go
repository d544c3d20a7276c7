// Package argspec checks a module's arguments against the parameters the
// module declares, as Ansible's ArgumentSpecValidator does on the host:
// aliases, unsupported parameters, required ones, type conversion,
// choices, defaults and the cross-checks (mutually_exclusive,
// required_together, required_one_of, required_if, required_by), with
// Ansible's messages.
//
// A module declares a Spec as data; Validate returns the arguments the
// module's code reads: every declared parameter under its canonical name,
// converted to its type (string, bool, int, float64, []any, *value.Dict)
// or nil when absent without a default.
package argspec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gansible/gansible/value"
)

// Type is a parameter's type, named as in Ansible's argument specs.
type Type string

const (
	Str     Type = "str" // the default, as in Ansible
	Bool    Type = "bool"
	Int     Type = "int"
	Float   Type = "float"
	Path    Type = "path" // a string with ~ and $VAR expanded on the host side by the module
	List    Type = "list"
	Dict    Type = "dict"
	Raw     Type = "raw"     // kept as given
	JSONArg Type = "jsonarg" // a string, or a list or dict dumped to JSON
	Bytes   Type = "bytes"   // a size such as 10M, converted to an int
)

// Param declares one parameter.
type Param struct {
	Name     string
	Type     Type // Str when empty
	Elements Type // element type of a List; none when empty
	Required bool
	Default  any
	Choices  []any
	Aliases  []string
	NoLog    bool // the value is hidden in the task's output, as Ansible's no_log on a parameter

	// ControllerPath: a Path the action plugin resolves on the controller
	// (copy's src), never expanded on the host, unless remote_src is set.
	ControllerPath bool

	// ActionOnly: Ansible's action plugin reads the parameter on the
	// controller and does not pass it to the module, whose
	// unsupported-parameter message does not list it (copy's decrypt).
	ActionOnly bool

	// Unsupported, when set, says why gansible refuses the parameter
	// though Ansible accepts it: giving it fails the task with that reason
	// instead of being ignored.
	Unsupported string
}

// RequiredIf is one required_if rule: when Key has Value, the Requires
// parameters must be given (all of them, or one of them with Any).
type RequiredIf struct {
	Key      string
	Value    any
	Requires []string
	Any      bool
}

// Spec is a module's declared interface.
type Spec struct {
	Params []Param

	// FreeForm: the module takes free-form text (command, shell, raw...),
	// kept in _raw_params by the loader.
	FreeForm bool

	// Module, when set, is the module Ansible's action plugin runs for
	// this one (ansible.legacy.copy for copy), which its messages name
	// instead of the name the task used.
	Module string

	// ExpandsPaths: the module expands its Path parameters on the host
	// itself (command, with its words), so modules.ExpandPaths leaves them.
	ExpandsPaths bool

	// ValidArgs: the spec is an action plugin's _VALID_ARGS, which only
	// checks the names ("Invalid options for debug: bogus") and converts
	// nothing: Check returns the arguments as given.
	ValidArgs bool

	// PassThrough: the spec is an action plugin's that hands the task's
	// arguments on to another module (package to apt or dnf), which checks
	// them: Check returns them as given.
	PassThrough bool

	MutuallyExclusive [][]string
	RequiredTogether  [][]string
	RequiredOneOf     [][]string
	RequiredIf        []RequiredIf
	RequiredBy        map[string][]string
}

// Names lists every parameter name the spec accepts, aliases included.
func (s *Spec) Names() []string {
	var out []string
	for _, p := range s.Params {
		out = append(out, p.Name)
		out = append(out, p.Aliases...)
	}
	return out
}

// Param finds a declared parameter by its name or an alias.
func (s *Spec) Param(name string) (*Param, bool) {
	for i := range s.Params {
		p := &s.Params[i]
		if p.Name == name {
			return p, true
		}
		for _, a := range p.Aliases {
			if a == name {
				return p, true
			}
		}
	}
	return nil, false
}

// Error is a failed validation: the task fails with Msg, as the module
// would have failed on the host.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Validate is Check without the warnings.
func (s *Spec) Validate(module string, args map[string]any) (map[string]any, error) {
	out, _, err := s.Check(module, args)
	return out, err
}

// Check checks args (the task's arguments after templating; keys that
// start with "_" and are not declared are internal and pass through) and
// returns them under the canonical parameter names, converted, with
// defaults set, and the warnings Ansible's validator gives (an option set
// both by its name and an alias). module is the name the task used, for
// the unsupported-parameter message, unless the spec names the module
// Ansible's action plugin really runs (Module).
//
// The checks run in the order of Ansible 2.14's ArgumentSpecValidator and
// the first error found wins: mutually_exclusive, required, types (in
// declaration order), choices, required_together, required_one_of,
// required_if, required_by, and only then unsupported parameters. A
// parameter given as null counts as given for every check but
// required_by, as in Ansible, and so does one with a default.
func (s *Spec) Check(module string, args map[string]any) (map[string]any, []string, error) {
	if s.Module != "" {
		module = s.Module
	}
	if s.ValidArgs {
		return s.checkNames(module, args)
	}
	if s.PassThrough {
		out := make(map[string]any, len(args))
		for k, v := range args {
			out[k] = v
		}
		return out, nil, nil
	}
	params := map[string]any{}
	for k, v := range args {
		if u, ok := v.(value.Unsafe); ok {
			v = u.V
		}
		params[k] = v
	}
	out := map[string]any{}
	for k, v := range params {
		if _, declared := s.Param(k); strings.HasPrefix(k, "_") && !declared {
			out[k] = v
		}
	}

	// Aliases first, as Ansible's _handle_aliases: in declaration order,
	// a value given under an alias lands on the canonical name, the last
	// alias winning; the warning is given when the canonical name is
	// already set at that point.
	var warnings []string
	for _, p := range s.Params {
		for _, a := range p.Aliases {
			v, ok := params[a]
			if !ok {
				continue
			}
			if _, set := params[p.Name]; set {
				warnings = append(warnings, fmt.Sprintf("Both option %s and its alias %s are set.", p.Name, a))
			}
			params[p.Name] = v
		}
	}
	var unsupported []string
	for k := range params {
		if _, ok := s.Param(k); !ok && !strings.HasPrefix(k, "_") {
			unsupported = append(unsupported, k)
		}
	}

	given := map[string]bool{}
	for k, v := range params {
		given[k] = v != nil
	}

	var errs []string
	fail := func(msg string) { errs = append(errs, msg) }
	present := func(n string) bool { _, ok := params[n]; return ok }

	var excl []string
	for _, group := range s.MutuallyExclusive {
		n := 0
		for _, k := range group {
			if present(k) {
				n++
			}
		}
		if n > 1 {
			excl = append(excl, strings.Join(group, "|"))
		}
	}
	if len(excl) > 0 {
		fail("parameters are mutually exclusive: " + strings.Join(excl, ", "))
	}

	for _, p := range s.Params {
		if !present(p.Name) && p.Default != nil {
			params[p.Name] = s.defaultValue(p)
		}
	}

	var missing []string
	for _, p := range s.Params {
		if p.Required && !present(p.Name) {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		fail("missing required arguments: " + strings.Join(missing, ", "))
	}

	for _, p := range s.Params {
		v, ok := params[p.Name]
		if !ok || v == nil {
			continue
		}
		conv, err := convert(p.Name, p.Type, v)
		if err != nil {
			fail(err.Error())
			continue
		}
		if p.Type == List && p.Elements != "" {
			items := conv.([]any)
			kept := items[:0]
			for _, e := range items {
				ce, err := convertElement(p.Name, p.Elements, e)
				if err != nil {
					fail(err.Error())
					continue
				}
				kept = append(kept, ce)
			}
			conv = kept
		}
		params[p.Name] = conv
	}

	for _, p := range s.Params {
		if v, ok := params[p.Name]; ok {
			if msg, conv := checkChoices(p, v); msg != "" {
				fail(msg)
			} else {
				params[p.Name] = conv
			}
		}
	}

	if msg := s.crossChecks(params, present); msg != "" {
		fail(msg)
	}

	if len(unsupported) > 0 {
		sort.Strings(unsupported)
		fail(fmt.Sprintf("Unsupported parameters for (%s) module: %s. Supported parameters include: %s.",
			module, strings.Join(unsupported, ", "), s.supportedNames()))
	}
	if len(errs) > 0 {
		return nil, warnings, &Error{Mask(errs[0], s.NoLogValues(params)).(string)}
	}

	for _, p := range s.Params {
		v := params[p.Name]
		if given[p.Name] && p.Unsupported != "" {
			return nil, warnings, &Error{fmt.Sprintf("the parameter %s is not supported by gansible: %s", p.Name, p.Unsupported)}
		}
		out[p.Name] = v
	}
	return out, warnings, nil
}

// checkNames is an action plugin's _VALID_ARGS check, which counts every
// key, internal ones (_raw_params) too. Ansible lists the bad names in the
// order of a Python set; they are sorted here.
func (s *Spec) checkNames(action string, args map[string]any) (map[string]any, []string, error) {
	var bad []string
	for k := range args {
		if _, ok := s.Param(k); !ok {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, nil, &Error{fmt.Sprintf("Invalid options for %s: %s", action, strings.Join(bad, ","))}
	}
	return args, nil, nil
}

// crossChecks runs Ansible's required_together, required_one_of,
// required_if and required_by, in that order, and returns the first
// failure's message.
func (s *Spec) crossChecks(params map[string]any, present func(string) bool) string {
	for _, group := range s.RequiredTogether {
		n := 0
		for _, k := range group {
			if present(k) {
				n++
			}
		}
		if n > 0 && n < len(group) {
			return "parameters are required together: " + strings.Join(group, ", ")
		}
	}
	for _, group := range s.RequiredOneOf {
		found := false
		for _, k := range group {
			found = found || present(k)
		}
		if !found {
			return "one of the following is required: " + strings.Join(group, ", ")
		}
	}
	for _, rule := range s.RequiredIf {
		v, ok := params[rule.Key]
		if !ok || !value.Equal(v, rule.Value) {
			continue
		}
		var missing []string
		for _, k := range rule.Requires {
			if !present(k) {
				missing = append(missing, k)
			}
		}
		if len(missing) == 0 || (rule.Any && len(missing) < len(rule.Requires)) {
			continue
		}
		word := "all"
		if rule.Any {
			word = "any"
		}
		return fmt.Sprintf("%s is %s but %s of the following are missing: %s",
			rule.Key, value.Str(rule.Value), word, strings.Join(missing, ", "))
	}
	keys := make([]string, 0, len(s.RequiredBy))
	for k := range s.RequiredBy {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if params[k] == nil {
			continue
		}
		var missing []string
		for _, r := range s.RequiredBy[k] {
			if params[r] == nil {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("missing parameter(s) required by '%s': %s", k, strings.Join(missing, ", "))
		}
	}
	return ""
}

// defaultValue is a parameter's default, converted to its type.
func (s *Spec) defaultValue(p Param) any {
	d, err := convert(p.Name, p.Type, cloneDefault(p.Default))
	if err != nil {
		panic(fmt.Sprintf("argspec: default of %s: %v", p.Name, err))
	}
	return d
}

func (s *Spec) defaultOf(name string) any {
	if p, ok := s.Param(name); ok {
		return p.Default
	}
	return nil
}

// supportedNames lists the parameters as Ansible's message does: the
// names sorted, then every alias sorted in one parenthesis.
func (s *Spec) supportedNames() string {
	var names, aliases []string
	for _, p := range s.Params {
		if p.ActionOnly {
			continue
		}
		names = append(names, p.Name)
		aliases = append(aliases, p.Aliases...)
	}
	sort.Strings(names)
	sort.Strings(aliases)
	out := strings.Join(names, ", ")
	if len(aliases) > 0 {
		out += " (" + strings.Join(aliases, ", ") + ")"
	}
	return out
}

func cloneDefault(v any) any {
	if l, ok := v.([]any); ok {
		return append([]any(nil), l...)
	}
	return v
}

// The spellings of Ansible's boolean(), which the choices check uses to
// turn a YAML boolean made a string ("True", "False") back into the one
// choice that spells it.
var (
	booleansTrue  = []any{"y", "yes", "on", "1", "true", "t", 1, 1.0, true}
	booleansFalse = []any{"n", "no", "off", "0", "false", "f", 0, 0.0, false}
)

// checkChoices is Ansible's _validate_argument_values for one parameter:
// the error message, or the value (a stringified YAML boolean mapped back
// to its choice).
func checkChoices(p Param, v any) (string, any) {
	if len(p.Choices) == 0 {
		return "", v
	}
	in := func(x any) bool {
		for _, c := range p.Choices {
			if value.Equal(c, x) {
				return true
			}
		}
		return false
	}
	choices := make([]string, len(p.Choices))
	for i, c := range p.Choices {
		choices[i] = value.Str(c)
	}
	if l, ok := v.([]any); ok {
		var bad []string
		for _, e := range l {
			if !in(e) {
				bad = append(bad, value.Str(e))
			}
		}
		if len(bad) > 0 {
			return fmt.Sprintf("value of %s must be one or more of: %s. Got no match for: %s",
				p.Name, strings.Join(choices, ", "), strings.Join(bad, ", ")), nil
		}
		return "", v
	}
	if in(v) {
		return "", v
	}
	for str, spellings := range map[string][]any{"False": booleansFalse, "True": booleansTrue} {
		if v != str {
			continue
		}
		var overlap []any
		for _, c := range p.Choices {
			for _, b := range spellings {
				if value.Equal(c, b) {
					overlap = append(overlap, c)
					break
				}
			}
		}
		if len(overlap) == 1 {
			return "", overlap[0]
		}
	}
	return fmt.Sprintf("value of %s must be one of: %s, got: %s", p.Name, strings.Join(choices, ", "), value.Str(v)), nil
}
