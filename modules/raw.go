package modules

import (
	"strings"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() {
	Register("raw", rawModule{})
}

// rawModule sends a command line to the host's shell as it is, with no
// checks: Ansible's way to bootstrap a host. It cannot tell whether it
// changed anything, so it always reports changed.
type rawModule struct{}

// rawArgSpec: raw is an action plugin without a module; it reads
// _raw_params and executable.
var rawArgSpec = &argspec.Spec{
	FreeForm: true,
	Params: []argspec.Param{
		{Name: "_raw_params"},
		{Name: "executable"},
	},
}

func (rawModule) Spec() *argspec.Spec { return rawArgSpec }

func (rawModule) Run(c *Context, args Args) (*Result, error) {
	if c.CheckMode {
		// raw does not support check mode: Ansible skips it.
		return &Result{Skipped: true}, nil
	}
	cmd := args.String("_raw_params")
	if strings.TrimSpace(cmd) == "" {
		return Failf("no command given"), nil
	}
	if exe := args.String("executable"); exe != "" {
		cmd = shell.Join(exe, "-c", cmd)
	}
	// Ansible's ssh connection runs raw on a terminal (-tt).
	tc := *c
	tc.Ctx = connection.WithTTY(c.Ctx)
	res, err := tc.Run(cmd, nil)
	if err != nil {
		return nil, err
	}
	r := &Result{Changed: true}
	r.Set("rc", res.ExitCode)
	setOutput(r, string(res.Stdout), string(res.Stderr))
	if res.ExitCode != 0 {
		r.Failed = true
		r.Msg = "non-zero return code"
	}
	return r, nil
}
