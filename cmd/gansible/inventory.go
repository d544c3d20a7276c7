package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/gansible/gansible/config"
	"github.com/gansible/gansible/inventory/listing"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/runner"
)

// inventoryFlags are ansible-inventory's command-line options.
type inventoryFlags struct {
	inventory, extraVars          []string
	host, output, playbookDir     string
	list, graph, yaml, toml, vars bool
	export, help, showVersion     bool
	verbosity                     int
	listHosts                     bool
	vaultIDs, vaultPasswordFiles  []string
	askVaultPass                  bool
	limitValue                    string
}

// Exit codes of ansible-inventory: argparse's usage error, and
// AnsibleOptionsError.
const (
	exitUsage   = 2
	exitOptions = 5
)

func newInventoryFlagSet(f *inventoryFlags) *pflag.FlagSet {
	fs := pflag.NewFlagSet("ansible-inventory", pflag.ContinueOnError)
	fs.StringArrayVarP(&f.inventory, "inventory", "i", nil, "")
	fs.StringArrayVar(&f.inventory, "inventory-file", nil, "")
	fs.StringArrayVarP(&f.extraVars, "extra-vars", "e", nil, "")
	fs.StringVar(&f.playbookDir, "playbook-dir", "", "")
	fs.BoolVar(&f.list, "list", false, "")
	fs.StringVar(&f.host, "host", "", "")
	fs.BoolVar(&f.graph, "graph", false, "")
	fs.BoolVarP(&f.yaml, "yaml", "y", false, "")
	fs.BoolVar(&f.toml, "toml", false, "")
	fs.BoolVar(&f.vars, "vars", false, "")
	fs.BoolVar(&f.export, "export", false, "")
	fs.StringVar(&f.output, "output", "", "")
	fs.CountVarP(&f.verbosity, "verbose", "v", "")
	fs.BoolVarP(&f.help, "help", "h", false, "")
	fs.BoolVar(&f.showVersion, "version", false, "")
	fs.StringArrayVar(&f.vaultIDs, "vault-id", nil, "")
	fs.StringArrayVar(&f.vaultPasswordFiles, "vault-password-file", nil, "")
	fs.StringArrayVar(&f.vaultPasswordFiles, "vault-pass-file", nil, "")
	fs.BoolVar(&f.askVaultPass, "ask-vault-password", false, "")
	fs.BoolVar(&f.askVaultPass, "ask-vault-pass", false, "")
	// ansible-inventory declares these only to refuse them.
	fs.StringVarP(&f.limitValue, "limit", "l", "", "")
	fs.Lookup("limit").NoOptDefVal = " "
	fs.BoolVar(&f.listHosts, "list-hosts", false, "")
	return fs
}

