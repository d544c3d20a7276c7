package modules

import (
	"strconv"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("group", groupModule{}) }

// groupModule is ansible.builtin.group on Linux: groupadd, groupmod and
// groupdel, with the group database read through getent.
type groupModule struct{}

func (groupModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			{Name: "name", Required: true},
			{Name: "gid", Type: argspec.Int},
			{Name: "system", Type: argspec.Bool, Default: false},
			{Name: "local", Type: argspec.Bool, Default: false},
			{Name: "non_unique", Type: argspec.Bool, Default: false},
		},
		RequiredIf: []argspec.RequiredIf{{Key: "non_unique", Value: true, Requires: []string{"gid"}}},
	}
}

func (groupModule) Run(c *Context, args Args) (*Result, error) {
	if local, _ := args["local"].(bool); local {
		// lgroupadd and friends (libuser) edit the local files only; they
		// are not implemented.
		return Failf("the parameter local is not supported by gansible: libuser's lgroupadd, lgroupmod and lgroupdel are not implemented"), nil
	}
	name := args["name"].(string)
	state := args["state"].(string)
	system := args["system"].(bool)
	nonUnique := args["non_unique"].(bool)
	gid, hasGID := args["gid"].(int)

	st, err := probeAccounts(c, "")
	if err != nil {
		return finish(nil, err)
	}
	cur, exists := groupByName(st.Groups, name)
	res := &Result{}
	res.Set("name", name)
	res.Set("state", state)

	var cmd []string
	switch state {
	case "absent":
		if exists {
			cmd = []string{"groupdel", "--", name}
		}
	case "present":
		if !exists {
			cmd = []string{"groupadd"}
			if hasGID {
				cmd = append(cmd, "-g", strconv.Itoa(gid))
				if nonUnique {
					cmd = append(cmd, "-o")
				}
			}
			if system {
				cmd = append(cmd, "-r")
			}
			cmd = append(cmd, "--", name)
		} else if hasGID && cur.GID != gid {
			cmd = []string{"groupmod", "-g", strconv.Itoa(gid)}
			if nonUnique {
				cmd = append(cmd, "-o")
			}
			cmd = append(cmd, "--", name)
		}
	}
	if cmd == nil {
		if exists && state == "present" {
			res.Set("system", system)
			res.Set("gid", cur.GID)
		}
		return res, nil
	}
	if c.CheckMode {
		// Ansible leaves with changed alone, before any other field.
		return &Result{Changed: true}, nil
	}
	r, err := c.Run(shell.Join(cmd...), nil)
	if err != nil {
		return nil, err
	}
	res.Changed = true
	setCommandOutput(res, r.Stdout, r.Stderr)
	if r.ExitCode != 0 {
		out := &Result{Failed: true, Msg: string(r.Stderr)}
		out.Set("name", name)
		return out, nil
	}
	if state == "present" {
		st, err := probeAccounts(c, "")
		if err != nil {
			return finish(nil, err)
		}
		if g, ok := groupByName(st.Groups, name); ok {
			res.Set("system", system)
			res.Set("gid", g.GID)
		}
	}
	return res, nil
}
