// Package runner executes loaded playbooks: for each play it selects hosts,
// runs tasks in order on all hosts in parallel up to forks (Ansible's
// linear strategy; free.go has the free and host_pinned ones), runs
// notified handlers, and keeps the recap.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/factcache"
	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/waitlock"
)

// Options are the settings of one run, from the command line, ansible.cfg
// and the environment.
type Options struct {
	Inventory        *inventory.Inventory
	InventorySources []string
	// ConfigFile is the ansible.cfg read, "" for none
	// (ansible_config_file).
	ConfigFile string
	Loader     *playbook.Loader
	Engine     *template.Engine
	Out        output.Callback

	ExtraVars   map[string]any
	Limit       string
	Tags        []string
	SkipTags    []string
	Check       bool
	Diff        bool
	Forks       int
	StartAtTask string
	Verbosity   int
	Gathering   string // implicit, explicit or smart
	// FactCache keeps facts across runs (nil: none); FlushCache empties
	// it first (--flush-cache).
	FactCache  factcache.Cache
	FlushCache bool
	// RetryFiles writes the failed and unreachable hosts to PLAYBOOK.retry
	// (retry_files_enabled), in RetrySavePath or beside the playbook.
	RetryFiles    bool
	RetrySavePath string
	// ForceHandlers runs notified handlers on hosts that failed, as
	// --force-handlers or force_handlers in ansible.cfg.
	ForceHandlers bool
	// LocalhostWarning warns of an inventory without hosts, as
	// localhost_warning does.
	LocalhostWarning bool
	// WarnMissingHandler makes a notify of no handler a warning, as
	// error_on_missing_handler = false, instead of ending the run.
	WarnMissingHandler bool
	// PollInterval is the poll of an async task that gives none
	// (poll_interval in ansible.cfg, 15 by default).
	PollInterval int

	// Strategy is the plays' default strategy (strategy in ansible.cfg,
	// ANSIBLE_STRATEGY): linear, free or host_pinned.
	Strategy string

	Connection      string // -c: default connection type
	RemoteUser      string // -u or remote_user
	PrivateKeyFile  string
	Password        string // -k
	Timeout         time.Duration
	HostKeyChecking bool
	SSHRetries      int // more tries of a connection that gets no answer
	// ssh_args, ssh_common_args and ssh_extra_args: the ssh arguments
	// Ansible would pass, of which gansible's client applies those that
	// say how to reach and check a host (see applySSHArgs).
	SSHArgs, SSHCommonArgs, SSHExtraArgs string

	Become         bool
	BecomeUser     string
	BecomeMethod   string
	BecomeExe      string
	BecomePassword string
}