// inventoryCmd is ansible-inventory: it shows the inventory as Ansible
// sees it.
func inventoryCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f inventoryFlags
	fs := newInventoryFlagSet(&f)
	fs.SetOutput(io.Discard)
	usageError := func(msg string) int {
		usage, _, _ := strings.Cut(inventoryHelp, "\n\n")
		fmt.Fprintf(stderr, "%s\nansible-inventory: error: %s\n \n%s", usage, msg, inventoryHelp)
		return exitUsage
	}
	args, err := expandAbbreviations(args)
	if err != nil {
		return usageError(err.Error())
	}
	if err := fs.Parse(args); err != nil {
		return usageError(argparseMessage(err))
	}
	if fs.Changed("limit") || fs.Changed("list-hosts") {
		return usageError("unrecognized arguments: " + refusedOption(args))
	}
	if fs.NArg() > 1 {
		return usageError("unrecognized arguments: " + strings.Join(fs.Args()[1:], " "))
	}
	if f.help {
		fmt.Fprint(stdout, inventoryHelp)
		return 0
	}
	if f.showVersion {
		fmt.Fprintf(stdout, "ansible-inventory (gansible %s, ansible-core 2.14 compatible)\n", version)
		return 0
	}
	optionsError := func(msg string) int {
		fmt.Fprint(stdout, inventoryHelp)
		fmt.Fprintf(stderr, "ERROR! %s\n", msg)
		return exitOptions
	}
	used := 0
	for _, on := range []bool{f.list, f.host != "", f.graph} {
		if on {
			used++
		}
	}
	switch {
	case used == 0:
		return optionsError("No action selected, at least one of --host, --graph or --list needs to be specified.")
	case used > 1:
		return optionsError("Conflicting options used, only one of --host, --graph or --list can be used at the same time.")
	}
	pattern := "all"
	if fs.NArg() == 1 {
		pattern = fs.Arg(0)
	}
	if len(f.vaultIDs) > 0 || len(f.vaultPasswordFiles) > 0 || f.askVaultPass {
		fmt.Fprintf(stderr, "ERROR! vault options are not supported by gansible's ansible-inventory\n")
		return runner.ExitGeneral
	}
	if f.toml {
		fmt.Fprintf(stderr, "ERROR! --toml is not supported by gansible's ansible-inventory\n")
		return runner.ExitGeneral
	}

	text, err := inventoryOutput(&f, pattern, stdout, stderr)
	var optErr *inventoryOptionsError
	switch {
	case errors.As(err, &optErr):
		return optionsError(optErr.msg)
	case err != nil:
		var exitErr *runner.ExitError
		if !errors.As(err, &exitErr) || exitErr.Err != nil {
			fmt.Fprintf(stderr, "ERROR! %v\n", err)
		}
		return runner.ExitCode(err)
	case text == "":
		return 1
	}
	if f.output == "" {
		// Ansible's display adds a newline unless there is one.
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		fmt.Fprint(stdout, text)
		return 0
	}
	if err := os.WriteFile(f.output, []byte(text), 0o666); err != nil {
		var pe *os.PathError
		reason := err.Error()
		if errors.As(err, &pe) {
			reason = fmt.Sprintf("%s: b'%s'", pythonErrno(pe.Err), f.output)
		}
		fmt.Fprintf(stderr, "ERROR! Unable to write to destination file (%s): %s\n", f.output, reason)
		return runner.ExitGeneral
	}
	return 0
}

// inventoryLongOptions are ansible-inventory's long options in the order
// its parser defines them, which is the order argparse lists the
// candidates of an ambiguous abbreviation in; those marked true take a
// value.
var inventoryLongOptions = []struct {
	name  string
	value bool
}{
	{"--help", false}, {"--version", false}, {"--verbose", false},
	{"--inventory", true}, {"--inventory-file", true}, {"--vault-id", true},
	{"--ask-vault-password", false}, {"--ask-vault-pass", false},
	{"--vault-password-file", true}, {"--vault-pass-file", true},
	{"--playbook-dir", true}, {"--extra-vars", true}, {"--limit", false},
	{"--list-hosts", false}, {"--list", false}, {"--host", true}, {"--graph", false},
	{"--yaml", false}, {"--toml", false}, {"--vars", false}, {"--export", false},
	{"--output", true},
}

// shortValueOptions are the short options that take a value.
var shortValueOptions = map[byte]bool{'i': true, 'e': true}

// expandAbbreviations replaces unambiguous prefixes of long options by
// the options, as argparse accepts them, and refuses ambiguous ones with
// argparse's message.
func expandAbbreviations(args []string) ([]string, error) {
	// argparse classifies every argument before it takes values, so an
	// ambiguous abbreviation anywhere is the error.
	for _, a := range args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "--") || strings.Contains(a, " ") {
			continue
		}
		if matches := longOptionMatches(a); len(matches) > 1 {
			return nil, fmt.Errorf("ambiguous option: %s could match %s", a, strings.Join(matches, ", "))
		}
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		out = append(out, a)
		if a == "--" {
			return append(out, args[i+1:]...), nil
		}
		if len(a) >= 2 && a[0] == '-' && a[1] != '-' {
			if len(a) == 2 && shortValueOptions[a[1]] {
				if i+1 == len(args) || strings.HasPrefix(args[i+1], "-") {
					// argparse takes no value that looks like an option.
					return nil, fmt.Errorf("argument %s: expected one argument", inventoryOptionNames(a))
				}
				i++
				out = append(out, args[i])
			}
			continue
		}
		if !strings.HasPrefix(a, "--") {
			continue
		}
		_, value, hasValue := strings.Cut(a, "=")
		if matches := longOptionMatches(a); len(matches) == 1 {
			takesValue := false
			for _, o := range inventoryLongOptions {
				takesValue = takesValue || o.name == matches[0] && o.value
			}
			out[len(out)-1] = matches[0]
			if hasValue {
				out[len(out)-1] += "=" + value
			}
			if takesValue && !hasValue {
				if i+1 == len(args) || strings.HasPrefix(args[i+1], "-") {
					return nil, fmt.Errorf("argument %s: expected one argument", inventoryOptionNames(matches[0]))
				}
				i++
				out = append(out, args[i])
			}
		}
	}
	return out, nil
}

