package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/excerpt"
	"github.com/gansible/gansible/modules"
	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/termio"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
	"github.com/gansible/gansible/waitlock"
)

// controllerActions run on the controller with the task's variables; they
// are not modules.
var controllerActions = map[string]bool{
	"debug": true, "set_fact": true, "fail": true, "assert": true, "meta": true,
	"include_vars": true, "include_tasks": true, "import_tasks": true,
	"include_role": true, "import_role": true, "include": true, "pause": true,
	"add_host": true, "group_by": true, "async_status": true,
	"wait_for_connection": true, "reboot": true, "validate_argument_spec": true,
}

// IsAction reports whether name is a module or a controller action.
func IsAction(name string) bool {
	name = strings.TrimPrefix(strings.TrimPrefix(name, "ansible.builtin."), "ansible.legacy.")
	if controllerActions[name] {
		return true
	}
	if _, ok := modules.Lookup(name); ok {
		return true
	}
	// A module Ansible has and gansible has not yet: the playbook loads,
	// and a task using it fails when it runs (runModule).
	return modules.KnownToAnsible(name)
}

func isInclude(action string) bool {
	return action == "include_tasks" || action == "include_role" || action == "include"
}

// runAction templates the task's arguments and runs its action once.
func (r *run) runAction(ctx context.Context, h *hostState, t *playbook.Task, vars template.Vars, loopVars map[string]any, tr taskRun) *taskResult {
	return r.retrying(ctx, h, t, vars, func() *taskResult {
		return r.runTimed(ctx, t, vars, func(ctx context.Context) *taskResult {
			return r.runActionOnce(ctx, h, t, vars, tr)
		})
	})
}

// runTimed runs one attempt of the action under the task's timeout
// keyword, as ansible-core's task executor arms its alarm around each
// run of the action: past it, the action is cancelled and the task fails.
func (r *run) runTimed(ctx context.Context, t *playbook.Task, vars template.Vars, run func(context.Context) *taskResult) *taskResult {
	raw, ok := r.chain(t).Value("timeout")
	if !ok {
		return run(ctx)
	}
	v, err := r.opts.Engine.Template(raw, vars)
	if err != nil {
		return r.failure(t, err)
	}
	secs := intValue(unwrapUnsafe(v), -1)
	if secs < 0 {
		return failed(fmt.Sprintf("the timeout keyword must be a number of seconds, got %s", template.Repr(v)))
	}
	if secs == 0 {
		return run(ctx) // 0 is no limit, as in Ansible
	}
	tctx, cancel := context.WithTimeout(ctx, time.Duration(secs)*time.Second)
	defer cancel()
	res := run(tctx)
	if tctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		written := t.Action
		if t.ActionWritten != "" {
			written = t.ActionWritten
		}
		return failed(fmt.Sprintf("The %s action failed to execute in the expected time frame (%d) and was terminated", written, secs))
	}
	return res
}

func (r *run) runActionOnce(ctx context.Context, h *hostState, t *playbook.Task, vars template.Vars, tr taskRun) *taskResult {
	if res := r.checkAsync(t, vars); res != nil {
		return res
	}
	if _, err := r.delegateFacts(h, t, vars); err != nil {
		var te *template.Error
		if errors.As(err, &te) || template.IsUndefined(err) {
			return r.failure(t, err)
		}
		// post_validate raises it, with the task's position.
		msg := err.Error() + "\n\n" + excerpt.At(t.Pos.File, t.Pos.Line, t.Pos.Col)
		return &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": msg}, aborted: true}
	}
	written := t.Action
	if t.ActionWritten != "" {
		written = t.ActionWritten
	}
	switch t.Action {
	case "debug":
		if _, msg := t.Args["msg"]; msg {
			if _, v := t.Args["var"]; v {
				// debug checks this before its options.
				return failed("'msg' and 'var' are incompatible options")
			}
		}
		if err := modules.CheckAction(written, t.Action, t.Args); err != nil {
			return failed(err.Error())
		}
		return r.actionDebug(t, vars)
	}
	argsV, err := r.opts.Engine.Template(t.Args, vars)
	if err != nil {
		return r.argsFailure(t, err)
	}
	args, _ := value.MapOf(argsV)
	if err := r.applyModuleDefaults(t, vars, args); err != nil {
		return r.failure(t, err)
	}
	omit := r.opts.Engine.Omit()
	for k, v := range args {
		if s, ok := v.(string); ok && s == omit {
			delete(args, k)
		}
	}
	if t.Action == "reboot" {
		// Its plugin's first checks, before its options'.
		if r.connectionKind(h.name, t, vars) == "local" {
			return &taskResult{status: output.Failed, result: map[string]any{"changed": false, "elapsed": 0, "rebooted": false, "failed": true,
				"msg": "Running " + written + " with local connection would reboot the control node."}}
		}
		if r.checkMode(t, vars) {
			return &taskResult{status: output.Changed, result: map[string]any{"changed": true, "elapsed": 0, "rebooted": true}}
		}
	}
	if t.Action == "wait_for_connection" && r.checkMode(t, vars) {
		// Its plugin skips check mode before it checks its options.
		return &taskResult{status: output.Skipped, result: map[string]any{"changed": false, "skipped": true}}
	}
	if err := modules.CheckAction(written, t.Action, args); err != nil {
		return failed(err.Error())
	}
	switch t.Action {
	case "set_fact":
		return r.actionSetFact(r.factHost(h, t), args)
	case "fail":
		msg := "Failed as requested from task"
		if m, ok := args["msg"]; ok {
			msg = template.Str(m)
		}
		return &taskResult{status: output.Failed, result: map[string]any{"changed": false, "failed": true, "msg": msg}}
	case "assert":
		return r.actionAssert(t, vars)
	case "include_vars":
		return r.actionIncludeVars(h, t, args)
	case "pause":
		return r.actionPause(ctx, t, args)
	case "wait_for_connection":
		return r.actionWaitForConnection(ctx, h, t, vars, args)
	case "reboot":
		return r.actionReboot(ctx, h, t, vars, args, written)
	case "add_host":
		return r.actionAddHost(args)
	case "group_by":
		return r.actionGroupBy(h, args)
	case "async_status", "ansible.builtin.async_status", "ansible.legacy.async_status":
		return r.actionAsyncStatus(h, t, args)
	case "validate_argument_spec":
		return r.actionValidateArgumentSpec(vars, args)
	}
	return r.runModule(ctx, h, t, vars, args, tr)
}

