package modules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/value"
)

func init() {
	Register("alternatives", alternativesModule{}, "community.general.alternatives")
}

// alternativesModule is community.general.alternatives with Debian's
// update-alternatives: `--display NAME` is read and parsed with the
// module's patterns, and --install, --set, --auto or --remove run as the
// module decides, with LC_ALL=C.
type alternativesModule struct{}

func (alternativesModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "name", Required: true},
			{Name: "path", Type: argspec.Path, Required: true},
			{Name: "link", Type: argspec.Path},
			{Name: "priority", Type: argspec.Int},
			{Name: "state", Default: "selected", Choices: []any{"present", "selected", "absent", "auto"}},
			{Name: "subcommands", Type: argspec.List, Elements: argspec.Dict, Aliases: []string{"slaves"}},
		},
	}
}

func (alternativesModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runAlternatives(c, args))
}

// The module's patterns for --display's output.
var (
	altModeRE    = regexp.MustCompile(`(?m)\s-\s(?:status\sis\s)?(\w*)(?:\smode|.)$`)
	altPathRE    = regexp.MustCompile(`(?m)^\s*link currently points to (.*)$`)
	altLinkRE    = regexp.MustCompile(`(?m)^\s*link \w+ is (.*)$`)
	altSubLinkRE = regexp.MustCompile(`(?m)^\s*(?:slave|follower) (\S+) is (.*)$`)
	altEntryRE   = regexp.MustCompile(`(?m)^(\/.*)\s-\s(?:family\s\S+\s)?priority\s(\d+)((?:\s+(?:slave|follower).*)*)`)
	altSubRE     = regexp.MustCompile(`(?m)^\s+(?:slave|follower) (.*): (.*)$`)
)

// altEntry is one alternative --display lists.
type altEntry struct {
	priority int
	subs     []map[string]any // name, path, link (nil when unknown)
}

// altState is the module's parse of --display.
type altState struct {
	mode, path, link *string
	entries          map[string]*altEntry
	order            []string
}

func parseAlternatives(out string, given []map[string]any) *altState {
	s := &altState{entries: map[string]*altEntry{}}
	m := altModeRE.FindStringSubmatch(out)
	if m == nil {
		return s
	}
	s.mode = &m[1]
	if m := altPathRE.FindStringSubmatch(out); m != nil {
		s.path = &m[1]
	}
	if m := altLinkRE.FindStringSubmatch(out); m != nil {
		s.link = &m[1]
	}
	subLinks := map[string]string{}
	for _, m := range altSubLinkRE.FindAllStringSubmatch(out, -1) {
		subLinks[m[1]] = m[2]
	}
	if len(subLinks) == 0 {
		for _, g := range given {
			subLinks[fmt.Sprint(g["name"])] = fmt.Sprint(g["link"])
		}
	}
	for _, m := range altEntryRE.FindAllStringSubmatch(out, -1) {
		prio, _ := strconv.Atoi(m[2])
		e := &altEntry{priority: prio, subs: []map[string]any{}}
		for _, sm := range altSubRE.FindAllStringSubmatch(m[3], -1) {
			if sm[2] == "(null)" {
				continue
			}
			var link any
			if l, ok := subLinks[sm[1]]; ok {
				link = l
			}
			e.subs = append(e.subs, map[string]any{"name": sm[1], "path": sm[2], "link": link})
		}
		if _, dup := s.entries[m[1]]; !dup {
			s.order = append(s.order, m[1])
		}
		s.entries[m[1]] = e
	}
	return s
}