// longOptionMatches returns the long option arg names (before any "="):
// the exact one, or every option it is a prefix of.
func longOptionMatches(arg string) []string {
	name, _, _ := strings.Cut(arg, "=")
	var matches []string
	for _, o := range inventoryLongOptions {
		if o.name == name {
			return []string{o.name}
		}
		if strings.HasPrefix(o.name, name) {
			matches = append(matches, o.name)
		}
	}
	return matches
}

// refusedOption names the first of -l, --limit and --list-hosts in args,
// as argparse reports the one it meets first.
func refusedOption(args []string) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		switch {
		case strings.HasPrefix(a, "--limit"):
			return "--limit"
		case strings.HasPrefix(a, "--list-hosts"):
			return "--list-hosts"
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "l"):
			return "-l"
		}
	}
	return "-l"
}

// inventoryOptionsError is ansible-inventory's AnsibleOptionsError: the
// help, then the message, exit 5.
type inventoryOptionsError struct{ msg string }

func (e *inventoryOptionsError) Error() string { return e.msg }

// inventoryOutput loads the inventory and renders the requested action.
func inventoryOutput(f *inventoryFlags, pattern string, stdout, stderr io.Writer) (string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	cfg, err := config.Load(os.Getenv, cwd)
	if err != nil {
		return "", err
	}
	out := output.NewDefault(stdout, stderr, false, f.verbosity)
	warn := func(msg string) { fmt.Fprint(stderr, output.Wrap("[WARNING]: "+msg)) }
	if cfg.Path != "" {
		out.Verbose(1, "Using "+cfg.Path+" as config file")
	} else {
		out.Verbose(1, "No config file found; using defaults")
	}
	for _, w := range cfg.Warnings {
		warn(w)
	}
	var sources []string
	for _, src := range f.inventory {
		if !strings.Contains(src, ",") {
			src = config.ResolvePath(src, cwd, os.Getenv)
		}
		sources = append(sources, src)
	}
	if len(sources) == 0 {
		sources = cfg.Inventory
	}
	if len(sources) == 0 {
		sources = []string{"/etc/ansible/hosts"}
	}
	extraVars, extraErr := parseExtraVars(f.extraVars, cwd)
	inv, _, err := loadInventory(cfg, sources, extraVars)
	if inv != nil {
		for _, w := range inv.Warnings() {
			warn(w)
		}
	}
	if err != nil {
		return "", err
	}
	if extraErr != nil {
		return "", extraErr
	}
	// Without --playbook-dir, the working directory's group_vars/ and
	// host_vars/ still apply to the flattened host variables, as the
	// loader's base directory does in ansible-inventory.
	varsDir := cwd
	if f.playbookDir != "" {
		varsDir = config.ResolvePath(f.playbookDir, cwd, os.Getenv)
	}
	if err := inv.LoadPlaybookVars(varsDir); err != nil {
		return "", runner.ParserError(err)
	}
	l := &listing.Lister{Inv: inv, Export: f.export, PlaybookDir: f.playbookDir != "", ExtraVars: extraVars}

	format := func(v any) (string, error) {
		if f.yaml {
			return listing.YAML(v)
		}
		return listing.JSON(v)
	}
	switch {
	case f.host != "":
		hosts, err := inv.Match(f.host)
		if err != nil {
			return "", &runner.ExitError{Code: runner.ExitGeneral, Err: err}
		}
		for _, p := range inv.UnmatchedPatterns(f.host) {
			warn("Could not match supplied host pattern, ignoring: " + p)
		}
		if len(hosts) != 1 {
			return "", &inventoryOptionsError{"You must pass a single valid host to --host parameter"}
		}
		return format(l.HostVars(hosts[0]))
	case f.graph:
		g, ok := inv.Group(pattern)
		if !ok {
			return "", &inventoryOptionsError{"Pattern must be valid group name when using --graph"}
		}
		return l.Graph(g, f.vars), nil
	}
	if f.yaml {
		return format(l.YAMLTree())
	}
	return format(l.JSONTree())
}

