package modules

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/gansible/gansible/template"
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
	syn, err := template.SyntaxFromOptions(func(name string) (any, bool) {
		v, ok := args[name]
		return v, ok
	})
	if err != nil {
		return nil, failf("%v", err)
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
	text, err := c.RenderTemplate(local, syn)
	if isVaultError(err) {
		return nil, err // the action's error, as Ansible's template action raises it
	}
	if err != nil {
		return nil, failf("%v", err)
	}
	data, err := encodeOutput(text, args.String("output_encoding"))
	if err != nil {
		return nil, err
	}
	return copyData(c, dest, filepath.Base(local), data, local, opts)
}

// encodeOutput writes the rendered text in output_encoding (utf-8 when
// empty), as Python's str.encode with errors='surrogate_or_strict'.
func encodeOutput(text, encoding string) ([]byte, error) {
	switch strings.ToLower(strings.ReplaceAll(encoding, "_", "-")) {
	case "", "utf-8", "utf8":
		return []byte(text), nil
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "ascii", "us-ascii":
		limit, name := rune(0xff), "latin-1"
		if e := strings.ToLower(encoding); strings.Contains(e, "ascii") {
			limit, name = 0x7f, "ascii"
		}
		out := make([]byte, 0, len(text))
		pos := 0
		for _, r := range text {
			if r > limit {
				return nil, failf("UnicodeEncodeError: '%s' codec can't encode character '\\u%04x' in position %d", name, r, pos)
			}
			out = append(out, byte(r))
			pos++
		}
		return out, nil
	}
	return nil, failf("output_encoding %s is not supported", encoding)
}
