package inventory

import (
	"errors"
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// parseYAML reads a YAML inventory:
//
//	all:
//	  hosts: {web1: {ansible_host: 10.0.0.1}}
//	  vars: {ntp: time.lab}
//	  children:
//	    db: {hosts: {db1: null}}
//
// Top-level keys are groups; under a group, "hosts", "vars" and "children"
// are mappings (or a bare string naming one entry).
func (inv *Inventory) parseYAML(path string, data []byte) error {
	root, err := yamlvalue.Parse(path, data)
	if err != nil {
		return err
	}
	if root == nil || root.Kind == yaml.MappingNode && len(root.Content) == 0 {
		return errors.New("Parsed empty YAML file")
	}
	if root.Kind != yaml.MappingNode {
		v, err := yamlvalue.Decode(path, root)
		if err != nil {
			return err
		}
		if !value.Truthy(v) {
			return errors.New("Parsed empty YAML file")
		}
		class := pyTypeName(v)
		switch v.(type) {
		case []any:
			class = "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>"
		case string:
			class = "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>"
		}
		return fmt.Errorf("YAML inventory has invalid structure, it should be a dictionary, got: %s", class)
	}
	if plugin := mappingValue(root, "plugin"); plugin != nil {
		v, err := yamlvalue.Decode(path, plugin)
		if err != nil {
			return err
		}
		if value.Truthy(v) {
			return errors.New("Plugin configuration YAML file, not YAML inventory")
		}
	}
	y := yamlInventory{inv: inv, path: path}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if _, err := y.group(root.Content[i], root.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

type yamlInventory struct {
	inv  *Inventory
	path string
}

func (y *yamlInventory) errorf(n *yaml.Node, format string, args ...any) error {
	return yamlvalue.Errorf(yamlvalue.At(y.path, n), format, args...)
}

func (y *yamlInventory) decode(n *yaml.Node) (any, error) {
	return yamlvalue.Decode(y.path, n)
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && yamlvalue.Scalar(n) == nil
}

// group reads one group definition and returns the group's name.
func (y *yamlInventory) group(keyNode, body *yaml.Node) (string, error) {
	nameValue, err := y.decode(keyNode)
	if err != nil {
		return "", err
	}
	name := yamlvalue.Stringify(nameValue)
	body = deref(body)
	if !isNull(body) && body.Kind != yaml.MappingNode {
		y.inv.warnf("Skipping '%s' as this is not a valid group definition", name)
		return name, nil
	}
	y.inv.checkGroupName(name)
	g := y.inv.addGroup(name)
	if isNull(body) {
		return name, nil
	}
	// As Ansible, the three sections are checked, in this order, before
	// any of the group is read.
	for _, key := range []string{"vars", "children", "hosts"} {
		if n := mappingValue(body, key); n != nil && sectionMapping(deref(n)) == nil {
			return "", y.errorf(n, "Invalid \"%s\" entry for \"%s\" group, requires a dictionary, found \"%s\" instead.", key, name, loadedClass(deref(n)))
		}
	}
	for i := 0; i+1 < len(body.Content); i += 2 {
		key, section := body.Content[i].Value, sectionMapping(deref(body.Content[i+1]))
		switch key {
		case "vars", "children", "hosts":
		default:
			if section == nil {
				y.inv.warnf("Skipping key (%s) in group (%s) as it is not a mapping, it is a %s", key, name, loadedClass(deref(body.Content[i+1])))
			} else {
				y.inv.warnf("Skipping unexpected key (%s) in group (%s), only \"vars\", \"children\" and \"hosts\" are valid", key, name)
			}
			continue
		}
		for j := 0; j+1 < len(section.Content); j += 2 {
			k, v := section.Content[j], section.Content[j+1]
			var err error
			switch key {
			case "vars":
				err = y.groupVar(g, k, v)
			case "children":
				err = y.child(name, k, v)
			case "hosts":
				err = y.host(name, k, v)
			}
			if err != nil {
				return "", err
			}
		}
	}
	return name, nil
}

func isString(v any) bool { _, ok := v.(string); return ok }

// sectionMapping returns the mapping under hosts/vars/children; a bare
// string is shorthand for a mapping with one null-valued key, and null is
// an empty mapping. Anything else gives nil.
func sectionMapping(n *yaml.Node) *yaml.Node {
	switch {
	case n == nil || isNull(n):
		return &yaml.Node{Kind: yaml.MappingNode}
	case n.Kind == yaml.MappingNode:
		return n
	case n.Kind == yaml.ScalarNode && isString(yamlvalue.Scalar(n)):
		return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{n, {Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}}}
	}
	return nil
}

// loadedClass is the Python class of what Ansible's YAML loader builds
// from n, as type() prints it.
func loadedClass(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>"
	case yaml.MappingNode:
		return "<class 'ansible.parsing.yaml.objects.AnsibleMapping'>"
	}
	if v := yamlvalue.Scalar(n); v != nil {
		if _, ok := v.(string); ok {
			return "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>"
		}
		return pyTypeName(v)
	}
	return "<class 'NoneType'>"
}

func (y *yamlInventory) groupVar(g *Group, k, v *yaml.Node) error {
	key, err := y.decode(k)
	if err != nil {
		return err
	}
	value, err := y.decode(v)
	if err != nil {
		return err
	}
	if err := y.inv.setGroupVar(g, yamlvalue.Stringify(key), value); err != nil {
		return y.errorf(v, "%v", err)
	}
	return nil
}

func (y *yamlInventory) child(parent string, k, v *yaml.Node) error {
	name, err := y.group(k, v)
	if err != nil {
		return err
	}
	if _, ok := y.inv.groups[name]; !ok {
		return nil // skipped as invalid
	}
	if err := y.inv.addChild(parent, name); err != nil {
		return y.errorf(k, "%v", err)
	}
	return nil
}

func (y *yamlInventory) host(group string, k, v *yaml.Node) error {
	k = deref(k)
	if k.Kind != yaml.ScalarNode {
		return y.errorf(k, "Host pattern must be a string.")
	}
	if _, isString := yamlvalue.Scalar(k).(string); !isString {
		return y.errorf(k, "Host pattern %s must be a string. Enclose integers/floats in quotation marks.", k.Value)
	}
	names, port, err := expandHostPattern(k.Value)
	if err != nil {
		return y.errorf(k, "%v", err)
	}
	decoded, err := y.decode(v)
	if err != nil {
		return err
	}
	vars, ok := decoded.(*value.Dict)
	if decoded != nil && !ok {
		return y.errorf(v, "Invalid data from file, expected dictionary and got:\n\n%v", value.Str(decoded))
	}
	for _, n := range names {
		h := y.inv.addHost(n, group, y.path, port)
		for key, val := range vars.All() {
			h.Vars[key] = val
		}
	}
	return nil
}

// invalidGroupChars are the characters that make a group name an invalid
// variable name; Ansible only warns about them.
var invalidGroupChars = regexp.MustCompile(`^[\d\W]|[^\w]`)

func (inv *Inventory) checkGroupName(name string) {
	if invalidGroupChars.MatchString(name) {
		inv.warnOnce("Invalid characters were found in group names but not replaced, use -vvvv to see details")
	}
}

// warnOnce records a warning unless the same text was already recorded, as
// Ansible's display deduplicates warnings. Callers outside loading hold
// inv.mu.
func (inv *Inventory) warnOnce(msg string) {
	for _, w := range inv.warnings {
		if w == msg {
			return
		}
	}
	inv.warnings = append(inv.warnings, msg)
}
