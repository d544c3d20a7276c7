package template

import (
	"fmt"
	"sort"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// Python's mutating list and dict methods ({% set _ = l.append(x) %},
// d.update(...)). Values here are Go slices and maps shared with the
// variables of every host, so a method never changes a value in place: it
// builds the changed value and stores it back where the receiver came
// from, a template name, a variable (for the rest of this rendering), a
// namespace attribute, or an item of one of those. Later uses of that
// name see the change; another reference to the same list taken before
// the call does not, unlike Python.

var listMutators = map[string]bool{
	"append": true, "extend": true, "insert": true, "pop": true, "remove": true,
	"reverse": true, "sort": true, "clear": true,
}

var dictMutators = map[string]bool{
	"update": true, "pop": true, "popitem": true, "setdefault": true, "clear": true,
}

// mutatingCall handles n when it calls a mutating method; ok is false for
// any other call.
func (ev *evaluator) mutatingCall(n *syntax.CallExpr, f *frame) (v any, ok bool, err error) {
	at, isAttr := n.Fn.(*syntax.AttrExpr)
	if !isAttr || !(listMutators[at.Attr] || dictMutators[at.Attr]) {
		return nil, false, nil
	}
	recv, err := ev.eval(at.Obj, f)
	if err != nil {
		return nil, true, err
	}
	switch recv.(type) {
	case []any:
		if !listMutators[at.Attr] {
			return nil, false, nil
		}
	case *dict:
		if !dictMutators[at.Attr] {
			return nil, false, nil
		}
	default:
		return nil, false, nil
	}
	pos, kw, _, err := ev.evalCallArgs(n, f)
	if err != nil {
		return nil, true, err
	}
	a := args{at.Attr, pos, kw}
	var changed any
	switch x := recv.(type) {
	case []any:
		changed, v, err = mutateList(x, a)
	case *dict:
		changed, v, err = mutateDict(x, a)
	}
	if err != nil {
		return nil, true, err
	}
	if err := checkItems(itemCount(changed)); err != nil {
		return nil, true, err
	}
	// Each call copies the receiver: charge it, so that a loop of appends
	// stays within the work budget.
	if err := ev.charge(itemCost * itemCount(changed)); err != nil {
		return nil, true, err
	}
	return v, true, ev.store(at.Obj, changed, f)
}

func itemCount(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case *dict:
		return x.Len()
	}
	return 0
}

// store puts v where the expression x got its value from.
func (ev *evaluator) store(x syntax.Expr, v any, f *frame) error {
	switch n := x.(type) {
	case *syntax.NameExpr:
		for fr := f; fr != nil; fr = fr.parent {
			if _, ok := fr.vars[n.Name]; ok {
				fr.vars[n.Name] = v
				return nil
			}
		}
		if _, ok := ev.cache[n.Name]; ok && !f.isolated() {
			ev.cache[n.Name] = v
			return nil
		}
	case *syntax.AttrExpr:
		obj, err := ev.eval(n.Obj, f)
		if err != nil {
			return err
		}
		switch o := obj.(type) {
		case *namespace:
			attrs := o.attrs.Copy()
			attrs.Set(n.Attr, v)
			o.attrs = attrs
			return nil
		case *dict:
			return ev.store(n.Obj, withKey(o, n.Attr, v), f)
		}
	case *syntax.ItemExpr:
		obj, err := ev.eval(n.Obj, f)
		if err != nil {
			return err
		}
		key, err := ev.evalStrict(n.Key, f)
		if err != nil {
			return err
		}
		switch o := obj.(type) {
		case *dict:
			if k, ok := key.(string); ok {
				return ev.store(n.Obj, withKey(o, k, v), f)
			}
		case []any:
			if i, ok := key.(int); ok {
				if i < 0 {
					i += len(o)
				}
				if i >= 0 && i < len(o) {
					c := append([]any(nil), o...)
					c[i] = v
					return ev.store(n.Obj, c, f)
				}
			}
		}
	}
	return fmt.Errorf("changing a list or dict in place is supported on a name, a namespace attribute or an item of those, not here")
}

func withKey(m *dict, k string, v any) *dict {
	c := m.Copy()
	c.Set(k, v)
	return c
}

