package template

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gansible/gansible/template/syntax"
)

// Error is a templating error. Its message reads like Ansible's: "'foo' is
// undefined" for an undefined variable, "template error while templating
// string: <detail>. String: <source>" for a syntax error.
type Error struct {
	Name  string // template name, empty for playbook strings
	Line  int    // 1-based line in the template, 0 when unknown
	Msg   string
	cause error
}

func (e *Error) Error() string {
	switch {
	case e.Name != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg)
	case e.Name != "":
		return e.Name + ": " + e.Msg
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.cause }

// undefinedError is the failure of using an undefined value.
type undefinedError struct{ msg string }

func (e *undefinedError) Error() string { return e.msg }

// IsUndefined reports whether err (wrapped or not) is about an undefined
// variable or attribute.
func IsUndefined(err error) bool {
	var u *undefinedError
	return errors.As(err, &u)
}

// lineError attaches the template line an evaluation error happened on.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }
func (e *lineError) Unwrap() error { return e.err }

// atLine wraps err with line unless it already carries one.
func atLine(line int, err error) error {
	var le *lineError
	if err == nil || errors.As(err, &le) {
		return err
	}
	return &lineError{line, err}
}

// typeError is a Python TypeError raised while rendering, which
// Ansible reports with the template's source.
type typeError struct{ msg string }

func (e *typeError) Error() string { return e.msg }

// loopError reports a variable whose value refers back to itself.
type loopError struct{ src string }

func (e *loopError) Error() string {
	return "recursive loop detected in template string: " + e.src
}

// templateError turns a parse or evaluation failure into an *Error.
func templateError(name, src string, err error) error {
	var te *Error
	if errors.As(err, &te) {
		return err
	}
	out := &Error{Name: name, Msg: err.Error(), cause: err}
	var se *syntax.Error
	var le *lineError
	switch {
	case errors.As(err, &se):
		out.Line = se.Line
		if name == "" {
			// Ansible's error repeats the cause after its own message.
			out.Msg = fmt.Sprintf("template error while templating string: %s. String: %s. %s", se.Msg, src, se.Msg)
		} else {
			out.Msg = "template error: " + se.Msg
		}
	case errors.As(err, &le):
		out.Line = le.line
	}
	var te2 *typeError
	if name == "" && errors.As(err, &te2) {
		out.Msg = fmt.Sprintf("Unexpected templating type error occurred on (%s): %s. %s", src, te2.msg, te2.msg)
	}
	if name == "" {
		out.Line = 0 // a line number means little inside a one-line string
	}
	return out
}

// FileException is the exception ansible-core's template action catches
// when a template file fails to render, from err and the file's source:
// its class as a traceback's last line names it
// ("ansible.errors.AnsibleUndefinedVariable") and its text. The action
// reports it as its short class name and text.
func FileException(err error, src string) (class, text string) {
	var pe *PyError
	var se *syntax.Error
	var tye *typeError
	var nf *notFoundError
	var u *undefinedError
	switch {
	case errors.As(err, &pe):
		return pe.Class, pe.Msg
	case errors.As(err, &u):
		return "ansible.errors.AnsibleUndefinedVariable", u.msg + ". " + u.msg
	case errors.As(err, &se):
		return "ansible.errors.AnsibleError", fmt.Sprintf("template error while templating string: %s. String: %s. %s", se.Msg, src, se.Msg)
	case errors.As(err, &tye):
		return "ansible.errors.AnsibleError", fmt.Sprintf("Unexpected templating type error occurred on (%s): %s. %s", src, tye.msg, tye.msg)
	case errors.As(err, &nf):
		name, text, _ := strings.Cut(nf.Error(), ": ")
		return "jinja2.exceptions." + name, text
	}
	var te *Error
	if errors.As(err, &te) {
		return "ansible.errors.AnsibleError", te.Msg
	}
	return "ansible.errors.AnsibleError", err.Error()
}

// PyError is a Python exception other than TypeError raised while
// rendering (a division by zero, a string float() refuses, a filter's
// bad argument). ansible-core's templar lets it out as it is, so the task
// reports it by its class: see IsValueError.
type PyError struct {
	// Class names the exception as a traceback's last line does:
	// ZeroDivisionError, jinja2.exceptions.FilterArgumentError.
	Class string
	Msg   string
}

func (e *PyError) Error() string { return e.Msg }

// IsValueError reports whether the exception is a ValueError or one of
// its subclasses (a JSON decoding error is one), which ansible-core's
// post_validate words as a field's invalid value.
func (e *PyError) IsValueError() bool {
	switch e.Class {
	case "ValueError", "json.decoder.JSONDecodeError", "binascii.Error":
		return true
	}
	return false
}

func zeroDivisionError(msg string) error { return &PyError{"ZeroDivisionError", msg} }

func valueError(format string, a ...any) error {
	return &PyError{"ValueError", fmt.Sprintf(format, a...)}
}

// UndefinedError is an error IsUndefined reports, for a caller that finds
// a value undefined outside a template, as Ansible raises its
// AnsibleUndefinedVariable.
func UndefinedError(msg string) error { return &undefinedError{msg} }
