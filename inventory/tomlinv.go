package inventory

import (
	"fmt"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/gansible/gansible/value"
)

// parseTOML reads a TOML inventory as Ansible's toml plugin does: each
// top-level table is a group with vars (a table), children (a list of
// group names) and hosts (a table of host patterns to their variables).
// Groups, hosts and variables keep the order they are written in.
func (inv *Inventory) parseTOML(path string, data []byte) error {
	var doc map[string]any
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if len(doc) == 0 {
		return fmt.Errorf("Parsed empty TOML file")
	}
	if _, ok := doc["plugin"]; ok {
		return fmt.Errorf("Plugin configuration TOML file, not TOML inventory")
	}
	order := tomlOrder(md)
	for _, name := range order.children("") {
		if err := inv.tomlGroup(path, name, doc[name], order); err != nil {
			return err
		}
	}
	return nil
}

// tomlKeyOrder lists, for each table (by its dotted path), its keys in
// the order the document writes them.
type tomlKeyOrder map[string][]string

func tomlOrder(md toml.MetaData) tomlKeyOrder {
	order := tomlKeyOrder{}
	seen := map[string]bool{}
	for _, key := range md.Keys() {
		for i := range key {
			parent, full := key[:i].String(), key[:i+1].String()
			if !seen[full] {
				seen[full] = true
				order[parent] = append(order[parent], key[i])
			}
		}
	}
	return order
}

func (o tomlKeyOrder) children(path string) []string { return o[path] }

func tomlPath(parts ...string) string { return toml.Key(parts).String() }

func (inv *Inventory) tomlGroup(path, name string, data any, order tomlKeyOrder) error {
	body, ok := data.(map[string]any)
	if data != nil && !ok {
		inv.warnf("Skipping '%s' as this is not a valid group definition", name)
		return nil
	}
	g := inv.addGroup(name)
	inv.checkGroupName(name)
	for _, key := range order.children(tomlPath(name)) {
		value := body[key]
		switch key {
		case "vars":
			vars, ok := value.(map[string]any)
			if !ok {
				return fmt.Errorf("Invalid \"vars\" entry for \"%s\" group, requires a dict, found \"%s\" instead.", name, pythonType(value))
			}
			for _, k := range order.children(tomlPath(name, "vars")) {
				if err := inv.setGroupVar(g, k, tomlValue(vars[k])); err != nil {
					return err
				}
			}
		case "children":
			list, ok := value.([]any)
			if !ok {
				return fmt.Errorf("Invalid \"children\" entry for \"%s\" group, requires a list, found \"%s\" instead.", name, pythonType(value))
			}
			for _, c := range list {
				child := fmt.Sprint(c)
				inv.addGroup(child)
				if err := inv.addChild(name, child); err != nil {
					return err
				}
			}
		case "hosts":
			hosts, ok := value.(map[string]any)
			if !ok {
				return fmt.Errorf("Invalid \"hosts\" entry for \"%s\" group, requires a dict, found \"%s\" instead.", name, pythonType(value))
			}
			for _, pattern := range order.children(tomlPath(name, "hosts")) {
				vars, ok := hosts[pattern].(map[string]any)
				if !ok {
					return fmt.Errorf("Invalid data from file, expected dictionary and got:\n\n%v", hosts[pattern])
				}
				names, port, err := expandHostPattern(pattern)
				if err != nil {
					return err
				}
				for _, n := range names {
					h := inv.addHost(n, name, path, port)
					for _, k := range order.children(tomlPath(name, "hosts", pattern)) {
						h.Vars[k] = tomlValue(vars[k])
					}
				}
			}
		default:
			inv.warnf("Skipping unexpected key \"%s\" in group \"%s\", only \"vars\", \"children\" and \"hosts\" are valid", key, name)
		}
	}
	return nil
}

// tomlValue is a TOML value as Python's toml reader gives it: integers
// as ints, nested tables and arrays likewise.
func tomlValue(v any) any {
	switch x := v.(type) {
	case int64:
		return int(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = tomlValue(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = tomlValue(e)
		}
		return out
	case map[string]any:
		// The TOML library's maps keep no order: sorted.
		out := value.NewDict(len(x))
		for _, k := range value.SortedKeys(x) {
			out.Set(k, tomlValue(x[k]))
		}
		return out
	case time.Time:
		// Python's toml gives a datetime; its str() is ISO 8601 with a
		// space.
		return x.Format("2006-01-02 15:04:05-07:00")
	}
	return v
}

// pythonType is Python's type() of a TOML value, for error messages.
func pythonType(v any) string {
	switch v.(type) {
	case string:
		return "<class 'str'>"
	case int64, int:
		return "<class 'int'>"
	case float64:
		return "<class 'float'>"
	case bool:
		return "<class 'bool'>"
	case []any:
		return "<class 'list'>"
	case map[string]any, *value.Dict:
		return "<class 'dict'>"
	}
	return fmt.Sprintf("<class '%T'>", v)
}
