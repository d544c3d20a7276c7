package inventory

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gansible/gansible/value"
)

// LoadPlaybookVars loads the group_vars/ and host_vars/ beside the playbook
// directory dir. They take precedence over the inventory-adjacent ones.
// Calling it again replaces the previous playbook directory's files. It
// must not run concurrently with other methods.
func (inv *Inventory) LoadPlaybookVars(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("playbook vars: %w", err)
	}
	vd, err := inv.loadVarsDir(abs)
	if err != nil {
		return err
	}
	inv.playbookVars = []*varsDir{vd}
	return nil
}

// HostVars returns h's inventory variables merged with ansible-core's
// precedence, lowest first:
//
//  1. inventory-file vars of group all, then of h's other groups
//  2. group_vars/all beside the inventory, then beside the playbook
//  3. group_vars/<group> for h's other groups, beside the inventory, then
//     beside the playbook
//  4. inventory-file host vars, with inventory_file, inventory_dir,
//     inventory_hostname, inventory_hostname_short and group_names
//  5. host_vars/<host> beside the inventory, then beside the playbook
//
// Groups are applied by depth, then ansible_group_priority, then name, so a
// child group overrides its parents. Values are raw (never templated) and
// shared with the inventory: callers must not modify them. Top-level keys
// replace each other; nested maps are not merged.
func (inv *Inventory) HostVars(h *Host) map[string]any {
	vars := map[string]any{}
	merge := func(m map[string]any) {
		for k, v := range m {
			vars[k] = v
		}
	}
	all := inv.groups[allGroup]
	groups := inv.sortedGroups(h)

	merge(all.Vars)
	for _, g := range groups {
		merge(g.Vars)
	}
	for _, layer := range [][]*varsDir{inv.inventoryVars, inv.playbookVars} {
		for _, vd := range layer {
			merge(inv.cachedVars(vd.groupVars, allGroup))
		}
	}
	for _, layer := range [][]*varsDir{inv.inventoryVars, inv.playbookVars} {
		for _, vd := range layer {
			for _, g := range groups {
				merge(inv.cachedVars(vd.groupVars, g.Name))
			}
		}
	}
	merge(h.Vars)
	if !h.implicit {
		vars["inventory_file"], vars["inventory_dir"] = sourceVars(h.source)
	}
	vars["inventory_hostname"] = h.Name
	vars["inventory_hostname_short"] = shortName(h.Name)
	vars["group_names"] = stringsToAny(inv.GroupNames(h))
	for _, layer := range [][]*varsDir{inv.inventoryVars, inv.playbookVars} {
		for _, vd := range layer {
			merge(inv.cachedVars(vd.hostVars, h.Name))
		}
	}
	return vars
}

// cachedVars returns a vars file's content. Files for every group and host
// known at load time were read (and their errors reported) by Load; a host
// added later is read now, and an error becomes a warning.
func (inv *Inventory) cachedVars(get func(string) (map[string]any, error), name string) map[string]any {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	vars, err := get(name)
	if err != nil {
		inv.warnOnce(err.Error())
	}
	return vars
}

// sourceVars returns inventory_file and inventory_dir for a host's source.

func sourceVars(source string) (file, dir any) {
	if source == "" {
		return nil, nil
	}
	if strings.Contains(source, ",") && !filepath.IsAbs(source) {
		// Ansible's basedir() of a host list is None, which reaches the
		// variable as the string "None".
		return source, "None"
	}
	return source, filepath.Dir(source)
}

// shortName is inventory_hostname_short: the name up to the first dot,
// unless the name is an IP address.
func shortName(name string) string {
	if isIPAddress(name) {
		return name
	}
	short, _, _ := strings.Cut(name, ".")
	return short
}

func stringsToAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// memberGroups returns every group h belongs to, directly or through child
// groups, including all.
func (inv *Inventory) memberGroups(h *Host) []*Group {
	seen := map[*Group]bool{}
	var out []*Group
	var visit func(g *Group)
	visit = func(g *Group) {
		if seen[g] {
			return
		}
		seen[g] = true
		out = append(out, g)
		for _, p := range g.Parents {
			visit(p)
		}
	}
	for _, g := range h.Groups {
		visit(g)
	}
	return out
}

