package output

import "github.com/gansible/gansible/value"

// Callback receives the events of a run and prints them; it is Ansible's
// stdout callback plugin. Default is ansible-playbook's; Minimal and
// Oneline are the ad-hoc command's. Every method may be called from
// several hosts' goroutines at once.
type Callback interface {
	Warning(msg string)
	Deprecation(msg string)
	Error(msg string)
	// DisplayError prints msg as Ansible's display.error does: an
	// [ERROR] that does not end the run.
	DisplayError(msg string)
	Verbose(level int, msg string)
	// Display prints msg as it is, as Ansible's display.display does.
	Display(msg string)

	Play(p PlayStart)
	NoHostsMatched()
	NoMoreHosts()
	Task(t TaskStart)
	Included(inc IncludeEvent)
	Retry(host, task string, left int)
	Result(r HostResult)
	// AsyncPoll reports an async job still running when its task checked
	// on it; AsyncDone, the job's end, before the task's result.
	AsyncPoll(host, jid string)
	AsyncDone(host, jid string, failed bool)
	Recap(stats map[string]*Stats)
}

// PlayStart is a play (or, with serial, one batch of it) about to run.
type PlayStart struct {
	ID   any    // the same for each batch of one play
	Name string // the banner's name
	Path string // the play's file:line
}

// IncludeEvent is a task file that include_tasks loaded for some hosts:
// Ansible's IncludedFile, one per distinct file, arguments and loop item.
type IncludeEvent struct {
	File  string
	Hosts []string
	Item  *string // the loop item's label, for an include in a loop
	NoLog bool    // the include task's no_log
	// TaskID is the TaskStart.ID of the include task.
	TaskID any
	// Args are the include's arguments besides the file (include_args);
	// Vars the loop variables it passes (the item, its index, its label,
	// ansible_loop) and _ansible_no_log, as Ansible's IncludedFile holds them.
	Args, Vars *value.Dict
}

// TaskStart is a task about to run on the play's hosts.
type TaskStart struct {
	ID      any    // the same for each run of one task (a handler run twice)
	Name    string // the banner's name
	Handler bool
	Path    string // the task's file:line, for -vv reports
	// Action is the module or action as the task names it (gather_facts
	// for the implicit fact gathering); Role the name of the role the
	// task is in, "" outside roles.
	Action string
	Role   string
	// Args are the task's arguments as written, before templating, in
	// Ansible's order; NoLog is its no_log keyword as written (a
	// template counts as true), which junit reads before any host runs.
	Args  *value.Dict
	NoLog bool
	// Hosts are the hosts the task starts on, whose results will follow.
	Hosts []string
}

var (
	_ Callback = (*Default)(nil)
	_ Callback = (*Minimal)(nil)
)
