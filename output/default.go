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
	Status    Status
	Item      *string // the loop item label, for item lines
	Result    map[string]any
	Ignored   bool // failed with ignore_errors
	// Verbose asks for the result JSON even without -v (debug does this).
	Verbose bool
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
}

// NewDefault returns a callback writing to out (results) and errOut (warnings).
func NewDefault(out, errOut io.Writer, color bool, verbosity int) *Default {
	return &Default{out: out, err: errOut, color: color, verbosity: verbosity}
}

const (
	colorGreen     = "0;32"
	colorYellow    = "0;33"
	colorCyan      = "0;36"
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
	stars := 79 - len([]rune(title))
	if stars <= 3 {
		stars = 3
	}
	d.line(d.out, "", "\n"+title+" "+strings.Repeat("*", stars))
}

// Warning prints an Ansible [WARNING].
func (d *Default) Warning(msg string) {
	d.line(d.err, colorPurple, "[WARNING]: "+msg)
}

// Deprecation prints an Ansible [DEPRECATION WARNING].
func (d *Default) Deprecation(msg string) {
	d.line(d.err, colorDarkPurp, "[DEPRECATION WARNING]: "+msg)
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

// Play starts a play.
func (d *Default) Play(name string) { d.banner("PLAY [" + name + "]") }

// NoHostsMatched follows a play banner whose pattern matched nothing.
func (d *Default) NoHostsMatched() { d.line(d.out, colorCyan, "skipping: no hosts matched") }

// NoMoreHosts is printed when every host of a play has failed.
func (d *Default) NoMoreHosts() { d.banner("NO MORE HOSTS LEFT") }

// Retry reports a failed attempt of a task with until.
func (d *Default) Retry(host, task string, left int) {
	d.line(d.out, colorDarkPurp, fmt.Sprintf("FAILED - RETRYING: [%s]: %s (%d retries left).", host, task, left))
}

// Task starts a task; handler is true for RUNNING HANDLER.
func (d *Default) Task(name string, handler bool) {
	if handler {
		d.banner("RUNNING HANDLER [" + name + "]")
		return
	}
	d.banner("TASK [" + name + "]")
}

// Included reports a dynamic include.
func (d *Default) Included(file string, hosts []string, item *string) {
	msg := "included: " + file + " for " + strings.Join(hosts, ", ")
	if item != nil {
		msg += " => (item=" + *item + ")"
	}
	d.line(d.out, colorCyan, msg)
}

// Result prints one host result.
func (d *Default) Result(r HostResult) {
	host := r.Host
	if r.Delegated != "" && r.Delegated != r.Host {
		host += " -> " + r.Delegated
	}
	var item string
	if r.Item != nil {
		item = "(item=" + *r.Item + ")"
	}
	withJSON := func(prefix string, indent int) string {
		if !r.Verbose && d.verbosity == 0 {
			return prefix
		}
		shown := cleanResult(r.Result, d.verbosity)
		if r.Verbose {
			// debug shows only what it was asked to show.
			delete(shown, "changed")
		}
		if r.Verbose || d.verbosity > 2 {
			indent = 4
		}
		return prefix + " => " + JSON(shown, indent)
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
		prefix := "skipping: [" + host + "]"
		if item != "" {
			// Ansible leaves a space after the item on skipped items.
			prefix += " => " + item + " "
		}
		if d.verbosity > 0 {
			d.line(d.out, colorCyan, prefix+" => "+JSON(cleanResult(r.Result, d.verbosity), 0))
			return
		}
		d.line(d.out, colorCyan, prefix)
	case Failed:
		shown := cleanResult(r.Result, d.verbosity)
		indent := 0
		if d.verbosity > 2 {
			indent = 4
		}
		if item != "" {
			d.line(d.out, colorRed, "failed: ["+host+"] "+item+" => "+JSON(shown, indent))
		} else {
			d.line(d.out, colorRed, "fatal: ["+host+"]: FAILED! => "+JSON(shown, indent))
		}
		if r.Ignored {
			d.line(d.out, colorCyan, "...ignoring")
		}
	case Unreachable:
		shown := cleanResult(r.Result, d.verbosity)
		if item != "" {
			d.line(d.out, colorBrightRed, "fatal: ["+host+"]: UNREACHABLE! => "+item+" => "+JSON(shown, 0))
		} else {
			d.line(d.out, colorBrightRed, "fatal: ["+host+"]: UNREACHABLE! => "+JSON(shown, 0))
		}
		if r.Ignored {
			d.line(d.out, colorCyan, "...ignoring")
		}
	}
}

// Diff prints a --diff block.
func (d *Default) Diff(text string) {
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

// cleanResult drops Ansible's internal keys before printing.
func cleanResult(r map[string]any, verbosity int) map[string]any {
	out := make(map[string]any, len(r))
	for k, v := range r {
		if strings.HasPrefix(k, "_ansible") {
			continue
		}
		if k == "diff" && verbosity < 3 {
			continue
		}
		out[k] = v
	}
	return out
}

// Recap prints the PLAY RECAP for every host, sorted by name.
func (d *Default) Recap(stats map[string]*Stats) {
	d.banner("PLAY RECAP")
	hosts := make([]string, 0, len(stats))
	for h := range stats {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		s := stats[h]
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
			s := fmt.Sprintf("%s=%-4d", lead, n)
			if n == 0 {
				code = ""
			}
			return d.paint(code, s)
		}
		d.line(d.out, "", fmt.Sprintf("%s : %s %s %s %s %s %s %s", name,
			field("ok", s.Ok, colorGreen),
			field("changed", s.Changed, colorYellow),
			field("unreachable", s.Unreachable, colorBrightRed),
			field("failed", s.Failed, colorRed),
			field("skipped", s.Skipped, colorCyan),
			field("rescued", s.Rescued, colorGreen),
			field("ignored", s.Ignored, colorPurple)))
	}
	d.line(d.out, "", "")
}
