package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/config"
	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/runner"
)

// adhocFlags are the ansible command's options beyond those of every run.
type adhocFlags struct {
	flags
	module, args, tree, playbookDir string
	oneLine                         bool
	background, poll, taskTimeout   int
}

const adhocUsage = "usage: ansible [-h] [--version] [-v] [options] pattern"

// adhocFile names the in-memory playbook of an ad-hoc run, as Ansible does.
const adhocFile = "__adhoc_playbook__"

// requireArgs are the modules that do nothing without -a (Ansible's
// MODULE_REQUIRE_ARGS).
var requireArgs = map[string]bool{
	"command": true, "shell": true, "raw": true, "script": true,
	"ansible.builtin.command": true, "ansible.builtin.shell": true,
	"ansible.builtin.raw": true, "ansible.builtin.script": true,
}

// adhocCommand is ansible: one task, given on the command line, on the
// hosts of a pattern, printed by the minimal (or oneline) callback.
func adhocCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	var f adhocFlags
	fs := pflag.NewFlagSet("ansible", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	addRunFlags(fs, &f.flags)
	fs.StringVarP(&f.module, "module-name", "m", "command", "name of the action to execute")
	fs.StringVarP(&f.args, "args", "a", "", "the action's options in space separated k=v format or a JSON string")
	fs.BoolVarP(&f.oneLine, "one-line", "o", false, "condense output")
	fs.StringVarP(&f.tree, "tree", "t", "", "log output to this directory")
	fs.IntVarP(&f.background, "background", "B", 0, "run asynchronously, failing after X seconds")
	fs.IntVarP(&f.poll, "poll", "P", 15, "set the poll interval if using -B")
	fs.IntVar(&f.taskTimeout, "task-timeout", 0, "set task timeout limit in seconds")
	fs.StringVar(&f.playbookDir, "playbook-dir", "", "a substitute playbook directory: group_vars/, host_vars/ and roles/ are read from it")
	fs.BoolVar(&f.listHosts, "list-hosts", false, "outputs a list of matching hosts; does not execute anything else")
	fs.BoolVar(&f.showVersion, "version", false, "show program's version number and exit")
	fs.BoolVarP(&f.help, "help", "h", false, "show this help message and exit")
	usageError := func(msg string) int {
		fmt.Fprintf(stderr, "%s\nansible: error: %s\n", adhocUsage, msg)
		return 2 // argparse's exit status
	}
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	switch {
	case f.help:
		fmt.Fprintf(stdout, "%s\n\nDefine and run a single task 'playbook' against a set of hosts\n\n%s", adhocUsage, fs.FlagUsages())
		return 0
	case f.showVersion:
		fmt.Fprintf(stdout, "gansible %s (ansible [core 2.14] compatible)\n", version)
		return 0
	case fs.NArg() == 0:
		return usageError("the following arguments are required: pattern")
	case fs.NArg() > 1:
		return usageError("unrecognized arguments: " + strings.Join(fs.Args()[1:], " "))
	case fs.Changed("forks") && f.forks < 1:
		return usageError("The number of processes (--forks) must be >= 1")
	}
	scr := &screen{}
	stdout, stderr = scr.writer(stdout), scr.writer(stderr)
	defer func() { scr.log.close() }()
	defer func() { scr.closeEvents(stderr) }()
	defer func() {
		if p := recover(); p != nil {
			code = reportPanic(stderr, f.verbosity, p)
		}
	}()
	return exitCode(f.execute(fs.Arg(0), scr, stdin, stdout, stderr), scr, stderr)
}

