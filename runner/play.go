package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/termio"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
	"github.com/gansible/gansible/yamlvalue"
)

// runPlay runs one play; stop reports that the playbook must end here
// (every host of a batch failed, or any_errors_fatal / max_fail_percentage).
func (r *run) runPlay(ctx context.Context, play *playbook.Play, stats map[string]*output.Stats) (stop bool, err error) {
	r.play = play
	if play.Dir != "" {
		// An imported playbook's plays run in its directory, as
		// Ansible's loader basedir: playbook_dir, lookups, the local
		// connection's working directory.
		r.playbookDir, _ = filepath.Abs(play.Dir)
	}
	r.endPlay = false
	r.noMoreHostsShown = false
	r.playVarsFiles = nil
	r.playRoleVars, r.playRoleDefaults = map[string]any{}, map[string]any{}
	// The roles of roles: and of import_role are the play's roles: their
	// defaults and vars are seen by every task of the play.
	var addRoles func(tasks []*playbook.Task)
	addRoles = func(tasks []*playbook.Task) {
		for _, block := range tasks {
			if block.Role != nil && block.Synthetic {
				maps.Copy(r.playRoleDefaults, block.Role.Defaults)
				maps.Copy(r.playRoleVars, block.Role.Vars)
			}
			addRoles(block.Block)
			addRoles(block.Rescue)
			addRoles(block.Always)
		}
	}
	for _, section := range [][]*playbook.Task{play.Roles, play.PreTasks, play.Tasks, play.PostTasks} {
		addRoles(section)
	}
	defer func() { r.play = nil }()
	r.playRoleList, r.allRoleList = r.playRoleNames()
	if len(play.VarsPrompt) > 0 {
		if play, err = r.varsPrompt(play); err != nil {
			return false, err
		}
		r.play = play
	}

	hostsV, err := r.templatePlayValue(play.Hosts)
	if err != nil {
		if template.IsUndefined(err) {
			// ansible-core fails the play's validation: a parser error,
			// before the banner, with no recap.
			err := &ExitError{Code: ExitParser, Err: fmt.Errorf("%s: The field 'hosts' has an invalid value, which includes an undefined variable. The error was: %v", play.Pos, err)}
			r.failRun(err)
			return false, err
		}
		return false, fmt.Errorf("%s: %w", play.Pos, err)
	}
	if err := checkStaticVarsFiles(play); err != nil {
		r.failRun(err) // no recap either, as ansible-playbook
		return false, err
	}
	if play, err = r.postValidate(play); err != nil {
		r.failRun(err)
		return false, err
	}
	r.play = play
	// hosts may template to a list of patterns; the banner shows it as
	// Python prints a list.
	pattern := template.Str(hostsV)
	title := pattern
	if list, ok := hostsV.([]any); ok {
		parts := make([]string, len(list))
		for i, p := range list {
			parts[i] = template.Str(p)
		}
		pattern = strings.Join(parts, ",")
	}
	name := play.Name
	if name == "" {
		name = title
	} else if n, err := r.templatePlayString(name); err == nil {
		name = n
	}
	if !validOrder[play.Order] {
		// ansible-playbook fails before the play's banner, with the exit
		// code of bad options and no recap.
		err := &ExitError{Code: ExitOptions, Err: fmt.Errorf("Invalid 'order' specified for inventory hosts: %s", play.Order)}
		r.failRun(err)
		return false, err
	}
	if r.gatherTimeout, err = r.playGatherTimeout(play); err != nil {
		r.failRun(err)
		return false, err
	}
	// meta: end_host and clear_host_errors end hosts for one play only.
	for _, h := range r.hosts {
		h.ended = false
	}
	r.playPattern = pattern
	hosts, err := r.playHosts(pattern)
	if err != nil {
		r.opts.Out.Play(r.playStart(play, name))
		return false, fmt.Errorf("%s: %w", play.Pos, err)
	}
	hosts = orderHosts(hosts, play.Order)
	if len(hosts) == 0 {
		r.opts.Out.Play(r.playStart(play, name))
		r.opts.Out.NoHostsMatched()
		return false, nil
	}
	r.playHostNames = make([]any, len(hosts))
	for i, h := range hosts {
		r.playHostNames[i] = h.name
	}
	playBatches, err := batches(hosts, play.Serial)
	if err != nil {
		// ansible-core splits the hosts before the banner, and a
		// value int() refuses is an unexpected exception there.
		err = &ExitError{Code: ExitInternal, Err: fmt.Errorf("%s: serial: %w", play.Pos, err)}
		r.failRun(err)
		return false, err
	}
	// The first batch's banner: after vars_prompt, before anything that
	// can fail on the hosts' variables.
	r.warnReservedNames(play)
	r.opts.Out.Play(r.playStart(play, name))
	// As Ansible, the strategy plugin is loaded once the banner is out.
	if runs, exists := playbook.KnownStrategy(r.strategyName(play)); !runs {
		err := &ExitError{Code: ExitGeneral, Err: fmt.Errorf("%s: Invalid play strategy specified: %s", play.Pos, r.strategyName(play))}
		if exists {
			err.Err = fmt.Errorf("%s: the strategy plugin '%s' is not supported by gansible (only linear, free and host_pinned)", play.Pos, r.strategyName(play))
		}
		r.failRun(err)
		return false, err
	}
	if err := r.loadVarsFiles(play, hosts); err != nil {
		return false, err
	}
	for _, h := range hosts {
		if _, ok := stats[h.name]; !ok {
			stats[h.name] = &h.stats
		}
	}

	for i, batch := range playBatches {
		if i > 0 {
			// Ansible starts the play anew, banner and all, for each
			// batch.
			r.warnReservedNames(play)
			r.opts.Out.Play(r.playStart(play, name))
		}
		r.batch = batch
		r.endBatch = false
		r.batchNames = make([]any, len(batch))
		for i, h := range batch {
			r.batchNames[i] = h.name
		}
		failedBefore := countFailed(batch)
		r.fatalFailure, r.fatalBreak = false, false
		for _, h := range batch {
			h.fatalFailed = false
		}
		groups := [][][]*playbook.Task{{play.PreTasks}, {play.Roles, play.Tasks}, {play.PostTasks}}
		if st := r.strategyName(play); st == "free" || st == "host_pinned" {
			r.runBatchFree(ctx, play, batch, groups, st == "host_pinned")
			if err := r.fatalErr(); err != nil {
				return true, err
			}
			if err := r.freeErr; err != nil {
				r.freeErr = nil
				return false, err
			}
			if ctx.Err() != nil {
				return true, nil
			}
			// Only a batch that failed entirely ends the playbook:
			// any_errors_fatal and max_fail_percentage do not apply.
			if countFailed(batch) == len(batch) && countFailed(batch) > failedBefore {
				return true, nil
			}
			if r.endPlay {
				break
			}
			continue
		}
		if r.gatherFacts(play) {
			r.runGatherFacts(ctx, batch)
			if play.AnyErrorsFatal != nil && *play.AnyErrorsFatal && countFailed(batch) > failedBefore {
				r.fatalFailure, r.fatalBreak = true, true
			}
			// Entries naming facts ("vars/{{ ansible_os_family }}.yml")
			// resolve now, as they do in Ansible once facts are there.
			if err := r.loadVarsFiles(play, batch); err != nil {
				return false, err
			}
		}
		// Handlers run after each of these groups of sections. With
		// force_handlers, ansible-core makes each group a block whose
		// always section flushes them, so the hosts that failed in the
		// group run theirs too, even when the play ends there.
		force := r.forceHandlers()
		for _, group := range groups {
			if r.ending() || ctx.Err() != nil {
				break
			}
			entered := alive(batch)
			stop := false
			for _, tasks := range group {
				r.runTasks(ctx, batch, tasks)
				if stop = r.breakPlay(batch); stop || r.ending() {
					break
				}
			}
			if r.ending() || ctx.Err() != nil {
				break
			}
			if force && !r.fatalBreak {
				// any_errors_fatal fails every host at once, handlers
				// and all, even with force_handlers.
				r.flushHandlers(ctx, entered)
			} else if !stop {
				r.flushHandlers(ctx, batch)
			}
			if stop {
				break
			}
		}
		if err := r.fatalErr(); err != nil {
			return true, err
		}
		if ctx.Err() != nil {
			return true, nil
		}
		// Hosts any_errors_fatal failed end the playbook here, even
		// those that went on with the play.
		if r.fatalFailure || r.breakPlay(batch) || (countFailed(batch) == len(batch) && countFailed(batch) > failedBefore) {
			return true, nil
		}
		if r.endPlay {
			break // meta: end_play ends the batches to come too
		}
	}
	return false, nil
}

