package modules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/gansible/gansible/modules/argspec"

	"github.com/gansible/gansible/template"
)

func init() { Register("template", templateModule{}) }

// templateModule is ansible.builtin.template: a controller template rendered
// with the task's variables, then written to the host as copy writes a file.
type templateModule struct{}

// templateArgSpec: template's action plugin reads its own options
// (kept raw: it converts them itself) and runs copy with the rest, so an
// unknown parameter fails as copy's.
var templateArgSpec = &argspec.Spec{
	Module: "ansible.legacy.copy",
	Params: withFileCommon(append(append([]argspec.Param(nil), copyParams...),
		argspec.Param{Name: "state", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "newline_sequence", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "variable_start_string", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "variable_end_string", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "block_start_string", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "block_end_string", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "comment_start_string", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "comment_end_string", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "trim_blocks", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "lstrip_blocks", Type: argspec.Raw, ActionOnly: true},
		argspec.Param{Name: "output_encoding", Type: argspec.Raw, ActionOnly: true},
	)...),
}

func (templateModule) Spec() *argspec.Spec { return templateArgSpec }

func (templateModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runTemplate(c, args))
}

func runTemplate(c *Context, args Args) (*Result, error) {
	src, dest := args.String("src"), args.String("dest")
	if args.Has("state") {
		return nil, failf("'state' cannot be specified on a template")
	}
	if src == "" || dest == "" {
		return nil, failf("src and dest are required")
	}
	syn, err := template.SyntaxFromOptions(func(name string) (any, bool) {
		v, ok := args[name]
		return v, ok && v != nil
	})
	if err != nil {
		return nil, failf("%v", err)
	}
	local, err := c.FindFile("templates", src)
	if err != nil {
		return nil, sourceNotFound(err)
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
	var caught CaughtException
	if errors.As(err, &caught) {
		return nil, failWith(map[string]any{"exception": caught.Traceback()}, "%v", err)
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
