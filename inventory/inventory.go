// Package inventory reads Ansible inventories (INI, YAML, directories and
// comma-separated host lists), the group_vars/ and host_vars/ beside them,
// and answers the questions a play asks of an inventory: which hosts a
// pattern selects, which groups a host is in, and which variables it has.
//
// The behaviour follows ansible-core 2.14: group and host order, the
// implicit localhost, the "ungrouped" group and the variable precedence are
// those of ansible-playbook.
package inventory

import (
	"fmt"
	"sync"

	"github.com/gansible/gansible/template"
)

// Host is one managed host.
type Host struct {
	Name string
	// Vars holds the variables set in inventory files, raw: strings may
	// hold Jinja2 expressions and are never templated here.
	Vars map[string]any
	// Groups lists the groups that name the host directly.
	Groups []*Group

	source   string // inventory source that first defined the host
	implicit bool   // the implicit localhost, in no group
}

// Group is a named set of hosts and child groups.
type Group struct {
	Name string
	// Vars holds the variables set in inventory files, raw.
	Vars     map[string]any
	Hosts    []*Host // direct members, in inventory order
	Children []*Group
	Parents  []*Group

	depth    int // longest distance from "all", for variable precedence
	priority int // ansible_group_priority
}

// Inventory is a loaded inventory with its variable files. Once loaded, its
// methods are safe for concurrent use.
type Inventory struct {
	hosts  map[string]*Host
	groups map[string]*Group
	// groupOrder is the order in which groups were created, which is the
	// order Ansible matches patterns against groups.
	groupOrder []*Group
	// hostOrder is the order in which hosts were created.
	hostOrder []*Host

	// varsDirs are the directories whose group_vars/ and host_vars/ apply,
	// lowest precedence first: inventory-adjacent, then playbook-adjacent.
	inventoryVars []*varsDir
	playbookVars  []*varsDir

	// mu guards what queries may change: the implicit localhost, created
	// on first use, the vars-file caches and the warnings.
	mu        sync.Mutex
	localhost *Host
	warnings  []string

	opts   Options
	engine *template.Engine // the plugins' templar, made when first needed

	// plugins are the enabled inventory plugins gansible has, in
	// enable_plugins order; pluginsChecked is set once the names it
	// cannot load have been warned about.
	plugins        []enabledPlugin
	pluginsChecked bool
}

// Options are what the inventory plugins that template (constructed)
// read besides their sources.
type Options struct {
	// ExtraVars are the command line's -e variables, for constructed's
	// use_extra_vars.
	ExtraVars map[string]any
	// Facts returns a host's cached facts (the fact cache), which
	// constructed's expressions see.
	Facts func(host string) map[string]any

	// Enabled is enable_plugins (nil: DefaultPlugins), and EnabledFrom
	// where it was set, for errors.
	Enabled     []string
	EnabledFrom string
	// UnparsedFailed (unparsed_is_failed) makes an inventory of no parsed
	// source an error, AnyUnparsedFailed (any_unparsed_is_failed) any
	// source that does not parse; QuietUnparsed turns off the warning for
	// no parsed source (inventory_unparsed_warning false).
	UnparsedFailed, AnyUnparsedFailed, QuietUnparsed bool
}

// Well-known group names.
const (
	allGroup       = "all"
	ungroupedGroup = "ungrouped"
)

// localhostNames are the names Ansible resolves to the implicit localhost.
var localhostNames = map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}

func newInventory() *Inventory {
	inv := &Inventory{hosts: map[string]*Host{}, groups: map[string]*Group{}}
	inv.addGroup(allGroup)
	inv.addGroup(ungroupedGroup)
	// ungrouped is always the first child of all (it cannot fail).
	_ = inv.addChild(allGroup, ungroupedGroup)
	return inv
}

// Warnings returns the warnings collected while loading, in order, to be
// printed as "[WARNING]: ...".
func (inv *Inventory) Warnings() []string {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return append([]string(nil), inv.warnings...)
}

// warnf records a warning while loading (single-threaded).
func (inv *Inventory) warnf(format string, args ...any) {
	inv.warnings = append(inv.warnings, fmt.Sprintf(format, args...))
}

// Hosts returns every host in the order ansible-playbook uses for "all".
func (inv *Inventory) Hosts() []*Host { return inv.groupHosts(inv.groups[allGroup]) }

// Host returns the host with the given name. The names of the implicit
// localhost resolve to it when the inventory does not define them.
func (inv *Inventory) Host(name string) (*Host, bool) {
	if h, ok := inv.hosts[name]; ok {
		return h, true
	}
	if localhostNames[name] {
		return inv.implicitLocalhost(name), true
	}
	return nil, false
}

// Group returns the group with the given name.
func (inv *Inventory) Group(name string) (*Group, bool) {
	g, ok := inv.groups[name]
	return g, ok
}