// ending reports that the tasks of the batch stop here: meta: end_play,
// end_batch, or an error that ends the run.
func (r *run) ending() bool { return r.endPlay || r.endBatch }

// breakPlay reports whether the play must stop: any_errors_fatal with a
// failure, max_fail_percentage exceeded, or no host left.
func (r *run) breakPlay(batch []*hostState) bool {
	failed := countFailed(batch)
	if failed == 0 {
		return false
	}
	if r.fatalBreak {
		return true
	}
	if r.maxFailExceeded(batch) {
		return true
	}
	return countAlive(batch) == 0
}

// maxFailExceeded reports whether the batch's failures are past the
// play's max_fail_percentage. As ansible-core's linear strategy, it counts
// the hosts the strategy holds failed (fatalFailed): not those on their
// way to a rescue or always section, nor the unreachable ones.
func (r *run) maxFailExceeded(batch []*hostState) bool {
	// With force_handlers, ansible-core 2.14 counts a host failed only
	// once it has flushed its handlers, which is past the check: the
	// percentage never ends the play.
	p := r.play.MaxFailPercentage
	if p == nil || r.forceHandlers() {
		return false
	}
	failed := 0
	for _, h := range batch {
		if h.fatalFailed {
			failed++
		}
	}
	return float64(failed)*100/float64(len(batch)) > *p
}

