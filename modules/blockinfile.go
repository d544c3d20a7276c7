package modules

import (
	"bytes"
	"path"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/value"
)

func init() { Register("blockinfile", blockinfileModule{}) }

// blockinfileModule is ansible.builtin.blockinfile: a block of lines
// between two marker lines is inserted, replaced or removed. The file is
// read with one command, edited on the controller as Ansible edits it
// (Python's re for insertafter and insertbefore) and written back
// atomically.
type blockinfileModule struct{}

func (blockinfileModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: fileAttrSpec(
			argspec.Param{Name: "path", Type: argspec.Path, Required: true, Aliases: []string{"dest", "destfile", "name"}},
			argspec.Param{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			argspec.Param{Name: "marker", Default: "# {mark} ANSIBLE MANAGED BLOCK"},
			argspec.Param{Name: "block", Default: "", Aliases: []string{"content"}},
			argspec.Param{Name: "insertafter"},
			argspec.Param{Name: "insertbefore"},
			argspec.Param{Name: "create", Type: argspec.Bool, Default: false},
			argspec.Param{Name: "backup", Type: argspec.Bool, Default: false},
			argspec.Param{Name: "validate"},
			argspec.Param{Name: "marker_begin", Default: "BEGIN"},
			argspec.Param{Name: "marker_end", Default: "END"},
		),
		MutuallyExclusive: [][]string{{"insertbefore", "insertafter"}},
	}
}

func (blockinfileModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runBlockinfile(c, args))
}

// blockEdit is the edit of a blockinfile task, apart from the file.
type blockEdit struct {
	present          bool
	block            []byte
	marker0, marker1 []byte
	insertAfter      *string
	insertBefore     *string
	insertRe         *pyre.Regexp
	insertMultiline  bool
}

var markPattern = pyre.MustCompile(`\{mark\}`, pyre.Flags{})

func blockEditFrom(args Args) (*blockEdit, error) {
	e := &blockEdit{present: args.String("state") == "present", block: []byte(args.String("block"))}
	if args.Has("insertafter") {
		s := args.String("insertafter")
		e.insertAfter = &s
	}
	if args.Has("insertbefore") {
		s := args.String("insertbefore")
		e.insertBefore = &s
	}
	if e.insertAfter == nil && e.insertBefore == nil {
		eof := "EOF"
		e.insertAfter = &eof
	}
	var ins string
	switch {
	case e.insertAfter != nil && *e.insertAfter != "EOF":
		ins = *e.insertAfter
	case e.insertBefore != nil && *e.insertBefore != "BOF":
		ins = *e.insertBefore
	}
	if ins != "" || (e.insertAfter != nil && *e.insertAfter == "") || (e.insertBefore != nil && *e.insertBefore == "") {
		re, err := pyre.Compile(ins, pyre.Flags{})
		if err != nil {
			return nil, failf("%v", err)
		}
		e.insertRe, e.insertMultiline = re, inlineMultiline(ins)
	}
	marker := args.String("marker")
	for _, m := range []struct {
		to   *[]byte
		mark string
	}{{&e.marker0, args.String("marker_begin")}, {&e.marker1, args.String("marker_end")}} {
		s, err := markPattern.Sub(m.mark, marker, 0)
		if err != nil {
			return nil, failf("%v", err)
		}
		*m.to = []byte(s + "\n")
	}
	return e, nil
}

// inlineMultiline reports whether a pattern turns on re.MULTILINE with
// global inline flags at its start, such as (?m) or (?im): Ansible then
// searches the whole file instead of each line.
func inlineMultiline(p string) bool {
	for strings.HasPrefix(p, "(?") {
		end := strings.IndexAny(p, ":)")
		if end < 0 || p[end] != ')' {
			return false
		}
		flags := p[2:end]
		if strings.Trim(flags, "aiLmsux") != "" {
			return false
		}
		if strings.Contains(flags, "m") {
			return true
		}
		p = p[end+1:]
	}
	return false
}

