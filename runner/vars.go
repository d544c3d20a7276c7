package runner

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

// scope is the variables one task sees on one host: maps from the highest
// precedence to the lowest. Values stay raw; the template engine templates
// them lazily when they are used.
type scope struct {
	layers []map[string]any
}

// Lookup implements template.Vars.
func (s *scope) Lookup(name string) (any, bool) {
	for _, l := range s.layers {
		if v, ok := l[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// Names implements template.VarNames, for {{ vars }} and whole-host hostvars.
func (s *scope) Names() []string {
	seen := map[string]bool{}
	var names []string
	for _, l := range s.layers {
		for k := range l {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	return names
}

func (s *scope) push(m map[string]any) {
	if len(m) > 0 {
		s.layers = append(s.layers, m)
	}
}

// taskScope builds the variables for task t on host h, following Ansible's
// precedence (highest first): loop variables, extra vars, include and role
// parameters, set_fact and register, include_vars, task and block vars,
// role vars, vars_files, play vars, facts, inventory vars, role defaults.
// Magic variables come first: Ansible sets them last, over everything.
func (r *run) taskScope(h *hostState, t *playbook.Task, loopVars map[string]any) *scope {
	return r.hostScope(h, t, loopVars, true)
}

// hostScope is taskScope, with the play's and its roles' variables only
// when withPlay: hostvars[h] has the host's own variables (inventory,
// facts, set_fact, include_vars, extra and magic vars), not the play's.
func (r *run) hostScope(h *hostState, t *playbook.Task, loopVars map[string]any, withPlay bool) *scope {
	s := &scope{layers: make([]map[string]any, 0, 16)}
	s.push(r.magicVars(h, t))
	s.push(loopVars)
	s.push(r.opts.ExtraVars)
	if t != nil {
		for p := t; p != nil; p = p.Parent {
			// A role's block carries its parameters; a handler of the
			// role, loaded on its own, sees them too.
			if p.Role != nil && (p.Synthetic || p.Parent == nil) {
				s.push(p.Role.Params)
			}
		}
	}
	// One generation for the whole scope, so that every layer is of the
	// same moment.
	hv := h.snapshot()
	s.push(hv.setFacts)
	s.push(hv.includeVars)
	var roles []*playbook.Role
	if t != nil {
		for p := t; p != nil; p = p.Parent {
			s.push(p.Vars)
		}
		for p := t; p != nil; p = p.Parent {
			if p.Role != nil && (len(roles) == 0 || roles[len(roles)-1] != p.Role) {
				roles = append(roles, p.Role)
			}
		}
		for _, role := range roles {
			s.push(role.Vars)
		}
	}
	// Role vars and defaults are not private to their role: later tasks of
	// the play see them too (private_role_vars = False).
	if withPlay {
		s.push(r.playRoleVars)
		if r.play != nil {
			s.push(r.playVarsFiles[h.name])
			s.push(r.play.Vars)
		}
	}
	s.push(hv.factVars)
	s.push(h.inventoryVars)
	for _, role := range roles {
		s.push(role.Defaults)
	}
	if withPlay {
		s.push(r.playRoleDefaults)
	}
	// Below everything: the connection's address, which Ansible defines
	// for every task when nothing else does: the legacy ansible_ssh_host,
	// or the host's name.
	addr := any(h.name)
	if v, ok := s.Lookup("ansible_ssh_host"); ok {
		addr = v
	}
	// ansible_facts is defined before any fact is gathered, as in Ansible.
	s.push(map[string]any{"ansible_host": addr, "ansible_facts": emptyFacts})
	return s
}

// emptyFacts is the ansible_facts of a host with none: an empty dict no
// task can change (set_fact sets facts of the host's own).
var emptyFacts = template.Unsafe{V: value.NewDict(0)}

// magicVars are the variables Ansible defines for every task.
func (r *run) magicVars(h *hostState, t *playbook.Task) map[string]any {
	m := map[string]any{
		"inventory_hostname":        h.name,
		"inventory_hostname_short":  strings.SplitN(h.name, ".", 2)[0],
		"group_names":               r.groupNames[h.name],
		"groups":                    r.groups,
		"hostvars":                  r.hostvars,
		"omit":                      r.opts.Engine.Omit(),
		"ansible_check_mode":        r.opts.Check,
		"ansible_diff_mode":         r.opts.Diff,
		"ansible_version":           ansibleVersion,
		"playbook_dir":              r.playbookDir,
		"ansible_playbook_python":   "",
		"ansible_verbosity":         r.opts.Verbosity,
		"ansible_run_tags":          asList(nonEmpty(r.opts.Tags, []string{"all"})),
		"ansible_skip_tags":         asList(nonEmpty(r.opts.SkipTags, []string{})),
		"ansible_forks":             r.opts.Forks,
		"ansible_inventory_sources": asList(r.opts.InventorySources),
	}
	if r.opts.Limit != "" {
		m["ansible_limit"] = r.opts.Limit // undefined without --limit, as in Ansible
	}
	m["ansible_config_file"] = nil // None without an ansible.cfg
	if r.opts.ConfigFile != "" {
		if abs, err := filepath.Abs(r.opts.ConfigFile); err == nil {
			m["ansible_config_file"] = abs
		}
	}
	if r.play != nil {
		// As Ansible: the batch's and the play's hosts, less those that
		// failed or were unreachable before the task started.
		batch, play := r.activeAtStart, r.playActiveAtStart
		if batch == nil {
			batch, play = r.activeNames(), r.activePlayNames()
		}
		m["play_hosts"] = batch
		m["ansible_play_batch"] = batch
		m["ansible_play_hosts"] = play
		m["ansible_play_hosts_all"] = r.playHostNames
		m["ansible_play_name"] = r.play.Name
	}
	if r.play != nil {
		m["role_names"] = r.playRoleList
		m["ansible_play_role_names"] = r.playRoleList
		m["ansible_role_names"] = r.allRoleList
	}
	if t != nil {
		// The role of the task, then those that include_role or
		// import_role brought it in from, nearest first.
		var chain []*playbook.Role
		for p := t; p != nil; p = p.Parent {
			if p.Role != nil && (len(chain) == 0 || chain[len(chain)-1] != p.Role) {
				chain = append(chain, p.Role)
			}
		}
		if len(chain) > 0 {
			m["role_path"] = chain[0].Path
			m["role_name"] = chain[0].Name
			m["ansible_role_name"] = chain[0].Name
		}
		if len(chain) > 1 {
			names, paths := make([]any, 0, len(chain)-1), make([]any, 0, len(chain)-1)
			for _, role := range chain[1:] {
				names = append(names, role.Name)
				paths = append(paths, role.Path)
			}
			m["ansible_parent_role_names"] = names
			m["ansible_parent_role_paths"] = paths
		}
	}
	return m
}

// playRoleNames are the play's roles as Ansible's role_names and
// ansible_play_role_names list them (those of roles: and import_role, in
// order), and ansible_role_names (those and their dependencies, once
// each).
func (r *run) playRoleNames() (play, all []any) {
	deps := map[*playbook.Role]bool{}
	var addDeps func(role *playbook.Role)
	addDeps = func(role *playbook.Role) {
		for _, d := range role.Deps {
			if d != nil && !deps[d] {
				deps[d] = true
				addDeps(d)
			}
		}
	}
	var blocks []*playbook.Task
	var walk func(tasks []*playbook.Task)
	walk = func(tasks []*playbook.Task) {
		for _, b := range tasks {
			if b.Role != nil && b.Synthetic && (b.Parent == nil || b.Parent.Role != b.Role) {
				blocks = append(blocks, b)
				addDeps(b.Role)
			}
			walk(b.Block)
			walk(b.Rescue)
			walk(b.Always)
		}
	}
	for _, section := range [][]*playbook.Task{r.play.Roles, r.play.PreTasks, r.play.Tasks, r.play.PostTasks} {
		walk(section)
	}
	play, all = []any{}, []any{}
	seen := map[string]bool{}
	for d := range deps {
		if !seen[d.Name] {
			seen[d.Name] = true
			all = append(all, d.Name)
		}
	}
	slices.SortFunc(all, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	for _, b := range blocks {
		if deps[b.Role] {
			continue
		}
		play = append(play, b.Role.Name)
		if !seen[b.Role.Name] {
			seen[b.Role.Name] = true
			all = append(all, b.Role.Name)
		}
	}
	return play, all
}

func nonEmpty(a, def []string) []string {
	if len(a) == 0 {
		return def
	}
	return a
}

// ansibleVersion is what ansible_version reports: the ansible-core version
// whose behaviour gansible follows, the reference pinned in
// refenv/packages.txt.
var ansibleVersion = map[string]any{
	"full": "2.14.18", "major": 2, "minor": 14, "revision": 18, "string": "2.14.18",
}

// hostVarsView implements template.HostVars: hostvars[h] holds h's
// inventory vars, facts, set_facts and extra vars, as in Ansible (play vars
// are not part of hostvars).
type hostVarsView struct{ r *run }

func (v hostVarsView) Host(name string) (template.Vars, bool) {
	h, ok := v.r.hosts[name]
	if !ok {
		return nil, false
	}
	return v.r.hostScope(h, nil, nil, false), true
}

func (v hostVarsView) Hosts() []string { return v.r.allHostNames }