// countFailed counts the failed and unreachable hosts; hosts that meta:
// end_host ended are neither.
func countFailed(hosts []*hostState) int {
	n := 0
	for _, h := range hosts {
		if h.failed || h.unreachable {
			n++
		}
	}
	return n
}

func countAlive(hosts []*hostState) int { return len(alive(hosts)) }

// postValidate is the play with its templated keywords decided, as
// ansible-core's post_validate of the play templates them with the
// play's variables before its banner; an undefined variable or a value
// of the wrong type is a parser error there. The play is copied, not
// changed: the keywords are decided anew each time it runs.
func (r *run) postValidate(play *playbook.Play) (*playbook.Play, error) {
	serial := slices.ContainsFunc(play.Serial, func(v any) bool {
		s, ok := v.(string)
		return ok && playbook.IsTemplate(s)
	})
	if len(play.Templated) == 0 && !serial && !playbook.IsTemplate(play.Strategy) && !playbook.IsTemplate(play.Order) {
		return play, nil
	}
	p := *play
	r.play = &p
	field := func(name, tmpl string) (any, error) {
		v, err := r.templatePlayValue(tmpl)
		if err == nil {
			return v, nil
		}
		if template.IsUndefined(err) {
			return nil, &ExitError{Code: ExitParser, Err: fmt.Errorf("%s: The field '%s' has an invalid value, which includes an undefined variable. The error was: %v", play.Pos, name, err)}
		}
		return nil, fmt.Errorf("%s: %w", play.Pos, err)
	}
	convertErr := func(name, tmpl, isa string, err error) error {
		return &ExitError{Code: ExitParser, Err: fmt.Errorf("%s: the field '%s' has an invalid value (%s), and could not be converted to an %s.The error was: %v", play.Pos, name, tmpl, isa, err)}
	}
	for _, s := range []struct {
		name string
		dst  *string
	}{{"strategy", &p.Strategy}, {"order", &p.Order}} {
		if !playbook.IsTemplate(*s.dst) {
			continue
		}
		v, err := field(s.name, *s.dst)
		if err != nil {
			return nil, err
		}
		*s.dst = template.Str(v)
	}
	if serial {
		p.Serial = slices.Clone(p.Serial)
		for i, e := range p.Serial {
			if s, ok := e.(string); ok && playbook.IsTemplate(s) {
				v, err := field("serial", s)
				if err != nil {
					return nil, err
				}
				p.Serial[i] = v
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(play.Templated)) {
		tmpl := play.Templated[name]
		v, err := field(name, tmpl)
		if err != nil {
			return nil, err
		}
		if name == "max_fail_percentage" {
			// Ansible's percent field: a number, or a string with
			// or without its % sign.
			f, ok := value.Float(v)
			if s, isStr := v.(string); isStr {
				var err error
				digits := strings.TrimSpace(strings.ReplaceAll(s, "%", ""))
				if f, err = strconv.ParseFloat(digits, 64); err != nil {
					return nil, convertErr(name, tmpl, "percent", fmt.Errorf("could not convert string to float: '%s'", digits))
				}
			} else if !ok {
				return nil, convertErr(name, tmpl, "percent", fmt.Errorf("float() argument must be a string or a number, not '%s'", value.TypeName(v)))
			}
			p.MaxFailPercentage = &f
			continue
		}
		b, err := value.ParseBool(v)
		if err != nil {
			return nil, convertErr(name, tmpl, "bool", fmt.Errorf("%v  %s", err, value.ValidBooleans))
		}
		switch name {
		case "gather_facts":
			p.GatherFacts = &b
		case "force_handlers":
			p.ForceHandlers = &b
		case "any_errors_fatal":
			p.AnyErrorsFatal = &b
		default:
			return nil, fmt.Errorf("%s: internal error: no field for the templated play keyword %s", play.Pos, name)
		}
	}
	return &p, nil
}

// templatePlayString templates a play-level string with extra vars and play
// vars only, as Ansible does for hosts and name.
func (r *run) templatePlayString(s string) (string, error) {
	v, err := r.templatePlayValue(s)
	if err != nil {
		return "", err
	}
	return template.Str(v), nil
}

// templatePlayValue is templatePlayString keeping the value's type.
func (r *run) templatePlayValue(s string) (any, error) {
	vars := &scope{}
	vars.push(r.opts.ExtraVars)
	if r.play != nil {
		vars.push(r.play.Vars)
	}
	vars.push(map[string]any{"groups": r.groups, "omit": r.opts.Engine.Omit(), "playbook_dir": r.playbookDir})
	v, err := r.opts.Engine.Template(s, vars)
	if err != nil {
		return nil, err
	}
	return unwrapUnsafe(v), nil
}

// varsPrompt asks for the play's vars_prompt variables and returns the
// play with them among its vars, as ansible-core's playbook executor
// does before it templates the play's keywords (hosts included): each
// entry is templated with the play's variables, and a name that -e gives
// is not asked for. On a terminal the user types the value (hidden when
// private, twice with confirm); otherwise Ansible warns that it is not
// prompting. An empty answer takes the default, and a missing one
// without a default is the text None, as Python's to_text(None).
func (r *run) varsPrompt(play *playbook.Play) (*playbook.Play, error) {
	p := *play
	p.Vars = maps.Clone(play.Vars)
	if p.Vars == nil {
		p.Vars = map[string]any{}
	}
	field := func(m map[string]any, key string) (any, error) {
		v, ok := m[key]
		if s, isStr := v.(string); ok && isStr && playbook.IsTemplate(s) {
			return r.templatePlayValue(s)
		}
		return v, nil
	}
	for _, entry := range play.VarsPrompt {
		m, _ := value.MapOf(entry)
		var e struct{ name, prompt, def, private, confirm, encrypt, saltSize, salt, unsafe any }
		for _, f := range []struct {
			key string
			dst *any
		}{{"name", &e.name}, {"prompt", &e.prompt}, {"default", &e.def}, {"private", &e.private},
			{"confirm", &e.confirm}, {"encrypt", &e.encrypt}, {"salt_size", &e.saltSize}, {"salt", &e.salt},
			{"unsafe", &e.unsafe}} {
			v, err := field(m, f.key)
			if err != nil {
				return nil, fmt.Errorf("%s: vars_prompt: %w", play.Pos, err)
			}
			*f.dst = v
		}
		name := template.Str(e.name)
		if _, ok := r.opts.ExtraVars[name]; ok {
			continue
		}
		private := true
		if e.private != nil {
			private, _ = value.ParseBool(e.private)
		}
		confirm := false
		if e.confirm != nil {
			confirm, _ = value.ParseBool(e.confirm)
		}
		var answer any
		if termio.IsTerminal(os.Stdin) {
			prompt := template.Str(e.prompt)
			if e.prompt == nil {
				prompt = name
			}
			msg := "input for " + name + ": "
			switch {
			case prompt != "" && e.def != nil:
				msg = fmt.Sprintf("%s [%s]: ", prompt, value.Str(e.def))
			case prompt != "":
				msg = prompt + ": "
			}
			typed, err := termio.Prompt(os.Stdin, os.Stdout, msg, private, confirm)
			if err != nil {
				return nil, fmt.Errorf("%s: vars_prompt %q: %w", play.Pos, name, err)
			}
			answer = typed
		} else {
			r.warnOnce("Not prompting as we are not in interactive mode")
		}
		if !value.Truthy(answer) && e.def != nil {
			answer = e.def
		}
		var v any = value.Str(answer)
		if value.Truthy(e.encrypt) {
			hashed, err := encryptAnswer(value.Str(answer), e.encrypt, e.salt, e.saltSize)
			if err != nil {
				return nil, &ExitError{Code: ExitGeneral, Err: fmt.Errorf("%s: vars_prompt %q: %w", play.Pos, name, err)}
			}
			v = hashed
		}
		if value.Truthy(e.unsafe) {
			v = template.Unsafe{V: v}
		}
		p.Vars[name] = v
	}
	return &p, nil
}

// checkStaticVarsFiles reads the play's vars_files before its banner:
// ansible-playbook reads them to compute the play's variables before
// printing it, so a missing vault secret or a file that is not YAML ends
// the run with no PLAY line. Names still to be templated are left to
// loadVarsFiles.
func checkStaticVarsFiles(play *playbook.Play) error {
	for _, entry := range play.VarsFiles {
		candidates, ok := entry.([]any)
		if !ok {
			candidates = []any{entry}
		}
		for _, c := range candidates {
			path, ok := c.(string)
			if !ok || strings.Contains(path, "{{") {
				break
			}
			if !filepath.IsAbs(path) {
				path = filepath.Join(play.Dir, path)
			}
			if _, err := os.Stat(path); err != nil {
				continue
			}
			var ve *vault.Error
			if _, err := vault.ReadFile(path); errors.As(err, &ve) {
				return &ExitError{Code: ExitGeneral, Err: err}
			}
			if _, err := playbook.LoadPlayVarsFile(path); err != nil {
				return varsFileError(err)
			}
			break
		}
	}
	return nil
}

// varsFileError is the exit a vars_files entry that cannot be read ends
// the run with: a parser error, but for content that is no variables.
func varsFileError(err error) error {
	var ce *playbook.VarsFileContentError
	if errors.As(err, &ce) {
		return &ExitError{Code: ExitGeneral, Err: err}
	}
	return ParserError(err)
}

// loadVarsFiles reads the play's vars_files for each host, as Ansible's
// variable manager does: each entry is templated with the host's
// variables, and an entry that is a list names alternatives, of which the
// first that exists is read. An entry that needs a variable not defined
// yet is skipped, as Ansible skips it before facts are gathered; it is
// read again once they are.
func (r *run) loadVarsFiles(play *playbook.Play, hosts []*hostState) error {
	if r.playVarsFiles == nil {
		r.playVarsFiles = make(map[string]map[string]any, len(hosts))
	}
	if len(play.VarsFiles) == 0 {
		return nil
	}
	files := map[string]map[string]any{} // each file read once
	for _, h := range hosts {
		merged := map[string]any{}
		vars := r.varsFilesScope(h)
		for _, entry := range play.VarsFiles {
			candidates, isList := entry.([]any)
			if !isList {
				candidates = []any{entry}
			}
			found, undefined := false, false
			var tried []string
			for _, c := range candidates {
				v, err := r.opts.Engine.Template(c, vars)
				if template.IsUndefined(err) {
					// As Ansible: an undefined variable skips the whole
					// entry while the host's facts are not gathered, and
					// is an error once they are.
					if h.snapshot().facts["module_setup"] == true {
						return &ExitError{Code: ExitGeneral, Err: fmt.Errorf("%s: an undefined variable was found when attempting to template the vars_files item '%v'", play.Pos, entry)}
					}
					undefined = true
					break
				}
				if err != nil {
					return fmt.Errorf("%s: vars_files: %w", play.Pos, err)
				}
				path := fmt.Sprint(unwrapUnsafe(v))
				if !filepath.IsAbs(path) {
					path = filepath.Join(play.Dir, path)
				}
				tried = append(tried, path)
				loaded, ok := files[path]
				if !ok {
					if _, err := os.Stat(path); err != nil {
						continue
					}
					d, err := playbook.LoadPlayVarsFile(path)
					if err != nil {
						return varsFileError(err)
					}
					// A set of variables, looked up by name.
					loaded = d.Map()
					files[path] = loaded
				}
				maps.Copy(merged, loaded)
				found = true
				break
			}
			switch {
			case found, undefined:
			case len(tried) > 0:
				return &ExitError{Code: ExitGeneral, Err: fmt.Errorf("%s: vars file %s was not found", play.Pos, tried[0])}
			}
		}
		r.playVarsFiles[h.name] = merged
	}
	return nil
}

// varsFilesScope is what vars_files entries are templated with: the
// host's variables and the play's.
func (r *run) varsFilesScope(h *hostState) *scope {
	s := &scope{}
	s.push(r.magicVars(h, nil))
	s.push(r.opts.ExtraVars)
	hv := h.snapshot()
	s.push(hv.setFacts)
	s.push(hv.includeVars)
	s.push(r.play.Vars)
	s.push(hv.factVars)
	s.push(h.inventoryVars)
	return s
}

func (r *run) gatherFacts(play *playbook.Play) bool {
	if play.GatherFacts != nil {
		return *play.GatherFacts
	}
	return r.opts.Gathering != "explicit"
}

// playGatherTimeout templates and converts the play's gather_timeout as
// ansible-core validates the play when it starts: a value that is no
// integer fails the run there, with no recap.
func (r *run) playGatherTimeout(play *playbook.Play) (int, error) {
	if play.GatherTimeout == nil {
		return 0, nil
	}
	v := play.GatherTimeout
	if s, ok := v.(string); ok {
		var err error
		if v, err = r.templatePlayValue(s); err != nil {
			return 0, &ExitError{Code: ExitParser, Err: fmt.Errorf("%s: %w", play.Pos, err)}
		}
	}
	switch x := v.(type) {
	case int:
		return x, nil
	case bool:
		return map[bool]int{false: 0, true: 1}[x], nil
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			return n, nil
		}
	}
	s := template.Str(v)
	return 0, &ExitError{Code: ExitParser, Err: yamlvalue.Errorf(play.Pos, "the field 'gather_timeout' has an invalid value (%s), and could not be converted to an int.The error was: invalid literal for int() with base 10: %s", s, value.Repr(s))}
}

// runGatherFacts is the implicit "Gathering Facts" task.
func (r *run) runGatherFacts(ctx context.Context, hosts []*hostState) {
	setup := &playbook.Task{Name: "Gathering Facts", Action: "setup", Args: map[string]any{}, Pos: r.play.Pos}
	// The play's gather options, as ansible-core's play iterator passes
	// them to its setup task.
	if r.play.GatherSubset != nil {
		setup.Args["gather_subset"] = r.play.GatherSubset
	}
	if r.play.GatherTimeout != nil {
		setup.Args["gather_timeout"] = r.gatherTimeout
	}
	if r.play.FactPath != "" {
		setup.Args["fact_path"] = r.play.FactPath
	}
	if r.opts.Gathering == "smart" {
		var need []*hostState
		for _, h := range hosts {
			gathered := h.snapshot().facts[factsGathered] == true
			if !gathered {
				need = append(need, h)
			}
		}
		hosts = need
	}
	if len(hosts) == 0 {
		return
	}
	start := r.taskStart(setup, "Gathering Facts", false, hosts)
	start.Action = "gather_facts" // the implicit task's action in Ansible
	r.opts.Out.Task(start)
	if r.free {
		defer r.freeSlot(ctx, setup, 0)()
	}
	r.forEachHost(hosts, func(h *hostState) func() {
		return r.execTask(ctx, h, setup, taskRun{gatherFacts: true})
	})
}

// flushHandlers runs the notified handlers, in the order they are defined,
// on the hosts that notified them, until none is left notified.
func (r *run) flushHandlers(ctx context.Context, hosts []*hostState) {
	force := r.forceHandlers()
	for {
		ran := false
		for _, hd := range r.play.Handlers {
			var notified []*hostState
			for _, h := range hosts {
				if h.notified[hd] {
					delete(h.notified, hd)
					if h.alive() || force && h.failed && !h.unreachable && !h.ended {
						notified = append(notified, h)
					}
				}
			}
			if len(notified) == 0 {
				continue
			}
			ran = true
			r.runTask(ctx, notified, hd, true)
			if countFailed(notified) > 0 && !r.free && r.anyErrorsFatal(hd) {
				r.fatalFailure, r.fatalBreak = true, true
			}
		}
		if !ran {
			return
		}
	}
}

// forceHandlers is the play's force_handlers, or else the run's.
func (r *run) forceHandlers() bool {
	if r.play.ForceHandlers != nil {
		return *r.play.ForceHandlers
	}
	return r.opts.ForceHandlers
}

// notify marks the handlers a changed task notifies, by name or listen topic.
func (r *run) notify(h *hostState, t *playbook.Task, vars template.Vars) error {
	for _, raw := range taskNotify(t) {
		nameV, err := r.opts.Engine.Template(raw, vars)
		if err != nil {
			return err
		}
		name := fmt.Sprint(nameV)
		found := false
		if hd := r.handlerNamed(name); hd != nil {
			h.notified[hd] = true
			found = true
		}
		for _, hd := range r.play.Handlers {
			if slices.Contains(hd.Listen, name) {
				h.notified[hd] = true
				found = true
			}
		}
		if !found {
			if r.opts.WarnMissingHandler {
				r.opts.Out.Warning((&unknownHandlerError{name}).Error())
				continue
			}
			return &unknownHandlerError{name}
		}
	}
	return nil
}

// warnReservedNames is ansible-core's warning, before each batch's
// banner, for a variable of the play (extra vars, play vars, the roles'
// defaults and vars) named as a keyword or a template global. Ansible
// checks the variables of static vars_files too; gansible reads those
// per host after the banner, so their names are not checked.
func (r *run) warnReservedNames(play *playbook.Play) {
	names := map[string]bool{}
	sources := []map[string]any{r.opts.ExtraVars, play.Vars, r.playRoleDefaults, r.playRoleVars}
	// The vars: of a roles: entry or an import_role are the role's too.
	var entries func(tasks []*playbook.Task)
	entries = func(tasks []*playbook.Task) {
		for _, b := range tasks {
			if b.Role != nil && b.Synthetic {
				sources = append(sources, b.Vars)
			}
			entries(b.Block)
		}
	}
	for _, section := range [][]*playbook.Task{play.Roles, play.PreTasks, play.Tasks, play.PostTasks} {
		entries(section)
	}
	for _, vars := range sources {
		for name := range vars {
			if name != "vars" && (playbook.IsReserved(name) || template.IsGlobal(name)) {
				names[name] = true
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		r.opts.Out.Warning("Found variable using reserved name: " + name)
	}
}

// taskNotify is the task's notify, or else the one of the import_tasks
// or import_role it came from, which its tasks inherit.
func taskNotify(t *playbook.Task) []string {
	v, _ := t.Chain(nil).Value("notify")
	notify, _ := v.([]string)
	return notify
}

// handlerNamed is the handler a notify of name runs, as ansible-core's
// search_handler_blocks_by_name finds it: in the last section that has
// one so named (the play's own handlers come after its roles'), the
// first there.
func (r *run) handlerNamed(name string) *playbook.Task {
	for i := len(r.play.Handlers) - 1; i >= 0; i-- {
		last := r.play.Handlers[i]
		if !r.isHandlerNamed(last, name) {
			continue
		}
		for _, hd := range r.play.Handlers[:i+1] {
			if hd.Role == last.Role && r.isHandlerNamed(hd, name) {
				return hd
			}
		}
	}
	return nil
}

// isHandlerNamed reports whether a notify of name means hd, by its name
// or its role-qualified name.
func (r *run) isHandlerNamed(hd *playbook.Task, name string) bool {
	own, ok := r.handlerName(hd)
	return ok && own != "" && (own == name || (hd.Role != nil && hd.Role.Name+" : "+own == name))
}

// handlerName is hd's name as a notify matches it: a templated name is
// rendered once with the play's variables (no host's), as ansible-core
// caches it. A name that cannot be rendered matches nothing; without a
// listen topic the handler is unusable, which Ansible warns of.
func (r *run) handlerName(hd *playbook.Task) (string, bool) {
	if !playbook.IsTemplate(hd.Name) {
		return hd.Name, true
	}
	r.handlerNamesMu.Lock()
	defer r.handlerNamesMu.Unlock()
	if name, ok := r.handlerNames[hd]; ok {
		return name, true
	}
	v, err := r.templatePlayValue(hd.Name)
	if err != nil {
		if template.IsUndefined(err) && len(hd.Listen) == 0 {
			// The templar's AnsibleUndefinedVariable repeats its cause.
			r.warnOnce(fmt.Sprintf("Handler '%s' is unusable because it has no listen topics and the name could not be templated (host-specific variables are not supported in handler names). The error: %v. %v", hd.Name, err, err))
		}
		return "", false
	}
	if r.handlerNames == nil {
		r.handlerNames = map[*playbook.Task]string{}
	}
	r.handlerNames[hd] = template.Str(v)
	return r.handlerNames[hd], true
}

// unknownHandlerError is a notify naming no handler. Ansible raises it in
// its strategy, which ends the whole run (exit 1, no recap).
type unknownHandlerError struct{ name string }

func (e *unknownHandlerError) Error() string {
	return "The requested handler '" + e.name + "' was not found in either the main handlers list nor in the listening handlers list"
}

// notifyFailed handles an error of notify for a result: an unknown handler
// ends the run and the result is not shown; any other error fails it.
func (r *run) notifyFailed(res *taskResult, err error) {
	var unknown *unknownHandlerError
	if errors.As(err, &unknown) {
		r.failRun(&ExitError{Code: ExitGeneral, Err: err})
		res.hidden = true
		return
	}
	failAfterRegister(res, err)
}

// orderHosts puts a play's hosts in the order its order keyword asks for:
// inventory order (the default), reversed, sorted by name, reverse
// sorted, or shuffled.
func orderHosts(hosts []*hostState, order string) []*hostState {
	out := slices.Clone(hosts)
	switch order {
	case "reverse_inventory":
		slices.Reverse(out)
	case "sorted":
		slices.SortStableFunc(out, func(a, b *hostState) int { return strings.Compare(a.name, b.name) })
	case "reverse_sorted":
		slices.SortStableFunc(out, func(a, b *hostState) int { return strings.Compare(b.name, a.name) })
	case "shuffle":
		rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out
}

// validOrder are the values of the order keyword ("" when it is absent).
var validOrder = map[string]bool{
	"": true, "inventory": true, "reverse_inventory": true, "sorted": true,
	"reverse_sorted": true, "shuffle": true,
}

// encryptAnswer is vars_prompt's encrypt: ansible-core's do_encrypt of
// the answer, with the entry's salt or salt_size.
func encryptAnswer(answer string, scheme, salt, saltSize any) (string, error) {
	size := -1
	if saltSize != nil {
		n, err := value.PyInt(saltSize)
		if err != nil {
			return "", err
		}
		size = n
	}
	var s string
	if value.Truthy(salt) {
		s = value.Str(salt)
	}
	return template.CryptHash(answer, value.Str(scheme), s, size)
}
