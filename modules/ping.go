package modules

import "github.com/gansible/gansible/modules/argspec"

func init() {
	Register("ping", pingModule{})
}

// pingModule checks that the host can be reached and run a command; it
// echoes data back. data=crash makes it fail, for testing error handling,
// as Ansible's does.
type pingModule struct{}

var pingArgSpec = &argspec.Spec{Params: []argspec.Param{{Name: "data", Default: "pong"}}}

func (pingModule) Spec() *argspec.Spec { return pingArgSpec }

func (pingModule) Run(c *Context, args Args) (*Result, error) {
	data := "pong"
	if args.Has("data") {
		data = args.String("data")
	}
	if data == "crash" {
		r := Failf("MODULE FAILURE\nSee stdout/stderr for the exact error")
		r.Set("exception", "Exception: boom\n")
		r.Set("rc", 1)
		return r, nil
	}
	if _, err := c.Run("true", nil); err != nil {
		return nil, err
	}
	r := &Result{}
	r.Set("ping", data)
	return r, nil
}