// actionValidateArgumentSpec is validate_argument_spec (and the task a
// role with an argument spec starts with): the variables named by the
// spec's options, overridden by provided_arguments, checked against it as
// ansible-core's action plugin does.
func (r *run) actionValidateArgumentSpec(vars template.Vars, args map[string]any) *taskResult {
	raw, ok := args["argument_spec"]
	if !ok {
		return failed(`"argument_spec" arg is required in args: {}`)
	}
	spec, err := modules.ArgumentSpec(raw)
	if err != nil {
		return failed(err.Error())
	}
	values := map[string]any{}
	for _, p := range spec.Params {
		if v, err := r.opts.Engine.Expr(p.Name, vars); err == nil {
			values[p.Name] = unwrapUnsafe(v)
		}
	}
	if provided, ok := value.MapOf(args["provided_arguments"]); ok {
		maps.Copy(values, provided)
	}
	context := args["validate_args_context"]
	if context == nil {
		context = map[string]any{}
	}
	if errs := modules.ValidateArguments(spec, values); len(errs) > 0 {
		list := make([]any, len(errs))
		for i, e := range errs {
			list[i] = e
		}
		return &taskResult{status: output.Failed, result: map[string]any{
			"failed": true, "changed": false, "argument_errors": list, "argument_spec_data": raw,
			"validate_args_context": context,
			"msg":                   "Validation of arguments failed:\n" + strings.Join(errs, "\n"),
		}}
	}
	return &taskResult{status: output.OK, result: map[string]any{
		"changed": false, "msg": "The arg spec validation passed", "validate_args_context": context,
	}}
}

// debugVar is the value debug's var shows, as its action plugin finds
// it: the argument templated as a bare variable (wrapped in {{ }} when it
// has a filter or starts with a known variable's name, so that the
// result is text unless it is a lone variable or reads back as a list,
// dict or bool), and when that leaves it as it was, the argument as an
// expression; a value that is no string then is undefined.
func (r *run) debugVar(arg any, vars template.Vars) (any, error) {
	res, err := r.opts.Engine.Template(convertBare(arg, vars), vars)
	if err != nil {
		return nil, err
	}
	res = unwrapUnsafe(res)
	if !value.Equal(res, arg) {
		return res, nil
	}
	s, ok := res.(string)
	if !ok {
		return nil, template.UndefinedError("") // raised without a message
	}
	return r.opts.Engine.Template("{{"+s+"}}", vars)
}

// convertBare is ansible-core's Templar._convert_bare_variable.
func convertBare(v any, vars template.Vars) any {
	s, ok := v.(string)
	if !ok || strings.Contains(s, "{{") {
		return v
	}
	first := strings.Split(strings.Split(strings.Split(s, "|")[0], ".")[0], "[")[0]
	if _, known := vars.Lookup(first); known || strings.Contains(s, "|") {
		return "{{" + s + "}}"
	}
	return v
}

