// Command gansible runs Ansible playbooks: a drop-in replacement for
// ansible-playbook with the same options, output and exit codes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/gansible/gansible/config"
	"github.com/gansible/gansible/excerpt"
	"github.com/gansible/gansible/factcache"
	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/runner"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/termio"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
	"github.com/gansible/gansible/yamlvalue"
)

// version is the gansible release; ansible-core 2.14 is the behaviour it follows.
const version = "0.1.0"

func main() {
	stopEarlyInterrupts = catchEarlyInterrupts()
	_, _, _ = raiseOpenFileLimit() // best effort: a host that runs out says so
	stopProfiles := startProfiles()
	code := dispatch(os.Args[0], os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfiles()
	if code == exitTerminated {
		// Die of the signal, as ansible-playbook (which does not catch
		// SIGTERM) does, now that the connections are closed.
		signal.Reset(syscall.SIGTERM)
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(time.Second)
	}
	os.Exit(code)
}

// exitTerminated is the shell's status of a process killed by SIGTERM.
const exitTerminated = 128 + int(syscall.SIGTERM)

// interruptGrace is how long an interrupted run may take to cancel its
// tasks and close its connections before gansible exits anyway.
const interruptGrace = 10 * time.Second

// flags are ansible-playbook's command-line options.
type flags struct {
	inventory, extraVars, tags, skipTags   []string
	limit, user, connection, privateKey    string
	becomeUser, becomeMethod, startAtTask  string
	forks, timeout, verbosity              int
	check, diff, become, askBecomePass     bool
	askPass, syntaxCheck, listHosts        bool
	listTasks, listTags, showVersion, help bool
	sudo, forceHandlers                    bool
	sudoUser                               string
	sshCommonArgs, sshExtraArgs            string
	events                                 string
	flushCache                             bool
	vault                                  vaultFlags
}

func newFlagSet(f *flags) *pflag.FlagSet {
	fs := pflag.NewFlagSet("gansible", pflag.ContinueOnError)
	fs.SortFlags = false
	addRunFlags(fs, f)
	fs.StringArrayVarP(&f.tags, "tags", "t", nil, "only run plays and tasks tagged with these values")
	fs.StringArrayVar(&f.skipTags, "skip-tags", nil, "only run plays and tasks whose tags do not match these values")
	fs.BoolVar(&f.syntaxCheck, "syntax-check", false, "perform a syntax check on the playbook, but do not execute it")
	fs.BoolVar(&f.listHosts, "list-hosts", false, "outputs a list of matching hosts; does not execute anything else")
	fs.BoolVar(&f.listTasks, "list-tasks", false, "list all tasks that would be executed")
	fs.BoolVar(&f.listTags, "list-tags", false, "list all available tags")
	fs.StringVar(&f.startAtTask, "start-at-task", "", "start the playbook at the task matching this name")
	fs.BoolVar(&f.flushCache, "flush-cache", false, "clear the fact cache for every host in inventory")
	fs.BoolVar(&f.forceHandlers, "force-handlers", false, "run handlers even if a task fails")
	fs.BoolVar(&f.showVersion, "version", false, "show program's version number and exit")
	fs.BoolVarP(&f.help, "help", "h", false, "show this help message and exit")
	return fs
}

// addRunFlags adds the options of every command that runs tasks
// (ansible-playbook and ansible): inventory, variables, connection,
// privilege escalation and vault.
func addRunFlags(fs *pflag.FlagSet, f *flags) {
	fs.StringArrayVarP(&f.inventory, "inventory", "i", nil, "inventory host path or comma separated host list")
	fs.StringArrayVar(&f.inventory, "inventory-file", nil, "deprecated alias of --inventory")
	fs.StringVarP(&f.limit, "limit", "l", "", "further limit selected hosts to an additional pattern")
	fs.StringArrayVarP(&f.extraVars, "extra-vars", "e", nil, "set additional variables as key=value or YAML/JSON, if filename prepend with @")
	fs.BoolVarP(&f.check, "check", "C", false, "don't make any changes; instead, try to predict some of the changes that may occur")
	fs.BoolVarP(&f.diff, "diff", "D", false, "when changing (small) files and templates, show the differences in those files")
	fs.IntVarP(&f.forks, "forks", "f", 0, "specify number of parallel processes to use (default=5)")
	fs.StringVarP(&f.user, "user", "u", "", "connect as this user")
	fs.StringVarP(&f.connection, "connection", "c", "", "connection type to use (default=smart)")
	fs.StringVar(&f.privateKey, "private-key", "", "use this file to authenticate the connection")
	fs.StringVar(&f.privateKey, "key-file", "", "alias of --private-key")
	fs.IntVarP(&f.timeout, "timeout", "T", 0, "override the connection timeout in seconds (default=10)")
	fs.StringVar(&f.sshCommonArgs, "ssh-common-args", "", "specify common arguments to pass to ssh (e.g. ProxyCommand)")
	fs.StringVar(&f.sshExtraArgs, "ssh-extra-args", "", "specify extra arguments to pass to ssh only")
	fs.BoolVarP(&f.become, "become", "b", false, "run operations with become (does not imply password prompting)")
	fs.StringVar(&f.becomeUser, "become-user", "", "run operations as this user (default=root)")
	fs.StringVar(&f.becomeMethod, "become-method", "", "privilege escalation method to use (default=sudo)")
	fs.BoolVarP(&f.askBecomePass, "ask-become-pass", "K", false, "ask for privilege escalation password")
	fs.BoolVarP(&f.askPass, "ask-pass", "k", false, "ask for connection password")
	fs.BoolVarP(&f.sudo, "sudo", "s", false, "deprecated: run operations with sudo")
	fs.StringVarP(&f.sudoUser, "sudo-user", "U", "", "deprecated: desired sudo user")
	fs.CountVarP(&f.verbosity, "verbose", "v", "verbose mode (-vvv for more, -vvvv to enable connection debugging)")
	fs.StringVar(&f.events, "events", "", "write the run's events to this file as JSON lines, as they happen (/dev/fd/N for a descriptor)")
	f.vault.add(fs)
}

const usageLine = "usage: gansible [-h] [--version] [-v] [options] playbook [playbook ...]"

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	var f flags
	fs := newFlagSet(&f)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		// argparse's exit status for a usage error.
		fmt.Fprintf(stderr, "%s\ngansible: error: %v\n", usageLine, err)
		return 2
	}
	if fs.Changed("forks") && f.forks < 1 {
		fmt.Fprintf(stderr, "%s\ngansible: error: The number of processes (--forks) must be >= 1\n", usageLine)
		return 2
	}
	if f.help {
		fmt.Fprintf(stdout, "%s\n\nRuns Ansible playbooks, executing the defined tasks on the targeted hosts.\n\n%s", usageLine, fs.FlagUsages())
		return 0
	}
	if f.showVersion {
		fmt.Fprintf(stdout, "gansible %s (ansible-playbook [core 2.14] compatible)\n", version)
		return 0
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "%s\ngansible: error: the following arguments are required: playbook\n", usageLine)
		return 2
	}
	scr := &screen{}
	tty, live := statusLineWanted(stdout)
	stdout, stderr = scr.writer(stdout), scr.writer(stderr)
	if live {
		scr.liveOn = tty
		defer scr.stopStatus()
	}
	defer func() { scr.log.close() }()
	defer func() { scr.closeEvents(stderr) }()
	defer func() {
		if p := recover(); p != nil {
			code = reportPanic(stderr, f.verbosity, p)
		}
	}()
	return exitCode(execute(&f, fs.Args(), scr, stdin, stdout, stderr), scr, stderr)
}

