package modules

import (
	"path"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/value"
)

func init() { Register("ini_file", iniFileModule{}, "community.general.ini_file") }

// iniFileModule is community.general.ini_file (the version Debian's
// ansible 7 ships): an option of a section is set, added or removed, or a
// whole section removed. The file is read with one command, edited on the
// controller line for line as the collection edits it, and written back
// atomically.
type iniFileModule struct{}

func (iniFileModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: fileAttrSpec(
			argspec.Param{Name: "path", Type: argspec.Path, Required: true, Aliases: []string{"dest"}},
			argspec.Param{Name: "section"},
			argspec.Param{Name: "option"},
			argspec.Param{Name: "value"},
			argspec.Param{Name: "values", Type: argspec.List, Elements: argspec.Str},
			argspec.Param{Name: "backup", Type: argspec.Bool, Default: false},
			argspec.Param{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			argspec.Param{Name: "exclusive", Type: argspec.Bool, Default: true},
			argspec.Param{Name: "no_extra_spaces", Type: argspec.Bool, Default: false},
			argspec.Param{Name: "allow_no_value", Type: argspec.Bool, Default: false},
			argspec.Param{Name: "create", Type: argspec.Bool, Default: true},
		),
		MutuallyExclusive: [][]string{{"value", "values"}},
	}
}

func (iniFileModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runIniFile(c, args))
}

// iniEdit is the edit of an ini_file task, apart from the file.
type iniEdit struct {
	section, option *string
	values          []string
	present         bool
	exclusive       bool
	noExtraSpaces   bool
	allowNoValue    bool
}

func iniEditFrom(args Args) (*iniEdit, error) {
	e := &iniEdit{present: args.String("state") == "present"}
	e.exclusive, _ = args.Bool("exclusive", true)
	e.noExtraSpaces, _ = args.Bool("no_extra_spaces", false)
	e.allowNoValue, _ = args.Bool("allow_no_value", false)
	if args.Has("section") {
		s := args.String("section")
		e.section = &s
	}
	if args.Has("option") {
		s := args.String("option")
		e.option = &s
	}
	var values []string
	if args.Has("value") {
		values = []string{args.String("value")}
	} else {
		values = args.List("values")
	}
	if e.present && !e.allowNoValue && !args.Has("value") && len(values) == 0 {
		return nil, failf("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.")
	}
	for _, v := range values {
		if !containsString(e.values, v) {
			e.values = append(e.values, v)
		}
	}
	return e, nil
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// iniFakeSection is the name the collection gives the lines before the
// first section, so that they can be edited as a section.
const iniFakeSection = "ad01e11446efb704fcdbdb21f2c43757423d91c5"

var iniNonOption = pyre.MustCompile(`^[ \t]*([#;].*)?$`, pyre.Flags{})

// apply is do_ini's edit of the file's text (after Python's universal
// newline reading): whether it changed, the new text and the message.
func (e *iniEdit) apply(text string) (bool, string, string) {
	ini := splitTextLines(text)
	changed := false
	if len(ini) == 0 {
		ini = append(ini, "\n")
	}
	if last := ini[len(ini)-1]; last == "" || !strings.HasSuffix(last, "\n") {
		ini[len(ini)-1] += "\n"
		changed = true
	}
	ini = append([]string{"[" + iniFakeSection + "]"}, ini...)
	ini = append(ini, "[")

	section := iniFakeSection
	if e.section != nil && *e.section != "" {
		section = *e.section
	}
	option := ""
	if e.option != nil {
		option = *e.option
	}
	hasOption := option != ""
	optRe := pyre.MustCompile(`[#;]?( |\t)*(`+pyre.Escape(option)+`)( |\t)*(=|$)( |\t)*(.*)`, pyre.Flags{})
	activeRe := pyre.MustCompile(`( |\t)*(`+pyre.Escape(option)+`)( |\t)*(=|$)( |\t)*(.*)`, pyre.Flags{})
	matchOpt := func(re *pyre.Regexp, line string) (string, bool) {
		m, _ := re.Match(line)
		if m == nil {
			return "", false
		}
		v, _ := m.Group(6)
		return v, true
	}
	values := append([]string(nil), e.values...)
	withinSection := false
	sectionStart, sectionEnd := 0, 0
	msg := "OK"
	format := func(o, v string) string {
		if e.noExtraSpaces {
			return o + "=" + v + "\n"
		}
		return o + " = " + v + "\n"
	}
	optionNoValuePresent := false

	for i, line := range ini {
		if strings.HasPrefix(line, "["+section+"]") {
			withinSection = true
			sectionStart = i
		} else if strings.HasPrefix(line, "[") && withinSection {
			sectionEnd = i
			break
		}
	}
	before := append([]string(nil), ini[:sectionStart]...)
	lines := append([]string(nil), ini[sectionStart:sectionEnd]...)
	after := append([]string(nil), ini[sectionEnd:]...)
	changedLines := make([]bool, len(lines))
	update := func(i int, newline string) {
		if lines[i] != newline {
			changed = true
			msg = "option changed"
		}
		lines[i] = newline
		changedLines[i] = true
	}
	removeValue := func(v string) {
		for i, x := range values {
			if x == v {
				values = append(values[:i:i], values[i+1:]...)
				return
			}
		}
	}

	if e.present && hasOption {
		for i, line := range lines {
			v, ok := matchOpt(optRe, line)
			if !ok {
				continue
			}
			if len(values) > 0 && containsString(values, v) {
				if v == "" && e.allowNoValue {
					update(i, option+"\n")
					optionNoValuePresent = true
				} else {
					update(i, format(option, v))
				}
				removeValue(v)
			} else if len(values) == 0 && e.allowNoValue {
				update(i, option+"\n")
				optionNoValuePresent = true
				break
			}
		}
	}
	if e.present && e.exclusive && !e.allowNoValue {
		if len(values) > 0 {
			for i, line := range lines {
				if _, ok := matchOpt(optRe, line); ok && !changedLines[i] {
					v := values[0]
					values = values[1:]
					update(i, format(option, v))
					if len(values) == 0 {
						break
					}
				}
			}
		}
		for i := len(lines) - 1; i > 0; i-- {
			if _, ok := matchOpt(optRe, lines[i]); ok && !changedLines[i] {
				lines = append(lines[:i:i], lines[i+1:]...)
				changedLines = append(changedLines[:i:i], changedLines[i+1:]...)
				changed = true
				msg = "option changed"
			}
		}
	}
	if e.present {
		for i := len(lines); i > 0; i-- {
			if m, _ := iniNonOption.Match(lines[i-1]); m != nil {
				continue
			}
			switch {
			case hasOption && len(values) > 0:
				for j := len(values) - 1; j >= 0; j-- {
					lines = append(lines[:i], append([]string{format(option, values[j])}, lines[i:]...)...)
					msg = "option added"
					changed = true
				}
			case hasOption && len(values) == 0 && e.allowNoValue && !optionNoValuePresent:
				lines = append(lines[:i], append([]string{option + "\n"}, lines[i:]...)...)
				msg = "option added"
				changed = true
			}
			break
		}
	}
	if !e.present {
		switch {
		case hasOption && e.exclusive:
			var kept []string
			for _, l := range lines {
				if _, ok := matchOpt(activeRe, l); !ok {
					kept = append(kept, l)
				}
			}
			if len(kept) != len(lines) {
				changed, msg, lines = true, "option changed", kept
			}
		case hasOption && len(values) > 0:
			var kept []string
			for _, l := range lines {
				if v, ok := matchOpt(activeRe, l); !ok || !containsString(values, v) {
					kept = append(kept, l)
				}
			}
			if len(kept) != len(lines) {
				changed, msg, lines = true, "option changed", kept
			}
		case !hasOption && len(lines) > 0:
			lines, msg, changed = nil, "section removed", true
		}
	}

	ini = append(append(before, lines...), after...)
	ini = ini[1 : len(ini)-1]
	if !withinSection && e.present {
		ini = append(ini, "["+section+"]\n")
		msg = "section and option added"
		switch {
		case hasOption && len(values) > 0:
			for _, v := range values {
				ini = append(ini, format(option, v))
			}
		case hasOption && e.allowNoValue:
			ini = append(ini, option+"\n")
		default:
			msg = "only section added"
		}
		changed = true
	}
	return changed, strings.Join(ini, ""), msg
}

// splitTextLines is Python's readlines of a file opened as text with
// utf-8-sig: a byte order mark dropped, \r\n and \r read as \n, each line
// keeping its \n.
func splitTextLines(text string) []string {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var lines []string
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i+1])
		text = text[i+1:]
	}
	return lines
}

