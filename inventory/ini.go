package inventory

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gansible/gansible/shlex"
)

var (
	iniSection   = regexp.MustCompile(`^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$`)
	iniGroupName = regexp.MustCompile(`^([^:\]\s]+)\s*(?:#.*)?$`)
)

// pendingGroup is a group named by [g:vars] or [p:children] before any
// [g] or [g:children] section declares it. Declarations may come later in
// the file; whatever is still pending at the end is an error.
type pendingGroup struct {
	line    int
	state   string   // "vars" or "children"
	parents []string // for "children": the groups that want it as a child
}

// iniParser reads one INI inventory file into an Inventory.
type iniParser struct {
	inv     *Inventory
	path    string
	line    int
	pending map[string]*pendingGroup
	order   []string // pending group names in the order first seen
}

// parseINI reads an INI inventory, as ansible-core's ini plugin does.
func (inv *Inventory) parseINI(path string, data []byte) error {
	p := &iniParser{inv: inv, path: path, pending: map[string]*pendingGroup{}}
	return p.parse(strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"))
}

func (p *iniParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.path, p.line, fmt.Sprintf(format, args...))
}

func (p *iniParser) parse(lines []string) error {
	group, state := ungroupedGroup, "hosts"
	for i, raw := range lines {
		p.line = i + 1
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if m := iniSection.FindStringSubmatch(line); m != nil {
			group, state = m[1], m[2]
			if state == "" {
				state = "hosts"
			}
			if err := p.section(group, state, m[0]); err != nil {
				return err
			}
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			return p.errorf("Invalid section entry: '%s'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters", line)
		}
		var err error
		switch state {
		case "hosts":
			err = p.hostLine(group, line)
		case "vars":
			err = p.varLine(group, line)
		case "children":
			err = p.childLine(group, line)
		}
		if err != nil {
			return err
		}
	}
	for _, name := range p.order {
		d, ok := p.pending[name]
		if !ok {
			continue
		}
		if d.state == "vars" {
			return fmt.Errorf("%s:%d: Section [%s:vars] not valid for undefined group: %s", p.path, d.line, name, name)
		}
		return fmt.Errorf("%s:%d: Section [%s:children] includes undefined group: %s", p.path, d.line, d.parents[len(d.parents)-1], name)
	}
	return nil
}

// section handles a [group] / [group:vars] / [group:children] header.
func (p *iniParser) section(group, state, header string) error {
	switch state {
	case "hosts", "children", "vars":
	default:
		return p.errorf("Section [%s:%s] has unknown type: %s", group, state, state)
	}
	p.inv.checkGroupName(group)
	if _, known := p.inv.groups[group]; !known {
		// [g] and [g:children] declare a group; [g:vars] alone does not.
		if _, waiting := p.pending[group]; state == "vars" && !waiting {
			p.addPending(group, &pendingGroup{line: p.line, state: state})
		}
		p.inv.addGroup(group)
	}
	if d, ok := p.pending[group]; ok && state != "vars" {
		if d.state == "children" {
			return p.resolvePendingChildren(group)
		}
		delete(p.pending, group)
	}
	return nil
}

func (p *iniParser) addPending(name string, d *pendingGroup) {
	p.pending[name] = d
	p.order = append(p.order, name)
}

// resolvePendingChildren links a newly declared group to the parents that
// named it before it existed.
func (p *iniParser) resolvePendingChildren(group string) error {
	d := p.pending[group]
	for _, parent := range d.parents {
		if err := p.inv.addChild(parent, group); err != nil {
			return p.errorf("%v", err)
		}
		if pd, ok := p.pending[parent]; ok && pd.state == "children" {
			if err := p.resolvePendingChildren(parent); err != nil {
				return err
			}
		}
	}
	delete(p.pending, group)
	return nil
}

// hostLine handles "name[:port] [key=value ...]" in a [group] section.
func (p *iniParser) hostLine(group, line string) error {
	words, err := shlex.SplitComments(line)
	if err != nil {
		return p.errorf("Error parsing host definition '%s': %v", line, err)
	}
	if len(words) == 0 {
		return nil
	}
	names, port, err := expandHostPattern(words[0])
	if err != nil {
		return p.errorf("%v", err)
	}
	if strings.HasSuffix(strings.TrimSpace(words[0]), ":") && port == 0 {
		return p.errorf("Invalid host pattern '%s' supplied, ending in ':' is not allowed, this character is reserved to provide a port.", words[0])
	}
	for _, n := range names {
		if strings.TrimSpace(n) == "---" {
			return p.errorf("Invalid host pattern '%s' supplied, '---' is normally a sign this is a YAML file.", words[0])
		}
	}
	type kv struct {
		k string
		v any
	}
	var vars []kv
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return p.errorf("Expected key=value host variable assignment, got: %s", w)
		}
		vars = append(vars, kv{k, iniValue(v)})
	}
	for _, n := range names {
		h := p.inv.addHost(n, group, p.path, port)
		for _, e := range vars {
			h.Vars[e.k] = e.v
		}
	}
	return nil
}

// varLine handles "key=value" in a [group:vars] section.
func (p *iniParser) varLine(group, line string) error {
	k, v, ok := strings.Cut(line, "=")
	if !ok {
		return p.errorf("Expected key=value, got: %s", line)
	}
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	if err := p.inv.setGroupVar(p.inv.groups[group], k, iniValue(v)); err != nil {
		return p.errorf("%v", err)
	}
	return nil
}

// childLine handles a group name in a [group:children] section.
func (p *iniParser) childLine(group, line string) error {
	m := iniGroupName.FindStringSubmatch(line)
	if m == nil {
		return p.errorf("Expected group name, got: %s", line)
	}
	child := m[1]
	if _, known := p.inv.groups[child]; known {
		if err := p.inv.addChild(group, child); err != nil {
			return p.errorf("%v", err)
		}
		return nil
	}
	if d, ok := p.pending[child]; ok {
		d.parents = append(d.parents, group)
	} else {
		p.addPending(child, &pendingGroup{line: p.line, state: "children", parents: []string{group}})
	}
	return nil
}
