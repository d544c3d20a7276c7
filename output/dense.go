package output

import (
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Dense is community.general's dense stdout callback: one line per play,
// and one line per task that it rewrites in place with each host's
// state, kept on screen only when a host changed or failed. It draws
// with VT100 sequences (saved cursor, cleared lines) whether or not the
// output is a terminal, as dense.py writes them to sys.stdout directly;
// the default callback's own lines (warnings, "skipping: no hosts
// matched", diffs) come in between. At -v it also prints each changed or
// failed result and a summary; from -vv on, Ansible uses the default
// callback instead, and so does NewDense.
type Dense struct {
	*Default
	hosts      []denseHost // this task's hosts, in the order they reported
	keep       bool        // the task line stays: a host changed or failed
	shownTitle bool
	count      map[string]int
	kind       string // "task" or "handler"
	task       TaskStart
	opened     bool // the opening sequence is written
	diffBanner bool // the default callback's banner of this task is out, above a diff
}

type denseHost struct {
	name, state, delegate string
}

// vt100 sequences dense.py uses.
const (
	vtReset      = "\x1b[0;0m"
	vtSave       = "\x1b[s"
	vtRestore    = "\x1b[u"
	vtClearLine  = "\x1b[2K"
	vtBold       = "\x1b[1m"
	vtUnderline  = "\x1b[4m"
	vtLineWrap   = "\x1b[7h"
	vtNoLineWrap = "\x1b[7l"
	vtWhite      = "\x1b[1;37m"
	vtRedBg      = "\x1b[41m"
)

// denseColors are the states' colours, dense.py's own (not Ansible's
// color settings: they are written even with nocolor).
var denseColors = map[string]string{
	"ok":          "\x1b[0;32m",
	"changed":     "\x1b[0;33m",
	"skipped":     "\x1b[0;36m",
	"ignored":     "\x1b[46m" + "\x1b[1;31m",
	"failed":      "\x1b[0;31m",
	"unreachable": "\x1b[1;31m",
}

// denseStates orders the states a host goes through in one task (its
// loop items): a later one replaces an earlier one. ignored is not among
// them, as in dense.py, where it ranks as skipped.
var denseStates = map[string]int{"skipped": 0, "ok": 1, "changed": 2, "failed": 3, "unreachable": 4}

func denseRank(state string) int { return denseStates[state] }

// denseRemoved are the result keys dense.py drops before showing one.
var denseRemoved = []string{"delta", "end", "failed", "failed_when_result", "invocation", "start", "stdout_lines"}

// NewDense returns the dense callback, or, from -vv on, the default one.
// Its opening sequence comes with the first thing it writes.
func NewDense(out, errOut io.Writer, color bool, verbosity int) Callback {
	d := NewDefault(out, errOut, color, verbosity)
	if verbosity >= 2 {
		return d
	}
	return &Dense{Default: d, count: map[string]int{"play": 0, "handler": 0, "task": 0}, kind: "foo"}
}

func (c *Dense) write(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.opened {
		// dense.py's opening, written when Ansible loads it: after the
		// configuration's -v line, before the first play.
		c.opened = true
		s = vtReset + vtSave + vtClearLine + s
	}
	io.WriteString(c.out, s)
}

// leave ends the current line: a kept one moves on to a new line,
// otherwise it is cleared, then extra follows.
func (c *Dense) leave(extra string) {
	if c.verbosity == 0 && c.keep {
		c.write(vtRestore + vtReset + "\n" + vtSave + vtClearLine + extra)
	} else {
		c.write(vtRestore + vtReset + vtClearLine + extra)
	}
	c.keep = false
}

// Play writes "PLAY n: NAME", which stays.
func (c *Dense) Play(p PlayStart) {
	c.leave(vtBold)
	c.count["task"], c.count["handler"] = 0, 0
	c.count["play"]++
	name := strings.TrimSpace(p.Name)
	if name == "" {
		name = "unnamed"
	}
	c.write(fmt.Sprintf("PLAY %d: %s", c.count["play"], strings.ToUpper(name)) + vtRestore + vtReset + "\n" + vtSave + vtClearLine)
}

// Task starts "task n." (or "handler n."); the previous task's line
// stays behind it unless it was kept.
func (c *Dense) Task(t TaskStart) {
	switch {
	case c.verbosity == 0 && c.keep:
		c.write(vtRestore + vtReset + "\n" + vtSave + vtClearLine + vtUnderline)
	case t.Handler:
		c.write(vtRestore + vtReset + vtClearLine + vtUnderline)
	default:
		// dense.py leaves the previous output behind a task's prompt.
		c.write(vtRestore + vtReset + vtUnderline)
	}
	c.keep, c.shownTitle, c.diffBanner, c.hosts, c.task = false, false, false, nil, t
	c.kind = "task"
	if t.Handler {
		c.kind = "handler"
	}
	if t.Name != "setup" {
		c.count[c.kind]++
	}
	c.write(fmt.Sprintf("%s %d.", c.kind, c.count[c.kind]) + vtReset)
}

// Included: dense.py prints nothing for an include.
func (c *Dense) Included(IncludeEvent) {}

// Retry: dense.py does not override the default's retry line, but its
// line is drawn over: keep the default's.
func (c *Dense) Retry(host, task string, left int) { c.Default.Retry(host, task, left) }

// NoMoreHosts writes dense.py's banner for it.
func (c *Dense) NoMoreHosts() {
	c.leave("")
	c.write(vtWhite + vtRedBg + "NO MORE HOSTS LEFT" + vtRestore + vtReset + "\n" + vtSave + vtClearLine)
}

// Result updates the host's state on the task line; a loop's final
// result counts as one more report, as in dense.py.
func (c *Dense) Result(r HostResult) {
	if r.Diff != "" {
		// The default callback's diff, banner first (it has printed none
		// for this task), in bold.
		c.write(vtBold)
		if !c.diffBanner {
			c.diffBanner = true
			c.Default.Task(c.task)
		}
		c.Default.diff(Censor{NoLog: r.NoLog}.Diff(r.Diff))
		c.write(vtReset)
	}
	state := string(r.Status)
	switch {
	case r.Status == Skipped:
		state = "skipped"
	case r.Status == Failed && r.Ignored:
		state = "ignored"
	}
	c.addHost(r, state)
}

func (c *Dense) addHost(r HostResult, state string) {
	i := -1
	for j := range c.hosts {
		if c.hosts[j].name == r.Host {
			i = j
		}
	}
	if i < 0 {
		c.hosts = append(c.hosts, denseHost{name: r.Host, state: state})
		i = len(c.hosts) - 1
	} else if denseRank(c.hosts[i].state) < denseRank(state) {
		c.hosts[i].state = state
	}
	if r.Delegated != "" {
		// dense.py shows the delegate's address whenever the result
		// has delegated vars, even for a task delegated to its host.
		c.hosts[i].delegate = r.DelegatedHost
	}
	c.progress()
	if state == "changed" || state == "failed" || state == "unreachable" {
		c.keep = true
		if c.verbosity == 1 {
			c.banner()
			c.results(r, state)
		}
	}
}

// progress rewrites the task line: "task n:" and each host in its state's
// colour.
func (c *Dense) progress() {
	var b strings.Builder
	b.WriteString(vtRestore + vtReset + vtClearLine + vtNoLineWrap + vtUnderline)
	fmt.Fprintf(&b, "%s %d:", c.kind, c.count[c.kind])
	b.WriteString(vtReset)
	for _, h := range c.hosts {
		b.WriteString(" ")
		if h.delegate != "" {
			b.WriteString(h.delegate + ">")
		}
		b.WriteString(denseColors[h.state] + h.name + vtReset)
	}
	b.WriteString(vtLineWrap)
	c.write(b.String())
}

// banner writes the task's title once, at -v, above its results.
func (c *Dense) banner() {
	if !c.shownTitle {
		c.shownTitle = true
		c.write(vtRestore + vtReset + vtClearLine + vtUnderline +
			fmt.Sprintf("%s %d: %s", c.kind, c.count[c.kind], strings.TrimSpace(c.task.Name)) +
			vtRestore + vtReset + "\n" + vtSave + vtClearLine)
	} else {
		c.write(vtRestore + vtReset + vtClearLine)
	}
	c.keep = false
}

// results prints a changed or failed result at -v: "state: host: JSON";
// a loop's final result prints nothing, its items having printed theirs.
func (c *Dense) results(r HostResult, state string) {
	c.leave("")
	res := Censor{NoLog: r.NoLog}.Result(r.Result)
	shown := make(map[string]any, len(res))
	for k, v := range res {
		shown[k] = v
	}
	for _, k := range denseRemoved {
		delete(shown, k)
	}
	for k, v := range shown {
		// Empty strings, lists and dicts go.
		if rv := reflect.ValueOf(v); v != nil && (rv.Kind() == reflect.String || rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map) && rv.Len() == 0 {
			delete(shown, k)
		}
	}
	dump := ""
	switch state {
	case "ok":
		return
	case "ignored", "failed":
		if _, ok := shown["exception"]; ok {
			delete(shown, "exception")
			dump = "An exception occurred during task execution. To see the full traceback, use -vvv."
		}
	case "unreachable":
		dump, _ = shown["msg"].(string)
	}
	if dump == "" {
		indent := 0
		if r.Verbose {
			// _ansible_verbose_always (debug's results).
			indent = 4
		}
		dump = JSON(cleanResult(shown, c.verbosity), indent)
	}
	if _, ok := r.Result["results"]; ok && r.Looped {
		// CallbackBase._process_items only drops the items: each had its
		// own report.
	} else {
		host := r.Host
		var b strings.Builder
		b.WriteString(denseColors[state] + state + ": ")
		if r.Delegated != "" {
			b.WriteString(vtReset + r.Host + ">" + denseColors[state] + r.DelegatedHost)
		} else {
			b.WriteString(host)
		}
		b.WriteString(": " + dump + "\n" + vtReset + vtSave + vtClearLine)
		c.write(b.String())
	}
	if state == "changed" {
		if ws, ok := res["warnings"].([]any); ok {
			for _, w := range ws {
				c.Warning(fmt.Sprint(w))
			}
		}
	}
}

// Recap ends the last line; only at -v does a summary follow.
func (c *Dense) Recap(stats map[string]*Stats) {
	c.leave("")
	if c.verbosity == 0 {
		return
	}
	c.write(vtBold + vtUnderline + "SUMMARY" + vtRestore + vtReset + "\n" + vtSave + vtClearLine)
	for _, h := range sortedHosts(stats) {
		c.line(c.out, "", c.recapLine(h, stats[h], false))
	}
}

// Close writes what dense.py writes when it is destroyed, at the end of
// the run.
// Nothing when nothing was written: Ansible loads no stdout callback
// for a playbook that does not parse.
func (c *Dense) Close() {
	c.mu.Lock()
	opened := c.opened
	c.mu.Unlock()
	if opened {
		c.write(vtRestore + vtReset + "\n" + vtSave + vtClearLine)
	}
}
