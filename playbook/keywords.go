package playbook

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
)

// Level is a place where a keyword may be written.
type Level uint8

const (
	LevelPlay Level = 1 << iota
	LevelBlock
	LevelTask
	LevelHandler
	LevelRole // an entry of a play's roles: or of a role's dependencies
)

// levelName is how ansible-core names the object in its errors.
func (l Level) String() string {
	switch l {
	case LevelPlay:
		return "Play"
	case LevelBlock:
		return "Block"
	case LevelHandler:
		return "Handler"
	case LevelRole:
		return "Role"
	}
	return "Task"
}

// Inheritance says how a task's value of a keyword follows from the levels
// that enclose it (its blocks, the role's and import's synthetic blocks,
// the play), as ansible-core's FieldAttribute does.
type Inheritance uint8

const (
	// Own keywords apply where they are written only (register, loop,
	// vars: whose scoping is the variable manager's, not inheritance).
	Own Inheritance = iota
	// Innermost: the innermost level that sets the keyword decides.
	Innermost
	// Extend: every level's values count, outermost first (when,
	// environment, module_defaults, tags).
	Extend
)

// Keywords are the keywords a play, a block, a role entry and a task have
// in common: those a task inherits. Unset is the zero value.
type Keywords struct {
	Become         *bool
	BecomeTemplate string // become: "{{ expr }}", decided when a task runs
	BecomeUser     string
	BecomeMethod   string
	BecomeFlags    string
	BecomeExe      string
	RemoteUser     string
	Connection     string
	Port           any

	Vars        map[string]any
	Tags        []string
	When        []any
	Environment any

	NoLog             any
	IgnoreErrors      any
	IgnoreUnreachable any
	CheckMode         any
	Diff              any
	AnyErrorsFatal    *bool
	RunOnce           any // as written: the strategy templates it for the first host
	Throttle          any
	// Timeout is the task time limit in seconds (ansible-core 2.10's
	// timeout keyword), possibly templated.
	Timeout any

	Notify        []string
	DelegateTo    string
	DelegateFacts any // a bool, or the template that decides it host by host
	// ModuleDefaults are the module_defaults of this level: a list of
	// mappings from module name to default arguments.
	ModuleDefaults []any
	// Collections is the collections search list; gansible resolves
	// every module name it has to one implementation, so the list
	// changes no resolution and is kept for the record.
	Collections []string
}

// target is the object a keyword is decoded into: kw always, and the
// play or task for the keywords only they have.
type target struct {
	kw   *Keywords
	play *Play
	task *Task
}

// keyword is one row of the keyword table.
type keyword struct {
	name    string
	levels  Level
	inherit Inheritance
	// decode stores the value; nil for the structural keywords the
	// loader reads itself (block, tasks, roles, the action...).
	decode func(d *decoder, o target, key, val *yaml.Node)
	// legacy marks an Ansible 1.x spelling that ansible-core dropped.
	legacy bool
	// get reads an inherited keyword's value from a level, and whether
	// that level sets it; nil for Own keywords.
	get func(k *Keywords) (any, bool)
}

const (
	allLevels  = LevelPlay | LevelBlock | LevelTask | LevelHandler | LevelRole
	taskLevels = LevelTask | LevelHandler
	inTasks    = LevelBlock | LevelTask | LevelHandler | LevelRole
)

