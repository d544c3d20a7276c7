package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/gansible/gansible/config"
)

const configUsage = "usage: ansible-config [-h] [--version] [-v] {list,dump,view,init} ..."

// configCommand is ansible-config for the settings gansible reads: dump
// (NAME(origin) = value, as Ansible prints them) and view (the file).
func configCommand(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	usageError := func(msg string) int {
		fmt.Fprintf(stderr, "%s\nansible-config: error: %s\n", configUsage, msg)
		return 2 // argparse's exit status
	}
	if len(args) == 0 {
		return usageError("the following arguments are required: action")
	}
	action, rest := args[0], args[1:]
	var file, pluginType, format string
	var onlyChanged, help bool
	var verbosity int
	fs := pflag.NewFlagSet("ansible-config "+action, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVarP(&file, "config", "c", "", "path to configuration file, defaults to first file found in precedence")
	fs.CountVarP(&verbosity, "verbose", "v", "verbose mode")
	fs.BoolVarP(&help, "help", "h", false, "show this help message and exit")
	switch action {
	case "dump":
		fs.StringVarP(&pluginType, "type", "t", "base", "filter down to a specific plugin type")
		fs.BoolVar(&onlyChanged, "only-changed", false, "only show configurations that have changed from the default")
		fs.BoolVar(&onlyChanged, "changed-only", false, "alias of --only-changed")
		fs.StringVarP(&format, "format", "f", "display", "output format for dump")
	case "view":
	case "list", "init":
		fmt.Fprintf(stderr, "ERROR! ansible-config %s is not supported by gansible yet (dump and view are)\n", action)
		return 1
	case "-h", "--help":
		fmt.Fprintf(stdout, "%s\n\nView ansible configuration: dump and view the settings gansible reads.\n", configUsage)
		return 0
	default:
		return usageError(fmt.Sprintf("argument action: invalid choice: '%s' (choose from 'list', 'dump', 'view', 'init')", action))
	}
	if err := fs.Parse(rest); err != nil {
		return usageError(err.Error())
	}
	if help {
		fmt.Fprintf(stdout, "usage: ansible-config %s [-h] [-v] [-c CONFIG_FILE] [options]\n\n%s", action, fs.FlagUsages())
		return 0
	}
	switch {
	case fs.NArg() > 0:
		return usageError("unrecognized arguments: " + fs.Arg(0))
	case action == "dump" && pluginType != "base":
		fmt.Fprintf(stderr, "ERROR! ansible-config dump -t %s is not supported by gansible yet (only base)\n", pluginType)
		return 1
	case action == "dump" && format != "display":
		fmt.Fprintf(stderr, "ERROR! ansible-config dump --format %s is not supported by gansible yet (only display)\n", format)
		return 1
	}

	getenv := os.Getenv
	if file != "" {
		// -c is $ANSIBLE_CONFIG for this command.
		getenv = func(name string) string {
			if name == "ANSIBLE_CONFIG" {
				return file
			}
			return os.Getenv(name)
		}
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		return 1
	}
	cfg, err := config.Load(getenv, cwd)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		return 1
	}
	if action == "view" {
		data, err := os.ReadFile(cfg.Path)
		if cfg.Path == "" || err != nil {
			fmt.Fprintf(stderr, "ERROR! Invalid or no config file was supplied\n")
			return 1
		}
		// As Ansible's display: a newline only where the file lacks one.
		if len(data) == 0 || data[len(data)-1] != '\n' {
			data = append(data, '\n')
		}
		stdout.Write(data)
		return 0
	}
	for _, e := range cfg.Dump() {
		if !onlyChanged || e.Changed() {
			fmt.Fprintln(stdout, e)
		}
	}
	return 0
}