func (r *run) actionDebug(t *playbook.Task, vars template.Vars) *taskResult {
	res := map[string]any{"changed": false}
	if raw, ok := t.Args["var"]; ok {
		// Ansible templates a task's arguments before its action runs,
		// so var={{ name }} names what name holds.
		arg, err := r.opts.Engine.Template(raw, vars)
		if err != nil {
			return r.argsFailure(t, err)
		}
		arg = unwrapUnsafe(arg)
		v, err := r.debugVar(arg, vars)
		switch {
		case template.IsUndefined(err):
			v = "VARIABLE IS NOT DEFINED!"
			if r.opts.Verbosity > 0 {
				// The templar's AnsibleUndefinedVariable repeats its
				// cause; the plugin's own is raised without a message.
				msg := err.Error()
				if msg != "" {
					msg += ". " + msg
				}
				v = "VARIABLE IS NOT DEFINED!: " + msg
			}
		case err != nil:
			return r.failure(t, err)
		}
		key := value.Str(arg)
		switch arg.(type) {
		case []any:
			key = "<class 'list'>"
		case *value.Dict, map[string]any:
			key = "<class 'dict'>"
		}
		res[key] = unwrapUnsafe(v)
	} else {
		msg := any("Hello world!")
		if m, ok := t.Args["msg"]; ok {
			v, err := r.opts.Engine.Template(m, vars)
			if err != nil {
				return r.argsFailure(t, err)
			}
			msg = unwrapUnsafe(v)
			if msg == r.opts.Engine.Omit() {
				msg = "Hello world!" // an omitted msg is debug's default
			}
		}
		res["msg"] = msg
	}
	if v, ok := t.Args["verbosity"]; ok && intValue(v, 0) > r.opts.Verbosity {
		return &taskResult{status: output.Skipped, result: map[string]any{"changed": false, "skipped": true, "skipped_reason": "Verbosity threshold not met."}}
	}
	return &taskResult{status: output.OK, result: res, verboseAlways: true}
}

func unwrapUnsafe(v any) any {
	if u, ok := v.(template.Unsafe); ok {
		return u.V
	}
	return v
}

func (r *run) actionSetFact(h *hostState, args map[string]any) *taskResult {
	facts := map[string]any{}
	set := map[string]any{}
	cacheable := false
	for k, v := range args {
		if k == "cacheable" {
			var err error
			if cacheable, err = modules.ParseBool(v); err != nil {
				return failed(fmt.Sprintf("argument 'cacheable' is of type %T and we were unable to convert to bool: %v", v, err))
			}
			continue
		}
		if !isIdentifier(k) {
			return failed(fmt.Sprintf("The variable name '%s' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.", k))
		}
		// As ansible-core's set_fact (its issue 26756): the strings
		// true/false/yes/no, in any case, become booleans.
		if s, ok := v.(string); ok {
			switch strings.ToLower(s) {
			case "true", "yes":
				v = true
			case "false", "no":
				v = false
			}
		}
		facts[k] = v
		set[k] = template.Unsafe{V: v}
	}
	if len(facts) == 0 {
		return failed("No key/value pairs provided, at least one is required for this action to succeed")
	}
	h.setFacts(set)
	if cacheable {
		// As Ansible: the variables are set as by any set_fact, and
		// are host facts too (ansible_facts, the fact cache).
		h.addFacts(facts)
	}
	return &taskResult{status: output.OK, result: map[string]any{"changed": false, "ansible_facts": facts}}
}

func (r *run) actionAssert(t *playbook.Task, vars template.Vars) *taskResult {
	that := asList(t.Args["that"])
	if len(that) == 0 {
		return &taskResult{status: output.Failed, result: map[string]any{"changed": false, "failed": true, "msg": "conditional required in \"that\" string"}}
	}
	if msg := assertMsgTypeError(t.Args); msg != "" {
		return actionError(msg)
	}
	for _, c := range that {
		ok, err := r.condition(t, c, vars)
		if err != nil {
			// The action's own Conditional has no task position: the
			// error is the conditional's message alone.
			return actionError((&conditionalError{cond: fmt.Sprint(c), err: err}).message())
		}
		if !ok {
			msg := any("Assertion failed")
			for _, k := range []string{"fail_msg", "msg"} {
				if m, present := t.Args[k]; present {
					if v, err := r.opts.Engine.Template(m, vars); err == nil {
						msg = v
					}
					break
				}
			}
			return &taskResult{status: output.Failed, result: map[string]any{
				"changed": false, "failed": true, "assertion": c, "evaluated_to": false, "msg": msg,
			}}
		}
	}
	msg := any("All assertions passed")
	if m, ok := t.Args["success_msg"]; ok {
		if v, err := r.opts.Engine.Template(m, vars); err == nil {
			msg = v
		}
	}
	return &taskResult{status: output.OK, result: map[string]any{"changed": false, "msg": msg}}
}

// assertMsgTypeError is assert's refusal of a fail_msg (or msg) or
// success_msg that is neither a string nor a list of strings, "" when
// they are fine.
func assertMsgTypeError(args map[string]any) string {
	fail, ok := args["fail_msg"]
	if !ok {
		fail = args["msg"]
	}
	if m := msgTypeError(fail, "fail_msg or msg"); m != "" {
		return m
	}
	return msgTypeError(args["success_msg"], "success_msg")
}

func msgTypeError(v any, name string) string {
	switch m := v.(type) {
	case nil, string:
		return ""
	case []any:
		for _, x := range m {
			if _, ok := x.(string); !ok {
				return "Type of one of the elements in " + name + " list is not string type"
			}
		}
		return ""
	default:
		return fmt.Sprintf("Incorrect type for %s, expected a string or list and got <class '%s'>", name, value.TypeName(v))
	}
}

// actionError is an AnsibleError raised by an action plugin: the task
// executor reports only its message.
func actionError(msg string) *taskResult {
	return &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": msg}, aborted: true}
}