// keywordTable is every play, block, role and task keyword ansible-core
// 2.14 has (its playbook objects' field attributes), with the Ansible 1.x
// spellings gansible still reads. A key at a level that does not have it
// is Ansible's "not a valid attribute" error (in a task: the action).
var keywordTable = []keyword{
	// Structural keywords, read by the loader itself.
	{name: "name", levels: allLevels},
	{name: "hosts", levels: LevelPlay},
	{name: "roles", levels: LevelPlay},
	{name: "pre_tasks", levels: LevelPlay},
	{name: "tasks", levels: LevelPlay},
	{name: "post_tasks", levels: LevelPlay},
	{name: "handlers", levels: LevelPlay},
	{name: "block", levels: LevelBlock},
	{name: "rescue", levels: LevelBlock},
	{name: "always", levels: LevelBlock},
	{name: "action", levels: taskLevels},
	{name: "local_action", levels: taskLevels},
	{name: "args", levels: taskLevels},
	{name: "role", levels: LevelRole},

	// Play-only keywords.
	{name: "vars_files", levels: LevelPlay, decode: func(d *decoder, o target, _, v *yaml.Node) { o.play.VarsFiles = d.list(v) }},
	{name: "vars_prompt", levels: LevelPlay, decode: func(d *decoder, o target, _, v *yaml.Node) { o.play.VarsPrompt = d.list(v) }},
	{name: "gather_facts", levels: LevelPlay, decode: func(d *decoder, o target, k, v *yaml.Node) { o.play.GatherFacts = d.playBool(o, k, v) }},
	{name: "gather_subset", levels: LevelPlay, decode: func(d *decoder, o target, _, v *yaml.Node) { o.play.GatherSubset = d.value(v) }},
	{name: "gather_timeout", levels: LevelPlay, decode: func(d *decoder, o target, _, v *yaml.Node) { o.play.GatherTimeout = d.value(v) }},
	{name: "fact_path", levels: LevelPlay, decode: func(d *decoder, o target, _, v *yaml.Node) { o.play.FactPath = d.str(v) }},
	{name: "serial", levels: LevelPlay, decode: decodeSerial},
	{name: "max_fail_percentage", levels: LevelPlay, decode: decodeMaxFail},
	// strategy and order are checked when the play runs, as Ansible
	// loads the strategy plugin then (see KnownStrategy); being strings,
	// they are templated then too (see Play.Templated).
	{name: "strategy", levels: LevelPlay, decode: func(d *decoder, o target, _, v *yaml.Node) { o.play.Strategy = d.str(v) }},
	{name: "order", levels: LevelPlay, decode: func(d *decoder, o target, _, v *yaml.Node) { o.play.Order = d.str(v) }},
	{name: "force_handlers", levels: LevelPlay, decode: func(d *decoder, o target, k, v *yaml.Node) { o.play.ForceHandlers = d.playBool(o, k, v) }},

	// Task-only keywords.
	{name: "loop", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.Loop = d.value(v) }},
	{name: "loop_control", levels: taskLevels, decode: decodeLoopControl},
	{name: "register", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.Register = d.str(v) }},
	{name: "listen", levels: LevelHandler, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.Listen = d.stringList(v) }},
	{name: "changed_when", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.ChangedWhen = d.list(v) }},
	{name: "failed_when", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.FailedWhen = d.list(v) }},
	{name: "until", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.Until = d.value(v) }},
	{name: "retries", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.Retries = d.value(v) }},
	{name: "delay", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.Delay = d.value(v) }},
	{name: "async", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.Async = d.value(v) }},
	{name: "poll", levels: taskLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.task.Poll = d.value(v) }},

	// Keywords every level has, inherited by the tasks.
	{name: "become", levels: allLevels, inherit: Innermost, get: getBecome, decode: decodeBecome},
	{name: "become_user", levels: allLevels, inherit: Innermost, get: getString(func(k *Keywords) string { return k.BecomeUser }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.BecomeUser = d.str(v) }},
	{name: "become_method", levels: allLevels, inherit: Innermost, get: getString(func(k *Keywords) string { return k.BecomeMethod }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.BecomeMethod = d.str(v) }},
	{name: "become_flags", levels: allLevels, inherit: Innermost, get: getString(func(k *Keywords) string { return k.BecomeFlags }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.BecomeFlags = d.str(v) }},
	{name: "become_exe", levels: allLevels, inherit: Innermost, get: getString(func(k *Keywords) string { return k.BecomeExe }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.BecomeExe = d.str(v) }},
	{name: "remote_user", levels: allLevels, inherit: Innermost, get: getString(func(k *Keywords) string { return k.RemoteUser }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.RemoteUser = d.str(v) }},
	{name: "connection", levels: allLevels, inherit: Innermost, get: getString(func(k *Keywords) string { return k.Connection }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Connection = d.str(v) }},
	{name: "port", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.Port }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Port = d.value(v) }},
	{name: "vars", levels: allLevels, inherit: Own, decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Vars = d.vars(v) }},
	{name: "tags", levels: allLevels, inherit: Extend, get: getSlice(func(k *Keywords) []string { return k.Tags }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Tags = d.tags(v) }},
	{name: "when", levels: inTasks, inherit: Extend, get: getSlice(func(k *Keywords) []any { return k.When }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.When = d.list(v) }},
	{name: "environment", levels: allLevels, inherit: Extend, get: getAny(func(k *Keywords) any { return k.Environment }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Environment = d.value(v) }},
	{name: "no_log", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.NoLog }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.NoLog = d.value(v) }},
	{name: "ignore_errors", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.IgnoreErrors }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.IgnoreErrors = d.value(v) }},
	{name: "ignore_unreachable", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.IgnoreUnreachable }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.IgnoreUnreachable = d.value(v) }},
	{name: "check_mode", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.CheckMode }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.CheckMode = d.value(v) }},
	{name: "diff", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.Diff }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Diff = d.value(v) }},
	{name: "any_errors_fatal", levels: allLevels, inherit: Innermost, get: getPtr(func(k *Keywords) *bool { return k.AnyErrorsFatal }), decode: decodeAnyErrorsFatal},
	{name: "run_once", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.RunOnce }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.RunOnce = d.value(v) }},
	{name: "throttle", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.Throttle }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Throttle = d.value(v) }},
	{name: "timeout", levels: allLevels, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.Timeout }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Timeout = d.value(v) }},
	{name: "notify", levels: inTasks &^ LevelRole, inherit: Innermost, get: getSlice(func(k *Keywords) []string { return k.Notify }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Notify = d.stringList(v) }},
	{name: "delegate_to", levels: inTasks, inherit: Innermost, get: getString(func(k *Keywords) string { return k.DelegateTo }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.DelegateTo = d.str(v) }},
	{name: "delegate_facts", levels: inTasks, inherit: Innermost, get: getAny(func(k *Keywords) any { return k.DelegateFacts }), decode: decodeDelegateFacts},
	{name: "module_defaults", levels: allLevels, inherit: Extend, get: getSlice(func(k *Keywords) []any { return k.ModuleDefaults }), decode: decodeModuleDefaults},
	{name: "collections", levels: allLevels, inherit: Innermost, get: getSlice(func(k *Keywords) []string { return k.Collections }), decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.Collections = d.stringList(v) }},
	{name: "debugger", levels: allLevels, inherit: Innermost, decode: decodeDebugger},

	// Ansible 1.x spellings, stored as the keywords they stand for.
	{legacy: true, name: "sudo", levels: allLevels, decode: decodeBecome},
	{legacy: true, name: "su", levels: allLevels, decode: decodeBecome},
	{legacy: true, name: "sudo_user", levels: allLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.BecomeUser = d.str(v) }},
	{legacy: true, name: "su_user", levels: allLevels, decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.BecomeUser = d.str(v) }},
	{legacy: true, name: "user", levels: LevelPlay, decode: func(d *decoder, o target, _, v *yaml.Node) { o.kw.RemoteUser = d.str(v) }},
	{legacy: true, name: "always_run", levels: taskLevels, decode: decodeAlwaysRun},
}