func (f *adhocFlags) execute(pattern string, scr *screen, stdin io.Reader, stdout, stderr io.Writer) error {
	switch {
	case f.tree != "":
		return runner.OptionsError(errors.New("the tree callback (-t) is not supported by gansible yet"))
	}
	// As Ansible's ad-hoc command: -o is oneline; stdout_callback counts
	// only with bin_ansible_callbacks; else minimal.
	callback := func(cfg *config.Config, stdout, stderr io.Writer, color bool, verbosity int) (output.Callback, error) {
		if cfg.LoadCallbacks && !f.oneLine && shortCallbackName(cfg.StdoutCallback) != "default" {
			return callbackFromConfig(cfg, stdout, stderr, color, verbosity, "")
		}
		out := output.Callback(output.NewMinimal(stdout, stderr, color, verbosity, f.oneLine))
		if cfg.LoadCallbacks {
			return withAggregates(cfg, out, stdout, verbosity, "")
		}
		return out, nil
	}
	s, err := prepare(&f.flags, scr, stdin, stdout, stderr, callback, nil, true)
	if err != nil {
		return err
	}
	if f.playbookDir != "" {
		if err := s.inv.LoadPlaybookVars(f.playbookDir); err != nil {
			return runner.ParserError(err)
		}
	}

	// The hosts, as Ansible's CLI selects them before it builds the play.
	hosts, err := s.inv.Match(pattern)
	if err != nil {
		return &runner.ExitError{Code: runner.ExitGeneral, Err: err}
	}
	if f.limit != "" {
		limited, err := s.inv.Match(f.limit)
		if err != nil {
			return &runner.ExitError{Code: runner.ExitGeneral, Err: err}
		}
		hosts = slices.DeleteFunc(hosts, func(h *inventory.Host) bool { return !slices.Contains(limited, h) })
	}
	if len(hosts) == 0 {
		for _, p := range append(s.inv.UnmatchedPatterns(pattern), s.inv.UnmatchedPatterns(f.limit)...) {
			s.out.Warning("Could not match supplied host pattern, ignoring: " + p)
		}
		if f.limit != "" {
			return &runner.ExitError{Code: runner.ExitGeneral, Err: errors.New("Specified inventory, host pattern and/or --limit leaves us with no hosts to target.")}
		}
		s.out.Warning("No hosts matched, nothing to do")
	}
	if f.listHosts {
		fmt.Fprintf(stdout, "  hosts (%d):\n", len(hosts))
		for _, h := range hosts {
			fmt.Fprintf(stdout, "    %s\n", h.Name)
		}
		return nil
	}
	if requireArgs[f.module] && f.args == "" {
		msg := "No argument passed to " + f.module + " module"
		if strings.HasSuffix(pattern, ".yml") {
			msg += " (did you mean to run ansible-playbook?)"
		}
		return runner.OptionsError(errors.New(msg))
	}
	if f.module == "import_playbook" || f.module == "ansible.builtin.import_playbook" {
		return runner.OptionsError(fmt.Errorf("'%s' is not a valid action for ad-hoc commands", f.module))
	}
	if len(hosts) == 0 {
		return nil // the play would run on no host
	}

	loader := s.loader()
	if f.playbookDir != "" {
		loader.RolesPath = append([]string{f.playbookDir + "/roles"}, loader.RolesPath...)
	}
	play, err := loader.LoadPlay(adhocFile, adhocPlay(pattern, f.module, f.args, f.background, f.poll, f.taskTimeout))
	if err != nil {
		return runner.ParserError(err)
	}
	if f.playbookDir != "" {
		play.Dir = f.playbookDir
	} else if cwd, err := os.Getwd(); err == nil {
		play.Dir = cwd
	}
	opts := s.options(&f.flags, loader)
	pb := &playbook.Playbook{Path: adhocFile, Plays: []*playbook.Play{play}}
	return runInterruptible(scr, func(ctx context.Context) error {
		return runner.Run(ctx, opts, []*playbook.Playbook{pb})
	})
}

// adhocPlay is the play Ansible's ad-hoc command builds: the pattern's
// hosts, no fact gathering, and one task whose arguments are a JSON
// object if -a is one, else k=v words (free-form for command modules).
func adhocPlay(pattern, module, args string, background, poll, timeout int) *yaml.Node {
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	mapping := func(kv ...*yaml.Node) *yaml.Node {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
	}
	argsNode := str(args)
	if args == "" {
		argsNode = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}
	}
	if trimmed := strings.TrimSpace(args); strings.HasPrefix(args, "{") && strings.HasSuffix(args, "}") && json.Valid([]byte(trimmed)) {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(trimmed), &doc); err == nil && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
			argsNode = doc.Content[0]
		}
	}
	task := mapping(str(module), argsNode)
	num := func(n int) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)} }
	if background > 0 {
		// -B and -P: the task's async and poll.
		task.Content = append(task.Content, str("async"), num(background), str("poll"), num(poll))
	}
	if timeout > 0 {
		task.Content = append(task.Content, str("timeout"), num(timeout)) // --task-timeout
	}
	return mapping(
		str("name"), str("Ansible Ad-Hoc"),
		str("hosts"), str(pattern),
		str("gather_facts"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"},
		str("tasks"), &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{task}},
	)
}
