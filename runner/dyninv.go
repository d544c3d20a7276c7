package runner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/template"
)

// The add_host and group_by actions change the inventory while the
// playbook runs. Their tasks run on one host at a time (see runTask), so
// that the inventory and the run's views of it change while nothing else
// reads them.

// inventoryActions are the actions that change the inventory.
var inventoryActions = map[string]bool{"add_host": true, "group_by": true}

// actionAddHost adds a host or updates it, as ansible-core's add_host:
// name (or hostname, host) with an optional :port, groups (or groupname,
// group) as a list or a comma-separated string; the other arguments become
// host variables.
func (r *run) actionAddHost(args map[string]any) *taskResult {
	raw := args["name"]
	for _, k := range []string{"hostname", "host"} {
		if raw == nil {
			raw = args[k]
		}
	}
	if raw == nil {
		return failed("name, host or hostname needs to be provided")
	}
	name, port := splitAddHostName(fmt.Sprint(raw))
	var groupsV any = ""
	for _, k := range []string{"group", "groups", "groupname"} {
		if v, ok := args[k]; ok {
			groupsV = v
		}
	}
	var groups []string
	switch g := groupsV.(type) {
	case string:
		if g != "" {
			for _, n := range strings.Split(g, ",") {
				groups = appendNew(groups, strings.TrimSpace(n))
			}
		}
	case []any:
		for _, n := range g {
			groups = appendNew(groups, strings.TrimSpace(fmt.Sprint(n)))
		}
	default:
		return failed("Groups must be specified as a list.")
	}
	// As ansible-core, only these four are not host variables.
	vars := map[string]any{}
	for k, v := range args {
		switch k {
		case "name", "hostname", "groupname", "groups":
		default:
			vars[k] = v
		}
	}
	if port != "" {
		vars["ansible_ssh_port"], _ = strconv.Atoi(port)
	}
	changed := r.opts.Inventory.AddDynamicHost(name, groups, vars)
	r.inventoryChanged()
	return &taskResult{status: statusFor(changed), result: map[string]any{
		"changed": changed,
		"add_host": map[string]any{
			"host_name": name, "groups": stringsToList(groups), "host_vars": vars,
		},
	}}
}

// actionGroupBy puts h into the group named by key, as ansible-core's
// group_by: spaces in the names become dashes, and the group is created
// as a child of parents (all by default).
func (r *run) actionGroupBy(h *hostState, args map[string]any) *taskResult {
	keyV, ok := args["key"]
	if !ok {
		return failed("the 'key' param is required when using group_by")
	}
	group := strings.ReplaceAll(fmt.Sprint(keyV), " ", "-")
	parents := []string{"all"}
	switch p := args["parents"].(type) {
	case nil:
	case string:
		parents = []string{p}
	case []any:
		parents = parents[:0]
		for _, n := range p {
			parents = append(parents, fmt.Sprint(n))
		}
	default:
		return failed("parents must be a string or a list")
	}
	for i, p := range parents {
		parents[i] = strings.ReplaceAll(p, " ", "-")
	}
	changed, err := r.opts.Inventory.AddDynamicGroup(h.name, group, parents)
	if err != nil {
		return failed(err.Error())
	}
	r.inventoryChanged()
	return &taskResult{status: statusFor(changed), result: map[string]any{
		"changed": changed, "add_group": group, "parent_groups": stringsToList(parents),
	}}
}

// inventoryChanged brings the run's views of the inventory up to date:
// new hosts, groups, group_names and each host's inventory variables.
func (r *run) inventoryChanged() {
	inv := r.opts.Inventory
	r.groups = template.MarkPlain(inv.GroupsMap())
	for _, h := range inv.Hosts() {
		hs, ok := r.hosts[h.Name]
		if !ok {
			hs = newHostState(inv, h)
			r.hosts[h.Name] = hs
			r.allHostNames = append(r.allHostNames, h.Name)
		} else {
			hs.inventoryVars = inv.HostVars(h)
		}
		r.groupNames[h.Name] = stringsToList(inv.GroupNames(h))
	}
}

// splitAddHostName splits "name:port" ("[v6]:port" for IPv6); a name
// that is no address with a port is kept whole.
func splitAddHostName(s string) (name, port string) {
	if strings.HasPrefix(s, "[") {
		if i := strings.Index(s, "]:"); i > 0 && isDigits(s[i+2:]) {
			return s[1:i], s[i+2:]
		}
		return s, ""
	}
	if i := strings.LastIndex(s, ":"); i > 0 && strings.Count(s, ":") == 1 && isDigits(s[i+1:]) {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func appendNew(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

func stringsToList(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func statusFor(changed bool) output.Status {
	if changed {
		return output.Changed
	}
	return output.OK
}