func (r *run) actionIncludeVars(h *hostState, t *playbook.Task, args map[string]any) *taskResult {
	file, _ := args["file"].(string)
	if file == "" {
		file, _ = args["_raw_params"].(string)
	}
	// loadFailure is include_vars's own failure, as Ansible reports a
	// file it could not load.
	loadFailure := func(msg string) *taskResult {
		return &taskResult{status: output.Failed, result: map[string]any{
			"changed": false, "failed": true, "message": msg,
			"ansible_facts": map[string]any{}, "ansible_included_var_files": []any{},
		}}
	}
	var files []string
	// dirFailure is a file of the directory with an extension not
	// allowed: Ansible fails there, keeping the variables of the
	// directories before that file's and listing every file it loaded.
	var dirFailure string
	keep := -1
	if dir, ok := args["dir"].(string); ok {
		var err error
		if files, keep, dirFailure, err = r.includeVarsDir(t, dir, args); err != nil {
			return failed(err.Error())
		}
	} else if file != "" {
		files = []string{r.findPath(t, "vars", file)}
	} else {
		return failed("No file was found when using include_vars")
	}
	loaded := value.NewDict(0)
	names := []any{}
	for i, f := range files {
		vars, err := playbook.LoadVarsFile(f)
		if err != nil {
			if os.IsNotExist(errors.Unwrap(err)) || os.IsNotExist(err) {
				// include_vars reports it under "message", with its
				// (empty) facts, as its action plugin does.
				return &taskResult{status: output.Failed, result: map[string]any{
					"failed": true, "changed": false, "ansible_facts": map[string]any{},
					"ansible_included_var_files": []any{}, "message": r.notFound(t, "vars", file).Error()}}
			}
			var nm *playbook.NotMappingError
			if errors.As(err, &nm) {
				abs, _ := filepath.Abs(nm.Path)
				return loadFailure(abs + " must be stored as a dictionary/hash")
			}
			return loadFailure(err.Error())
		}
		if dirFailure == "" || i < keep {
			for k, v := range vars.All() {
				loaded.Set(k, v)
			}
		}
		names = append(names, f)
	}
	if name, ok := args["name"].(string); ok && name != "" {
		loaded = value.DictOf(name, loaded)
	}
	if dirFailure != "" {
		return &taskResult{status: output.Failed, result: map[string]any{
			"changed": false, "failed": true, "message": dirFailure,
			"ansible_facts": loaded, "ansible_included_var_files": names,
		}}
	}
	h.addIncludeVars(loaded.Map())
	return &taskResult{status: output.OK, result: map[string]any{
		"changed": false, "ansible_facts": loaded, "ansible_included_var_files": names,
	}}
}

// includeVarsDir lists the files include_vars dir= loads, as Ansible's
// action does: the directory walked in sorted order down to depth (0 is
// all), hidden files and ignore_files skipped, files_matching applied,
// and each file's extension one of extensions (json, yaml, yml by
// default; ” for files without one). A file of another extension fails
// the task (msg) unless ignore_unknown_extensions.
//
// On a file of another extension, files are those loaded up to it, keep
// the number of them whose variables count (those of the directories
// before its), and msg Ansible's message.
func (r *run) includeVarsDir(t *playbook.Task, dir string, args map[string]any) (files []string, keep int, msg string, err error) {
	root := r.findPath(t, "vars", dir)
	if fi, statErr := os.Stat(root); statErr != nil || !fi.IsDir() {
		return nil, 0, "", fmt.Errorf("%s directory does not exist", dir)
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	exts := []string{"yaml", "yml", "json"}
	if v, ok := args["extensions"]; ok {
		exts = nil
		for _, e := range asList(v) {
			exts = append(exts, template.Str(e))
		}
	}
	var ignore []*regexp.Regexp
	for _, p := range asList(args["ignore_files"]) {
		re, err := regexp.Compile(template.Str(p) + "$")
		if err != nil {
			return nil, 0, "", fmt.Errorf("ignore_files: %v", err)
		}
		ignore = append(ignore, re)
	}
	var matching *regexp.Regexp
	if m, ok := args["files_matching"].(string); ok && m != "" {
		if matching, err = regexp.Compile(m); err != nil {
			return nil, 0, "", fmt.Errorf("files_matching: %v", err)
		}
	}
	depth := intValue(args["depth"], 0)
	ignoreUnknown, _ := modules.ParseBool(args["ignore_unknown_extensions"])
	var dirs []string
	walkErr := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			if rel != "." && depth > 0 && len(strings.Split(rel, string(filepath.Separator))) > depth-1 {
				return filepath.SkipDir
			}
			dirs = append(dirs, p)
		}
		return nil
	})
	if walkErr != nil {
		return nil, 0, "", walkErr
	}
	// os.walk's tuples sorted: directories in the order of their paths.
	sort.Strings(dirs)
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			return nil, 0, "", err
		}
		keep = len(files)
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasPrefix(name, ".") || slices.ContainsFunc(ignore, func(re *regexp.Regexp) bool { return re.MatchString(name) }) {
				continue
			}
			if matching != nil && !matching.MatchString(name) {
				continue
			}
			ext := strings.TrimPrefix(filepath.Ext(name), ".")
			if !slices.Contains(exts, ext) {
				if ignoreUnknown {
					continue
				}
				return files, keep, fmt.Sprintf("%s does not have a valid extension: %s", filepath.Join(d, name), strings.Join(exts, ", ")), nil
			}
			files = append(files, filepath.Join(d, name))
		}
	}
	return files, len(files), "", nil
}

