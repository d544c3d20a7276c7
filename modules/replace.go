package modules

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/value"
)

func init() { Register("replace", replaceModule{}) }

// replaceModule is ansible.builtin.replace: every match of a Python
// regular expression, in the whole file or in the part between after and
// before, is replaced. The file is read with one command, edited on the
// controller with Python's re semantics (package pyre) and written back
// atomically.
type replaceModule struct{}

func (replaceModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: fileAttrSpec(
		argspec.Param{Name: "path", Type: argspec.Path, Required: true, Aliases: []string{"dest", "destfile", "name"}},
		argspec.Param{Name: "regexp", Required: true},
		argspec.Param{Name: "replace", Default: ""},
		argspec.Param{Name: "after"},
		argspec.Param{Name: "before"},
		argspec.Param{Name: "backup", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "validate"},
		argspec.Param{Name: "encoding", Default: "utf-8"},
	)}
}

func (replaceModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runReplace(c, args))
}

// replaceEdit is the edit of a replace task, apart from the file.
type replaceEdit struct {
	regexp        *pyre.Regexp
	replace       string
	after, before string
}

func replaceEditFrom(args Args) (*replaceEdit, error) {
	re, err := pyre.Compile(args.String("regexp"), pyre.Flags{Multiline: true})
	if err != nil {
		return nil, failf("%v", err)
	}
	return &replaceEdit{regexp: re, replace: args.String("replace"),
		after: args.String("after"), before: args.String("before")}, nil
}

// apply is the module's edit of contents: the new contents, the number of
// replacements, and a message when after/before did not match.
func (e *replaceEdit) apply(contents string) (string, int, string, error) {
	pattern := ""
	switch {
	case e.after != "" && e.before != "":
		pattern = e.after + "(?P<subsection>.*?)" + e.before
	case e.after != "":
		pattern = e.after + "(?P<subsection>.*)"
	case e.before != "":
		pattern = "(?P<subsection>.*)" + e.before
	}
	section, prefix, suffix := contents, "", ""
	if pattern != "" {
		re, err := pyre.Compile(pattern, pyre.Flags{DotAll: true})
		if err != nil {
			return "", 0, "", failf("%v", err)
		}
		m, err := re.Search(contents)
		if err != nil {
			return "", 0, "", failf("%v", err)
		}
		if m == nil {
			return contents, 0, "Pattern for before/after params did not match the given file: " + pattern, nil
		}
		start, end, _ := m.GroupSpan(re.GroupIndex("subsection"))
		runes := []rune(contents)
		prefix, section, suffix = string(runes[:start]), string(runes[start:end]), string(runes[end:])
	}
	out, n, err := e.regexp.SubN(e.replace, section, 0)
	if err != nil {
		return "", 0, "", failf("%v", err)
	}
	if n == 0 || out == section {
		return contents, 0, "", nil
	}
	return prefix + out + suffix, n, "", nil
}

func runReplace(c *Context, args Args) (*Result, error) {
	dest := args.String("path")
	if enc := strings.ToLower(strings.ReplaceAll(args.String("encoding"), "_", "-")); enc != "utf-8" && enc != "utf8" {
		return nil, failf("encoding %s is not supported by gansible: only utf-8", args.String("encoding"))
	}
	e, err := replaceEditFrom(args)
	if err != nil {
		return nil, err
	}
	attrs, err := fileAttrsFrom(args)
	if err != nil {
		return nil, err
	}
	users, groups := attrs.lookups()
	p, err := probe(c, users, groups, probeRequest{Path: dest, Follow: true, Content: true})
	if err != nil {
		return nil, err
	}
	cur := &p.Files[0]
	if cur.IsDir() {
		return nil, failWith(map[string]any{"rc": 256}, "Path %s is a directory !", dest)
	}
	if !cur.Exists {
		return nil, failWith(map[string]any{"rc": 257}, "Path %s does not exist !", dest)
	}
	if !cur.HasContent && !cur.Readable {
		// Python's open() refused the file.
		return nil, failf("Unable to read the contents of %s: [Errno 13] Permission denied: '%s'", dest, dest)
	}
	if !utf8.Valid(cur.Content) {
		return nil, failf("Unable to read the contents of %s: it is not valid utf-8", dest)
	}
	before := string(cur.Content)
	after, n, nomatch, err := e.apply(before)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	res.Set("rc", 0)
	res.Set("msg", "")
	if nomatch != "" {
		res.Msg = nomatch
		return res, nil
	}
	if n > 0 {
		res.Changed = true
		res.Msg = fmt.Sprintf("%d replacements made", n)
		if c.DiffMode {
			res.Diff = append(res.Diff, Diff{Before: before, After: after, BeforeHeader: dest, AfterHeader: dest})
			res.Set("diff", value.DictOf("before_header", dest, "before", before, "after_header", dest, "after", after))
		}
	}
	ch, err := attrs.plan(p, cur, false)
	if err != nil {
		return nil, err
	}
	if !ch.Empty() {
		if res.Changed {
			res.Msg += " and "
		}
		res.Msg += "ownership, perms or SE linux context changed"
	}
	switch {
	case c.CheckMode:
	case res.Changed:
		target := dest
		if cur.RealPath != "" {
			target = cur.RealPath
		}
		backup, _ := args.Bool("backup", false)
		b, err := writeFile(c, writeRequest{
			Dest: target, Content: []byte(after), Attrs: attrs, Existing: cur, Probe: p,
			Backup: backup, Validate: args.String("validate"),
		})
		if err != nil {
			return nil, validateFailure(err)
		}
		if b != "" {
			res.Set("backup_file", b)
		}
	case !ch.Empty():
		if err := changeAttrs(c, cur, ch); err != nil {
			return nil, err
		}
	}
	res.Changed = res.Changed || !ch.Empty()
	return res, nil
}

// validateFailure rewords writeFile's failed validation as the modules
// that validate in their own write_changes (replace, blockinfile) report
// it: "failed to validate: rc:N error:STDERR".
func validateFailure(err error) error {
	var tf *taskFailure
	if errors.As(err, &tf) && tf.msg == "failed to validate" {
		return failf("failed to validate: rc:%v error:%v", tf.fields["exit_status"], tf.fields["stderr"])
	}
	return err
}