// apply is the module's edit: the new content and Ansible's message.
// original is nil for a file that does not exist.
func (e *blockEdit) apply(original []byte) ([]byte, string, error) {
	lines := splitLinesPy(original)
	var blocklines [][]byte
	if e.present && len(e.block) > 0 {
		block := e.block
		if !bytes.HasSuffix(block, []byte("\n")) {
			block = append(append([]byte(nil), block...), '\n')
		}
		blocklines = append([][]byte{e.marker0}, splitLinesPy(block)...)
		blocklines = append(blocklines, e.marker1)
	}
	n0, n1 := -1, -1
	for i, l := range lines {
		if bytes.Equal(l, e.marker0) {
			n0 = i
		}
		if bytes.Equal(l, e.marker1) {
			n1 = i
		}
	}
	switch {
	case n0 < 0 || n1 < 0:
		var err error
		if n0, err = e.insertAt(original, lines); err != nil {
			return nil, "", err
		}
	case n0 < n1:
		lines = append(lines[:n0:n0], lines[n1+1:]...)
	default:
		lines = append(lines[:n1:n1], lines[n0+1:]...)
		n0 = n1
	}
	if n0 > 0 && !bytes.HasSuffix(lines[n0-1], []byte("\n")) {
		lines[n0-1] = append(append([]byte(nil), lines[n0-1]...), '\n')
	}
	out := append(append(append([][]byte(nil), lines[:n0]...), blocklines...), lines[n0:]...)
	result := bytes.Join(out, nil)
	if result == nil {
		result = []byte{}
	}
	switch {
	case original != nil && bytes.Equal(original, result):
		return result, "", nil
	case original == nil:
		return result, "File created", nil
	case blocklines == nil:
		return result, "Block removed", nil
	}
	return result, "Block inserted", nil
}

// insertAt is where a block without both markers in the file goes.
func (e *blockEdit) insertAt(original []byte, lines [][]byte) (int, error) {
	if e.insertRe == nil {
		if e.insertBefore != nil {
			return 0, nil // BOF
		}
		return len(lines), nil // EOF
	}
	n0 := -1
	if e.insertMultiline {
		m, err := e.insertRe.Search(string(original))
		if err != nil {
			return 0, failf("%v", err)
		}
		if m != nil {
			start, end, _ := m.GroupSpan(0)
			at := start
			if e.insertAfter != nil {
				at = end
			}
			n0 = strings.Count(string([]rune(string(original))[:at]), "\n")
		}
	} else {
		for i, l := range lines {
			m, err := e.insertRe.Search(string(l))
			if err != nil {
				return 0, failf("%v", err)
			}
			if m != nil {
				n0 = i
			}
		}
	}
	switch {
	case n0 < 0:
		return len(lines), nil
	case e.insertAfter != nil:
		return n0 + 1, nil
	}
	return n0, nil
}

// splitLinesPy is Python's bytes.splitlines(True): lines end at \n, \r
// or \r\n, and keep their ending.
func splitLinesPy(b []byte) [][]byte {
	var lines [][]byte
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			lines = append(lines, b)
			break
		}
		end := i + 1
		if b[i] == '\r' && end < len(b) && b[end] == '\n' {
			end++
		}
		lines = append(lines, b[:end])
		b = b[end:]
	}
	return lines
}

