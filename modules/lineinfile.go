package modules

import (
	"bytes"
	"fmt"
	"github.com/gansible/gansible/modules/argspec"
	"path"

	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/shell"
)

func init() { Register("lineinfile", lineinfileModule{}) }

// lineinfileModule is ansible.builtin.lineinfile. The file is read with
// one command, edited on the controller exactly as Ansible edits it, and
// written back atomically.
type lineinfileModule struct{}

var lineinfileArgSpec = &argspec.Spec{
	Params: withFileCommon(
		argspec.Param{Name: "path", Type: argspec.Path, Required: true, Aliases: []string{"dest", "destfile", "name"}},
		argspec.Param{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
		argspec.Param{Name: "regexp", Aliases: []string{"regex"}},
		argspec.Param{Name: "search_string"},
		argspec.Param{Name: "line", Aliases: []string{"value"}},
		argspec.Param{Name: "insertafter"},
		argspec.Param{Name: "insertbefore"},
		argspec.Param{Name: "backrefs", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "create", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "backup", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "firstmatch", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "validate"},
	),
	MutuallyExclusive: [][]string{{"insertbefore", "insertafter"}, {"regexp", "search_string"}, {"backrefs", "search_string"}},
}

func (lineinfileModule) Spec() *argspec.Spec { return lineinfileArgSpec }

func (lineinfileModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runLineinfile(c, args))
}

// lineEdit is one lineinfile edit of a file's lines.
type lineEdit struct {
	present      bool
	regexp       *pyre.Regexp
	matchErr     error // a match that failed (took too long)
	search       *string
	line         *string
	insertAfter  string
	insertBefore string
	backrefs     bool
	firstmatch   bool
}

