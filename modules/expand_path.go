package modules

import (
	"strings"

	"github.com/gansible/gansible/shell"
)

// expandHostPath expands a path parameter (Ansible's type='path') as
// Python's expanduser(expandvars(p)) would in the module's process on the
// host; see expand.go.
func expandHostPath(c *Context, p string) (string, error) {
	code, ok := expandInto("gansible_p", p)
	if !ok {
		return p, nil
	}
	script := "gansible_n=@unknown\n" + expandFunctions + code + `printf '@path %s' "$gansible_p"` + "\n"
	out, err := runChecked(c, "failed to expand "+p, script, nil)
	if err != nil {
		return "", err
	}
	s := string(out)
	if name, ok := strings.CutPrefix(s, "@unknown expand "); ok {
		return "", failf("cannot expand %s on the host: the environment variable %s could not be read", p, strings.TrimSpace(name))
	}
	rest, ok := strings.CutPrefix(s, "@path ")
	if !ok {
		return "", failf("unexpected output expanding %s: %s", shell.Quote(p), s)
	}
	return rest, nil
}