// keywords indexes keywordTable by name.
var keywords = func() map[string]*keyword {
	m := make(map[string]*keyword, len(keywordTable))
	for i := range keywordTable {
		m[keywordTable[i].name] = &keywordTable[i]
	}
	return m
}()

// isKeyword reports whether name is a keyword at level.
func isKeyword(name string, level Level) bool {
	k, ok := keywords[name]
	return ok && k.levels&level != 0
}

// keyword decodes key at level into o; it reports false when key is not a
// keyword there.
func (d *decoder) keyword(level Level, o target, key, val *yaml.Node) bool {
	k, ok := keywords[key.Value]
	if !ok || k.levels&level == 0 {
		return false
	}
	if k.decode != nil {
		k.decode(d, o, key, val)
	}
	return true
}

func decodeBecome(d *decoder, o target, key, val *yaml.Node) {
	o.kw.Become, o.kw.BecomeTemplate = d.boolOrTemplate(val)
	if key.Value != "become" && o.kw.BecomeMethod == "" {
		o.kw.BecomeMethod = key.Value // sudo: yes, su: yes (Ansible 1.x)
	}
}

// playBool reads a boolean keyword; at the play level its value may be
// a template, which Ansible decides with the play's variables when the
// play starts (Play.Templated). Elsewhere a template is refused: a
// block's or task's value would be decided per host.
func (d *decoder) playBool(o target, key, val *yaml.Node) *bool {
	if s, ok := d.value(val).(string); ok && o.play != nil && IsTemplate(s) {
		o.play.templated(key.Value, s)
		return nil
	}
	return d.boolPtr(val)
}

