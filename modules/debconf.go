package modules

import (
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("debconf", debconfModule{}) }

// debconfModule is ansible.builtin.debconf: a package's answers are read
// with debconf-show and one is set with debconf-set-selections (a perl
// program, part of debconf itself), the line given on its stdin.
type debconfModule struct{}

func (debconfModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "name", Aliases: []string{"pkg"}, Required: true},
			{Name: "question", Aliases: []string{"selection", "setting"}},
			{Name: "vtype", Choices: []any{"boolean", "error", "multiselect", "note", "password", "seen", "select", "string", "text", "title"}},
			{Name: "value", Aliases: []string{"answer"}},
			{Name: "unseen", Type: argspec.Bool, Default: false},
		},
		RequiredTogether: [][]string{{"question", "vtype", "value"}},
	}
}

func (debconfModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runDebconf(c, args))
}

// debconfSelections is the module's get_selections: debconf-show's lines
// as question: value, the seen mark (*) dropped.
type debconfSelections struct {
	values map[string]string
}

func parseDebconfShow(out string) (*debconfSelections, error) {
	s := &debconfSelections{values: map[string]string{}}
	for _, line := range strings.Split(out, "\n") {
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, failf("debconf: cannot read debconf-show's line %q", line)
		}
		s.values[pyStrip(strings.Trim(k, "*"))] = pyStrip(v)
	}
	return s, nil
}

func (s *debconfSelections) dict() map[string]any {
	m := make(map[string]any, len(s.values))
	for k, v := range s.values {
		m[k] = v
	}
	return m
}

func runDebconf(c *Context, args Args) (*Result, error) {
	pkg := args.String("name")
	_, hasQuestion := args["question"].(string)
	question, vtype, value := args.String("question"), args.String("vtype"), args.String("value")
	unseen, _ := args["unseen"].(bool)

	r, err := c.Run(recordFuncs+`PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
command -v debconf-show >/dev/null 2>&1 || { rec missing "$PATH"; exit 0; }
e=$(mktemp) || exit 1
trap 'rm -f "$e"' EXIT
out=$(LC_ALL=C debconf-show `+shell.Quote(pkg)+` 2>"$e"; r=$?; echo .; exit $r); rc=$?
rec rc "$rc"; rec out "${out%.}"; recout err <"$e"
`, nil)
	if err != nil {
		return nil, err
	}
	recs := parseRecords(string(r.Stdout))
	if p, ok := recs["missing"]; ok {
		return nil, failf("Failed to find required executable \"debconf-show\" in paths: %s", withSbin(p))
	}
	if _, ok := recs["rc"]; !ok {
		return nil, failf("debconf: the host's answer was cut short: %s", trimOutput(r.Stderr))
	}
	if recs["rc"] != "0" {
		return nil, failf("%s", gpgStderr(recs["err"]))
	}
	prev, err := parseDebconfShow(recs["out"])
	if err != nil {
		return nil, err
	}

	changed := false
	if hasQuestion {
		existing, ok := prev.values[question]
		switch {
		case !ok:
			changed = true
		case vtype == "boolean":
			value = strings.ToLower(value)
			changed = value != strings.ToLower(existing)
		default:
			changed = value != existing
		}
	}
	res := &Result{Changed: changed}
	res.Set("msg", "")
	if !changed {
		res.Set("current", prev.dict())
		return res, nil
	}
	if !c.CheckMode {
		set := value
		if vtype == "boolean" {
			switch set {
			case "True":
				set = "true"
			case "False":
				set = "false"
			}
		}
		flag := ""
		if unseen {
			flag = " -u"
		}
		r, err := c.Run(`PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
command -v debconf-set-selections >/dev/null 2>&1 || { echo "$PATH" >&2; exit 127; }
LC_ALL=C debconf-set-selections`+flag, []byte(strings.Join([]string{pkg, question, vtype, set}, " ")))
		if err != nil {
			return nil, err
		}
		if r.ExitCode == 127 {
			return nil, failf("Failed to find required executable \"debconf-set-selections\" in paths: %s", withSbin(strings.TrimSpace(string(r.Stderr))))
		}
		if r.ExitCode != 0 {
			return nil, failf("%s", string(r.Stderr))
		}
		res.Msg = string(r.Stdout)
		res.Set("msg", res.Msg)
	}
	// The module's previous: the question's old value alone, or every
	// answer plus the question as "" when the package had none for it.
	previous := map[string]any{}
	if old, ok := prev.values[question]; ok {
		previous[question] = old
	} else {
		previous = prev.dict()
		previous[question] = ""
	}
	res.Set("current", map[string]any{question: value})
	res.Set("previous", previous)
	if c.DiffMode {
		after := map[string]any{}
		for k, v := range previous {
			after[k] = v
		}
		after[question] = value
		res.Set("diff", map[string]any{"before": previous, "after": after})
		res.Diff = append(res.Diff, Diff{Before: jsonDiffText(previous), After: jsonDiffText(after)})
	} else {
		res.Set("diff", map[string]any{})
	}
	return res, nil
}