func runIniFile(c *Context, args Args) (*Result, error) {
	dest := args.String("path")
	e, err := iniEditFrom(args)
	if err != nil {
		return nil, err
	}
	attrs, err := fileAttrsFrom(args)
	if err != nil {
		return nil, err
	}
	create, _ := args.Bool("create", true)
	users, groups := attrs.lookups()
	p, err := probe(c, users, groups, probeRequest{Path: dest, Follow: true, Content: true},
		probeRequest{Path: path.Dir(dest), Follow: true})
	if err != nil {
		return nil, err
	}
	cur := &p.Files[0]
	if cur.IsDir() {
		return nil, failf("Is a directory: '%s'", dest)
	}
	if !cur.Exists {
		if !create {
			return nil, failWith(map[string]any{"rc": 257}, "Destination %s does not exist!", dest)
		}
		if !p.Files[1].Exists && !c.CheckMode {
			if _, err := runChecked(c, "failed to create "+path.Dir(dest), "mkdir -p -- "+shell.Quote(path.Dir(dest)), nil); err != nil {
				return nil, err
			}
		}
	}
	text := strings.Join(splitTextLines(string(cur.Content)), "")
	changed, after, msg := e.apply(text)
	header := dest + " (content)"
	diff := value.DictOf("before", "", "after", "", "before_header", header, "after_header", header)
	res := &Result{Changed: changed, Msg: msg}
	if c.DiffMode {
		diff.Set("before", text)
		diff.Set("after", after)
		res.Diff = append(res.Diff, Diff{Before: text, After: after, BeforeHeader: header, AfterHeader: header})
	}
	res.Set("diff", diff)
	res.Set("path", dest)
	if c.CheckMode {
		// The collection compares the file's attributes only when it
		// writes.
		setFileFields(res, cur)
		return res, nil
	}
	if changed {
		// A new file is written as atomic_move makes it, and its
		// attributes set afterwards, as the collection does.
		wattrs := attrs
		if !cur.Exists {
			wattrs = fileAttrs{}
		}
		backup, _ := args.Bool("backup", false)
		b, err := writeFile(c, writeRequest{Dest: dest, Content: []byte(after), Attrs: wattrs, Existing: cur, Probe: p, Backup: backup})
		if err != nil {
			return nil, err
		}
		if b != "" {
			res.Set("backup_file", b)
		}
	}
	ch, err := attrs.plan(p, cur, false)
	if err != nil {
		return nil, err
	}
	if !ch.Empty() {
		res.Changed = true
		if err := changeAttrs(c, cur, ch); err != nil {
			return nil, err
		}
	}
	setFileFields(res, cur)
	return res, nil
}
