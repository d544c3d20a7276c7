// Package output prints a playbook run the way Ansible's default callback
// does: banners, one line per host result, and the PLAY RECAP.
package output

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Status is the outcome of a task on a host.
type Status string

const (
	OK          Status = "ok"
	Changed     Status = "changed"
	Skipped     Status = "skipping"
	Failed      Status = "failed"
	Unreachable Status = "unreachable"
)

// HostResult is one line of output: a task's (or one loop item's) result on a host.
type HostResult struct {
	Host      string
	Delegated string // delegate_to host, printed as [host -> delegated]
	// DelegatedHost is the delegate's ansible_host (its name without
	// one), which the dense callback prints.
	DelegatedHost string
	Action        string // the task's module or action, as the task names it
	Status        Status
	Item          *string // the loop item label, for item lines
	Result        map[string]any
	Ignored       bool // failed with ignore_errors
	// Verbose asks for the result JSON even without -v (debug does this).
	Verbose bool
	// Debug marks results of the debug action, which show only what they
	// were asked to show.
	Debug bool
	// Looped marks the final result of a task with a loop: its items had
	// their own lines, so it prints only when it has no per-item results
	// left to show (a skipped loop, or a censored one).
	Looped bool
	// Diff is the --diff text printed before the result line.
	Diff string
	// Quiet keeps an ok result's JSON off the screen at any verbosity
	// (Ansible's _ansible_verbose_override, which the setup and
	// gather_facts actions set so that -v does not print every fact).
	Quiet bool
	// NoLog censors the line: see Censor.
	NoLog bool
	// TaskID is the TaskStart.ID of the task the result belongs to.
	TaskID any
	// Include marks an include_tasks or include_role task's own result,
	// which only callbacks that record every result (json) show: the
	// screen announces an include with its "included:" line instead.
	Include bool
}

// Stats are one host's PLAY RECAP counters.
type Stats struct {
	Ok, Changed, Unreachable, Failed, Skipped, Rescued, Ignored int
}

// Default is Ansible's default stdout callback.
type Default struct {
	mu        sync.Mutex
	out, err  io.Writer
	color     bool
	verbosity int
	// hideSkipped mirrors display_skipped_hosts = False.
	hideSkipped bool
	// dump formats a result after "=>": JSON, or the yaml callback's YAML.
	dump func(shown map[string]any, indent int) string
}

// NewDefault returns a callback writing to out (results) and errOut (warnings).
func NewDefault(out, errOut io.Writer, color bool, verbosity int) *Default {
	return &Default{out: out, err: errOut, color: color, verbosity: verbosity}
}

const (
	colorGreen     = "0;32"
	colorYellow    = "0;33"
	colorCyan      = "0;36"
	colorDarkGray  = "1;30"
	colorRed       = "0;31"
	colorBrightRed = "1;31"
	colorPurple    = "1;35"
	colorDarkPurp  = "0;35"
	colorBlue      = "0;34"
)

func (d *Default) paint(code, s string) string {
	if !d.color || code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (d *Default) line(w io.Writer, code, s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.color && code != "" {
		// Colour each line separately, as Ansible does, so pagers keep it.
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			lines[i] = d.paint(code, l)
		}
		s = strings.Join(lines, "\n")
	}
	fmt.Fprintln(w, s)
}

// banner prints "\nTITLE *****" padded to 80 columns.
func (d *Default) banner(title string) {
	title = strings.TrimSpace(title)
	stars := 79 - textWidth(title)
	if stars <= 3 {
		stars = 3
	}
	d.line(d.out, "", "\n"+title+" "+strings.Repeat("*", stars))
}

// Warning prints an Ansible [WARNING].
// As Ansible's display, it is wrapped to 79 columns.
func (d *Default) Warning(msg string) {
	d.line(d.err, colorPurple, strings.TrimSuffix(Wrap("[WARNING]: "+msg), "\n"))
}

// Deprecation prints an Ansible [DEPRECATION WARNING], wrapped as a
// warning is.
func (d *Default) Deprecation(msg string) {
	d.line(d.err, colorDarkPurp, strings.TrimSuffix(Wrap("[DEPRECATION WARNING]: "+msg), "\n"))
}

// DisplayError prints Ansible's display.error: "\n[ERROR]: msg" wrapped
// as a warning is, which turns the newline into the leading space.
func (d *Default) DisplayError(msg string) {
	d.line(d.err, colorRed, strings.TrimSuffix(Wrap(" [ERROR]: "+msg), "\n"))
}

// Error prints ERROR! msg.
func (d *Default) Error(msg string) {
	d.line(d.err, colorRed, "ERROR! "+msg)
}

// Verbose prints msg when the run's verbosity is at least level.
func (d *Default) Verbose(level int, msg string) {
	if d.verbosity >= level {
		d.line(d.out, colorBlue, msg)
	}
}

// Display prints msg uncoloured, with a newline unless it ends with one.
func (d *Default) Display(msg string) {
	d.line(d.out, "", strings.TrimSuffix(msg, "\n"))
}

// Play starts a play.
func (d *Default) Play(p PlayStart) { d.banner("PLAY [" + p.Name + "]") }

