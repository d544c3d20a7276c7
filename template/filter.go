package template

import (
	"fmt"
	"slices"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// filterFunc implements a filter: in | name(args, kwargs).
type filterFunc func(ev *evaluator, in any, a args) (any, error)

// filters maps names to implementations; filled by the filters_*.go files.
var filters = map[string]filterFunc{}

// lenientFilters accept an undefined input instead of failing on it.
var lenientFilters = map[string]bool{"default": true, "d": true, "mandatory": true}

// lenientArgFilters take undefined arguments as Jinja2 passes them: extract
// indexes an undefined container into an undefined value, which default
// then replaces.
var lenientArgFilters = map[string]bool{"extract": true}

func (ev *evaluator) applyFilter(n *syntax.FilterExpr, in any, f *frame) (any, error) {
	fn, ok := filters[n.Name]
	if !ok {
		return nil, &syntax.Error{Line: n.Line(), Msg: fmt.Sprintf("Could not load \"%s\": '%s'", n.Name, n.Name)}
	}
	if !lenientFilters[n.Name] {
		if err := strict(in); err != nil {
			return nil, err
		}
	}
	eval := ev.evalArgs
	if lenientArgFilters[n.Name] {
		eval = ev.evalLenientArgs
	}
	pos, kw, err := eval(n.Args, n.Kwargs, f)
	if err != nil {
		return nil, err
	}
	v, err := fn(ev, in, args{n.Name, pos, kw})
	if err != nil {
		return nil, err
	}
	if err := ev.chargeValue(v); err != nil {
		return nil, err
	}
	return v, nil
}

// callFilter calls a filter by name, for map() and friends.
func (ev *evaluator) callFilter(name string, in any, a args) (any, error) {
	fn, ok := filters[name]
	if !ok {
		return nil, fmt.Errorf("No filter named '%s'.", name)
	}
	return fn(ev, in, a)
}

// args are the arguments of a filter, test or function call.
type args struct {
	fn  string
	pos []any
	kw  map[string]any
}

// get returns argument i, or the keyword argument key.
func (a args) get(i int, key string) (any, bool) {
	if i >= 0 && i < len(a.pos) {
		return a.pos[i], true
	}
	if v, ok := a.kw[key]; ok {
		return v, true
	}
	return nil, false
}

func (a args) str(i int, key, def string) (string, error) {
	v, ok := a.get(i, key)
	if !ok {
		return def, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return str(v), nil
	}
	return s, nil
}

func (a args) boolean(i int, key string, def bool) bool {
	v, ok := a.get(i, key)
	if !ok {
		return def
	}
	return truthy(v)
}

func (a args) integer(i int, key string, def int) (int, error) {
	v, ok := a.get(i, key)
	if !ok || v == nil {
		return def, nil
	}
	n, isInt := integer(v)
	if !isInt {
		if f, isFloat := v.(float64); isFloat {
			return int(f), nil
		}
		return 0, fmt.Errorf("%s: expected an integer, got %s", a.fn, value.Repr(v))
	}
	return n, nil
}

// at returns positional argument i, or nil.
func (a args) at(i int) any {
	if i < len(a.pos) {
		return a.pos[i]
	}
	return nil
}

// rest returns the positional arguments from i on.
func (a args) rest(i int) []any {
	if i >= len(a.pos) {
		return nil
	}
	return a.pos[i:]
}

// onlyKeywords refuses a keyword argument the Python function fn does not
// take, with the TypeError Python raises for it.
func (a args) onlyKeywords(fn string, names ...string) error {
	for k := range a.kw {
		if !slices.Contains(names, k) {
			return &typeError{fmt.Sprintf("%s() got an unexpected keyword argument '%s'", fn, k)}
		}
	}
	return nil
}