// actionPause is ansible-core's pause action: it shows its prompt under
// the task's name, then waits its seconds (or minutes), or else for a
// line on the terminal. With stdin not a terminal it does not wait for
// input, with Ansible's warning, and still waits out a duration.
func (r *run) actionPause(ctx context.Context, t *playbook.Task, args map[string]any) *taskResult {
	echo := true
	if v, ok := args["echo"]; ok {
		echo, _ = value.ParseBool(v)
	}
	echoNote := ""
	if !echo {
		echoNote = " (output is hidden)"
	}
	text := "Press enter to continue, Ctrl+C to interrupt"
	if p, ok := args["prompt"]; ok && p != nil && template.Str(p) != "" {
		text = template.Str(p)
	}
	prompt := fmt.Sprintf("[%s]\n%s%s:", strings.TrimSpace(t.DisplayName()), text, echoNote)
	var seconds int
	unit := "minutes"
	for _, name := range []string{"minutes", "seconds"} {
		v, ok := args[name]
		if !ok || v == nil {
			continue
		}
		n, err := value.PyInt(v)
		if err != nil {
			return failed(fmt.Sprintf("argument '%s' is of type %s and we were unable to convert to int: %v", name, fmt.Sprintf("<class '%s'>", value.TypeName(v)), err))
		}
		seconds, unit = max(n, 1), name
		if name == "minutes" {
			seconds = max(n*60, 1)
		}
	}
	start := time.Now()
	var input string
	if seconds > 0 {
		r.opts.Out.Display(fmt.Sprintf("Pausing for %d seconds%s", seconds, echoNote))
		r.opts.Out.Display("(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r")
		if _, ok := args["prompt"]; ok {
			r.opts.Out.Display(prompt)
		}
		waitlock.Sleep(ctx, time.Duration(seconds)*time.Second)
	} else {
		r.opts.Out.Display(prompt)
		if !termio.IsTerminal(os.Stdin) {
			r.opts.Out.Warning("Not waiting for response to prompt as stdin is not interactive")
		} else {
			var err error
			if input, err = termio.ReadLine(os.Stdin, echo); err != nil {
				return failed(fmt.Sprintf("pause: reading the terminal: %v", err))
			}
		}
	}
	elapsed := time.Since(start).Seconds()
	shown := math.Round(elapsed*100) / 100
	if unit == "minutes" {
		shown = math.Round(elapsed/60*100) / 100
	}
	return &taskResult{status: output.OK, result: map[string]any{
		"changed": false, "delta": int(elapsed), "echo": echo, "rc": 0,
		"start": start.Format("2006-01-02 15:04:05.000000"), "stop": time.Now().Format("2006-01-02 15:04:05.000000"),
		"stderr": "", "stdout": fmt.Sprintf("Paused for %s %s", value.Repr(shown), unit), "user_input": input,
	}}
}

func failed(msg string) *taskResult {
	return &taskResult{status: output.Failed, result: map[string]any{"changed": false, "failed": true, "msg": msg}}
}

// searchDirs are the controller directories a relative path of the given
// kind (files, templates, vars) is looked up in, as Ansible does.
func (r *run) searchDirs(t *playbook.Task, kind string) []string {
	var dirs []string
	for p := t; p != nil; p = p.Parent {
		if p.Role != nil {
			dirs = append(dirs, filepath.Join(p.Role.Path, kind), p.Role.Path)
			break
		}
	}
	if t != nil && t.Pos.File != "" {
		taskDir := filepath.Dir(t.Pos.File)
		dirs = append(dirs, filepath.Join(taskDir, kind), taskDir)
	}
	dirs = append(dirs, filepath.Join(r.playbookDir, kind), r.playbookDir)
	return dirs
}

// notFound is Ansible's AnsibleFileNotFound for name, looked for as
// findPath looks: every path searched, absolute.
func (r *run) notFound(t *playbook.Task, kind, name string) error {
	nf := &modules.FileNotFoundError{Name: name}
	if !filepath.IsAbs(name) {
		for _, d := range r.searchDirs(t, kind) {
			p, err := filepath.Abs(filepath.Join(d, name))
			if err != nil {
				p = filepath.Join(d, name)
			}
			nf.Searched = append(nf.Searched, p)
		}
	}
	return nf
}

// findPath resolves a relative controller path, returning the first that
// exists (or the last candidate, for the error message).
func (r *run) findPath(t *playbook.Task, kind, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	var last string
	for _, d := range r.searchDirs(t, kind) {
		last = filepath.Join(d, name)
		if _, err := os.Stat(last); err == nil {
			return last
		}
	}
	return last
}

