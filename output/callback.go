package output

// Callback receives the events of a run and prints them; it is Ansible's
// stdout callback plugin. Default is ansible-playbook's; Minimal and
// Oneline are the ad-hoc command's. Every method may be called from
// several hosts' goroutines at once.
type Callback interface {
	Warning(msg string)
	Deprecation(msg string)
	Error(msg string)
	Verbose(level int, msg string)
	// Display prints msg as it is, as Ansible's display.display does.
	Display(msg string)

	Play(p PlayStart)
	NoHostsMatched()
	NoMoreHosts()
	Task(t TaskStart)
	Included(file string, hosts []string, item *string, noLog bool)
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

// TaskStart is a task about to run on the play's hosts.
type TaskStart struct {
	ID      any    // the same for each run of one task (a handler run twice)
	Name    string // the banner's name
	Handler bool
	Path    string // the task's file:line, for -vv reports
}

var (
	_ Callback = (*Default)(nil)
	_ Callback = (*Minimal)(nil)
)