// NoHostsMatched follows a play banner whose pattern matched nothing.
func (d *Default) NoHostsMatched() { d.line(d.out, colorCyan, "skipping: no hosts matched") }

// NoMoreHosts is printed when every host of a play has failed.
func (d *Default) NoMoreHosts() { d.banner("NO MORE HOSTS LEFT") }

// Retry reports a failed attempt of a task with until.
func (d *Default) Retry(host, task string, left int) {
	d.line(d.out, colorDarkPurp, fmt.Sprintf("FAILED - RETRYING: [%s]: %s (%d retries left).", host, task, left))
}

// Task starts a task, or a handler: RUNNING HANDLER.
func (d *Default) Task(t TaskStart) {
	if t.Handler {
		d.banner("RUNNING HANDLER [" + t.Name + "]")
		return
	}
	d.banner("TASK [" + t.Name + "]")
}

// Included reports a dynamic include; noLog is the include task's.
func (d *Default) Included(inc IncludeEvent) {
	msg := "included: " + inc.File + " for " + strings.Join(inc.Hosts, ", ")
	if inc.Item != nil {
		msg += " => (item=" + Censor{NoLog: inc.NoLog}.IncludeItem(*inc.Item) + ")"
	}
	d.line(d.out, colorCyan, msg)
}

// Result prints one host result, censored when it is no_log.
// AsyncPoll is default.py's v2_runner_on_async_poll.
func (d *Default) AsyncPoll(host, jid string) {
	d.line(d.out, colorDarkGray, fmt.Sprintf("ASYNC POLL on %s: jid=%s started=1 finished=0", host, jid))
}

// AsyncDone is v2_runner_on_async_ok and v2_runner_on_async_failed.
func (d *Default) AsyncDone(host, jid string, failed bool) {
	word := "OK"
	if failed {
		word = "FAILED"
	}
	d.line(d.out, colorDarkGray, fmt.Sprintf("ASYNC %s on %s: jid=%s", word, host, jid))
}

func (d *Default) Result(r HostResult) {
	if r.Include {
		return
	}
	censor := Censor{NoLog: r.NoLog}
	shown := cleanResult(censor.Result(r.Result), d.verbosity)
	_, perItem := shown["results"]
	if r.Debug {
		cleanDebug(shown)
	}
	// debug's always-shown result is a property of the result, which no_log
	// replaces: a censored debug line prints JSON only with -v.
	verbose := r.Verbose && !r.NoLog
	d.diff(censor.Diff(r.Diff))
	host := r.Host
	if r.Delegated != "" && r.Delegated != r.Host {
		host += " -> " + r.Delegated
	}
	var item string
	if r.Item != nil {
		item = "(item=" + censor.Item(*r.Item) + ")"
	}
	// A failed debug loop is the exception: Ansible's callback cleans the
	// debug result (msg alone, no results) before it looks for items, so
	// the loop's own failure prints too.
	_, debugMsg := shown["msg"]
	if r.Looped && perItem && r.Status != Skipped && r.Status != Unreachable && !(r.Status == Failed && r.Debug && debugMsg) {
		if r.Status == Failed && r.Ignored {
			d.line(d.out, colorCyan, "...ignoring")
		}
		return
	}
	// A module's warnings print before its result line, as Ansible's
	// _handle_warnings, which then drops them from the shown result; an
	// item's ok line has none of its own.
	if r.Status == Failed || (r.Status == OK || r.Status == Changed) && item == "" {
		if ws, ok := shown["warnings"].([]any); ok {
			for _, w := range ws {
				d.Warning(fmt.Sprint(w))
			}
			delete(shown, "warnings")
		}
	}
	withJSON := func(prefix string, indent int) string {
		if r.Quiet || !verbose && d.verbosity == 0 {
			return prefix
		}
		if verbose || d.verbosity > 2 {
			indent = 4
		}
		return prefix + " => " + d.dumpResult(shown, indent)
	}
	switch r.Status {
	case OK, Changed:
		code := colorGreen
		if r.Status == Changed {
			code = colorYellow
		}
		prefix := string(r.Status) + ": [" + host + "]"
		if item != "" {
			prefix += " => " + item
		}
		d.line(d.out, code, withJSON(prefix, 0))
	case Skipped:
		if d.hideSkipped {
			return
		}
		// The callback's _process_items drops a loop's item results,
		// which their own lines showed, before the skipping line.
		delete(shown, "results")
		prefix := "skipping: [" + host + "]"
		if item != "" {
			// Ansible leaves a space after the item on skipped items.
			prefix += " => " + item + " "
		}
		if d.verbosity > 0 {
			d.line(d.out, colorCyan, prefix+" => "+d.dumpResult(shown, 0))
			return
		}
		d.line(d.out, colorCyan, prefix)
	case Failed:
		d.exception(shown)
		// Ansible's _dump_results indents a failure too when the
		// result is always verbose (a failed assert's).
		indent := 0
		if d.verbosity > 2 || verbose {
			indent = 4
		}
		if item != "" {
			d.line(d.out, colorRed, "failed: ["+host+"] "+item+" => "+d.dumpResult(shown, indent))
		} else {
			d.line(d.out, colorRed, "fatal: ["+host+"]: FAILED! => "+d.dumpResult(shown, indent))
		}
		if r.Ignored {
			d.line(d.out, colorCyan, "...ignoring")
		}
	case Unreachable:
		if item != "" {
			d.line(d.out, colorBrightRed, "fatal: ["+host+"]: UNREACHABLE! => "+item+" => "+d.dumpResult(shown, 0))
		} else {
			d.line(d.out, colorBrightRed, "fatal: ["+host+"]: UNREACHABLE! => "+d.dumpResult(shown, 0))
		}
		if r.Ignored {
			d.line(d.out, colorCyan, "...ignoring")
		}
	}
}