// exitCode reports a run's error as Ansible's CLI does (its last words
// after an interrupt, ERROR! otherwise) and returns the exit code.
func exitCode(err error, scr *screen, stderr io.Writer) int {
	var intr *interrupted
	if errors.As(err, &intr) {
		if intr.sig == syscall.SIGTERM {
			return exitTerminated
		}
		scr.always(stderr, " [ERROR]: User interrupted execution\n")
		return runner.ExitInterrupted
	}
	if err != nil {
		var exitErr *runner.ExitError
		if !errors.As(err, &exitErr) || exitErr.Err != nil {
			fmt.Fprintf(stderr, "ERROR! %v\n", err)
			// A playbook that does not load shows where, as Ansible's
			// parser errors do: the offending lines and any hints.
			var pe *yamlvalue.Error
			if runner.ExitCode(err) == runner.ExitParser && errors.As(err, &pe) && pe.Pos.File != "" && pe.Pos.Line > 0 {
				fmt.Fprintf(stderr, "\n%s\n", strings.TrimRight(excerpt.At(pe.Pos.File, pe.Pos.Line, pe.Pos.Col), "\n"))
			}
		}
	}
	return runner.ExitCode(err)
}

// interrupted ends a run stopped by SIGINT or SIGTERM.
type interrupted struct{ sig os.Signal }

