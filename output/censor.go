package output

import "github.com/gansible/gansible/shell"

// NoLogMessage replaces the result of a no_log task, as in Ansible.
const NoLogMessage = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

// Censor is the no_log decision for one task on one host. Every way task
// data reaches the screen goes through it: result lines, loop item labels,
// --diff blocks and the -vvv command trace (it is the trace's
// connection.TraceView). Registered variables keep the real values; only
// what is printed is censored.
type Censor struct {
	NoLog bool
}

// censorKeeps are the result keys that carry no task data, which Ansible
// keeps beside the message (TaskResult.clean_copy's _PRESERVE).
var censorKeeps = []string{"attempts", "changed", "retries"}

// Result is what may be printed of a result: the result itself, or for
// no_log Ansible's message and the keys of censorKeeps.
func (c Censor) Result(res map[string]any) map[string]any {
	if !c.NoLog {
		return res
	}
	out := map[string]any{"censored": NoLogMessage}
	for _, k := range censorKeeps {
		if v, ok := res[k]; ok {
			out[k] = v
		}
	}
	return out
}

// Item is the label printed for a loop item: Ansible prints "None" for a
// no_log item, the censored result having lost the item.
func (c Censor) Item(label string) string {
	if c.NoLog {
		return "None"
	}
	return label
}

// IncludeItem is the loop item label of an "included:" line, which
// Ansible censors with its own words.
func (c Censor) IncludeItem(label string) string {
	if c.NoLog {
		return "(censored due to no_log)"
	}
	return label
}

// Diff is the --diff text that may be printed: none for no_log.
func (c Censor) Diff(text string) string {
	if c.NoLog {
		return ""
	}
	return text
}

// Command is what the -vvv trace prints for a command line run on a host.
// A no_log task's commands carry its arguments (and a command module's
// argv may be the secret itself), so the trace only says that one ran.
// Stdin, where file content and passwords travel, is never traced.
func (c Censor) Command(line string) string {
	if c.NoLog {
		return "(command hidden: no_log)"
	}
	return "/bin/sh -c " + shell.Quote(line)
}

// Error is what the -vvv trace prints for an error running a command: it
// can carry the command's output.
func (c Censor) Error(err error) string {
	if c.NoLog {
		return "(error hidden: no_log)"
	}
	return err.Error()
}