// dumpResult is the callback's _dump_results.
func (d *Default) dumpResult(shown map[string]any, indent int) string {
	if d.dump != nil {
		return d.dump(shown, indent)
	}
	return JSON(shown, indent)
}

// exception prints a failed result's exception as Ansible's
// _handle_exception does, and takes it out of the result shown (as
// _dump_results does): its last line below -vvv, all of it at -vvv.
func (d *Default) exception(shown map[string]any) {
	exc, ok := shown["exception"]
	if !ok {
		return
	}
	delete(shown, "exception")
	text := strings.TrimSpace(fmt.Sprint(exc))
	msg := "An exception occurred during task execution. "
	if d.verbosity < 3 {
		lines := strings.Split(text, "\n")
		msg += "To see the full traceback, use -vvv. The error was: " + lines[len(lines)-1]
	} else {
		msg = "The full traceback is:\n" + fmt.Sprint(exc)
	}
	d.line(d.out, colorRed, msg)
}

// diff prints a --diff block.
func (d *Default) diff(text string) {
	if text == "" {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		code := ""
		switch {
		case strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++"):
			code = colorGreen
		case strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---"):
			code = colorRed
		case strings.HasPrefix(l, "@@"):
			code = colorCyan
		}
		fmt.Fprintln(d.out, d.paint(code, l))
	}
}

// cleanResult is the copy of a result Ansible's callbacks print: without
// its internal keys, without failed and skipped (the status says them), and
// without the diff below -vvv.
func cleanResult(r map[string]any, verbosity int) map[string]any {
	out := make(map[string]any, len(r))
	for k, v := range r {
		if strings.HasPrefix(k, "_ansible") || k == "failed" || k == "skipped" {
			continue
		}
		if (k == "diff" || k == "invocation") && verbosity < 3 {
			continue
		}
		out[k] = v
	}
	return out
}

// debugKeys are the keys a debug result with msg keeps.
var debugKeys = map[string]bool{"msg": true, "exception": true, "warnings": true, "deprecations": true}

// debugHidden are the keys a debug result without msg (var=, or a
// censored result) drops.
var debugHidden = []string{"changed", "failed", "skipped", "invocation", "skip_reason"}

// cleanDebug makes a debug result show only what it was asked to show, as
// Ansible's callbacks do: msg alone, or the variable alone.
func cleanDebug(r map[string]any) {
	if _, ok := r["msg"]; ok {
		for k := range r {
			if !debugKeys[k] && !strings.HasPrefix(k, "_") {
				delete(r, k)
			}
		}
		return
	}
	for _, k := range debugHidden {
		delete(r, k)
	}
}

// Recap prints the PLAY RECAP for every host, sorted by name.
func (d *Default) Recap(stats map[string]*Stats) {
	d.banner("PLAY RECAP")
	for _, h := range sortedHosts(stats) {
		d.line(d.out, "", d.recapLine(h, stats[h], true))
	}
	d.line(d.out, "", "")
}

// sortedHosts are the hosts of a recap, sorted by name.
func sortedHosts(stats map[string]*Stats) []string {
	hosts := make([]string, 0, len(stats))
	for h := range stats {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	return hosts
}

// recapLine is one host's line of the recap, coloured as Ansible's; the
// dense callback's summary leaves out the skipped count.
func (d *Default) recapLine(h string, s *Stats, skipped bool) string {
	hostCode := colorGreen
	switch {
	case s.Failed > 0 || s.Unreachable > 0:
		hostCode = colorRed
	case s.Changed > 0:
		hostCode = colorYellow
	}
	name := fmt.Sprintf("%-26s", h)
	if d.color {
		name = fmt.Sprintf("%-37s", d.paint(hostCode, h))
	}
	field := func(lead string, n int, code string) string {
		text := fmt.Sprintf("%s=%-4d", lead, n)
		if n == 0 {
			code = ""
		}
		return d.paint(code, text)
	}
	fields := []string{name, ":",
		field("ok", s.Ok, colorGreen),
		field("changed", s.Changed, colorYellow),
		field("unreachable", s.Unreachable, colorBrightRed),
		field("failed", s.Failed, colorRed)}
	if skipped {
		fields = append(fields, field("skipped", s.Skipped, colorCyan))
	}
	fields = append(fields, field("rescued", s.Rescued, colorGreen), field("ignored", s.Ignored, colorPurple))
	return strings.Join(fields, " ")
}
