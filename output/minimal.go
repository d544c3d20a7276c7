package output

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// noJSON are the actions whose results the ad-hoc callbacks print as
// command output, not as JSON (Ansible's MODULE_NO_JSON).
var noJSON = map[string]bool{
	"command": true, "shell": true, "raw": true,
	"ansible.builtin.command": true, "ansible.builtin.shell": true, "ansible.builtin.raw": true,
	"ansible.legacy.command": true, "ansible.legacy.shell": true, "ansible.legacy.raw": true,
}

// Minimal is Ansible's minimal stdout callback, the ad-hoc command's
// default: one "host | STATE" block per result, no banners, no recap.
// With OneLine it is the oneline callback (ansible -o) instead.
type Minimal struct {
	*Default
	OneLine bool
}

// NewMinimal returns the minimal (or, with oneLine, the oneline) callback.
func NewMinimal(out, errOut io.Writer, color bool, verbosity int, oneLine bool) *Minimal {
	return &Minimal{Default: NewDefault(out, errOut, color, verbosity), OneLine: oneLine}
}

func (m *Minimal) Play(PlayStart)                 {}
func (m *Minimal) NoHostsMatched()                {}
func (m *Minimal) NoMoreHosts()                   {}
func (m *Minimal) Task(TaskStart)                 {}
func (m *Minimal) Included(IncludeEvent)          {}
func (m *Minimal) Retry(string, string, int)      {}
func (m *Minimal) Recap(map[string]*Stats)        {}
func (m *Minimal) AsyncPoll(string, string)       {}
func (m *Minimal) AsyncDone(string, string, bool) {}

// Result prints one result as minimal.py (or oneline.py) does. Neither
// prints loop items: the loop's final result, with its results list,
// stands for them.
func (m *Minimal) Result(r HostResult) {
	if r.Item != nil || r.Include {
		return
	}
	censor := Censor{NoLog: r.NoLog}
	res := censor.Result(r.Result)
	shown := cleanResult(res, m.verbosity)
	delete(shown, "exception")
	host := r.Host
	switch r.Status {
	case Skipped:
		m.line(m.out, colorCyan, host+" | SKIPPED")
	case Unreachable:
		if m.OneLine {
			msg, _ := res["msg"].(string)
			m.line(m.out, colorBrightRed, host+" | UNREACHABLE!: "+msg)
			return
		}
		m.line(m.out, colorBrightRed, host+" | UNREACHABLE! => "+JSON(shown, 4))
	case Failed:
		_, moduleStderr := res["module_stderr"]
		_, exception := res["exception"]
		switch {
		case !m.OneLine && noJSON[r.Action] && !moduleStderr:
			m.line(m.out, colorRed, m.commandMsg(host, res, "FAILED"))
			return
		case m.OneLine && exception && noJSON[r.Action] && !moduleStderr:
			// oneline.py prints a command's output before its JSON only
			// when the result carries an exception.
			m.line(m.out, colorRed, m.commandMsg(host, res, "FAILED"))
		}
		m.line(m.out, colorRed, host+" | FAILED! => "+m.json(shown, r))
	default:
		state, code := "SUCCESS", colorGreen
		if changed, _ := res["changed"].(bool); changed {
			state, code = "CHANGED", colorYellow
		}
		if _, async := res["ansible_job_id"]; noJSON[r.Action] && !async {
			m.line(m.out, code, m.commandMsg(host, res, state))
			return
		}
		if !m.OneLine && r.Debug {
			// minimal.py cleans debug results; oneline.py does not.
			cleanDebug(shown)
		}
		m.line(m.out, code, host+" | "+state+" => "+m.json(shown, r))
	}
}

var indentLayout = regexp.MustCompile("\n *")

// json is a result as the callback dumps it: indented by 4 for minimal;
// for oneline, json.dumps(indent=0) (or 4, for results always shown
// verbose, or at -vvv) with the newlines removed.
func (m *Minimal) json(v map[string]any, r HostResult) string {
	switch {
	case !m.OneLine:
		return JSON(v, 4)
	case r.Verbose || m.verbosity > 2:
		return strings.ReplaceAll(JSON(v, 4), "\n", "")
	}
	// With indent 0 there is no indentation to keep; strings hold no raw
	// newline, so every newline and the spaces after it are layout.
	return indentLayout.ReplaceAllString(JSON(v, 1), "")
}

// commandMsg is a command's result: its rc and output.
func (m *Minimal) commandMsg(host string, res map[string]any, caption string) string {
	str := func(k string) string { s, _ := res[k].(string); return s }
	rc := any(-1)
	if v, ok := res["rc"]; ok {
		rc = v
	}
	if m.OneLine {
		esc := strings.NewReplacer("\n", `\n`, "\r", `\r`)
		line := fmt.Sprintf("%s | %s | rc=%v | (stdout) %s", host, caption, rc, esc.Replace(str("stdout")))
		if s := str("stderr"); s != "" {
			line += " (stderr) " + esc.Replace(s)
		}
		return line
	}
	// minimal.py ends the text with a newline, where display adds none.
	return fmt.Sprintf("%s | %s | rc=%v >>\n%s%s%s", host, caption, rc, str("stdout"), str("stderr"), str("msg"))
}
