package inventory

import (
	"fmt"
	"math/big"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
)

// Inventory plugins that a YAML file configures by naming them in its
// plugin key, which Ansible's auto plugin dispatches to: constructed and
// generator are ansible-core's own and are here; any other name is one
// gansible does not have (a cloud plugin of a collection, say), and the
// source fails to parse naming it, as a plugin Ansible cannot load does.

// configPlugin reads a plugin's configuration file into inv.
type configPlugin func(inv *Inventory, path string, cfg *value.Dict) error

// pluginConfigExtensions are the extensions both plugins verify a
// configuration file by (none, .config, or Ansible's YAML ones).
var pluginConfigExtensions = map[string]bool{"": true, ".config": true, ".yml": true, ".yaml": true, ".json": true}

// pluginName returns the plugin key of a YAML mapping, if it has one.
func pluginName(root *yaml.Node) (string, bool) {
	if root == nil || root.Kind != yaml.MappingNode {
		return "", false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "plugin" {
			return root.Content[i+1].Value, true
		}
	}
	return "", false
}

// pyTypeName is Python's repr of a value's type, for messages.
func pyTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "<class 'NoneType'>"
	case bool:
		return "<class 'bool'>"
	case string:
		return "<class 'str'>"
	case float64:
		return "<class 'float'>"
	case []any:
		return "<class 'list'>"
	case *value.Dict, map[string]any:
		return "<class 'dict'>"
	}
	if isInt(v) {
		return "<class 'int'>"
	}
	return fmt.Sprintf("<class '%T'>", v)
}

func isInt(v any) bool {
	switch v.(type) {
	case int, *big.Int:
		return true
	}
	return false
}

// pluginOptions checks a configuration's options against the plugin's,
// as Ansible's set_options does for the types it declares; options a
// plugin does not declare are ignored there too.
type pluginOptions struct {
	path string
	cfg  *value.Dict
}

func (o pluginOptions) get(name string) (any, bool) { return o.cfg.Get(name) }

func (o pluginOptions) boolean(name string, def bool) (bool, error) {
	v, ok := o.cfg.Get(name)
	if !ok || v == nil {
		return def, nil
	}
	b, err := value.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("Invalid type for configuration option %s: %v", name, err)
	}
	return b, nil
}

func (o pluginOptions) dict(name string) (*value.Dict, error) {
	v, ok := o.cfg.Get(name)
	if !ok || v == nil {
		return value.NewDict(0), nil
	}
	d, ok := v.(*value.Dict)
	if !ok {
		return nil, fmt.Errorf("Invalid type for configuration option %s: %s is not a dictionary", name, strings.TrimSpace(value.Str(v)))
	}
	return d, nil
}

func (o pluginOptions) list(name string) ([]any, error) {
	v, ok := o.cfg.Get(name)
	if !ok || v == nil {
		return nil, nil
	}
	if l, ok := v.([]any); ok {
		return l, nil
	}
	// Ansible's list option type splits a string on commas.
	if s, ok := v.(string); ok {
		var out []any
		for _, p := range strings.Split(s, ",") {
			out = append(out, strings.TrimSpace(p))
		}
		return out, nil
	}
	return []any{v}, nil
}
