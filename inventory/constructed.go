package inventory

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

// parseConstructed is ansible-core's constructed plugin: for every host
// loaded so far, compose sets variables from Jinja2 expressions, groups
// adds the host to the groups whose condition holds, and keyed_groups to
// groups named after a variable's values. An expression that fails is
// skipped unless strict is true.
func parseConstructed(inv *Inventory, path string, cfg *value.Dict) error {
	o := pluginOptions{path: path, cfg: cfg}
	c := constructor{inv: inv, engine: inv.templateEngine()}
	var err error
	if c.strict, err = o.boolean("strict", false); err != nil {
		return err
	}
	if c.leadingSeparator, err = o.boolean("leading_separator", true); err != nil {
		return err
	}
	useExtra, err := o.boolean("use_extra_vars", false)
	if err != nil {
		return err
	}
	if useExtra {
		c.extraVars = inv.opts.ExtraVars
	}
	if vp, err := o.boolean("use_vars_plugins", false); err != nil {
		return err
	} else if vp {
		return fmt.Errorf("failed to parse %s: the constructed option use_vars_plugins is not supported by gansible", path)
	}
	compose, err := o.dict("compose")
	if err != nil {
		return err
	}
	groups, err := o.dict("groups")
	if err != nil {
		return err
	}
	keyed, err := o.list("keyed_groups")
	if err != nil {
		return err
	}
	for _, h := range append([]*Host(nil), inv.hostOrder...) {
		if err := c.host(h, compose, groups, keyed); err != nil {
			// AnsibleParserError(msg, orig_exc=e) reads msg. e.
			return fmt.Errorf("failed to parse %s: %v . %v", path, err, err)
		}
	}
	return nil
}

type constructor struct {
	inv              *Inventory
	engine           *template.Engine
	strict           bool
	leadingSeparator bool
	extraVars        map[string]any
}

func (c *constructor) host(h *Host, compose, groups *value.Dict, keyed []any) error {
	for name, expr := range compose.All() {
		v, err := c.compose(expr, c.vars(h))
		if err != nil {
			if c.strict {
				return fmt.Errorf("Could not set %s for host %s: %s", name, h.Name, templateErrorText(err))
			}
			continue
		}
		h.Vars[name] = v
	}
	vars := c.vars(h)
	for name, cond := range groups.All() {
		group := safeGroupName(name)
		out, err := c.engine.Template(fmt.Sprintf("{%% if %s %%} True {%% else %%} False {%% endif %%}", value.Str(cond)), template.MapVars(vars))
		var ok bool
		if err == nil {
			ok, err = value.ParseBool(value.Str(out))
		}
		if err != nil {
			if c.strict {
				return fmt.Errorf("Could not add host %s to group %s: %s", h.Name, group, templateErrorText(err))
			}
			continue
		}
		if ok {
			c.inv.addGroup(group).addHost(h)
		}
	}
	for _, entry := range keyed {
		k, ok := entry.(*value.Dict)
		if !ok {
			if entry == nil || !value.Truthy(entry) {
				continue
			}
			return fmt.Errorf("Invalid keyed group entry, it must be a dictionary: %s ", value.Str(entry))
		}
		if k.Len() == 0 {
			continue
		}
		if err := c.keyed(h, k, vars); err != nil {
			return err
		}
	}
	return nil
}

// vars are the variables a host's expressions see: its groups' and its
// own inventory variables, as the sources so far set them (before the
// inventory is reconciled, so a group not yet under all does not bring
// all's variables), its magic variables, and its cached facts.
func (c *constructor) vars(h *Host) map[string]any {
	vars := map[string]any{}
	groups := c.inv.memberGroups(h)
	sortGroups(groups)
	names := []any{}
	for _, g := range groups {
		for k, v := range g.Vars {
			vars[k] = v
		}
	}
	for k, v := range h.Vars {
		vars[k] = v
	}
	if !h.implicit {
		vars["inventory_file"], vars["inventory_dir"] = sourceVars(h.source)
	}
	vars["inventory_hostname"] = h.Name
	vars["inventory_hostname_short"] = shortName(h.Name)
	var sorted []string
	for _, g := range groups {
		if g.Name != allGroup {
			sorted = append(sorted, g.Name)
		}
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		names = append(names, n)
	}
	vars["group_names"] = names
	if c.inv.opts.Facts != nil {
		for k, v := range c.inv.opts.Facts(h.Name) {
			vars[k] = v
		}
	}
	return vars
}