// runModule runs a module on the host (or the delegated host).
func (r *run) runModule(ctx context.Context, h *hostState, t *playbook.Task, vars template.Vars, args map[string]any, tr taskRun) *taskResult {
	m, ok := modules.Lookup(t.Action)
	if !ok && modules.KnownToAnsible(t.Action) {
		return failed(fmt.Sprintf("%s: the module %s is not supported by gansible yet", t.Pos, t.Action))
	}
	if !ok {
		return failed(fmt.Sprintf("The module %s was not found in configured module paths", t.Action))
	}
	written := t.Action
	if t.ActionWritten != "" {
		written = t.ActionWritten
	}
	if short := strings.TrimPrefix(strings.TrimPrefix(t.Action, "ansible.builtin."), "ansible.legacy."); short == "shell" {
		// As shell's action plugin, which runs the command module so.
		args["_uses_shell"] = true
	}
	checked, warnings, err := modules.Check(written, m, args)
	if err != nil {
		return withWarnings(failed(err.Error()), warnings)
	}
	secrets := modules.NoLogValues(m, args)
	given := args
	args = checked
	target := h
	connVars := vars
	if d := r.delegateName(h, t); d != "" && d != h.name {
		dh, ok := r.hosts[d]
		if !ok {
			dh = r.implicitHost(d)
		}
		target = dh
		connVars = r.taskScope(dh, t, nil)
	}
	conn, err := r.connFor(ctx, target, t, connVars)
	if err != nil {
		return r.failure(t, err)
	}
	conn = r.roundTrips.Counted(conn, target.name, t.DisplayName(), t)
	if r.opts.Verbosity >= 3 {
		// Traced per task, not per connection: no_log is the task's.
		censor := output.Censor{NoLog: r.noLogIn(t, vars)}
		conn = connection.Traced(conn, target.name, func(msg string) { r.opts.Out.Verbose(3, msg) }, censor)
	}
	become, err := r.become(t, vars)
	if err != nil {
		return r.failure(t, err)
	}
	env, err := r.environment(t, vars)
	if err != nil {
		return r.failure(t, err)
	}
	if env != "" {
		conn = envConn{Conn: conn, prefix: env}
	}
	mc := &modules.Context{
		Ctx:         ctx,
		Conn:        conn,
		Become:      become,
		TaskArgs:    given,
		Host:        h.name,
		CheckMode:   r.checkMode(t, vars),
		DiffMode:    r.diffMode(t, vars),
		PlaybookDir: r.playbookDir,
		FindFile: func(kind, name string) (string, error) {
			p := r.findPath(t, kind, name)
			if _, err := os.Stat(p); err != nil {
				return "", r.notFound(t, kind, name)
			}
			return p, nil
		},
		RenderTemplate: func(path string, syn template.Syntax) (string, error) {
			return r.renderTemplateFile(t, vars, path, args, syn)
		},
	}
	expanded, res, err := modules.ExpandPaths(mc, m, modules.Args(args))
	if err != nil {
		return r.failure(t, err)
	}
	if res == nil {
		if seconds, poll, _ := r.asyncSettings(t, vars); seconds > 0 {
			res, err = r.runAsync(ctx, h, mc, vars, seconds, poll, func(jc *modules.Context) (*modules.Result, error) {
				return m.Run(jc, expanded)
			})
		} else {
			res, err = m.Run(mc, expanded)
		}
		if err != nil {
			return r.failure(t, err)
		}
	}
	tres := r.moduleResult(r.factHost(h, t), t.Action, res, tr)
	if !actionPlugins[strings.TrimPrefix(strings.TrimPrefix(t.Action, "ansible.builtin."), "ansible.legacy.")] && !tr.gatherFacts {
		// What the module was called with, its defaults filled in, as
		// Ansible's modules report it: the callbacks show it at -vvv (and
		// json always); registering drops it from all but loop items.
		tres.result["invocation"] = map[string]any{"module_args": invocationArgs(checked)}
	}
	tres.result = argspec.Mask(tres.result, secrets).(map[string]any)
	return withWarnings(tres, warnings)
}

// actionPlugins are the modules that Ansible runs through an action
// plugin of the same name, which calls other modules on the host with
// arguments of its own making (copy's checksum, template's rendered
// source...): gansible reports no invocation for them rather than one
// that would differ.
var actionPlugins = map[string]bool{
	"copy": true, "template": true, "unarchive": true, "fetch": true, "assemble": true,
	"script": true, "service": true, "package": true, "yum": true, "reboot": true,
	"uri": true, "setup": true, "gather_facts": true, "raw": true,
}

// invocationArgs are a module's validated arguments without the
// controller's own internal ones.
func invocationArgs(args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		if !strings.HasPrefix(k, "_ansible") {
			out[k] = v
		}
	}
	return out
}

// withWarnings adds the warnings of a module's argument validation to its
// result, where Ansible's module puts them: the callback prints them
// before the result line and the registered result keeps them.
func withWarnings(res *taskResult, warnings []string) *taskResult {
	if len(warnings) == 0 {
		return res
	}
	list := make([]any, len(warnings))
	for i, w := range warnings {
		list[i] = w
	}
	if prev, ok := res.result["warnings"].([]any); ok {
		list = append(prev, list...)
	}
	res.result["warnings"] = list
	return res
}

