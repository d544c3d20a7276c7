// Package termio reads what a user types on the controller's terminal:
// the answers to vars_prompt and pause, and the -k and -K passwords, with
// the echo off for secrets as Python's getpass has it.
package termio

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"golang.org/x/term"
)

// IsTerminal reports whether f is a terminal, as Python's isatty: not
// merely a character device, which /dev/null is too.
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// IsTerminalReader reports whether r is a file that is a terminal.
func IsTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && IsTerminal(f)
}

// ReadLine reads one line typed on the terminal f, echoed unless echo is
// false, without its line ending.
func ReadLine(f *os.File, echo bool) (string, error) {
	if !echo {
		b, err := term.ReadPassword(int(f.Fd()))
		return string(b), err
	}
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// Prompt writes msg to out and reads the answer from the terminal in,
// hidden when private (a new line follows, as the echo is off); with
// confirm it asks again until both answers agree, as vars_prompt does.
func Prompt(in *os.File, out io.Writer, msg string, private, confirm bool) (string, error) {
	read := func(msg string) (string, error) {
		fmt.Fprint(out, msg)
		answer, err := ReadLine(in, !private)
		if private {
			fmt.Fprintln(out)
		}
		return answer, err
	}
	for {
		first, err := read(msg)
		if err != nil || !confirm {
			return first, err
		}
		second, err := read("confirm " + msg)
		if err != nil {
			return "", err
		}
		if first == second {
			return first, nil
		}
		fmt.Fprintln(out, "***** VALUES ENTERED DO NOT MATCH ****")
	}
}

// Secret prompts on the controlling terminal (/dev/tty) and reads a secret
// with the echo off. While it waits, restore holds a function that turns
// the echo back on, for an interrupt handler that ends the process.
func Secret(prompt string, restore *atomic.Pointer[func()]) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("a password prompt needs a terminal: %w", err)
	}
	defer tty.Close()
	fd := int(tty.Fd())
	if state, err := term.GetState(fd); err == nil && restore != nil {
		f := func() {
			term.Restore(fd, state)
			fmt.Fprintln(tty)
		}
		restore.Store(&f)
		defer restore.Store(nil)
	}
	fmt.Fprint(tty, prompt)
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(tty)
	return string(pw), err
}

// LineReader reads secrets as getpass does: on the terminal with the echo
// off when in is one, else one line of in after the prompt, which goes to
// prompts.
type LineReader struct {
	in      io.Reader
	lines   *bufio.Reader
	prompts io.Writer
	restore *atomic.Pointer[func()]
}

// NewLineReader returns a reader of secrets from in; restore is as for
// Secret.
func NewLineReader(in io.Reader, prompts io.Writer, restore *atomic.Pointer[func()]) *LineReader {
	return &LineReader{in: in, prompts: prompts, restore: restore}
}

// Read prompts and reads one secret.
func (s *LineReader) Read(prompt string) (string, error) {
	if IsTerminalReader(s.in) {
		return Secret(prompt, s.restore)
	}
	if s.lines == nil {
		s.lines = bufio.NewReader(s.in)
	}
	fmt.Fprint(s.prompts, prompt)
	line, err := s.lines.ReadString('\n')
	if err != nil && !(err == io.EOF && line != "") {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	fmt.Fprintln(s.prompts)
	return strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), nil
}