func (e *interrupted) Error() string { return "interrupted by " + e.sig.String() }

// panicked carries a panic from the goroutine running the playbooks to
// the main one, with the stack where it happened.
type panicked struct {
	value any
	stack []byte
}

// reportPanic prints an internal error as ansible-playbook prints an
// unexpected exception, with the stack only at -vvv, and returns its exit
// code.
func reportPanic(stderr io.Writer, verbosity int, p any) int {
	stack := debug.Stack()
	if pe, ok := p.(*panicked); ok {
		p, stack = pe.value, pe.stack
	}
	if hp, ok := p.(*runner.HostPanic); ok {
		stack = hp.Stack
	}
	fmt.Fprintf(stderr, "ERROR! Unexpected Exception, this is probably a bug: %v\n", p)
	if verbosity >= 3 {
		fmt.Fprintf(stderr, "the full traceback was:\n\n%s\n", stack)
	} else {
		fmt.Fprintf(stderr, "to see the full traceback, use -vvv\n")
	}
	return runner.ExitInternal
}

// setup is what every command that runs tasks reads before it runs
// them: configuration, output, secrets, inventory and extra vars.
type setup struct {
	cfg       *config.Config
	cwd       string
	out       output.Callback
	inv       *inventory.Inventory
	sources   []string
	extraVars map[string]any
	factCache factcache.Cache
	// The -k and -K passwords.
	sshPass, becomePass string
}

// newCallback makes the stdout callback of a command.
type newCallback func(cfg *config.Config, stdout, stderr io.Writer, color bool, verbosity int) (output.Callback, error)

// prepare reads what a run needs, in ansible-playbook's order: the
// configuration, the -k and -K prompts (unless prompt is false: only
// listing or checking syntax), the vault secrets (inventory and playbook
// files may be vaulted), the inventory and the extra vars. check, if not
// nil, runs once the output is set up, before any prompt.
func prepare(f *flags, scr *screen, stdin io.Reader, stdout, stderr io.Writer, callback newCallback, check func() error, prompt bool) (*setup, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(os.Getenv, cwd)
	if err != nil {
		return nil, err
	}
	if cfg.LogPath != "" {
		var warning string
		if scr.log, warning = openLog(cfg.LogPath); warning != "" {
			fmt.Fprint(stderr, warning)
		}
	}
	color := (cfg.ForceColor || termio.IsTerminal(os.Stdout)) && !cfg.NoColor
	out, err := callback(cfg, stdout, stderr, color, f.verbosity)
	if err != nil {
		return nil, err
	}
	if scr.liveOn != nil {
		out = output.Multi{out, scr.startStatus(scr.liveOn)}
	}
	if f.events != "" {
		events, err := scr.openEvents(f.events)
		if err != nil {
			return nil, runner.OptionsError(err)
		}
		out = output.Multi{out, events}
	}
	if cfg.Path != "" {
		out.Verbose(1, "Using "+cfg.Path+" as config file")
	} else {
		out.Verbose(1, "No config file found; using defaults")
	}
	for _, w := range cfg.Warnings {
		out.Warning(w)
	}
	s := &setup{cfg: cfg, cwd: cwd, out: out}
	yamlvalue.SetWarner(out.Warning)
	if check != nil {
		if err := check(); err != nil {
			return nil, err
		}
	}

	secrets := termio.NewLineReader(stdin, stderr, &beforeEarlyExit)
	if prompt {
		if f.askPass {
			if s.sshPass, err = secrets.Read("SSH password: "); err != nil {
				return nil, runner.OptionsError(err)
			}
		}
		if f.askBecomePass || cfg.AskBecomePass {
			prompt := "BECOME password: "
			if s.sshPass != "" {
				prompt = "BECOME password[defaults to SSH password]: "
			}
			if s.becomePass, err = secrets.Read(prompt); err != nil {
				return nil, runner.OptionsError(err)
			}
			if s.becomePass == "" {
				s.becomePass = s.sshPass
			}
		}
	}
	keyring, err := f.vault.load(cfg, cwd, secrets, out)
	if err != nil {
		return nil, err
	}
	vault.SetDefault(keyring)

	// Like ansible-playbook's option types, paths on the command line get
	// $VAR and ~ expansion; a comma makes -i a host list, not a path.
	for _, src := range f.inventory {
		if !strings.Contains(src, ",") {
			src = config.ResolvePath(src, cwd, os.Getenv)
		}
		s.sources = append(s.sources, src)
	}
	if f.privateKey != "" {
		f.privateKey = config.ResolvePath(f.privateKey, cwd, os.Getenv)
	}
	if len(s.sources) == 0 {
		s.sources = cfg.Inventory
	}
	if len(s.sources) == 0 {
		s.sources = []string{"/etc/ansible/hosts"}
	}
	// The extra vars are read before the inventory for the constructed
	// plugin's use_extra_vars; their error, as in Ansible, comes after
	// the inventory's warnings.
	extraVars, extraErr := parseExtraVars(f.extraVars, cwd)
	s.inv, s.factCache, err = loadInventory(cfg, s.sources, extraVars)
	if s.inv != nil {
		for _, w := range s.inv.Warnings() {
			out.Warning(w)
		}
	}
	if err != nil {
		return nil, err
	}
	if extraErr != nil {
		return nil, extraErr
	}
	s.extraVars = extraVars
	return s, nil
}