// run is the state of one ansible-playbook run over several playbooks.
type run struct {
	opts *Options

	hosts        map[string]*hostState
	allHostNames []string
	groups       *value.Dict
	groupNames   map[string][]any
	hostvars     hostVarsView
	limit        map[string]bool

	// Per play.
	play          *playbook.Play
	playbookDir   string
	playVarsFiles map[string]map[string]any // by host
	// playRoleVars and playRoleDefaults merge the vars and defaults of the
	// play's roles, in role order.
	playRoleVars, playRoleDefaults map[string]any
	// playRoleList and allRoleList are role_names and
	// ansible_role_names (see playRoleNames).
	playRoleList, allRoleList []any
	playHostNames             []any
	playPattern               string // the play's hosts, templated
	gatherTimeout             int    // the play's gather_timeout, templated (playGatherTimeout)
	batch                     []*hostState
	batchNames                []any
	startAt                   string // --start-at-task not yet reached when non-empty
	endPlay                   bool
	endBatch                  bool // meta: end_batch, until the next batch
	// fatalFailure: any_errors_fatal failed hosts (see fatal.go); the
	// playbook ends after this play. fatalBreak: those are all the
	// batch's reachable hosts, and the play ends at once.
	fatalFailure, fatalBreak bool
	// throttle limits how many hosts run the current task at once (the
	// task's throttle keyword); 0 leaves it to forks.
	throttle int
	// lastOnce: whether the last lockstep task ran once, and on which
	// hosts.
	lastOnce lastOnce
	// handlerNames are the handlers' templated names, rendered once
	// (see handlerName).
	handlerNamesMu sync.Mutex
	handlerNames   map[*playbook.Task]string
	// fatal ends the whole run at once, without a recap, as an
	// exception in ansible-playbook's strategy does. Host goroutines set
	// it through failRun.
	fatal   error
	fatalMu sync.Mutex

	// noMoreHostsShown: "NO MORE HOSTS LEFT" was printed for this play.
	noMoreHostsShown bool
	// activeAtStart are the hosts active when the running task started,
	// nil between tasks; see forEachHost.
	activeAtStart []any
	// playActiveAtStart are the play's hosts, of every batch, that had
	// not failed when the running task started (ansible_play_hosts).
	playActiveAtStart []any

	// roundTrips counts the commands sent per host and task.
	roundTrips connection.RoundTrips

	// async holds the async jobs (see async.go).
	async asyncJobs

	// The free and host_pinned strategies (see free.go): flow is held
	// by the host goroutine that runs; free is set while a batch runs
	// that way.
	flow          sync.Mutex
	free, pinned  bool
	freeForks     chan struct{}
	freeThrottles map[*playbook.Task]chan struct{}
	freeStartAt   map[*hostState]string // --start-at-task, per host
	freeErr       error
	warned        map[string]bool // warnings printed once (warnOnce)
	warnedMu      sync.Mutex
}

// Run executes the playbooks in order and returns an *ExitError for a run
// with failed or unreachable hosts.
func Run(ctx context.Context, opts *Options, playbooks []*playbook.Playbook) error {
	r := &run{opts: opts, hosts: map[string]*hostState{}, startAt: opts.StartAtTask}
	if r.opts.Forks <= 0 {
		r.opts.Forks = 5
	}
	r.hostvars = hostVarsView{r}
	inv := opts.Inventory
	r.groups = template.MarkPlain(inv.GroupsMap())
	r.groupNames = map[string][]any{}
	// ansible-playbook's get_host_list: an empty inventory is a warning,
	// and a --limit then matches nothing without an error.
	emptyInventory := len(inv.Hosts()) == 0
	if emptyInventory && opts.LocalhostWarning {
		opts.Out.Warning("provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'")
	}
	if opts.FactCache != nil && opts.FlushCache {
		if err := opts.FactCache.Flush(); err != nil {
			return &ExitError{Code: ExitGeneral, Err: fmt.Errorf("flushing the fact cache: %w", err)}
		}
	}
	for _, h := range inv.Hosts() {
		r.hosts[h.Name] = r.newHost(h)
		r.allHostNames = append(r.allHostNames, h.Name)
		names := inv.GroupNames(h)
		list := make([]any, len(names))
		for i, n := range names {
			list[i] = n
		}
		r.groupNames[h.Name] = list
	}
	if opts.Limit != "" {
		limited, err := matchLimit(inv, opts.Limit)
		var exit *ExitError
		if errors.As(err, &exit) {
			return err
		}
		if err != nil {
			return OptionsError(err)
		}
		if len(limited) == 0 && !emptyInventory {
			return &ExitError{Code: ExitGeneral, Err: errors.New("Specified inventory, host pattern and/or --limit leaves us with no hosts to target.")}
		}
		r.limit = limited
	}
	defer r.closeConnections()
	defer r.writeRoundTrips(os.Getenv(roundTripsEnv))

	var played map[string]*output.Stats = map[string]*output.Stats{}
	var runErr error
playbooks:
	for _, pb := range playbooks {
		r.playbookDir, _ = filepath.Abs(filepath.Dir(pb.Path))
		for _, play := range pb.Plays {
			if err := ctx.Err(); err != nil {
				runErr = &ExitError{Code: ExitInterrupted, Err: errors.New("User interrupted execution")}
				break playbooks
			}
			stop, err := r.runPlay(ctx, play, played)
			if err != nil {
				runErr = err
				break playbooks
			}
			if stop {
				break playbooks
			}
		}
	}
	if runErr != nil && runErr == r.fatalErr() {
		return runErr
	}
	r.showRoundTrips()
	if opts.RetryFiles && len(playbooks) > 0 {
		r.writeRetryFile(playbooks[len(playbooks)-1].Path)
	}
	// As ansible-core, the recap lists the hosts that have a count: a
	// host that only ran meta tasks or failed to include a role has none.
	for name, s := range played {
		if *s == (output.Stats{}) {
			delete(played, name)
		}
	}
	r.waitAsync(ctx)
	opts.Out.Recap(played)
	if r.startAt != "" && runErr == nil {
		opts.Out.DisplayError(fmt.Sprintf("No matching task \"%s\" found. Note: --start-at-task can only follow static includes.", opts.StartAtTask))
	}
	if runErr != nil {
		return runErr
	}
	var failed, unreachable bool
	for _, h := range r.hosts {
		failed = failed || h.failed
		unreachable = unreachable || h.unreachable
	}
	switch {
	case unreachable:
		return &ExitError{Code: ExitUnreachable}
	case failed:
		return &ExitError{Code: ExitHostFailed}
	}
	return nil
}

