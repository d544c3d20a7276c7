package argspec

import (
	"strings"

	"github.com/gansible/gansible/value"
)

// NoLogPlaceholder replaces a value that is exactly a no_log parameter's
// value, as Ansible's remove_values does.
const NoLogPlaceholder = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

// NoLogValues returns the strings a module's output must not show: the
// values of the parameters the spec declares no_log, each scalar of a
// list or dict one, as Ansible's _list_no_log_values (empty strings,
// booleans and nulls are not secrets).
func (s *Spec) NoLogValues(args map[string]any) []string {
	var out []string
	for _, p := range s.Params {
		if !p.NoLog {
			continue
		}
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if v, ok := args[n]; ok {
				out = appendSecrets(out, v)
			}
		}
	}
	return out
}

func appendSecrets(out []string, v any) []string {
	switch x := v.(type) {
	case value.Unsafe:
		return appendSecrets(out, x.V)
	case nil, bool:
		return out
	case string:
		if x != "" {
			out = append(out, x)
		}
		return out
	case []any:
		for _, e := range x {
			out = appendSecrets(out, e)
		}
		return out
	case *value.Dict:
		for _, e := range x.All() {
			out = appendSecrets(out, e)
		}
		return out
	case map[string]any:
		for _, e := range x {
			out = appendSecrets(out, e)
		}
		return out
	}
	return append(out, value.Str(v))
}

// Mask is Ansible's remove_values: every string of v (dict keys included)
// that is a secret becomes NoLogPlaceholder, and every secret inside a
// string becomes ********. Containers are copied, never changed in place.
func Mask(v any, secrets []string) any {
	if len(secrets) == 0 {
		return v
	}
	switch x := v.(type) {
	case string:
		for _, s := range secrets {
			if x == s {
				return NoLogPlaceholder
			}
		}
		for _, s := range secrets {
			x = strings.ReplaceAll(x, s, "********")
		}
		return x
	case value.Unsafe:
		return value.Unsafe{V: Mask(x.V, secrets)}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Mask(e, secrets)
		}
		return out
	case []string:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = Mask(e, secrets).(string)
		}
		return out
	case *value.Dict:
		out := value.NewDict(x.Len())
		for k, e := range x.All() {
			out.Set(Mask(k, secrets).(string), Mask(e, secrets))
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[Mask(k, secrets).(string)] = Mask(e, secrets)
		}
		return out
	case bool, nil:
		return v
	}
	str := value.Str(v)
	for _, s := range secrets {
		if str == s {
			return NoLogPlaceholder
		}
	}
	return v
}