// compose is _compose: the expression templated as "{{expr}}" with the
// host's variables, and the extra vars when use_extra_vars is on.
func (c *constructor) compose(expr any, vars map[string]any) (any, error) {
	if c.extraVars != nil {
		merged := make(map[string]any, len(vars)+len(c.extraVars))
		for k, v := range vars {
			merged[k] = v
		}
		for k, v := range c.extraVars {
			merged[k] = v
		}
		vars = merged
	}
	return c.engine.Template("{{"+value.Str(expr)+"}}", template.MapVars(vars))
}

// keyed is _add_host_to_keyed_groups for one entry.
func (c *constructor) keyed(h *Host, k *value.Dict, vars map[string]any) error {
	keyExpr, _ := k.Get("key")
	key, err := c.compose(keyExpr, vars)
	if err != nil {
		if c.strict {
			return fmt.Errorf("Could not generate group for host %s from %s entry: %s", h.Name, value.Str(keyExpr), templateErrorText(err))
		}
		return nil
	}
	defaultValue, hasDefault := k.Get("default_value")
	hasDefault = hasDefault && defaultValue != nil
	trailing, hasTrailing := k.Get("trailing_separator")
	hasTrailing = hasTrailing && trailing != nil
	if hasTrailing && hasDefault {
		return fmt.Errorf("parameters are mutually exclusive for keyed groups: default_value|trailing_separator")
	}
	if !(value.Truthy(key) || key == "" && hasDefault) {
		if c.strict && !isEmptyContainer(key) {
			return fmt.Errorf("No key or key resulted empty for %s in host %s, invalid entry", value.Str(keyExpr), h.Name)
		}
		return nil
	}
	prefix := ""
	if p, ok := k.Get("prefix"); ok && p != nil {
		prefix = value.Str(p)
	}
	sep := "_"
	if s, ok := k.Get("separator"); ok && s != nil {
		sep = value.Str(s)
	}
	var parent string
	if p, ok := k.Get("parent_group"); ok && value.Truthy(p) {
		out, err := c.engine.Template(p, template.MapVars(vars))
		if err != nil {
			if c.strict {
				return fmt.Errorf("Could not generate parent group %s for group %s: %s", value.Str(p), value.Str(key), templateErrorText(err))
			}
			return nil
		}
		parent = value.Str(out)
	}
	var bare []string
	switch x := key.(type) {
	case string:
		if x == "" {
			bare = append(bare, value.Str(defaultValue))
		} else {
			bare = append(bare, x)
		}
	case []any:
		for _, name := range x {
			if name == "" && hasDefault {
				bare = append(bare, value.Str(defaultValue))
			} else {
				bare = append(bare, value.Str(name))
			}
		}
	case *value.Dict:
		for gname, gval := range x.All() {
			name := gname + sep + value.Str(gval)
			if gval == "" {
				if hasDefault {
					name = gname + sep + value.Str(defaultValue)
				} else if trailing == false {
					name = gname
				}
			}
			bare = append(bare, name)
		}
	default:
		return fmt.Errorf("Invalid group name format, expected a string or a list of them or dictionary, got: %s", pyTypeName(key))
	}
	for _, b := range bare {
		if prefix == "" && !c.leadingSeparator {
			sep = ""
		}
		g := c.inv.addGroup(safeGroupName(prefix + sep + b))
		g.addHost(h)
		if parent != "" {
			p := c.inv.addGroup(safeGroupName(parent))
			if err := c.inv.addChild(p.Name, g.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// templateErrorText is a templating error as Ansible's templar raises it:
// an undefined variable is AnsibleUndefinedVariable wrapping Jinja2's
// error, whose text reads twice.
func templateErrorText(err error) string {
	if template.IsUndefined(err) {
		return err.Error() + ". " + err.Error()
	}
	return err.Error()
}

func isEmptyContainer(v any) bool {
	switch x := v.(type) {
	case []any:
		return len(x) == 0
	case *value.Dict:
		return x.Len() == 0
	}
	return false
}

// safeGroupName is the inventory plugins' to_safe_group_name: every
// character that cannot be in a variable name becomes _, and so does a
// leading digit, silently.
func safeGroupName(name string) string {
	return unsafeGroupChars.ReplaceAllString(name, "_")
}

// unsafeGroupChars is Ansible's INVALID_VARIABLE_NAMES, ^[\d\W]|[^\w],
// with Python's Unicode classes: \w is any letter or number, or _.
var unsafeGroupChars = regexp.MustCompile(`^\p{Nd}|[^\p{L}\p{N}_]`)

// templateEngine is the engine the plugins template with: Ansible's
// inventory templar, with lookups disabled.
func (inv *Inventory) templateEngine() *template.Engine {
	if inv.engine == nil {
		inv.engine = template.New(template.Options{DisableLookups: true})
	}
	return inv.engine
}