func runBlockinfile(c *Context, args Args) (*Result, error) {
	dest := args.String("path")
	e, err := blockEditFrom(args)
	if err != nil {
		return nil, err
	}
	attrs, err := fileAttrsFrom(args)
	if err != nil {
		return nil, err
	}
	create, _ := args.Bool("create", false)
	users, groups := attrs.lookups()
	p, err := probe(c, users, groups, probeRequest{Path: dest, Follow: true, Content: true},
		probeRequest{Path: path.Dir(dest), Follow: true})
	if err != nil {
		return nil, err
	}
	cur := &p.Files[0]
	if cur.IsDir() {
		return nil, failWith(map[string]any{"rc": 256}, "Path %s is a directory !", dest)
	}
	var original []byte
	if cur.Exists {
		original = cur.Content
		if original == nil {
			original = []byte{}
		}
	} else if !create {
		return nil, failWith(map[string]any{"rc": 257}, "Path %s does not exist !", dest)
	}
	res := &Result{}
	if !e.present && !cur.Exists {
		res.Msg = "File " + dest + " not present"
		return res, nil
	}
	if !cur.Exists && !p.Files[1].Exists && !c.CheckMode {
		// Ansible makes the directory even when nothing else changes.
		mkdir := "mkdir -p -- " + shell.Quote(path.Dir(dest))
		{
			if _, err := runChecked(c, "Error creating "+path.Dir(dest), mkdir, nil); err != nil {
				return nil, err
			}
		}
	}
	result, msg, err := e.apply(original)
	if err != nil {
		return nil, err
	}
	res.Changed = msg != ""
	res.Msg = msg
	res.Set("msg", msg)
	header := dest + " (content)"
	diff := value.DictOf("before", "", "after", "", "before_header", header, "after_header", header)
	if c.DiffMode {
		diff.Set("before", string(original))
		diff.Set("after", string(result))
		res.Diff = append(res.Diff, Diff{Before: string(original), After: string(result), BeforeHeader: header, AfterHeader: header})
	}
	if c.CheckMode && !cur.Exists {
		res.Set("diff", diff)
		return res, nil
	}

	// A new file is written first and then compared, as Ansible compares
	// the file it created with the attributes asked for.
	wrote := false
	if !cur.Exists && !c.CheckMode && res.Changed {
		if err := writeBlock(c, res, args, dest, result, fileAttrs{}, cur, p); err != nil {
			return nil, err
		}
		wrote = true
	}
	attrDiff := value.NewDict(4)
	var ch attrChange
	if cur.Exists {
		if ch, err = attrs.plan(p, cur, false); err != nil {
			return nil, err
		}
	}
	if !ch.Empty() {
		if res.Changed {
			res.Msg += " and "
		}
		res.Msg += "ownership, perms or SE linux context changed"
		attrDiff.Set("before", value.FromMap(ch.Before))
		attrDiff.Set("after", value.FromMap(ch.After))
		if c.DiffMode {
			d := dictDiff(ch.Before, ch.After)
			d.BeforeHeader, d.AfterHeader = dest+" (file attributes)", dest+" (file attributes)"
			res.Diff = append(res.Diff, d)
		}
	}
	attrDiff.Set("before_header", dest+" (file attributes)")
	attrDiff.Set("after_header", dest+" (file attributes)")
	res.Set("msg", res.Msg)
	res.Set("diff", []any{diff, attrDiff})
	switch {
	case c.CheckMode:
	case res.Changed && !wrote:
		if err := writeBlock(c, res, args, dest, result, attrs, cur, p); err != nil {
			return nil, err
		}
	case !ch.Empty():
		if err := changeAttrs(c, cur, ch); err != nil {
			return nil, err
		}
	}
	res.Changed = res.Changed || !ch.Empty()
	return res, nil
}

// writeBlock writes the edited file atomically through a link to its
// real path, with a backup when asked for.
func writeBlock(c *Context, res *Result, args Args, dest string, content []byte, attrs fileAttrs, cur *remoteFile, p *probeResult) error {
	target := dest
	if cur.RealPath != "" {
		target = cur.RealPath
	}
	backup, _ := args.Bool("backup", false)
	b, err := writeFile(c, writeRequest{
		Dest: target, Content: content, Attrs: attrs, Existing: cur, Probe: p,
		Backup: backup, Validate: args.String("validate"),
	})
	if err != nil {
		return validateFailure(err)
	}
	if b != "" {
		res.Set("backup_file", b)
	}
	return nil
}
