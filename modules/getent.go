package modules

import (
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("getent", getentModule{}) }

// getentModule is ansible.builtin.getent: one getent command, its lines
// split into the getent_DATABASE fact.
type getentModule struct{}

func (getentModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "database", Required: true},
		{Name: "key"},
		{Name: "service"},
		{Name: "split"},
		{Name: "fail_key", Type: argspec.Bool, Default: true},
	}}
}

// colonDatabases are split at ":" when no split is given.
var colonDatabases = map[string]bool{"passwd": true, "shadow": true, "group": true, "gshadow": true}

func (getentModule) Run(c *Context, args Args) (*Result, error) {
	database := args["database"].(string)
	key, hasKey := args["key"].(string)
	split, hasSplit := args["split"].(string)
	if !hasSplit && colonDatabases[database] {
		split, hasSplit = ":", true
	}
	if hasSplit && split == "" {
		return Failf("empty separator"), nil
	}
	argv := []string{"getent"}
	if s, ok := args["service"].(string); ok {
		argv = append(argv, "-s", s)
	}
	argv = append(argv, "--", database)
	if hasKey {
		argv = append(argv, key)
	}
	r, err := c.Run(shell.Join(argv...), nil)
	if err != nil {
		return nil, err
	}
	tree := map[string]any{}
	facts := map[string]any{"getent_" + database: tree}
	switch r.ExitCode {
	case 0:
		seen := map[string]int{}
		for _, line := range splitLines(string(r.Stdout)) {
			var rec []string
			if hasSplit {
				rec = strings.Split(line, split)
			} else {
				rec = strings.Fields(line)
			}
			if len(rec) == 0 {
				rec = []string{""}
			}
			rest := make([]any, 0, len(rec)-1)
			for _, f := range rec[1:] {
				rest = append(rest, f)
			}
			k := rec[0]
			switch seen[k] {
			case 0:
				tree[k] = rest
			case 1:
				tree[k] = []any{tree[k], rest}
			default:
				tree[k] = append(tree[k].([]any), rest)
			}
			seen[k]++
		}
		res := &Result{}
		res.Set("ansible_facts", facts)
		return res, nil
	case 1:
		return Failf("Missing arguments, or database unknown."), nil
	case 2:
		msg := "One or more supplied key could not be found in the database."
		if !args["fail_key"].(bool) {
			tree[key] = nil
			res := &Result{Msg: msg}
			res.Set("ansible_facts", facts)
			return res, nil
		}
		return Failf("%s", msg), nil
	case 3:
		return Failf("Enumeration not supported on this database."), nil
	}
	return Failf("Unexpected failure!"), nil
}
