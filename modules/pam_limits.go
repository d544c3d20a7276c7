package modules

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/value"
)

func init() { Register("pam_limits", pamLimitsModule{}, "community.general.pam_limits") }

// pamLimitsModule is community.general.pam_limits: the limits file is
// read in one probe, edited on the controller line for line as the
// module edits it (its quirks included: the comment of the first line
// that has one is carried to the line written, newline and all), and
// written back through the atomic write path, which the module does on
// every run outside check mode, changed or not.
type pamLimitsModule struct{}

var pamItems = []any{"core", "data", "fsize", "memlock", "nofile", "rss", "stack", "cpu", "nproc", "as", "maxlogins", "maxsyslogins", "priority", "locks",
	"sigpending", "msgqueue", "nice", "rtprio", "chroot"}

func (pamLimitsModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "domain", Required: true},
			{Name: "limit_type", Required: true, Choices: []any{"soft", "hard", "-"}},
			{Name: "limit_item", Required: true, Choices: pamItems},
			{Name: "value", Required: true},
			{Name: "use_max", Type: argspec.Bool, Default: false},
			{Name: "use_min", Type: argspec.Bool, Default: false},
			{Name: "backup", Type: argspec.Bool, Default: false},
			{Name: "dest", Default: "/etc/security/limits.conf"},
			{Name: "comment", Default: ""},
		},
	}
}

func (pamLimitsModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runPamLimits(c, args))
}

// pamValueError is the module's _assert_is_valid_value: "" when value
// is valid for item.
func pamValueError(item, v, prefix string) string {
	if item == "nice" || item == "priority" {
		n, ok := pyInt(v)
		if !ok || n < -20 || n > 19 {
			return prefix + " Value of " + value.Repr(v) + " for item " + value.Repr(item) + " is invalid. Value must be a number in the range -20 to 19 inclusive. " +
				"Refer to the limits.conf(5) manual pages for more details."
		}
		return ""
	}
	if pamUnlimited(v) || pyIsDigit(v) {
		return ""
	}
	return prefix + " Value of " + value.Repr(v) + " for item " + value.Repr(item) + " is invalid. Value must either be 'unlimited', 'infinity' or -1, all of " +
		"which indicate no limit, or a limit of 0 or larger. Refer to the limits.conf(5) manual pages for " +
		"more details."
}

func pamUnlimited(v string) bool { return v == "unlimited" || v == "infinity" || v == "-1" }

// pyInt is Python's int() of a str.
func pyInt(s string) (int, bool) {
	n, err := value.PyInt(s)
	return n, err == nil
}