// loadInventory loads the inventory sources with what its plugins read
// besides them: the extra vars and the fact cache, which it returns for
// the run.
func loadInventory(cfg *config.Config, sources []string, extraVars map[string]any) (*inventory.Inventory, factcache.Cache, error) {
	cache, err := factcache.New(factcache.Settings{
		Plugin:     cfg.FactCaching,
		Connection: cfg.FactCachingConnection,
		Prefix:     cfg.FactCachingPrefix,
		Timeout:    time.Duration(cfg.FactCachingTimeout) * time.Second,
	})
	if err != nil {
		return nil, nil, &runner.ExitError{Code: runner.ExitGeneral, Err: err}
	}
	inv, err := inventory.LoadWith(sources, inventory.Options{
		ExtraVars: extraVars,
		Facts: func(host string) map[string]any {
			facts, _, _ := cache.Get(host)
			return facts
		},
		Enabled:           cfg.InventoryEnabled,
		EnabledFrom:       cfg.InventoryEnabledFrom,
		UnparsedFailed:    cfg.InventoryUnparsedFailed,
		AnyUnparsedFailed: cfg.InventoryAnyUnparsedFailed,
		QuietUnparsed:     !cfg.InventoryUnparsedWarning,
	})
	if err != nil {
		// The inventory goes back with the error for its warnings.
		return inv, nil, &runner.ExitError{Code: runner.ExitGeneral, Err: err}
	}
	return inv, cache, nil
}

// loader is the playbook loader of a run.
func (s *setup) loader() *playbook.Loader {
	return &playbook.Loader{
		RolesPath: s.cfg.RolesPath,
		IsAction:  runner.IsAction,
		Warn:      s.out.Deprecation,
	}
}

// engine is the run's template engine: its inventory_hostnames and config
// lookups see this run's inventory and settings.
func (s *setup) engine() *template.Engine {
	return template.New(template.Options{
		MatchHosts: func(pattern string) ([]string, error) {
			hosts, err := s.inv.Match(pattern)
			names := make([]string, len(hosts))
			for i, h := range hosts {
				names[i] = h.Name
			}
			return names, err
		},
		Setting: s.cfg.Setting,
		Warn:    s.out.Warning,
	})
}

