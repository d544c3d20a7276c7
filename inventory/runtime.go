package inventory

import "fmt"

// This file holds the changes a playbook makes to the inventory while it
// runs (the add_host and group_by actions). The caller makes them while no
// other goroutine queries the inventory.

// AddDynamicHost adds the host name, or updates it: vars are merged into
// its host variables and it joins groups, created as needed. It reports
// whether anything changed, as ansible-core's add_dynamic_host does.
func (inv *Inventory) AddDynamicHost(name string, groups []string, vars map[string]any) bool {
	changed := false
	h, ok := inv.hosts[name]
	if !ok {
		h = inv.addHost(name, allGroup, "", 0)
		changed = true
	}
	for k, v := range vars {
		if old, ok := h.Vars[k]; !ok || fmt.Sprintf("%#v", old) != fmt.Sprintf("%#v", v) {
			h.Vars[k] = v
			changed = true
		}
	}
	for _, gname := range groups {
		g, ok := inv.groups[gname]
		if !ok {
			g = inv.addGroup(gname)
			changed = true
		}
		if !h.inGroup(g) {
			g.addHost(h)
			changed = true
		}
	}
	if changed {
		inv.reconcile()
	}
	return changed
}

// AddDynamicGroup puts host into group, created as needed as a child of
// parents (also created as needed), as the group_by action does. It
// reports whether anything changed.
func (inv *Inventory) AddDynamicGroup(host, group string, parents []string) (bool, error) {
	h, ok := inv.Host(host)
	if !ok {
		return false, fmt.Errorf("%s cannot be matched in inventory", host)
	}
	changed := false
	if _, ok := inv.groups[group]; !ok {
		inv.addGroup(group)
	}
	for _, p := range parents {
		if _, ok := inv.groups[p]; !ok {
			inv.addGroup(p)
			changed = true
		}
		before := len(inv.groups[p].Children)
		if err := inv.addChild(p, group); err != nil {
			return changed, err
		}
		changed = changed || len(inv.groups[p].Children) != before
	}
	g := inv.groups[group]
	if !h.inGroup(g) {
		g.addHost(h)
		changed = true
	}
	if changed {
		inv.reconcile()
	}
	return changed, nil
}

func (h *Host) inGroup(g *Group) bool {
	for _, m := range h.Groups {
		if m == g {
			return true
		}
	}
	return false
}