// writeRetryFile writes the names of the hosts that failed or were
// unreachable, sorted, one a line, to the retry file of playbook, and
// says how to use it, as Ansible does before the recap.
func (r *run) writeRetryFile(playbookPath string) {
	var names []string
	for name, h := range r.hosts {
		if h.failed || h.unreachable {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	dir := r.opts.RetrySavePath
	if dir == "" {
		abs, _ := filepath.Abs(playbookPath)
		dir = filepath.Dir(abs)
	}
	name := strings.TrimSuffix(filepath.Base(playbookPath), filepath.Ext(playbookPath))
	path := filepath.Join(dir, name+".retry")
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		err = os.WriteFile(path, []byte(strings.Join(names, "\n")+"\n"), 0o644)
	}
	if err != nil {
		r.opts.Out.Warning(fmt.Sprintf("Could not create retry file '%s'.\n\t%v", path, err))
		return
	}
	r.opts.Out.Display("\tto retry, use: --limit @" + path + "\n")
}

// roundTripsEnv names the file that gets the run's round trips per host
// and task, as CSV (host,task,round_trips), for scripts/bench.sh.
const roundTripsEnv = "GANSIBLE_ROUNDTRIPS"

// showRoundTrips prints, at -vvv, each host's commands over the run.
func (r *run) showRoundTrips() {
	if r.opts.Verbosity < 3 {
		return
	}
	hosts := r.roundTrips.Hosts()
	sort.SliceStable(hosts, func(i, j int) bool { return hosts[i].Host < hosts[j].Host })
	for _, h := range hosts {
		tasks := "tasks"
		if h.Tasks == 1 {
			tasks = "task"
		}
		r.opts.Out.Verbose(3, fmt.Sprintf("<%s> round trips: %d over %d %s", h.Host, h.RoundTrips, h.Tasks, tasks))
	}
}

// writeRoundTrips writes the round trips as CSV to path, if set.
func (r *run) writeRoundTrips(path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err == nil {
		err = r.roundTrips.WriteCSV(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		r.opts.Out.Warning(fmt.Sprintf("could not write the round trips to %s (%s): %v", path, roundTripsEnv, err))
	}
}

// newHost is the run's state of an inventory host, with its cached facts.
func (r *run) newHost(h *inventory.Host) *hostState {
	hs := newHostState(r.opts.Inventory, h)
	if r.opts.FactCache != nil {
		hs.cache, hs.warn = r.opts.FactCache, r.opts.Out.Warning
		hs.loadCachedFacts()
	}
	return hs
}

// matchLimit resolves --limit (a pattern, whose @FILE terms stand for
// the host names in FILE).
func matchLimit(inv *inventory.Inventory, limit string) (map[string]bool, error) {
	limit, err := inventory.ExpandLimitFiles(limit)
	if err != nil {
		return nil, &ExitError{Code: ExitGeneral, Err: err}
	}
	hosts, err := inv.Match(limit)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, h := range hosts {
		out[h.Name] = true
	}
	return out, nil
}

// activePlayNames are the play's hosts, of every batch, that have not
// failed or been unreachable.
func (r *run) activePlayNames() []any {
	out := []any{}
	for _, name := range r.playHostNames {
		if h, ok := r.hosts[name.(string)]; !ok || !h.failed && !h.unreachable {
			out = append(out, name)
		}
	}
	return out
}

func (r *run) activeNames() []any {
	var out []any
	for _, h := range r.batch {
		if h.alive() {
			out = append(out, h.name)
		}
	}
	return out
}

// playHosts are the hosts a play targets: its pattern, within --limit,
// minus hosts that failed in earlier plays.
func (r *run) playHosts(pattern string) ([]*hostState, error) {
	matched, err := r.opts.Inventory.Match(pattern)
	if err != nil {
		return nil, err
	}
	for _, p := range r.opts.Inventory.UnmatchedPatterns(pattern) {
		r.opts.Out.Warning("Could not match supplied host pattern, ignoring: " + p)
	}
	var out []*hostState
	for _, h := range matched {
		if r.limit != nil && !r.limit[h.Name] {
			continue
		}
		hs, ok := r.hosts[h.Name]
		if !ok {
			// The implicit localhost.
			hs = r.newHost(h)
			r.hosts[h.Name] = hs
			r.groupNames[h.Name] = []any{}
		}
		if hs.alive() {
			out = append(out, hs)
		}
	}
	return out, nil
}

func (r *run) closeConnections() {
	for _, h := range r.hosts {
		h.closeConnections()
	}
}

// batches splits the play's hosts by serial as ansible-core's
// _get_serialized_batches: each size is a count or a percentage of all
// the play's hosts, the last size repeats, and a size of 0 or less takes
// every host left.
func batches(hosts []*hostState, serial []any) ([][]*hostState, error) {
	if len(serial) == 0 {
		return [][]*hostState{hosts}, nil
	}
	var out [][]*hostState
	total := len(hosts)
	for i := 0; len(hosts) > 0; i++ {
		n, err := pctToInt(serial[min(i, len(serial)-1)], total)
		if err != nil {
			return nil, err
		}
		if n <= 0 || n > len(hosts) {
			n = len(hosts)
		}
		out = append(out, hosts[:n])
		hosts = hosts[n:]
	}
	return out, nil
}

// pctToInt is ansible-core's pct_to_int: "N%" is that share of total
// (at least 1), anything else goes through Python's int(), with its
// error for what int() refuses.
func pctToInt(v any, total int) (int, error) {
	if s, ok := v.(string); ok && strings.HasSuffix(s, "%") {
		pct, err := value.PyInt(strings.ReplaceAll(s, "%", ""))
		if err != nil {
			return 0, err
		}
		if n := int(float64(pct) / 100 * float64(total)); n != 0 {
			return n, nil
		}
		return 1, nil
	}
	return value.PyInt(v)
}

// forEachHost runs fn on each host, at most forks at a time, and returns
// when all are done. Results are handed to emit in host order as soon as a
// host and every host before it are done, so output is deterministic. A
// panic in one host's goroutine is raised again here, as a *HostPanic,
// once the other hosts are done, so that it reaches the caller instead of
// killing the process with a stack dump.
func (r *run) forEachHost(hosts []*hostState, fn func(h *hostState) func()) {
	if r.free {
		// Each host runs in a goroutine of its own already; its
		// magic variables are read as they are.
		for _, h := range hosts {
			if emit := fn(h); emit != nil {
				emit()
			}
		}
		return
	}
	// While the hosts run, some fail: ansible_play_hosts stays what it was
	// when the task started, as in Ansible, and no host reads another's
	// failure state while it is written.
	r.activeAtStart, r.playActiveAtStart = r.activeNames(), r.activePlayNames()
	if r.activeAtStart == nil {
		r.activeAtStart = []any{}
	}
	defer func() { r.activeAtStart, r.playActiveAtStart = nil, nil }()
	done := make([]chan func(), len(hosts))
	workers := r.opts.Forks
	if r.throttle > 0 {
		workers = min(workers, r.throttle)
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var panicOnce sync.Once
	var caught *HostPanic
	for i, h := range hosts {
		done[i] = make(chan func(), 1)
		wg.Add(1)
		go func(i int, h *hostState) {
			defer wg.Done()
			var emit func()
			defer func() {
				if p := recover(); p != nil {
					panicOnce.Do(func() { caught = &HostPanic{Host: h.name, Value: p, Stack: debug.Stack()} })
					emit = nil
				}
				done[i] <- emit
			}()
			sem <- struct{}{}
			defer func() { <-sem }()
			emit = fn(h)
		}(i, h)
	}
	for _, ch := range done {
		if emit := <-ch; emit != nil {
			emit()
		}
	}
	wg.Wait()
	if caught != nil {
		panic(caught)
	}
}

// HostPanic is a panic in the goroutine of one host, with its stack.
type HostPanic struct {
	Host  string
	Value any
	Stack []byte
}

func (p *HostPanic) Error() string { return fmt.Sprintf("%v (on host %s)", p.Value, p.Host) }

func (p *HostPanic) String() string { return p.Error() }

func sortedHostNames(hosts []*hostState) []string {
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.name
	}
	sort.Strings(names)
	return names
}

// connFor returns the connection a task uses to a host. The local
// connection holds no state; any other is cached on the host, opened on
// first use.
func (r *run) connFor(ctx context.Context, h *hostState, t *playbook.Task, vars template.Vars) (connection.Conn, error) {
	kind := r.connectionKind(h.name, t, vars)
	if kind == "local" {
		return waitConn{r.localConn()}, nil
	}
	user := r.remoteUser(t, vars)
	port, err := r.portKeyword(t, vars)
	if err != nil {
		return nil, err
	}
	slot := user
	if port != 0 {
		slot = fmt.Sprintf("%s:%d", user, port)
	}
	// Taken outside the free strategy's lock: another host's goroutine
	// may hold it while it dials this host to delegate to it.
	waitlock.Wait(ctx, h.connMu.Lock)
	defer h.connMu.Unlock()
	if s, ok := h.conns[slot]; ok {
		return s.conn, s.err
	}
	var conn connection.Conn
	waitlock.Wait(ctx, func() { conn, err = r.dial(ctx, h.name, kind, user, port, vars) })
	if err == nil {
		conn = waitConn{conn}
	}
	if h.conns == nil {
		h.conns = map[string]connSlot{}
	}
	h.conns[slot] = connSlot{conn: conn, err: err}
	return conn, err
}

// failRun records an error that ends the whole run once the current task
// has finished on every host; the first one wins.
func (r *run) failRun(err error) {
	r.fatalMu.Lock()
	defer r.fatalMu.Unlock()
	if r.fatal == nil {
		r.fatal = err
	}
}

// fatalErr is the error that ends the run, or nil.
func (r *run) fatalErr() error {
	r.fatalMu.Lock()
	defer r.fatalMu.Unlock()
	return r.fatal
}

// waitConn gives up the free strategy's lock while a command runs (see
// free.go); with the linear strategy it is the connection itself.
type waitConn struct{ connection.Conn }

func (c waitConn) Run(ctx context.Context, cmd string, stdin io.Reader, become *connection.Become) (res connection.Result, err error) {
	waitlock.Wait(ctx, func() { res, err = c.Conn.Run(ctx, cmd, stdin, become) })
	return res, err
}
