package modules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/value"
)

// ArgumentSpec turns the options of an Ansible argument spec (a role's
// meta/argument_specs.yml entry point, or validate_argument_spec's
// argument_spec) into a Spec, in their order. Option keys gansible's
// validator has no counterpart for (suboptions, cross-checks inside an
// option) are refused naming them rather than ignored.
func ArgumentSpec(options any) (*argspec.Spec, error) {
	d, ok := options.(*value.Dict)
	if !ok {
		if options == nil {
			return &argspec.Spec{}, nil
		}
		return nil, fmt.Errorf("argument_spec must be a mapping of option names to their specs")
	}
	spec := &argspec.Spec{}
	for name, raw := range d.All() {
		od, ok := raw.(*value.Dict)
		if !ok {
			return nil, fmt.Errorf("the spec of option %s must be a mapping", name)
		}
		p := argspec.Param{Name: name, Type: argspec.Str}
		for k, v := range od.All() {
			switch k {
			case "type":
				p.Type = argspec.Type(value.Str(v))
			case "elements":
				p.Elements = argspec.Type(value.Str(v))
			case "required":
				b, err := value.ParseBool(v)
				if err != nil {
					return nil, fmt.Errorf("option %s: required: %w", name, err)
				}
				p.Required = b
			case "default":
				p.Default = v
			case "choices":
				list, ok := v.([]any)
				if !ok {
					return nil, fmt.Errorf("option %s: choices must be a list", name)
				}
				p.Choices = list
			case "aliases":
				list, ok := v.([]any)
				if !ok {
					list = []any{v}
				}
				for _, a := range list {
					p.Aliases = append(p.Aliases, value.Str(a))
				}
			case "no_log":
				b, _ := value.ParseBool(v)
				p.NoLog = b
			case "description", "version_added", "short_description", "author", "notes", "seealso", "example", "examples":
				// documentation only
			default:
				return nil, fmt.Errorf("the argument spec key %q (option %s) is not supported by gansible", k, name)
			}
		}
		switch p.Type {
		case argspec.Str, argspec.Bool, argspec.Int, argspec.Float, argspec.Path, argspec.List,
			argspec.Dict, argspec.Raw, argspec.JSONArg, argspec.Bytes:
		default:
			return nil, fmt.Errorf("the argument spec type %q (option %s) is not supported by gansible", p.Type, name)
		}
		spec.Params = append(spec.Params, p)
	}
	return spec, nil
}

// ValidateArguments checks values against spec as ansible-core's
// ArgumentSpecValidator does for validate_argument_spec, collecting every
// error in its order: missing required options, then each option's
// type, then each one's choices, then the options the spec does not have.
func ValidateArguments(spec *argspec.Spec, values map[string]any) []string {
	var errs []string
	var missing []string
	for _, p := range spec.Params {
		if _, given := lookupParam(p, values); !given && p.Required {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		errs = append(errs, "missing required arguments: "+strings.Join(missing, ", "))
	}
	converted := map[string]any{}
	for _, p := range spec.Params {
		v, given := lookupParam(p, values)
		if !given || v == nil {
			continue
		}
		typed := p
		typed.Choices, typed.Required, typed.Default, typed.Aliases = nil, false, nil, nil
		out, _, err := (&argspec.Spec{Params: []argspec.Param{typed}}).Check("", map[string]any{p.Name: v})
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		converted[p.Name] = out[p.Name]
	}
	for _, p := range spec.Params {
		v, ok := converted[p.Name]
		if !ok || len(p.Choices) == 0 {
			continue
		}
		only := argspec.Param{Name: p.Name, Type: argspec.Raw, Choices: p.Choices}
		if _, _, err := (&argspec.Spec{Params: []argspec.Param{only}}).Check("", map[string]any{p.Name: v}); err != nil {
			errs = append(errs, err.Error())
		}
	}
	var unknown []string
	for k := range values {
		if _, ok := spec.Param(k); !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		supported := spec.Names()
		sort.Strings(supported)
		// ansible-core's UnsupportedError message, as validate_argument_spec
		// prints it: without the "Unsupported parameters for" prefix.
		errs = append(errs, strings.Join(unknown, ", ")+". Supported parameters include: "+strings.Join(supported, ", ")+".")
	}
	return errs
}

// lookupParam finds p's value in values by its name or an alias.
func lookupParam(p argspec.Param, values map[string]any) (any, bool) {
	if v, ok := values[p.Name]; ok {
		return v, true
	}
	for _, a := range p.Aliases {
		if v, ok := values[a]; ok {
			return v, true
		}
	}
	return nil, false
}
