package main

import (
	"io"
	"path/filepath"
	"strings"
)

// A command is one program of the Ansible command family; it returns the
// process's exit code.
type command func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

// commands are the programs this one binary is. It is chosen by the name
// the binary is invoked as (a symlink ansible-vault -> gansible), or by
// the first argument (gansible vault ..., gansible ansible ...); anything else is
// ansible-playbook, so that `gansible site.yml` runs a playbook.
var commands = map[string]command{
	"ansible-playbook":  run,
	"ansible":           adhocCommand,
	"ansible-config":    configCommand,
	"ansible-vault":     vaultCommand,
	"ansible-inventory": inventoryCmd,
}

// dispatch picks the command for argv0 and args and runs it.
func dispatch(argv0 string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if c, ok := commands[filepath.Base(argv0)]; ok {
		return c(args, stdin, stdout, stderr)
	}
	if len(args) > 0 && !strings.ContainsAny(args[0], "./") {
		for _, name := range []string{"ansible-" + args[0], args[0]} {
			if c, ok := commands[name]; ok {
				return c(args[1:], stdin, stdout, stderr)
			}
		}
	}
	return commands["ansible-playbook"](args, stdin, stdout, stderr)
}