// decodeAnyErrorsFatal reads any_errors_fatal. The play's is templated
// when the play starts; a block's, role's or task's is what ansible-core's
// linear strategy reads from the task as loaded, never templated or
// converted: Python's truth of the value as written, so that "{{ x }}"
// and "false" in quotes hold.
func decodeAnyErrorsFatal(d *decoder, o target, key, val *yaml.Node) {
	if o.play != nil {
		o.kw.AnyErrorsFatal = d.playBool(o, key, val)
		return
	}
	if v := d.value(val); v != nil {
		b := value.Truthy(v)
		o.kw.AnyErrorsFatal = &b
	}
}

func decodeAlwaysRun(d *decoder, o target, _, val *yaml.Node) {
	v := d.value(val)
	if b, ok := v.(bool); ok {
		v = !b // always_run: yes is check_mode: no
	}
	o.kw.CheckMode = v
}

func decodeSerial(d *decoder, o target, _, val *yaml.Node) {
	switch v := d.value(val).(type) {
	case nil:
	case []any:
		o.play.Serial = v
	default:
		o.play.Serial = []any{v}
	}
}

func decodeMaxFail(d *decoder, o target, key, val *yaml.Node) {
	switch v := d.value(val).(type) {
	case string:
		if IsTemplate(v) {
			o.play.templated(key.Value, v)
			return
		}
		d.fail(val, "max_fail_percentage must be a number")
	case int:
		f := float64(v)
		o.play.MaxFailPercentage = &f
	case float64:
		o.play.MaxFailPercentage = &v
	default:
		d.fail(val, "max_fail_percentage must be a number")
	}
}

func decodeLoopControl(d *decoder, o target, _, val *yaml.Node) {
	m, ok := d.value(val).(*value.Dict)
	if !ok {
		d.fail(val, "loop_control must be a mapping")
		return
	}
	for i := 0; i+1 < len(val.Content); i += 2 {
		if lk := val.Content[i].Value; !loopControlKeys[lk] {
			d.fail(val, "'%s' is not a valid attribute for a LoopControl", lk)
		}
	}
	o.task.LoopControl = m.Map()
}

// decodeModuleDefaults reads module_defaults: a mapping of module names
// to their default arguments, or a list of such mappings. Action groups
// (group/name) need collection metadata gansible does not read.
func decodeModuleDefaults(d *decoder, o target, _, val *yaml.Node) {
	var list []any
	switch v := d.value(val).(type) {
	case nil:
		return
	case []any:
		list = v
	default:
		list = []any{v}
	}
	for _, e := range list {
		m, ok := e.(*value.Dict)
		if !ok {
			if s, ok := e.(string); ok && strings.Contains(s, "{{") {
				d.fail(val, "a templated module_defaults is not supported by gansible")
			} else {
				d.fail(val, "module_defaults must be a mapping of module names to their default arguments")
			}
			return
		}
		for name, args := range m.All() {
			if strings.HasPrefix(name, "group/") {
				d.fail(val, "module_defaults action group %q is not supported by gansible", name)
				return
			}
			if _, ok := args.(*value.Dict); !ok {
				d.fail(val, "the default arguments of %s in module_defaults must be a mapping", name)
				return
			}
		}
	}
	o.kw.ModuleDefaults = list
}

