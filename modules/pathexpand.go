package modules

import (
	"sort"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
)

// ExpandPaths expands the module's path parameters on the host, as
// Ansible's check_type_path does in the module's process:
// expanduser(expandvars(value)), so path=~/x or dest=$HOME/x name the
// host's (and the become user's) home. Only values with a ~ or a $
// reference cost a round trip; the others are returned as they are. A
// module whose spec says ExpandsPaths (command) does it itself, and a
// parameter read on the controller (copy's src, unless remote_src) is
// left alone. A failed expansion is a failed Result; the error is only for
// a broken connection.
func ExpandPaths(c *Context, m Module, args Args) (Args, *Result, error) {
	spec := specOf(m)
	if spec.ExpandsPaths {
		return args, nil, nil
	}
	remote, _ := args.Bool("remote_src", false)
	if cp, err := args.Bool("copy", true); err == nil && !cp {
		remote = true // unarchive's old spelling of remote_src
	}
	var names []string
	for _, p := range spec.Params {
		if p.Type != argspec.Path || (p.ControllerPath && !remote) {
			continue
		}
		if s, ok := args[p.Name].(string); ok && needsExpansion(s) {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return args, nil, nil
	}
	sort.Strings(names)
	nonce, err := newNonce()
	if err != nil {
		return nil, nil, err
	}
	var b strings.Builder
	b.WriteString("gansible_n=" + nonce + "\n" + expandFunctions + recordFuncs)
	for _, n := range names {
		code, _ := expandInto("gansible_x", args[n].(string))
		b.WriteString(code)
		b.WriteString("rec " + n + ` "$gansible_x"` + "\n")
	}
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	out := string(res.Stdout)
	for _, line := range strings.Split(out, "\n") {
		if name, ok := strings.CutPrefix(line, nonce+" expand "); ok {
			return nil, Failf("cannot expand $%s on the host: awk, which reads the environment, failed or is missing", name), nil
		}
	}
	recs := parseRecords(out)
	expanded := make(Args, len(args))
	for k, v := range args {
		expanded[k] = v
	}
	for _, n := range names {
		v, ok := recs[n]
		if !ok || res.ExitCode != 0 {
			return nil, Failf("cannot expand the path %s=%s on the host: %s", n, args[n], strings.TrimSpace(string(res.Stderr))), nil
		}
		expanded[n] = v
	}
	return expanded, nil, nil
}