// options are the runner's settings from the flags and the setup.
func (s *setup) options(f *flags, loader *playbook.Loader) *runner.Options {
	cfg := s.cfg
	opts := &runner.Options{
		Inventory:          s.inv,
		InventorySources:   s.sources,
		Loader:             loader,
		Engine:             s.engine(),
		Out:                s.out,
		ExtraVars:          s.extraVars,
		Limit:              f.limit,
		LocalhostWarning:   s.cfg.LocalhostWarning,
		Tags:               splitList(f.tags),
		SkipTags:           splitList(f.skipTags),
		Check:              f.check,
		Diff:               f.diff,
		Forks:              firstInt(f.forks, cfg.Forks, 5),
		ConfigFile:         cfg.Path,
		StartAtTask:        f.startAtTask,
		Verbosity:          f.verbosity,
		Gathering:          cfg.Gathering,
		ForceHandlers:      f.forceHandlers || cfg.ForceHandlers,
		WarnMissingHandler: !cfg.ErrorOnMissingHandler,
		Strategy:           cfg.Strategy,
		PollInterval:       cfg.PollInterval,
		RetryFiles:         cfg.RetryFiles,
		RetrySavePath:      cfg.RetrySavePath,
		Connection:         f.connection,
		RemoteUser:         firstString(f.user, cfg.RemoteUser),
		PrivateKeyFile:     firstString(f.privateKey, cfg.PrivateKeyFile),
		Timeout:            time.Duration(firstInt(f.timeout, cfg.Timeout, 10)) * time.Second,
		HostKeyChecking:    cfg.HostKeyChecking,
		SSHRetries:         cfg.SSHRetries,
		SSHArgs:            cfg.SSHArgs,
		SSHCommonArgs:      firstString(f.sshCommonArgs, cfg.SSHCommonArgs),
		SSHExtraArgs:       firstString(f.sshExtraArgs, cfg.SSHExtraArgs),
		Become:             f.become || f.sudo || cfg.Become,
		BecomeUser:         firstString(f.becomeUser, f.sudoUser, cfg.BecomeUser, "root"),
		BecomeMethod:       firstString(f.becomeMethod, cfg.BecomeMethod, "sudo"),
		BecomeExe:          cfg.BecomeExe,
		Password:           s.sshPass,
		BecomePassword:     s.becomePass,
	}
	if len(opts.Tags) == 0 {
		opts.Tags = nil
	}
	return opts
}

func execute(f *flags, playbookPaths []string, scr *screen, stdin io.Reader, stdout, stderr io.Writer) error {
	// A playbook that is not there is reported before any prompt.
	playbooksExist := func() error {
		for _, p := range playbookPaths {
			if fi, err := os.Stat(p); err != nil || fi.IsDir() {
				return &runner.ExitError{Code: runner.ExitGeneral, Err: fmt.Errorf("the playbook: %s could not be found", p)}
			}
		}
		return nil
	}
	callback := func(cfg *config.Config, stdout, stderr io.Writer, color bool, verbosity int) (output.Callback, error) {
		return callbackFromConfig(cfg, stdout, stderr, color, verbosity, playbookPaths[len(playbookPaths)-1])
	}
	s, err := prepare(f, scr, stdin, stdout, stderr, callback, playbooksExist, !(f.listHosts || f.listTasks || f.listTags || f.syntaxCheck))
	if err != nil {
		return err
	}
	// What a stdout callback writes when it is done (dense's last line).
	defer output.Close(s.out)

	loader := s.loader()
	var playbooks []*playbook.Playbook
	for _, p := range playbookPaths {
		pb, err := loader.LoadPlaybook(p)
		var notFound *playbook.NotFoundError
		var general *playbook.GeneralError
		var recursion *playbook.RecursionError
		switch {
		case errors.As(err, &notFound), errors.As(err, &general):
			return err
		case errors.As(err, &recursion):
			return &runner.ExitError{Code: runner.ExitInternal, Err: err}
		case err != nil:
			return runner.ParserError(err)
		}
		playbooks = append(playbooks, pb)
	}
	if err := s.inv.LoadPlaybookVars(filepath.Dir(playbookPaths[0])); err != nil {
		return runner.ParserError(err)
	}

	if f.syntaxCheck {
		for _, p := range playbookPaths {
			fmt.Fprintf(stdout, "\nplaybook: %s\n", p)
		}
		return nil
	}

	opts := s.options(f, loader)
	opts.FactCache, opts.FlushCache = s.factCache, f.flushCache
	if f.listHosts || f.listTasks || f.listTags {
		return runner.List(stdout, opts, playbooks, runner.ListOptions{Hosts: f.listHosts, Tasks: f.listTasks, Tags: f.listTags})
	}
	return runInterruptible(scr, func(ctx context.Context) error { return runner.Run(ctx, opts, playbooks) })
}

