package modules

import (
	"sort"
	"strconv"
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
	// The elements of a list of paths (archive's path) are expanded
	// each, recorded as NAME.INDEX.
	lists := map[string][]any{}
	for _, p := range spec.Params {
		if p.Type == argspec.List && p.Elements == argspec.Path {
			l, _ := args[p.Name].([]any)
			for i, e := range l {
				if s, ok := e.(string); ok && needsExpansion(s) {
					lists[p.Name] = l
					names = append(names, p.Name+"."+strconv.Itoa(i))
				}
			}
			continue
		}
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
	// value is the text a recorded name stands for.
	value := func(n string) string {
		if base, i, ok := strings.Cut(n, "."); ok {
			if l, ok := lists[base]; ok {
				k, _ := strconv.Atoi(i)
				return l[k].(string)
			}
		}
		return args[n].(string)
	}
	nonce, err := newNonce()
	if err != nil {
		return nil, nil, err
	}
	var b strings.Builder
	b.WriteString("gansible_n=" + nonce + "\n" + expandFunctions + recordFuncs)
	for _, n := range names {
		code, _ := expandInto("gansible_x", value(n))
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
	for base, l := range lists {
		expanded[base] = append([]any(nil), l...)
	}
	for _, n := range names {
		v, ok := recs[n]
		if !ok || res.ExitCode != 0 {
			return nil, Failf("cannot expand the path %s=%s on the host: %s", n, value(n), strings.TrimSpace(string(res.Stderr))), nil
		}
		if base, i, ok := strings.Cut(n, "."); ok && lists[base] != nil {
			k, _ := strconv.Atoi(i)
			expanded[base].([]any)[k] = v
			continue
		}
		expanded[n] = v
	}
	return expanded, nil, nil
}