// mutateList returns the list after the method and the method's result.
func mutateList(l []any, a args) (any, any, error) {
	c := append([]any(nil), l...)
	switch a.fn {
	case "append":
		if len(a.pos) != 1 {
			return nil, nil, fmt.Errorf("list.append() takes exactly one argument (%d given)", len(a.pos))
		}
		return append(c, a.pos[0]), nil, nil
	case "extend":
		items, err := iterate(a.at(0))
		if err != nil {
			return nil, nil, err
		}
		return append(c, items...), nil, nil
	case "insert":
		i, ok := integer(a.at(0))
		if !ok || len(a.pos) != 2 {
			return nil, nil, fmt.Errorf("list.insert() takes an index and a value")
		}
		if i < 0 {
			i = max(i+len(c), 0)
		}
		i = min(i, len(c))
		return append(c[:i], append([]any{a.pos[1]}, c[i:]...)...), nil, nil
	case "pop":
		if len(c) == 0 {
			return nil, nil, fmt.Errorf("pop from empty list")
		}
		i := len(c) - 1
		if len(a.pos) > 0 {
			j, ok := integer(a.pos[0])
			if !ok {
				return nil, nil, fmt.Errorf("'%s' object cannot be interpreted as an integer", pyType(a.pos[0]))
			}
			if j < 0 {
				j += len(c)
			}
			if j < 0 || j >= len(c) {
				return nil, nil, fmt.Errorf("pop index out of range")
			}
			i = j
		}
		v := c[i]
		return append(c[:i], c[i+1:]...), v, nil
	case "remove":
		for i, e := range c {
			if value.Equal(e, a.at(0)) {
				return append(c[:i], c[i+1:]...), nil, nil
			}
		}
		return nil, nil, fmt.Errorf("list.remove(x): x not in list")
	case "reverse":
		for i, j := 0, len(c)-1; i < j; i, j = i+1, j-1 {
			c[i], c[j] = c[j], c[i]
		}
		return c, nil, nil
	case "sort":
		if _, ok := a.kw["key"]; ok {
			return nil, nil, fmt.Errorf("list.sort(key=...) is not supported")
		}
		var err error
		sort.SliceStable(c, func(i, j int) bool {
			r, e := compare(c[i], c[j])
			if e != nil && err == nil {
				err = e
			}
			return r < 0
		})
		if err != nil {
			return nil, nil, err
		}
		if truthy(a.kw["reverse"]) {
			for i, j := 0, len(c)-1; i < j; i, j = i+1, j-1 {
				c[i], c[j] = c[j], c[i]
			}
		}
		return c, nil, nil
	case "clear":
		return []any{}, nil, nil
	}
	return nil, nil, fmt.Errorf("unknown list method %s", a.fn)
}

// mutateDict returns the dict after the method and the method's result.
func mutateDict(m *dict, a args) (any, any, error) {
	c := m.Copy()
	switch a.fn {
	case "update":
		if len(a.pos) > 1 {
			return nil, nil, fmt.Errorf("update expected at most 1 argument, got %d", len(a.pos))
		}
		if len(a.pos) == 1 {
			switch o := a.pos[0].(type) {
			case *dict:
				for k, v := range o.All() {
					c.Set(k, v)
				}
			default:
				pairs, err := iterate(o)
				if err != nil {
					return nil, nil, err
				}
				for _, p := range pairs {
					kv, ok := asSeq(p)
					if !ok || len(kv) != 2 {
						return nil, nil, fmt.Errorf("dictionary update sequence element has wrong length; 2 is required")
					}
					c.Set(str(kv[0]), kv[1])
				}
			}
		}
		for _, k := range kwNames(nil, a.kw) {
			c.Set(k, a.kw[k])
		}
		return c, nil, nil
	case "pop":
		k := str(a.at(0))
		v, ok := c.Get(k)
		if !ok {
			if len(a.pos) > 1 {
				return c, a.pos[1], nil
			}
			return nil, nil, fmt.Errorf("KeyError: %s", value.Repr(a.at(0)))
		}
		c.Delete(k)
		return c, v, nil
	case "popitem":
		// Python's popitem takes the last key inserted.
		keys := c.Keys()
		if len(keys) == 0 {
			return nil, nil, fmt.Errorf("KeyError: 'popitem(): dictionary is empty'")
		}
		k := keys[len(keys)-1]
		v, _ := c.Get(k)
		c.Delete(k)
		return c, tuple{k, v}, nil
	case "setdefault":
		k := str(a.at(0))
		if v, ok := c.Get(k); ok {
			return c, v, nil
		}
		c.Set(k, a.at(1))
		return c, a.at(1), nil
	case "clear":
		return newDict(0), nil, nil
	}
	return nil, nil, fmt.Errorf("unknown dict method %s", a.fn)
}
