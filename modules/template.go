package modules

import (
	"os"
	"path/filepath"
	"strings"
)

func init() { Register("template", templateModule{}) }

// templateModule is ansible.builtin.template: a controller template rendered
// with the task's variables, then written to the host as copy writes a file.
type templateModule struct{}

func (templateModule) Params() []string {
	return withFileCommon("src", "dest", "backup", "force", "follow", "validate",
		"newline_sequence", "block_start_string", "block_end_string",
		"variable_start_string", "variable_end_string", "comment_start_string",
		"comment_end_string", "trim_blocks", "lstrip_blocks", "output_encoding")
}

func (templateModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runTemplate(c, args))
}

func runTemplate(c *Context, args Args) (*Result, error) {
	src, dest := args.String("src"), args.String("dest")
	if src == "" || dest == "" {
		return nil, failf("src and dest are required")
	}
	newline := args.String("newline_sequence")
	switch newline {
	case "", `\n`:
		newline = "\n"
	case `\r`:
		newline = "\r"
	case `\r\n`:
		newline = "\r\n"
	}
	if newline != "\n" && newline != "\r" && newline != "\r\n" {
		return nil, failf("newline_sequence needs to be one of: \n, \r or \r\n")
	}
	local, err := c.FindFile("templates", src)
	if err != nil {
		return nil, failf("%v", err)
	}
	opts, err := copyOptionsFrom(args)
	if err != nil {
		return nil, err
	}
	if opts.attrs.Mode.Preserve {
		info, err := os.Stat(local)
		if err != nil {
			return nil, failf("could not find src=%s, %v", local, err)
		}
		opts.attrs.Mode = modeSpec{Octal: uint32(info.Mode().Perm()), HasOctal: true}
	}
	text, err := c.RenderTemplate(local)
	if isVaultError(err) {
		return nil, err // the action's error, as Ansible's template action raises it
	}
	if err != nil {
		return nil, failf("%v", err)
	}
	if newline != "\n" {
		text = strings.ReplaceAll(text, "\n", newline)
	}
	return copyData(c, dest, filepath.Base(local), []byte(text), local, opts)
}
