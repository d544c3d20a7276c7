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

// NoLogValues returns the values of the given arguments that the spec
// declares no_log, for the censor.
func (s *Spec) NoLogValues(args map[string]any) []string {
	var out []string
	for _, p := range s.Params {
		if !p.NoLog {
			continue
		}
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if v, ok := args[n]; ok && v != nil {
				out = append(out, value.Str(v))
			}
		}
	}
	return out
}

// Error is a failed validation: the task fails with Msg, as the module
// would have failed on the host.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Validate checks args (the task's arguments after templating; keys that
// start with "_" are internal and pass through) and returns them under
// the canonical parameter names, converted, with defaults set. module is
// the name the task used, for the unsupported-parameter message.
func (s *Spec) Validate(module string, args map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range args {
		if strings.HasPrefix(k, "_") {
			out[k] = v
		}
	}

	// Aliases first, as Ansible's _handle_aliases: a value given under
	// an alias lands on the canonical name.
	var unsupported []string
	given := map[string]any{}
	for k, v := range args {
		if strings.HasPrefix(k, "_") {
			continue
		}
		p, ok := s.Param(k)
		if !ok {
			unsupported = append(unsupported, k)
			continue
		}
		given[p.Name] = v
	}
	if len(unsupported) > 0 {
		sort.Strings(unsupported)
		return nil, &Error{fmt.Sprintf("Unsupported parameters for (%s) module: %s. Supported parameters include: %s.",
			module, strings.Join(unsupported, ", "), strings.Join(s.supportedNames(), ", "))}
	}
	isGiven := func(n string) bool { v, ok := given[n]; return ok && v != nil }

	for _, group := range s.MutuallyExclusive {
		var hit []string
		for _, n := range group {
			if isGiven(n) {
				hit = append(hit, n)
			}
		}
		if len(hit) > 1 {
			return nil, &Error{"parameters are mutually exclusive: " + strings.Join(group, "|")}
		}
	}

	var missing []string
	for _, p := range s.Params {
		if p.Required && !isGiven(p.Name) {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, &Error{"missing required arguments: " + strings.Join(missing, ", ")}
	}

	for _, p := range s.Params {
		v, ok := given[p.Name]
		if !ok || v == nil {
			continue
		}
		if p.Unsupported != "" {
			return nil, &Error{fmt.Sprintf("the parameter %s is not supported by gansible: %s", p.Name, p.Unsupported)}
		}
		conv, err := convert(p.Name, p.Type, v)
		if err != nil {
			return nil, err
		}
		if p.Type == List && p.Elements != "" {
			items := conv.([]any)
			for i, e := range items {
				ce, err := convertElement(p.Name, p.Elements, e)
				if err != nil {
					return nil, err
				}
				items[i] = ce
			}
		}
		if err := checkChoices(p, conv); err != nil {
			return nil, err
		}
		out[p.Name] = conv
	}

	for _, group := range s.RequiredTogether {
		n := 0
		for _, k := range group {
			if isGiven(k) {
				n++
			}
		}
		if n > 0 && n < len(group) {
			return nil, &Error{"parameters are required together: " + strings.Join(group, ", ")}
		}
	}
	for _, group := range s.RequiredOneOf {
		found := false
		for _, k := range group {
			found = found || isGiven(k)
		}
		if !found {
			return nil, &Error{"one of the following is required: " + strings.Join(group, ", ")}
		}
	}
	for _, rule := range s.RequiredIf {
		v, ok := out[rule.Key]
		if !ok {
			v = s.defaultOf(rule.Key)
		}
		if v == nil || !value.Equal(v, rule.Value) {
			continue
		}
		var missing []string
		for _, k := range rule.Requires {
			if !isGiven(k) {
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
		return nil, &Error{fmt.Sprintf("%s is %s but %s of the following are missing: %s",
			rule.Key, value.Str(rule.Value), word, strings.Join(missing, ", "))}
	}
	keys := make([]string, 0, len(s.RequiredBy))
	for k := range s.RequiredBy {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !isGiven(k) {
			continue
		}
		var missing []string
		for _, r := range s.RequiredBy[k] {
			if !isGiven(r) {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			return nil, &Error{fmt.Sprintf("missing parameter(s) required by '%s': %s", k, strings.Join(missing, ", "))}
		}
	}

	for _, p := range s.Params {
		if _, ok := out[p.Name]; ok {
			continue
		}
		if p.Default == nil {
			out[p.Name] = nil
			continue
		}
		d, err := convert(p.Name, p.Type, cloneDefault(p.Default))
		if err != nil {
			panic(fmt.Sprintf("argspec: default of %s: %v", p.Name, err))
		}
		out[p.Name] = d
	}
	return out, nil
}

func (s *Spec) defaultOf(name string) any {
	if p, ok := s.Param(name); ok {
		return p.Default
	}
	return nil
}

// supportedNames lists the parameters as Ansible's message does: sorted,
// each followed by its aliases in parentheses.
func (s *Spec) supportedNames() []string {
	params := append([]Param(nil), s.Params...)
	sort.Slice(params, func(i, j int) bool { return params[i].Name < params[j].Name })
	out := make([]string, 0, len(params))
	for _, p := range params {
		if len(p.Aliases) == 0 {
			out = append(out, p.Name)
			continue
		}
		al := append([]string(nil), p.Aliases...)
		sort.Strings(al)
		out = append(out, fmt.Sprintf("%s (%s)", p.Name, strings.Join(al, ", ")))
	}
	return out
}

func cloneDefault(v any) any {
	if l, ok := v.([]any); ok {
		return append([]any(nil), l...)
	}
	return v
}

func checkChoices(p Param, v any) error {
	if len(p.Choices) == 0 {
		return nil
	}
	in := func(x any) bool {
		for _, c := range p.Choices {
			if value.Equal(c, x) || value.Str(c) == value.Str(x) {
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
			return &Error{fmt.Sprintf("value of %s must be one or more of: %s. Got no match for: %s",
				p.Name, strings.Join(choices, ", "), strings.Join(bad, ", "))}
		}
		return nil
	}
	if !in(v) {
		return &Error{fmt.Sprintf("value of %s must be one of: %s, got: %s", p.Name, strings.Join(choices, ", "), value.Str(v))}
	}
	return nil
}