// pyIsDigit is Python's str.isdigit for the digits int() reads.
func pyIsDigit(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// collapseSpace is re.sub(r'\s+', ' ', s).
func collapseSpace(s string) string {
	var b strings.Builder
	inSpace := false
	for _, r := range s {
		if value.IsPySpace(r) {
			if !inSpace {
				b.WriteByte(' ')
			}
			inSpace = true
			continue
		}
		inSpace = false
		b.WriteRune(r)
	}
	return b.String()
}

// pamEdit is one pass of the module over the file's lines.
type pamEdit struct {
	domain, typ, item, value string
	useMax, useMin           bool
	comment                  string
	dest                     string
}

// apply returns the new content, whether it changed and the module's
// message (the line written or found), or the failure for an invalid
// line of the file.
func (e *pamEdit) apply(content string) (out string, changed bool, msg string, err error) {
	var nf strings.Builder
	found := false
	newValue := e.value
	newComment := e.comment
	for _, lb := range splitLinesKeepEnds([]byte(content)) {
		line := string(lb)
		if strings.HasPrefix(line, "#") {
			nf.WriteString(line)
			continue
		}
		newline := strings.TrimFunc(collapseSpace(line), value.IsPySpace)
		if newline == "" {
			nf.WriteString(line)
			continue
		}
		newline, _, _ = strings.Cut(newline, "#")
		oldComment := ""
		if _, after, ok := strings.Cut(line, "#"); ok {
			oldComment = after
		}
		newline = strings.TrimRightFunc(newline, value.IsPySpace)
		if newComment == "" {
			newComment = oldComment
		}
		fields := strings.Split(newline, " ")
		if len(fields) != 4 {
			nf.WriteString(line)
			continue
		}
		lDomain, lType, lItem, actual := fields[0], fields[1], fields[2], fields[3]
		if m := pamValueError(lItem, actual, "Invalid configuration found in '"+e.dest+"'."); m != "" {
			return "", false, "", failf("%s", m)
		}
		if lDomain != e.domain || lType != e.typ || lItem != e.item {
			nf.WriteString(line)
			continue
		}
		found = true
		if e.value == actual {
			msg = line
			nf.WriteString(line)
			continue
		}
		// The module tests the line's type, never nice or priority, where
		// it means the item: -1 is unlimited for every item here.
		actualUnlimited, valueUnlimited := pamUnlimited(actual), pamUnlimited(e.value)
		if e.useMax {
			switch {
			case actualUnlimited:
				newValue = actual
			case valueUnlimited:
				newValue = e.value
			default:
				a, _ := pyInt(actual)
				v, _ := pyInt(e.value)
				newValue = strconv.Itoa(max(a, v))
			}
		}
		if e.useMin {
			switch {
			case actualUnlimited && valueUnlimited:
				newValue = actual
			case actualUnlimited:
				newValue = e.value
			case valueUnlimited:
				newValue = actual
			default:
				a, _ := pyInt(actual)
				v, _ := pyInt(e.value)
				newValue = strconv.Itoa(min(a, v))
			}
		}
		if newValue != actual {
			changed = true
			if newComment != "" {
				newComment = "\t#" + newComment
			}
			limit := e.domain + "\t" + e.typ + "\t" + e.item + "\t" + newValue + newComment + "\n"
			msg = limit
			nf.WriteString(limit)
		} else {
			msg = line
			nf.WriteString(line)
		}
	}
	if !found {
		changed = true
		if newComment != "" {
			newComment = "\t#" + newComment
		}
		limit := e.domain + "\t" + e.typ + "\t" + e.item + "\t" + newValue + newComment + "\n"
		msg = limit
		nf.WriteString(limit)
	}
	return nf.String(), changed, msg, nil
}

// pyTextRead is reading a file in Python's text mode: universal newlines.
func pyTextRead(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func runPamLimits(c *Context, args Args) (*Result, error) {
	dest := args.String("dest")
	useMax, _ := args["use_max"].(bool)
	useMin, _ := args["use_min"].(bool)
	backup, _ := args["backup"].(bool)

	// os.path.dirname: "" for a bare name, which is no directory.
	dir := ""
	reqs := []probeRequest{{Path: dest, Follow: true, Content: true}}
	if i := strings.LastIndex(dest, "/"); i >= 0 {
		dir = strings.TrimRight(dest[:i+1], "/")
		if dir == "" {
			dir = dest[:i+1]
		}
		reqs = append(reqs, probeRequest{Path: dir, Follow: true})
	}
	p, err := probe(c, nil, nil, reqs...)
	if err != nil {
		return nil, err
	}
	cur := &p.Files[0]
	changed := false
	switch {
	case cur.IsReg():
		if !cur.Writable {
			return nil, failf("%s is not writable. Use sudo", dest)
		}
	case cur.Exists:
		return nil, failf("%s is not a regular file", dest)
	default:
		if dir == "" || !p.Files[1].IsDir() || !p.Files[1].Writable {
			return nil, failf("directory %s is not writable (check presence, access rights, use sudo)", dir)
		}
		// The module creates the empty file before anything else, in
		// check mode too.
		if _, err := runChecked(c, "failed to create "+dest, ": >> "+shell.Quote(dest), nil); err != nil {
			return nil, err
		}
		changed = true
		if p, err = probe(c, nil, nil, probeRequest{Path: dest, Follow: true, Content: true}); err != nil {
			return nil, err
		}
		cur = &p.Files[0]
	}
	if !cur.HasContent {
		return nil, failf("Failed to read %s", dest)
	}
	if useMax && useMin {
		return nil, failf("Cannot use use_min and use_max at the same time.")
	}
	e := &pamEdit{
		domain: args.String("domain"), typ: args.String("limit_type"), item: args.String("limit_item"),
		value: args.String("value"), useMax: useMax, useMin: useMin, comment: args.String("comment"), dest: dest,
	}
	if m := pamValueError(e.item, e.value, ""); m != "" {
		return nil, failf("%s", m)
	}
	res := &Result{}
	if backup {
		// backup_local: a copy with its attributes, whatever happens next.
		out, err := runChecked(c, "failed to back up "+dest,
			`bk=`+shell.Quote(dest)+`.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- `+shell.Quote(dest)+` "$bk" && printf '%s' "$bk"`, nil)
		if err != nil {
			return nil, err
		}
		res.Set("backup_file", string(out))
	}
	content := string(cur.Content)
	after, edited, msg, err := e.apply(content)
	if err != nil {
		return nil, err
	}
	res.Changed = changed || edited
	res.Msg = msg
	before, afterText := pyTextRead(content), pyTextRead(after)
	res.Set("diff", map[string]any{"before": before, "after": afterText})
	if c.DiffMode {
		res.Diff = append(res.Diff, Diff{Before: before, After: afterText})
	}
	if c.CheckMode {
		return res, nil
	}
	target := dest
	if cur.RealPath != "" {
		target = cur.RealPath
	}
	if _, err := writeFile(c, writeRequest{Dest: target, Content: []byte(after), Existing: cur, Probe: p}); err != nil {
		return nil, err
	}
	return res, nil
}
