package connection

import (
	"bytes"
	"io"
	"strings"

	"github.com/gansible/gansible/shell"
)

// becomePrompt is the prompt gansible asks sudo to print; seeing it in
// stderr tells a missing or wrong password apart from the command's output.
const becomePrompt = "[gansible-become-password]"

// wrapBecome turns cmd into the command line that runs it as become.User,
// and puts the password, if any, in front of stdin, where sudo -S reads it.
func wrapBecome(cmd string, stdin io.Reader, become *Become) (string, io.Reader, error) {
	if become == nil {
		return cmd, stdin, nil
	}
	user := become.User
	if user == "" {
		user = "root"
	}
	switch become.Method {
	case "", "sudo":
		exe := become.Exe
		if exe == "" {
			exe = "sudo"
		}
		var line strings.Builder
		line.WriteString(shell.Quote(exe))
		line.WriteString(" -H -S")
		if become.Password == "" {
			line.WriteString(" -n")
		}
		line.WriteString(" -p " + shell.Quote(becomePrompt))
		if become.Flags != "" {
			line.WriteString(" " + become.Flags)
		}
		line.WriteString(" -u " + shell.Quote(user) + " /bin/sh -c " + shell.Quote(cmd))
		if become.Password != "" {
			pw := strings.NewReader(become.Password + "\n")
			if stdin == nil {
				stdin = pw
			} else {
				stdin = io.MultiReader(pw, stdin)
			}
		}
		return line.String(), stdin, nil
	default:
		return "", nil, &BecomeError{Msg: "become method " + become.Method + " is not supported on this connection"}
	}
}

// checkBecome turns sudo's own failures into a BecomeError.
func checkBecome(res Result, become *Become) error {
	if become == nil || res.ExitCode == 0 {
		return nil
	}
	switch {
	case bytes.Contains(res.Stderr, []byte("a password is required")):
		return &BecomeError{Msg: "Missing sudo password"}
	case bytes.Count(res.Stderr, []byte(becomePrompt)) > 1,
		bytes.Contains(res.Stderr, []byte("incorrect password attempt")),
		bytes.Contains(res.Stderr, []byte("Sorry, try again")):
		return &BecomeError{Msg: "Incorrect sudo password"}
	}
	return nil
}