// implicitLocalhost returns the host that stands for localhost when a play
// targets a localhost name the inventory does not list: the inventory's
// first localhost-like host, or else one Ansible invents, in no group.
func (inv *Inventory) implicitLocalhost(name string) *Host {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.localhost == nil {
		inv.localhost = &Host{
			Name:     name,
			Vars:     map[string]any{"ansible_connection": "local"},
			implicit: true,
		}
	}
	return inv.localhost
}

// addGroup returns the named group, creating it if needed.
func (inv *Inventory) addGroup(name string) *Group {
	if g, ok := inv.groups[name]; ok {
		return g
	}
	g := &Group{Name: name, Vars: map[string]any{}, priority: 1}
	inv.groups[name] = g
	inv.groupOrder = append(inv.groupOrder, g)
	return g
}

// addHost returns the named host, creating it if needed, and makes it a
// direct member of group when group is not empty. source is recorded as the
// host's inventory_file the first time the host is seen.
func (inv *Inventory) addHost(name, group, source string, port int) *Host {
	h, ok := inv.hosts[name]
	if !ok {
		h = &Host{Name: name, Vars: map[string]any{}, source: source}
		inv.hosts[name] = h
		inv.hostOrder = append(inv.hostOrder, h)
		if localhostNames[name] {
			// The first localhost-like host stands for all of them.
			if inv.localhost == nil {
				inv.localhost = h
			} else {
				inv.warnf("A duplicate localhost-like entry was found (%s). First found localhost was %s", name, inv.localhost.Name)
			}
		}
	}
	if port != 0 && !ok {
		// Like Ansible, a port given with the name counts only where the
		// host is first defined.
		h.Vars["ansible_port"] = port
	}
	if group != "" {
		inv.groups[group].addHost(h)
	}
	return h
}

func (g *Group) addHost(h *Host) {
	// A host is in few groups, a group may hold very many hosts: look for
	// the membership on the host's side.
	for _, m := range h.Groups {
		if m == g {
			return
		}
	}
	g.Hosts = append(g.Hosts, h)
	h.Groups = append(h.Groups, g)
}

func (g *Group) removeHost(h *Host) {
	g.Hosts = without(g.Hosts, h)
	h.Groups = without(h.Groups, g)
}

func without[T comparable](list []T, x T) []T {
	out := list[:0]
	for _, e := range list {
		if e != x {
			out = append(out, e)
		}
	}
	return out
}

// addChild makes child a child group of parent, refusing cycles as Ansible
// does.
func (inv *Inventory) addChild(parent, child string) error {
	p, c := inv.groups[parent], inv.groups[child]
	if p == c {
		return fmt.Errorf("can't add group to itself: %s", parent)
	}
	for _, existing := range p.Children {
		if existing == c {
			return nil
		}
	}
	if p.hasAncestor(c) {
		return fmt.Errorf("Adding group '%s' as child to '%s' creates a recursive dependency loop.", child, parent)
	}
	p.Children = append(p.Children, c)
	c.Parents = append(c.Parents, p)
	c.deepen(p.depth + 1)
	return nil
}

// deepen raises g's depth to at least d, and its descendants' accordingly.
func (g *Group) deepen(d int) {
	if g.depth >= d {
		return
	}
	g.depth = d
	for _, c := range g.Children {
		c.deepen(d + 1)
	}
}

// hasAncestor reports whether a is g or one of g's ancestors.
func (g *Group) hasAncestor(a *Group) bool {
	if g == a {
		return true
	}
	for _, p := range g.Parents {
		if p.hasAncestor(a) {
			return true
		}
	}
	return false
}

// setGroupVar sets an inventory-file variable on g. ansible_group_priority
// is not a variable but the group's rank among groups of the same depth.
func (inv *Inventory) setGroupVar(g *Group, key string, value any) error {
	if key == "ansible_group_priority" {
		p, ok := toInt(value)
		if !ok {
			return fmt.Errorf("invalid ansible_group_priority %v for group %s", value, g.Name)
		}
		g.priority = p
		return nil
	}
	g.Vars[key] = value
	return nil
}

// reconcile applies Ansible's rules once every source is read: groups with
// no parent become children of all, and "ungrouped" holds exactly the hosts
// that belong to no other group.
func (inv *Inventory) reconcile() {
	all, ungrouped := inv.groups[allGroup], inv.groups[ungroupedGroup]
	for _, g := range inv.groupOrder {
		if g != all && len(g.Parents) == 0 {
			_ = inv.addChild(allGroup, g.Name) // a parentless group cannot form a cycle
		}
	}
	for _, h := range inv.hostOrder {
		others := 0
		for _, g := range h.Groups {
			if g != all && g != ungrouped {
				others++
			}
		}
		inUngrouped := false
		for _, g := range h.Groups {
			inUngrouped = inUngrouped || g == ungrouped
		}
		switch {
		case inUngrouped && others > 0:
			ungrouped.removeHost(h)
		case !inUngrouped && others == 0:
			ungrouped.addHost(h)
		}
	}
	for _, g := range inv.groupOrder {
		if _, clash := inv.hosts[g.Name]; clash {
			inv.warnf("Found both group and host with same name: %s", g.Name)
		}
	}
}