// argparseMessage turns a flag parsing error into argparse's wording.
func argparseMessage(err error) string {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "unknown flag: "):
		return "unrecognized arguments: " + strings.TrimPrefix(msg, "unknown flag: ")
	case strings.HasPrefix(msg, "unknown shorthand flag: "):
		// "unknown shorthand flag: 'x' in -x"
		if _, arg, ok := strings.Cut(msg, " in "); ok {
			return "unrecognized arguments: " + arg
		}
	case strings.HasPrefix(msg, "flag needs an argument: "):
		// "flag needs an argument: --host" or "'i' in -i"
		opt := strings.TrimPrefix(msg, "flag needs an argument: ")
		if _, arg, ok := strings.Cut(opt, " in "); ok {
			opt = arg
		}
		return "argument " + inventoryOptionNames(opt) + ": expected one argument"
	}
	return msg
}

// inventoryOptionNames is how argparse names an option in its errors.
func inventoryOptionNames(opt string) string {
	switch opt {
	case "-i", "--inventory", "--inventory-file":
		return "-i/--inventory/--inventory-file"
	case "-e", "--extra-vars":
		return "-e/--extra-vars"
	case "--vault-password-file", "--vault-pass-file":
		return "--vault-password-file/--vault-pass-file"
	}
	return opt
}

// pythonErrno renders an OS error as Python's OSError does.
func pythonErrno(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "[Errno 2] No such file or directory"
	case errors.Is(err, os.ErrPermission):
		return "[Errno 13] Permission denied"
	case errors.Is(err, syscall.EISDIR):
		return "[Errno 21] Is a directory"
	}
	return err.Error()
}

// inventoryHelp is ansible-inventory 2.14's --help text; its first
// paragraph is the usage that starts a usage error.
const inventoryHelp = `usage: ansible-inventory [-h] [--version] [-v] [-i INVENTORY]
                         [--vault-id VAULT_IDS]
                         [--ask-vault-password | --vault-password-file VAULT_PASSWORD_FILES]
                         [--playbook-dir BASEDIR] [-e EXTRA_VARS] [--list]
                         [--host HOST] [--graph] [-y] [--toml] [--vars]
                         [--export] [--output OUTPUT_FILE]
                         [host|group]

Show Ansible inventory information, by default it uses the inventory script
JSON format

positional arguments:
  host|group

options:
  --ask-vault-password, --ask-vault-pass
                        ask for vault password
  --export              When doing an --list, represent in a way that is
                        optimized for export,not as an accurate representation
                        of how Ansible has processed it
  --output OUTPUT_FILE  When doing --list, send the inventory to a file
                        instead of to the screen
  --playbook-dir BASEDIR
                        Since this tool does not use playbooks, use this as a
                        substitute playbook directory. This sets the relative
                        path for many features including roles/ group_vars/
                        etc.
  --toml                Use TOML format instead of default JSON, ignored for
                        --graph
  --vars                Add vars to graph display, ignored unless used with
                        --graph
  --vault-id VAULT_IDS  the vault identity to use
  --vault-password-file VAULT_PASSWORD_FILES, --vault-pass-file VAULT_PASSWORD_FILES
                        vault password file
  --version             show program's version number, config file location,
                        configured module search path, module location,
                        executable location and exit
  -e EXTRA_VARS, --extra-vars EXTRA_VARS
                        set additional variables as key=value or YAML/JSON, if
                        filename prepend with @
  -h, --help            show this help message and exit
  -i INVENTORY, --inventory INVENTORY, --inventory-file INVENTORY
                        specify inventory host path or comma separated host
                        list. --inventory-file is deprecated
  -v, --verbose         Causes Ansible to print more debug messages. Adding
                        multiple -v will increase the verbosity, the builtin
                        plugins currently evaluate up to -vvvvvv. A reasonable
                        level to start is -vvv, connection debugging might
                        require -vvvv.
  -y, --yaml            Use YAML format instead of default JSON, ignored for
                        --graph

Actions:
  One of following must be used on invocation, ONLY ONE!

  --graph               create inventory graph, if supplying pattern it must
                        be a valid group name
  --host HOST           Output specific host info, works as inventory script
  --list                Output all hosts info, works as inventory script
`