// delegateFacts is the task's delegate_facts for h: a template is
// rendered with h's variables (vars, or h's task scope when nil) and read
// as a boolean, as ansible-core's post_validate does before the action.
func (r *run) delegateFacts(h *hostState, t *playbook.Task, vars template.Vars) (bool, error) {
	v, ok := r.chain(t).Value("delegate_facts")
	tmpl, isTmpl := v.(string)
	if !ok || !isTmpl {
		return v == true, nil
	}
	if vars == nil {
		vars = r.taskScope(h, t, nil)
	}
	rendered, err := r.opts.Engine.Template(tmpl, vars)
	if err != nil {
		return false, err
	}
	b, err := value.ParseBool(unwrapUnsafe(rendered))
	if err != nil {
		return false, fmt.Errorf("the field 'delegate_facts' has an invalid value (%s), and could not be converted to an bool.The error was: %v  %s", tmpl, err, value.ValidBooleans)
	}
	return b, nil
}

// factHost is the host whose facts a task's result sets: the delegated
// host with delegate_facts, else the host the task runs for.
func (r *run) factHost(h *hostState, t *playbook.Task) *hostState {
	if on, err := r.delegateFacts(h, t, nil); err != nil || !on {
		return h // an invalid value failed the task before its action
	}
	if d := r.delegateName(h, t); d != "" && d != h.name {
		if dh, ok := r.hosts[d]; ok {
			return dh
		}
	}
	return h
}

// moduleResult converts a module's Result to the result Ansible registers.
func (r *run) moduleResult(h *hostState, action string, res *modules.Result, tr taskRun) *taskResult {
	out := map[string]any{}
	for k, v := range res.Fields {
		out[k] = v
	}
	out["changed"] = res.Changed
	if res.Msg != "" {
		out["msg"] = res.Msg
	}
	if facts, ok := value.MapOf(out["ansible_facts"]); ok {
		facts = convertFacts(facts)
		if _, own := out["ansible_facts"].(map[string]any); own {
			// The result holds the facts as the host keeps them, not
			// the module's tree beside them while the task's output
			// waits for every host's.
			out["ansible_facts"] = facts
		}
		if tr.gatherFacts || action == "setup" || action == "ansible.builtin.setup" {
			// What smart gathering and the fact cache look for.
			facts = withKeys(facts, map[string]any{factsGathered: true})
		}
		h.addConvertedFacts(facts)
	}
	if _, own := out["diff"]; !own && len(res.Diff) > 0 {
		// A module that registers its diff itself (a dict, in Ansible's
		// key order) keeps it; res.Diff is then only what --diff shows.
		diffs := make([]any, len(res.Diff))
		for i, d := range res.Diff {
			diffs[i] = map[string]any{"before": d.Before, "after": d.After, "before_header": d.BeforeHeader, "after_header": d.AfterHeader}
		}
		out["diff"] = diffs
	}
	switch {
	case res.Failed:
		out["failed"] = true
		return &taskResult{status: output.Failed, result: out}
	case res.Skipped:
		out["skipped"] = true
		return &taskResult{status: output.Skipped, result: out}
	case res.Changed:
		return &taskResult{status: output.Changed, result: out}
	}
	if tr.gatherFacts {
		// Gathering Facts prints only "ok"; its result is large.
		out = map[string]any{"changed": false}
	}
	return &taskResult{status: output.OK, result: out}
}

// renderTemplateFile renders a template file on the controller with the
// task's variables and Ansible's template_* variables.
func (r *run) renderTemplateFile(t *playbook.Task, vars template.Vars, path string, args map[string]any, syn template.Syntax) (string, error) {
	data, err := vault.ReadRealFile(path)
	if err != nil {
		return "", err
	}
	full, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	src, _ := args["src"].(string)
	dest, _ := args["dest"].(string)
	extra, err := template.FileVars(src, full, dest, "Ansible managed", time.Now())
	if err != nil {
		return "", err
	}
	s := &scope{layers: append([]map[string]any{extra}, vars.(*scope).layers...)}
	name := path
	if rel, err := filepath.Rel(r.playbookDir, path); err == nil && !strings.HasPrefix(rel, "..") {
		name = rel
	}
	// Ansible's search path for includes: the task's, the playbook's and
	// the template's own directory, each with its templates/ first.
	srcDir := filepath.Dir(full)
	search := append(r.searchDirs(t, "templates"), filepath.Join(srcDir, "templates"), srcDir)
	text, err := r.opts.Engine.RenderFile(name, string(data), s, template.FileOptions{Syntax: syn, SearchPath: search})
	if err != nil {
		class, msg := template.FileException(err, string(data))
		return "", &pyException{class: class, text: msg}
	}
	return text, nil
}