// altSubcommands checks the subcommands' options as the argument spec
// checks sub-options, and expands their paths.
func altSubcommands(c *Context, args Args) ([]map[string]any, error) {
	l, ok := args["subcommands"].([]any)
	if !ok || args["subcommands"] == nil {
		return nil, nil
	}
	out := []map[string]any{}
	for _, el := range l {
		d, ok := el.(*value.Dict)
		if !ok {
			return nil, failf("Elements value for option 'subcommands' is of type %T and we were unable to convert to dict", el)
		}
		var unknown []string
		for k := range d.All() {
			if k != "name" && k != "path" && k != "link" {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			return nil, failf("Unsupported parameters for (community.general.alternatives) module: %s found in subcommands. Supported parameters include: link, name, path.", strings.Join(unknown, ", "))
		}
		var missing []string
		for _, k := range []string{"link", "name", "path"} {
			if v, ok := d.Get(k); !ok || v == nil {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return nil, failf("missing required arguments: %s found in subcommands", strings.Join(missing, ", "))
		}
		sub := map[string]any{}
		for _, k := range []string{"name", "path", "link"} {
			v, _ := d.Get(k)
			s := value.Str(v)
			if k != "name" {
				var err error
				if s, err = expandHostPath(c, s); err != nil {
					return nil, err
				}
			}
			sub[k] = s
		}
		out = append(out, sub)
	}
	return out, nil
}

func sameSubs(a, b []map[string]any) bool {
	in := func(x map[string]any, l []map[string]any) bool {
		for _, y := range l {
			if fmt.Sprint(x["name"]) == fmt.Sprint(y["name"]) && fmt.Sprint(x["path"]) == fmt.Sprint(y["path"]) && fmt.Sprint(x["link"]) == fmt.Sprint(y["link"]) && (x["link"] == nil) == (y["link"] == nil) {
				return true
			}
		}
		return false
	}
	for _, x := range a {
		if !in(x, b) {
			return false
		}
	}
	for _, y := range b {
		if !in(y, a) {
			return false
		}
	}
	return true
}

func runAlternatives(c *Context, args Args) (*Result, error) {
	name := args.String("name")
	state := args.String("state")
	altPath, err := expandHostPath(c, args.String("path"))
	if err != nil {
		return nil, err
	}
	var link string
	if args.Has("link") {
		if link, err = expandHostPath(c, args.String("link")); err != nil {
			return nil, err
		}
	}
	given, err := altSubcommands(c, args)
	if err != nil {
		return nil, err
	}

	// get_bin_path, then --display and whether path exists.
	script := recordFuncs + `p=$PATH
for d in /sbin /usr/sbin /usr/local/sbin; do case :$p: in *:"$d":*) ;; *) p=$p:$d ;; esac; done
ua=$(IFS=:; for d in $p; do [ -n "$d" ] && [ -f "$d/update-alternatives" ] && [ -x "$d/update-alternatives" ] && { printf '%s\n' "$d/update-alternatives"; break; }; done)
if [ -z "$ua" ]; then rec noua "$p"; exit 0; fi
rec ua "$ua"
out=$(LC_ALL=C "$ua" --display ` + shell.Quote(name) + ` 2>/dev/null; printf '.%s' $?)
rec rc "${out##*.}"; out=${out%.*}
rec display "$out"
if [ -e ` + shell.Quote(altPath) + ` ]; then rec exists; fi
`
	out, err := runChecked(c, "failed to read the alternatives", script, nil)
	if err != nil {
		return nil, err
	}
	recs := parseRecords(string(out))
	if p, ok := recs["noua"]; ok {
		return nil, failf(`Failed to find required executable "update-alternatives" in paths: %s`, p)
	}
	ua := recs["ua"]
	st := &altState{entries: map[string]*altEntry{}}
	if recs["rc"] == "0" {
		// $(...) dropped the output's trailing newlines, which no pattern needs.
		st = parseAlternatives(recs["display"]+"\n", given)
	}
	_, exists := recs["exists"]

	before, after := map[string]any{}, map[string]any{}
	var messages []string
	changed := false
	cur := st.entries[altPath]
	currentLink := func() any {
		if st.link == nil {
			return nil
		}
		return *st.link
	}
	if cur != nil {
		before["state"], before["path"], before["priority"], before["link"] = "present", altPath, cur.priority, currentLink()
		if len(cur.subs) > 0 {
			before["subcommands"] = subsValue(cur.subs)
		}
		if st.mode != nil && *st.mode == "manual" && (st.path == nil || *st.path != altPath) {
			before["state"] = "selected"
		}
	} else if st.mode != nil {
		before["state"] = "absent"
	}

	priority := 50
	if args.Has("priority") {
		priority, _ = args.Int("priority", 50)
	} else if cur != nil {
		priority = cur.priority
	}
	subs := given
	if given == nil && cur != nil && len(cur.subs) > 0 {
		subs = cur.subs
	}
	effLink := link
	if effLink == "" && st.link != nil {
		effLink = *st.link
	}

	run := func(argv ...string) error {
		changed = true
		if c.CheckMode {
			return nil
		}
		words := append([]string{ua}, argv...)
		r, err := c.Run("LC_ALL=C "+shell.Join(words...), nil)
		if err != nil {
			return err
		}
		if r.ExitCode != 0 {
			return failWith(map[string]any{"cmd": cleanArgsOf(words), "rc": r.ExitCode, "stdout": string(r.Stdout), "stderr": string(r.Stderr)},
				"%s", strings.TrimRight(string(r.Stderr), " \t\r\n\v\f"))
		}
		return nil
	}

	if state != "absent" {
		prioGiven, _ := args.Int("priority", 0)
		if cur == nil || (args.Has("priority") && cur.priority != prioGiven) || (given != nil && !sameSubs(cur.subs, given)) {
			if !exists {
				return nil, failf("Specified path %s does not exist", altPath)
			}
			if effLink == "" {
				return nil, failf("Needed to install the alternative, but unable to do so as we are missing the link")
			}
			argv := []string{"--install", effLink, name, altPath, strconv.Itoa(priority)}
			for _, s := range given {
				argv = append(argv, "--slave", fmt.Sprint(s["link"]), fmt.Sprint(s["name"]), fmt.Sprint(s["path"]))
			}
			messages = append(messages, fmt.Sprintf("Install alternative '%s' for '%s'.", altPath, name))
			if err := run(argv...); err != nil {
				return nil, err
			}
			after = map[string]any{"state": "present", "path": altPath, "priority": priority, "link": effLink}
			if len(subs) > 0 {
				after["subcommands"] = subsValue(subs)
			}
		}
		if state == "selected" && (st.path == nil || *st.path != altPath) {
			messages = append(messages, fmt.Sprintf("Set alternative '%s' for '%s'.", altPath, name))
			if err := run("--set", name, altPath); err != nil {
				return nil, err
			}
			after["state"] = "selected"
		}
		if state == "auto" && st.mode != nil && *st.mode == "manual" {
			messages = append(messages, fmt.Sprintf("Set alternative to auto for '%s'.", name))
			if err := run("--auto", name); err != nil {
				return nil, err
			}
			after["state"] = "present"
		}
	} else if cur != nil {
		messages = append(messages, fmt.Sprintf("Remove alternative '%s' from '%s'.", altPath, name))
		if err := run("--remove", name, altPath); err != nil {
			return nil, err
		}
		after = map[string]any{"state": "absent"}
	}

	res := &Result{Changed: changed, Msg: strings.Join(messages, " ")}
	if !c.DiffMode {
		// The module fills the diff only in diff mode.
		before, after = map[string]any{}, map[string]any{}
	} else {
		res.Diff = append(res.Diff, Diff{Before: jsonDiffText(before), After: jsonDiffText(after)})
	}
	res.Set("diff", map[string]any{"before": before, "after": after})
	// The module always returns msg, empty when it did nothing.
	res.Set("msg", res.Msg)
	return res, nil
}

// subsValue is subcommands as a result value: a list of dicts.
func subsValue(subs []map[string]any) []any {
	out := make([]any, len(subs))
	for i, s := range subs {
		out[i] = s
	}
	return out
}
