package inventory

import (
	"fmt"

	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

// parseGenerator is ansible-core's generator plugin: one host for every
// combination of the layers' values (the product, in the layers' order),
// its name and its parent groups' names and vars templated with that
// combination.
func parseGenerator(inv *Inventory, path string, cfg *value.Dict) error {
	layersV, _ := cfg.Get("layers")
	layers, ok := layersV.(*value.Dict)
	if !ok {
		return fmt.Errorf("'%s' object has no attribute 'values'", pyClass(layersV))
	}
	hostsV, _ := cfg.Get("hosts")
	hosts, ok := hostsV.(*value.Dict)
	if !ok {
		return fmt.Errorf("'%s' object is not subscriptable", pyClass(hostsV))
	}
	g := generator{inv: inv, engine: inv.templateEngine()}
	names := layers.Keys()
	values := make([][]any, len(names))
	count := 1
	for i, n := range names {
		v, _ := layers.Get(n)
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("the generator layer %s must be a list, got %s", n, pyTypeName(v))
		}
		values[i] = list
		if count *= len(list); count > maxGeneratedHosts {
			return fmt.Errorf("the generator's layers make more than %d hosts, gansible's limit", maxGeneratedHosts)
		}
	}
	var err error
	product(values, func(combo []any) bool {
		vars := map[string]any{}
		for i, n := range names {
			vars[n] = combo[i]
		}
		nameV, _ := hosts.Get("name")
		var host string
		if host, err = g.template(nameV, vars); err != nil {
			return false
		}
		h := inv.addHost(host, "", path, 0)
		parents, _ := hosts.Get("parents")
		err = g.addParents(h.Name, true, nameV, parents, vars)
		return err == nil
	})
	return err
}

// maxGeneratedHosts bounds the product of the layers, which a few long
// layers make astronomically large.
const maxGeneratedHosts = 100000

type generator struct {
	inv    *Inventory
	engine *template.Engine
}

func (g *generator) template(pattern any, vars map[string]any) (string, error) {
	out, err := g.engine.Template(pattern, template.MapVars(vars))
	if err != nil {
		return "", err
	}
	return value.Str(out), nil
}

// addParents is add_parents: each parent group is created, given its
// vars, made the parent of child (a host or a group), and given its own
// parents in turn.
func (g *generator) addParents(child string, childIsHost bool, childName any, parents any, vars map[string]any) error {
	if parents == nil {
		return nil
	}
	list, ok := parents.([]any)
	if !ok {
		return fmt.Errorf("the parents of %s must be a list", value.Str(childName))
	}
	for _, p := range list {
		pd, ok := p.(*value.Dict)
		nameV, has := pd.Get("name")
		if !ok || !has {
			return fmt.Errorf("Element %s has a parent with no name element", value.Str(childName))
		}
		name, err := g.template(nameV, vars)
		if err != nil {
			return err
		}
		group := g.inv.addGroup(name)
		if gv, ok := pd.Get("vars"); ok && gv != nil {
			d, ok := gv.(*value.Dict)
			if !ok {
				return fmt.Errorf("the vars of group %s must be a mapping", name)
			}
			for k, v := range d.All() {
				s, err := g.engine.Template(v, template.MapVars(vars))
				if err != nil {
					return err
				}
				if err := g.inv.setGroupVar(group, k, s); err != nil {
					return err
				}
			}
		}
		if childIsHost {
			group.addHost(g.inv.hosts[child])
		} else if err := g.inv.addChild(name, child); err != nil {
			return err
		}
		grand, _ := pd.Get("parents")
		if err := g.addParents(name, false, nameV, grand, vars); err != nil {
			return err
		}
	}
	return nil
}

// product calls f with every combination of one value from each list,
// the last list varying fastest, as itertools.product; f returns false to
// stop.
func product(lists [][]any, f func([]any) bool) {
	combo := make([]any, len(lists))
	var walk func(i int) bool
	walk = func(i int) bool {
		if i == len(lists) {
			return f(append([]any(nil), combo...))
		}
		for _, v := range lists[i] {
			combo[i] = v
			if !walk(i + 1) {
				return false
			}
		}
		return true
	}
	walk(0)
}

// pyClass is the Python class name of a value, for AttributeError texts.
func pyClass(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case string:
		return "str"
	case []any:
		return "list"
	case bool:
		return "bool"
	}
	if isInt(v) {
		return "int"
	}
	return "dict"
}