// sortedGroups returns h's groups other than all in variable precedence
// order: by depth, then ansible_group_priority, then name.
func (inv *Inventory) sortedGroups(h *Host) []*Group {
	var groups []*Group
	for _, g := range inv.memberGroups(h) {
		if g.Name != allGroup {
			groups = append(groups, g)
		}
	}
	sortGroups(groups)
	return groups
}

// sortGroups sorts groups as Ansible's sort_groups does for variable
// precedence: by depth, then ansible_group_priority, then name.
func sortGroups(groups []*Group) {
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		if a.priority != b.priority {
			return a.priority < b.priority
		}
		return a.Name < b.Name
	})
}

// GroupNames is the magic variable group_names: every group h belongs to,
// directly or through child groups, sorted, without "all". A host in no
// group has ["ungrouped"].
func (inv *Inventory) GroupNames(h *Host) []string {
	names := []string{}
	for _, g := range inv.memberGroups(h) {
		if g.Name != allGroup {
			names = append(names, g.Name)
		}
	}
	sort.Strings(names)
	return names
}

// GroupsMap is the magic variable groups: every group's name, "all" and
// "ungrouped" included, in the order the groups were made, mapped to its
// hosts (through child groups too) in inventory order.
func (inv *Inventory) GroupsMap() *value.Dict {
	m := value.NewDict(len(inv.groups))
	for _, g := range inv.groupOrder {
		hosts := inv.groupHosts(g)
		names := make([]any, len(hosts))
		for i, h := range hosts {
			names[i] = h.Name
		}
		m.Set(g.Name, names)
	}
	return m
}

// groupHosts returns g's hosts and its descendants', breadth first: g's
// own hosts, then its children's in order, then their children's. This is
// the order ansible-core gives a group's hosts.
func (inv *Inventory) groupHosts(g *Group) []*Host {
	var hosts []*Host
	seenHost := map[*Host]bool{}
	seenGroup := map[*Group]bool{g: true}
	level := []*Group{g}
	for len(level) > 0 {
		var next []*Group
		for _, lg := range level {
			for _, h := range lg.Hosts {
				if !seenHost[h] {
					seenHost[h] = true
					hosts = append(hosts, h)
				}
			}
			for _, c := range lg.Children {
				if !seenGroup[c] {
					seenGroup[c] = true
					next = append(next, c)
				}
			}
		}
		level = next
	}
	return hosts
}

// toInt converts an inventory value to an int, as Python's int() would
// for ansible_group_priority.
func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case float64:
		return int(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(x), &n); err == nil {
			return n, true
		}
	}
	return 0, false
}

// FileHostVars returns h's own inventory-file variables merged with its
// host_vars/ files, beside the inventory and, when withPlaybook is set,
// beside the playbook directory: the variables ansible-inventory --export
// shows for a host (without the magic ones HostVars adds). The map is new;
// its values are shared with the inventory.
func (inv *Inventory) FileHostVars(h *Host, withPlaybook bool) map[string]any {
	vars := map[string]any{}
	for k, v := range h.Vars {
		vars[k] = v
	}
	for _, vd := range inv.varsLayers(withPlaybook) {
		for k, v := range inv.cachedVars(vd.hostVars, h.Name) {
			vars[k] = v
		}
	}
	return vars
}

// FileGroupVars returns g's own inventory-file variables merged with its
// group_vars/ files, beside the inventory and, when withPlaybook is set,
// beside the playbook directory, as ansible-inventory shows a group's
// variables. The map is new; its values are shared with the inventory.
func (inv *Inventory) FileGroupVars(g *Group, withPlaybook bool) map[string]any {
	vars := map[string]any{}
	for k, v := range g.Vars {
		vars[k] = v
	}
	for _, vd := range inv.varsLayers(withPlaybook) {
		for k, v := range inv.cachedVars(vd.groupVars, g.Name) {
			vars[k] = v
		}
	}
	return vars
}

func (inv *Inventory) varsLayers(withPlaybook bool) []*varsDir {
	layers := append([]*varsDir(nil), inv.inventoryVars...)
	if withPlaybook {
		layers = append(layers, inv.playbookVars...)
	}
	return layers
}

// Priority is the group's ansible_group_priority (1 unless set).
func (g *Group) Priority() int { return g.priority }

// Implicit reports whether h is the localhost Ansible invents when the
// inventory has none.
func (h *Host) Implicit() bool { return h.implicit }