func runLineinfile(c *Context, args Args) (*Result, error) {
	dest := args.String("path", "dest", "destfile", "name")
	if dest == "" {
		return nil, failf("missing required arguments: path")
	}
	e, err := lineEditFrom(args)
	if err != nil {
		return nil, err
	}
	attrs, err := fileAttrsFrom(args)
	if err != nil {
		return nil, err
	}
	create, err := args.Bool("create", false)
	if err != nil {
		return nil, failf("%v", err)
	}
	backup, err := args.Bool("backup", false)
	if err != nil {
		return nil, failf("%v", err)
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
	res := &Result{}
	res.Set("backup", "")
	// Ansible's lineinfile returns msg even when it has nothing to say.
	res.Set("msg", "")
	if !cur.Exists {
		if !e.present {
			res.Msg = "file not present"
			return res, nil
		}
		if !create {
			return nil, failWith(map[string]any{"rc": 257}, "Destination %s does not exist !", dest)
		}
	}
	before := cur.Content
	after, msg, found := e.apply(before)
	if e.matchErr != nil {
		return nil, failf("%v", e.matchErr)
	}
	res.Changed = !bytes.Equal(before, after) || (!cur.Exists && msg != "")
	res.Msg = msg
	if !e.present {
		res.Set("found", found)
	}
	if c.DiffMode {
		res.Diff = append(res.Diff, Diff{Before: string(before), After: string(after),
			BeforeHeader: dest + " (content)", AfterHeader: dest + " (content)"})
	}
	if !cur.Exists && c.CheckMode {
		return res, nil
	}

	var ch attrChange
	if cur.Exists {
		if ch, err = attrs.plan(p, cur, false); err != nil {
			return res, err
		}
	}
	// A file lineinfile creates starts as atomic_move makes it, 0644
	// under the usual umask; a mode other than that is a second change,
	// which Ansible's message reports.
	if !ch.Empty() || !cur.Exists && attrs.Mode.HasOctal && attrs.Mode.Octal != 0o644 {
		if res.Msg != "" {
			res.Msg += " and "
		}
		res.Msg += "ownership, perms or SE linux context changed"
	}
	if c.CheckMode || (!res.Changed && ch.Empty()) {
		res.Changed = res.Changed || !ch.Empty()
		return res, nil
	}
	if !res.Changed {
		res.Changed = true
		return res, changeAttrs(c, cur, ch)
	}
	res.Changed = true
	target := dest
	if cur.RealPath != "" {
		target = cur.RealPath
	}
	var prelude string
	if !cur.Exists {
		prelude = "mkdir -p -- " + shell.Quote(path.Dir(target))
	}
	b, err := writeFile(c, writeRequest{
		Dest: target, Content: after, Attrs: attrs, Existing: cur, Probe: p,
		Backup: backup, Validate: args.String("validate"), Prelude: prelude,
	})
	if err != nil {
		// Ansible's write_changes fails before the result has a backup
		// field, with the validation worded as replace words it.
		return nil, validateFailure(err)
	}
	res.Set("backup", b)
	return res, nil
}

func lineEditFrom(args Args) (*lineEdit, error) {
	e := &lineEdit{
		insertAfter:  args.String("insertafter"),
		insertBefore: args.String("insertbefore"),
	}
	state := args.String("state")
	switch state {
	case "", "present":
		e.present = true
	case "absent":
	default:
		return nil, failf("value of state must be one of: absent, present, got: %s", state)
	}
	var err error
	if e.backrefs, err = args.Bool("backrefs", false); err != nil {
		return nil, failf("%v", err)
	}
	if e.firstmatch, err = args.Bool("firstmatch", false); err != nil {
		return nil, failf("%v", err)
	}
	re, hasRe := args.String("regexp", "regex"), args.Has("regexp") || args.Has("regex")
	if hasRe {
		if e.regexp, err = pyre.Compile(re, pyre.Flags{}); err != nil {
			return nil, failf("invalid regexp %q: %v", re, err)
		}
	}
	if args.Has("search_string") {
		s := args.String("search_string")
		e.search = &s
	}
	if args.Has("line") || args.Has("value") {
		l := args.String("line", "value")
		e.line = &l
	}
	switch {
	case hasRe && e.search != nil:
		return nil, failf("parameters are mutually exclusive: regexp|search_string")
	case e.backrefs && e.search != nil:
		return nil, failf("parameters are mutually exclusive: backrefs|search_string")
	case e.insertAfter != "" && e.insertBefore != "":
		return nil, failf("parameters are mutually exclusive: insertbefore|insertafter")
	}
	if e.present {
		if e.backrefs && e.regexp == nil {
			return nil, failf("regexp is required with backrefs=true")
		}
		if e.line == nil {
			return nil, failf("line is required with state=present")
		}
		if e.insertAfter == "" && e.insertBefore == "" {
			e.insertAfter = "EOF"
		}
		for _, ins := range []string{e.insertAfter, e.insertBefore} {
			if ins != "" && ins != "EOF" && ins != "BOF" {
				if _, err := pyre.Compile(ins, pyre.Flags{}); err != nil {
					return nil, failf("invalid regexp %q: %v", ins, err)
				}
			}
		}
	} else if e.regexp == nil && e.search == nil && e.line == nil {
		return nil, failf("one of line, search_string, or regexp is required with state=absent")
	}
	return e, nil
}

// apply edits content; it returns the new content, Ansible's message and,
// for state=absent, how many lines were removed.
func (e *lineEdit) apply(content []byte) ([]byte, string, int) {
	lines := splitLinesKeepEnds(content)
	if !e.present {
		return e.remove(lines)
	}
	out, msg := e.add(lines)
	return bytes.Join(out, nil), msg, 0
}

func (e *lineEdit) remove(lines [][]byte) ([]byte, string, int) {
	var kept [][]byte
	found := 0
	for _, l := range lines {
		var match bool
		switch {
		case e.regexp != nil:
			match = e.search1(e.regexp, l) != nil
		case e.search != nil:
			match = bytes.Contains(l, []byte(*e.search))
		default:
			match = string(trimEOL(l)) == *e.line
		}
		if match {
			found++
		} else {
			kept = append(kept, l)
		}
	}
	msg := ""
	if found > 0 {
		msg = fmt.Sprintf("%d line(s) removed", found)
	}
	return bytes.Join(kept, nil), msg, found
}

// add is lineinfile's present(), line for line.
func (e *lineEdit) add(lines [][]byte) ([][]byte, string) {
	line := []byte(*e.line)
	var ins *pyre.Regexp
	switch {
	case e.insertAfter != "" && e.insertAfter != "BOF" && e.insertAfter != "EOF":
		ins = pyre.MustCompile(e.insertAfter, pyre.Flags{})
	case e.insertBefore != "" && e.insertBefore != "BOF":
		ins = pyre.MustCompile(e.insertBefore, pyre.Flags{})
	}
	index := [2]int{-1, -1}
	var match *pyre.Match
	if e.regexp != nil {
		for i, l := range lines {
			if m := e.search1(e.regexp, l); m != nil {
				index[0], match = i, m
				if e.firstmatch {
					break
				}
			}
		}
	}
	searchMatch := false
	if e.search != nil {
		for i, l := range lines {
			if bytes.Contains(l, []byte(*e.search)) {
				index[0], searchMatch = i, true
				if e.firstmatch {
					break
				}
			}
		}
	}
	matched := match != nil || searchMatch
	if !matched {
		for i, l := range lines {
			if bytes.Equal(line, trimEOL(l)) {
				index[0] = i
			} else if ins != nil && e.search1(ins, l) != nil {
				if e.insertAfter != "" {
					index[1] = i + 1
				} else {
					index[1] = i
				}
				if e.firstmatch {
					break
				}
			}
		}
	}
	withEOL := append(append([]byte(nil), line...), '\n')
	insert := func(at int) [][]byte {
		out := append([][]byte(nil), lines[:at]...)
		out = append(out, withEOL)
		return append(out, lines[at:]...)
	}
	endWithEOL := func() {
		if n := len(lines); n > 0 && !hasEOL(lines[n-1]) {
			lines[n-1] = append(append([]byte(nil), lines[n-1]...), '\n')
		}
	}
	switch {
	case index[0] != -1:
		newLine := line
		if e.backrefs && match != nil {
			expanded, err := e.regexp.Expand(*e.line, match)
			if err != nil {
				e.matchErr = err
				return lines, ""
			}
			newLine = []byte(expanded)
		}
		if !bytes.HasSuffix(newLine, []byte("\n")) {
			newLine = append(append([]byte(nil), newLine...), '\n')
		}
		// An index without a match is an exact match of the line: Ansible's
		// insert branch for that case cannot be reached.
		if !bytes.Equal(lines[index[0]], newLine) {
			lines[index[0]] = newLine
			return lines, "line replaced"
		}
		return lines, ""
	case e.backrefs:
		return lines, ""
	case e.insertBefore == "BOF" || e.insertAfter == "BOF":
		return insert(0), "line added"
	case e.insertAfter == "EOF" || index[1] == -1:
		endWithEOL()
		return append(lines, withEOL), "line added"
	case e.insertAfter != "" && index[1] != -1:
		if len(lines) == index[1] {
			if !bytes.Equal(trimEOL(lines[index[1]-1]), line) {
				return append(lines, withEOL), "line added"
			}
			return lines, ""
		}
		if !bytes.Equal(line, trimEOL(lines[index[1]])) {
			return insert(index[1]), "line added"
		}
		return lines, ""
	default:
		return insert(index[1]), "line added"
	}
}

// search1 is Python's re.search of a line; a failed match is kept in
// e.matchErr and counts as no match.
func (e *lineEdit) search1(re *pyre.Regexp, l []byte) *pyre.Match {
	m, err := re.Search(string(pyLine(l)))
	if err != nil && e.matchErr == nil {
		e.matchErr = err
	}
	return m
}

// splitLinesKeepEnds splits like Python's readlines: each line keeps its
// "\n", the last one may have none.
func splitLinesKeepEnds(b []byte) [][]byte {
	var lines [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			lines = append(lines, b)
			break
		}
		lines = append(lines, b[:i+1])
		b = b[i+1:]
	}
	return lines
}

// pyLine is the text a regexp searches in a line: Python's $ also matches
// before a final newline, Go's only at the end, so the newline goes.
func pyLine(l []byte) []byte { return bytes.TrimSuffix(l, []byte("\n")) }

func trimEOL(l []byte) []byte { return bytes.TrimRight(l, "\r\n") }

func hasEOL(l []byte) bool {
	return len(l) > 0 && (l[len(l)-1] == '\n' || l[len(l)-1] == '\r')
}
