package modules

import "github.com/gansible/gansible/modules/argspec"

func init() {
	Register("shell", shellModule{})
}

// shellModule runs a command line with /bin/sh (or executable) on the
// host; it is command with a shell.
type shellModule struct{}

func (shellModule) Spec() *argspec.Spec { return commandArgSpec }

func (shellModule) Run(c *Context, args Args) (*Result, error) {
	return runCommand(c, args, true)
}