// stopEarlyInterrupts ends the SIGINT handling that main sets up for the
// time before a run (loading a large inventory, say); runInterruptible
// calls it once its own handler is in place.
var stopEarlyInterrupts = func() {}

// beforeEarlyExit, when set, runs before an early interrupt ends gansible:
// the password prompt restores the terminal's echo with it.
var beforeEarlyExit atomic.Pointer[func()]

// catchEarlyInterrupts makes SIGINT end gansible as ansible-playbook's
// handler of KeyboardInterrupt does wherever it comes: the message and
// exit code 99. SIGTERM keeps its default, as Ansible does not catch it.
func catchEarlyInterrupts() (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			if f := beforeEarlyExit.Load(); f != nil {
				(*f)()
			}
			fmt.Fprint(os.Stderr, " [ERROR]: User interrupted execution\n")
			os.Exit(runner.ExitInterrupted)
		case <-done:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(done)
		})
	}
}

// runInterruptible runs fn until it returns or SIGINT or SIGTERM arrives.
// On a signal the screen goes quiet at once (ansible-playbook prints no
// failed tasks and no recap then), fn's context is cancelled so that it
// stops its tasks and closes its connections, and gansible waits for that
// up to interruptGrace, or until a second signal.
func runInterruptible(scr *screen, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	stopEarlyInterrupts()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- &panickedError{&panicked{value: p, stack: debug.Stack()}}
			}
		}()
		done <- fn(ctx)
	}()
	select {
	case err := <-done:
		var pe *panickedError
		if errors.As(err, &pe) {
			panic(pe.p)
		}
		return err
	case sig := <-sigs:
		scr.mute()
		cancel()
		select {
		case <-done:
		case <-sigs:
		case <-time.After(interruptGrace):
		}
		return &interrupted{sig: sig}
	}
}

// panickedError passes a panic through the result channel.
type panickedError struct{ p *panicked }

func (e *panickedError) Error() string { return fmt.Sprint(e.p.value) }

// parseExtraVars reads -e values: @file, YAML/JSON, or k=v pairs; later
// values win. Errors carry ansible-playbook's exit codes.
func parseExtraVars(values []string, cwd string) (map[string]any, error) {
	out := map[string]any{}
	for _, v := range values {
		var m map[string]any
		switch {
		case strings.HasPrefix(v, "@"):
			path := config.ResolvePath(v[1:], cwd, os.Getenv)
			if _, err := os.Stat(path); err != nil {
				return nil, &runner.ExitError{Code: runner.ExitGeneral, Err: errors.New(playbook.MissingFileMessage(path))}
			}
			loaded, err := playbook.LoadVarsFile(path)
			var nm *playbook.NotMappingError
			if errors.As(err, &nm) {
				return nil, runner.OptionsError(fmt.Errorf("Invalid extra vars data supplied. '@%s' could not be made into a dictionary", path))
			}
			if err != nil {
				return nil, runner.ParserError(fmt.Errorf("invalid extra vars file %s: %w", v[1:], err))
			}
			m = loaded.Map()
		case strings.HasPrefix(strings.TrimSpace(v), "{") || strings.HasPrefix(strings.TrimSpace(v), "["):
			node, err := yamlvalue.Parse("extra vars", []byte(v))
			if err != nil {
				js, jsErr := value.DecodeJSONObject([]byte(v))
				if jsErr != nil {
					return nil, runner.ParserError(fmt.Errorf("We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: %v\n\n%v", jsErr, err))
				}
				m = js.Map()
				break
			}
			decoded, err := yamlvalue.Decode("extra vars", node)
			if err != nil {
				return nil, runner.ParserError(err)
			}
			d, ok := decoded.(*value.Dict)
			if !ok {
				return nil, runner.OptionsError(fmt.Errorf("Invalid extra vars data supplied. '%s' could not be made into a dictionary", v))
			}
			m = d.Map()
		default:
			// Words that are not k=v end up in _raw_params, which
			// ansible-playbook keeps as a variable.
			kv, err := playbook.ParseKV(v, "")
			if err != nil {
				return nil, runner.ParserError(err)
			}
			m = kv
		}
		for k, x := range m {
			out[k] = x
		}
	}
	return out, nil
}

// splitList flattens repeated, comma-separated option values.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func firstString(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstInt(values ...int) int {
	for _, v := range values {
		if v > 0 {
			return v
		}
	}
	return 0
}
