// Package listing renders an inventory as ansible-inventory 2.14 shows
// it: the --list document (JSON or YAML), a host's variables for --host,
// and the --graph tree, with the variables each of them carries.
package listing

import (
	"sort"
	"strings"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/template"
)

// internalVars are the variables ansible-inventory leaves out of what it
// shows (its INTERNAL_VARS).
var internalVars = []string{"ansible_diff_mode", "ansible_config_file", "ansible_facts", "ansible_forks",
	"ansible_inventory_sources", "ansible_limit", "ansible_playbook_python", "ansible_run_tags",
	"ansible_skip_tags", "ansible_verbosity", "ansible_version", "inventory_dir", "inventory_file",
	"inventory_hostname", "inventory_hostname_short", "groups", "group_names", "omit", "playbook_dir"}

// Lister answers for one loaded inventory.
type Lister struct {
	Inv *inventory.Inventory
	// Export shows each host's and group's own variables instead of the
	// host variables flattened as a play sees them (--export).
	Export bool
	// PlaybookDir tells whether the inventory's playbook vars were loaded
	// from --playbook-dir; without it they come from the working
	// directory and, as in ansible-inventory, count for the flattened
	// host variables only.
	PlaybookDir bool
	// ExtraVars (-e) take precedence in the flattened host variables.
	ExtraVars map[string]any
}

// pythonInterpreter is what ansible-core gives the implicit localhost
// (the controller's sys.executable).
const pythonInterpreter = "/usr/bin/python3"

// HostVars returns the variables ansible-inventory shows for h.
func (l *Lister) HostVars(h *inventory.Host) map[string]any {
	var vars map[string]any
	if l.Export {
		vars = l.Inv.FileHostVars(h, l.PlaybookDir)
	} else {
		vars = map[string]any{}
		for k, v := range l.Inv.HostVars(h) {
			vars[k] = v
		}
		for k, v := range l.ExtraVars {
			vars[k] = v
		}
	}
	if h.Implicit() {
		if _, ok := vars["ansible_python_interpreter"]; !ok {
			vars["ansible_python_interpreter"] = pythonInterpreter
		}
	}
	return removeInternal(vars)
}

// GroupVars returns the variables ansible-inventory shows for g.
func (l *Lister) GroupVars(g *inventory.Group) map[string]any {
	vars := l.Inv.FileGroupVars(g, l.PlaybookDir)
	if p := g.Priority(); p != 1 {
		vars["ansible_group_priority"] = p
	}
	return removeInternal(vars)
}

func removeInternal(vars map[string]any) map[string]any {
	for _, k := range internalVars {
		delete(vars, k)
	}
	return vars
}

// JSONTree is the --list document: one entry per group that has hosts,
// children or (with Export) vars, all's children, and _meta.hostvars with
// every host that has variables.
func (l *Lister) JSONTree() map[string]any {
	results := map[string]any{}
	seen := map[string]bool{}
	var format func(g *inventory.Group)
	format = func(g *inventory.Group) {
		entry := map[string]any{}
		if g.Name != "all" && len(g.Hosts) > 0 {
			entry["hosts"] = hostNames(g.Hosts)
		}
		var children []any
		for _, c := range g.Children {
			children = append(children, c.Name)
			if !seen[c.Name] {
				format(c)
				seen[c.Name] = true
			}
		}
		if len(children) > 0 {
			entry["children"] = children
		}
		if l.Export {
			if vars := l.GroupVars(g); len(vars) > 0 {
				entry["vars"] = vars
			}
		}
		if len(entry) > 0 {
			results[g.Name] = entry
		} else {
			delete(results, g.Name)
		}
	}
	all, _ := l.Inv.Group("all")
	format(all)
	hostvars := map[string]any{}
	for _, h := range l.Inv.Hosts() {
		if vars := l.HostVars(h); len(vars) > 0 {
			hostvars[h.Name] = vars
		}
	}
	results["_meta"] = map[string]any{"hostvars": hostvars}
	return results
}

// YAMLTree is the --list -y document: groups nested under their parents,
// each host's variables under its first appearance only.
func (l *Lister) YAMLTree() map[string]any {
	seen := map[string]bool{}
	var format func(g *inventory.Group) map[string]any
	format = func(g *inventory.Group) map[string]any {
		entry := map[string]any{}
		children := map[string]any{}
		for _, c := range g.Children {
			if c.Name != "all" {
				children[c.Name] = format(c)
			}
		}
		if len(children) > 0 {
			entry["children"] = children
		}
		hosts := map[string]any{}
		if g.Name != "all" {
			for _, h := range g.Hosts {
				vars := map[string]any{}
				if !seen[h.Name] {
					seen[h.Name] = true
					vars = l.HostVars(h)
				}
				hosts[h.Name] = vars
			}
		}
		if len(hosts) > 0 {
			entry["hosts"] = hosts
		}
		if l.Export {
			if vars := l.GroupVars(g); len(vars) > 0 {
				entry["vars"] = vars
			}
		}
		return entry
	}
	all, _ := l.Inv.Group("all")
	return map[string]any{"all": format(all)}
}

// Graph is the --graph tree from g, with each host's and group's
// variables when showVars is set.
func (l *Lister) Graph(g *inventory.Group, showVars bool) string {
	var lines []string
	line := func(name string, depth int) {
		if depth > 0 {
			name = strings.Repeat("  |", depth) + "--" + name
		}
		lines = append(lines, name)
	}
	vars := func(m map[string]any, depth int) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			line("{"+k+" = "+template.Str(m[k])+"}", depth)
		}
	}
	var walk func(g *inventory.Group, depth int)
	walk = func(g *inventory.Group, depth int) {
		line("@"+g.Name+":", depth)
		depth++
		for _, c := range g.Children {
			walk(c, depth)
		}
		if g.Name != "all" {
			for _, h := range g.Hosts {
				line(h.Name, depth)
				if showVars {
					vars(l.HostVars(h), depth+1)
				}
			}
		}
		if showVars {
			vars(l.GroupVars(g), depth)
		}
	}
	walk(g, 0)
	return strings.Join(lines, "\n")
}

func hostNames(hosts []*inventory.Host) []any {
	names := make([]any, len(hosts))
	for i, h := range hosts {
		names[i] = h.Name
	}
	return names
}