// decodeDebugger accepts debugger: never, the default; the task debugger
// is interactive and gansible has none.
func decodeDebugger(d *decoder, o target, key, val *yaml.Node) {
	if s := d.str(val); s != "never" && d.err == nil {
		d.fail(key, "the task debugger (debugger: %s) is not supported by gansible", s)
	}
}

// The getters of the keyword table: each reads one field of a level and
// says whether the level sets it (a non-zero value).

func getString(f func(*Keywords) string) func(*Keywords) (any, bool) {
	return func(k *Keywords) (any, bool) { v := f(k); return v, v != "" }
}

func getAny(f func(*Keywords) any) func(*Keywords) (any, bool) {
	return func(k *Keywords) (any, bool) { v := f(k); return v, v != nil }
}

func getSlice[T any](f func(*Keywords) []T) func(*Keywords) (any, bool) {
	return func(k *Keywords) (any, bool) { v := f(k); return v, v != nil }
}

func getPtr(f func(*Keywords) *bool) func(*Keywords) (any, bool) {
	return func(k *Keywords) (any, bool) {
		if v := f(k); v != nil {
			return *v, true
		}
		return nil, false
	}
}

func getBool(f func(*Keywords) bool) func(*Keywords) (any, bool) {
	return func(k *Keywords) (any, bool) { v := f(k); return v, v }
}

// getBecome reads become: a boolean, or the template that decides it.
func getBecome(k *Keywords) (any, bool) {
	switch {
	case k.Become != nil:
		return *k.Become, true
	case k.BecomeTemplate != "":
		return k.BecomeTemplate, true
	}
	return nil, false
}

// Chain is the keyword levels a task inherits from, innermost first: the
// task, its enclosing blocks (the synthetic blocks of roles and imports
// among them), then the play.
type Chain []*Keywords

// Chain returns t's chain in play p (nil: no play level).
func (t *Task) Chain(p *Play) Chain {
	var c Chain
	for l := t; l != nil; l = l.Parent {
		c = append(c, &l.Keywords)
	}
	if p != nil {
		c = append(c, &p.Keywords)
	}
	return c
}

// Value is an Innermost keyword's value for the task: the innermost
// level's that sets it; ok is false when none does (or name is not an
// inherited keyword).
func (c Chain) Value(name string) (v any, ok bool) {
	k := keywords[name]
	if k == nil || k.inherit != Innermost {
		return nil, false
	}
	for _, l := range c {
		if v, ok = k.get(l); ok {
			return v, true
		}
	}
	return nil, false
}

// String is Value for a string keyword, "" when unset.
func (c Chain) String(name string) string {
	v, _ := c.Value(name)
	s, _ := v.(string)
	return s
}

// Extended is an Extend keyword's values for the task: every level's
// that sets it, outermost first.
func (c Chain) Extended(name string) []any {
	k := keywords[name]
	if k == nil || k.inherit != Extend {
		return nil
	}
	var out []any
	for i := len(c) - 1; i >= 0; i-- {
		if v, ok := k.get(c[i]); ok {
			out = append(out, v)
		}
	}
	return out
}

// IsReserved reports whether a variable name is one ansible-core reserves
// (its get_reserved_names): a keyword of a play, role, block or task, or
// one of the forms it reads them in.
func IsReserved(name string) bool {
	switch name {
	case "with_", "loop_with", "async_val":
		return true
	}
	k, ok := keywords[name]
	return ok && !k.legacy
}

// decodeDelegateFacts keeps a template of delegate_facts to be decided
// host by host, as ansible-core's post_validate templates it; any other
// value is a boolean now.
func decodeDelegateFacts(d *decoder, o target, _, v *yaml.Node) {
	if b, tmpl := d.boolOrTemplate(v); tmpl != "" {
		o.kw.DelegateFacts = tmpl
	} else if b != nil {
		o.kw.DelegateFacts = *b
	}
}