// applyModuleDefaults adds to args the module_defaults of t's action that
// the task does not set. As ansible-core's get_action_args_with_defaults:
// the levels' mappings apply outermost first, a later entry for the
// action replacing an earlier one whole; the values are templated; an
// argument the task omits (default(omit)) stays omitted.
func (r *run) applyModuleDefaults(t *playbook.Task, vars template.Vars, args map[string]any) error {
	action := modules.ShortName(t.Action)
	var entry any
	for _, level := range r.chain(t).Extended("module_defaults") {
		for _, defaults := range level.([]any) {
			for name, v := range defaults.(*value.Dict).All() {
				if modules.ShortName(name) == action {
					entry = v
				}
			}
		}
	}
	if entry == nil {
		return nil
	}
	out, err := r.opts.Engine.Template(entry, vars)
	if err != nil {
		return err
	}
	defaults, ok := value.MapOf(out)
	if !ok {
		return fmt.Errorf("the module_defaults of %s must be a mapping, got %s", t.Action, template.Repr(out))
	}
	for k, v := range defaults {
		if _, set := args[k]; !set {
			args[k] = v
		}
	}
	return nil
}

// environment builds the "export K=V;" prefix of the task's environment
// keyword, inner blocks overriding outer ones.
func (r *run) environment(t *playbook.Task, vars template.Vars) (string, error) {
	merged := map[string]any{}
	for _, e := range r.chain(t).Extended("environment") {
		v, err := r.opts.Engine.Template(e, vars)
		if err != nil {
			return "", err
		}
		m, ok := value.MapOf(v)
		if !ok {
			return "", fmt.Errorf("environment must be a dictionary, got %s", template.Repr(v))
		}
		for k, x := range m {
			merged[k] = x
		}
	}
	if len(merged) == 0 {
		return "", nil
	}
	var b strings.Builder
	for _, k := range value.SortedKeys(merged) {
		if !isIdentifierPath(k) || strings.Contains(k, ".") {
			return "", fmt.Errorf("invalid environment variable name %q", k)
		}
		v := template.Str(merged[k])
		if strings.IndexByte(v, 0) >= 0 {
			// sh would drop it silently.
			return "", fmt.Errorf("environment variable %s contains a NUL byte", k)
		}
		fmt.Fprintf(&b, "%s=%s; export %s; ", k, shell.Quote(v), k)
	}
	return b.String(), nil
}

// envConn runs every command with an environment prefix.
type envConn struct {
	connection.Conn
	prefix string
}

func (c envConn) Run(ctx context.Context, cmd string, stdin io.Reader, b *connection.Become) (connection.Result, error) {
	return c.Conn.Run(ctx, c.prefix+cmd, stdin, b)
}

// diffText is the --diff text of a task's result. As Ansible's
// v2_on_file_diff, only a changed result shows its diff; a loop's items
// show theirs, each before its item's line, and the loop's own result
// none.
func diffText(res *taskResult) string {
	if changed, _ := res.result["changed"].(bool); res.looped || !changed {
		return ""
	}
	return resultDiff(res.result)
}

// resultDiff renders the diff entries of one module result: a list, or
// the one dict a module such as replace registers.
func resultDiff(result map[string]any) string {
	diffs, _ := result["diff"].([]any)
	if _, ok := value.MapOf(result["diff"]); ok {
		diffs = []any{result["diff"]}
	}
	var b strings.Builder
	for _, d := range diffs {
		m, _ := value.MapOf(d)
		_, hasBefore := m["before"]
		_, hasAfter := m["after"]
		if hasBefore && hasAfter {
			before, after := diffSide(m["before"]), diffSide(m["after"])
			bh, _ := m["before_header"].(string)
			ah, _ := m["after_header"].(string)
			b.WriteString(unifiedDiff(bh, ah, before, after))
		}
		// A diff the module prepared itself (git's, apt's plan), shown as
		// it is.
		if p, ok := m["prepared"].(string); ok {
			b.WriteString(p)
		}
	}
	return b.String()
}

// diffSide is one side of a diff as Ansible's callback shows it: a
// string as it is, a dict as _serialize_diff dumps it (sorted, indent 4).
func diffSide(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	if _, ok := value.MapOf(v); !ok {
		return value.Str(v)
	}
	text, err := value.JSON(value.Convert(v), value.JSONOptions{Indent: 4, SortKeys: true, ASCII: true, Separators: [2]string{",", ": "}})
	if err != nil {
		return value.Str(v)
	}
	return text + "\n"
}

// pythonKeywords are Python 3's keyword.kwlist, which ansible's
// isidentifier refuses as variable names.
var pythonKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true,
	"def": true, "del": true, "elif": true, "else": true, "except": true,
	"finally": true, "for": true, "from": true, "global": true, "if": true,
	"import": true, "in": true, "is": true, "lambda": true, "nonlocal": true,
	"not": true, "or": true, "pass": true, "raise": true, "return": true,
	"try": true, "while": true, "with": true, "yield": true,
}

// isIdentifier is ansible's isidentifier: an ASCII Python identifier that
// is no Python keyword.
func isIdentifier(s string) bool {
	if s == "" || pythonKeywords[s] {
		return false
	}
	for i, c := range s {
		if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}
