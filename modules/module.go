// Package modules implements Ansible's modules in Go.
//
// Each module lives in its own file and registers itself in init. A module
// builds POSIX sh commands (quoted with package shell) and runs them over a
// connection.Conn: nothing but /bin/sh and the usual POSIX tools is needed
// on the host, never Python.
//
// Controller-side actions that need the play's variables (debug, set_fact,
// assert, fail, meta, include_*) are not modules: the runner handles them;
// the options they accept are declared here too (actions.go).
package modules

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/template"
)

// Context is what a module needs to act on one host for one task.
type Context struct {
	Ctx    context.Context
	Conn   connection.Conn
	Become *connection.Become // nil: run as the connection's user
	Host   string             // inventory hostname, for messages

	// TaskArgs are the task's arguments as given, before validation:
	// what an Ansible action plugin sees as its task's args.
	TaskArgs Args

	CheckMode bool // report what would change, change nothing
	DiffMode  bool // fill Result.Diff

	// FindFile resolves a controller-side source path as Ansible does: an
	// absolute path as is; a relative one in the role's kind/ directory
	// ("files" or "templates"), then the role directory, then kind/ beside
	// the playbook, then beside the playbook.
	FindFile func(kind, name string) (string, error)

	// PlaybookDir is the playbook's directory, where Ansible's path_dwim
	// puts a relative controller path (fetch's dest).
	PlaybookDir string

	// RenderTemplate renders a controller-side template file with the task's
	// variables (the template module's job on the controller).
	RenderTemplate func(path string, syn template.Syntax) (string, error)
}

// Run runs cmd on the host with the task's become settings.
func (c *Context) Run(cmd string, stdin []byte) (connection.Result, error) {
	var in *strings.Reader
	if stdin != nil {
		in = strings.NewReader(string(stdin))
	}
	if in == nil {
		return c.Conn.Run(c.Ctx, cmd, nil, c.Become)
	}
	return c.Conn.Run(c.Ctx, cmd, in, c.Become)
}

// Diff is one before/after pair shown by --diff.
type Diff struct {
	Before       string
	After        string
	BeforeHeader string
	AfterHeader  string
}

// Result is what a module reports. Fields holds the module's return values
// (rc, stdout, dest, ansible_facts, ...) as Ansible names them; the runner
// adds changed, failed and msg when registering the result.
type Result struct {
	Changed bool
	Failed  bool
	Skipped bool
	Msg     string
	Diff    []Diff
	Fields  map[string]any
}

// Set records a return value.
func (r *Result) Set(key string, value any) {
	if r.Fields == nil {
		r.Fields = map[string]any{}
	}
	r.Fields[key] = value
}

// A CaughtException is an error the action reports as the Python
// exception its plugin catches: the error's text as msg, and the
// traceback under "exception" (a template that fails to render).
type CaughtException interface {
	error
	Traceback() string
}

// FileNotFoundError is Ansible's AnsibleFileNotFound for a controller-side
// source an action looks for: its name and the paths searched, in order.
type FileNotFoundError struct {
	Name     string
	Searched []string
}

func (e *FileNotFoundError) Error() string {
	msg := "Could not find or access '" + e.Name + "'"
	if len(e.Searched) > 0 {
		msg += "\nSearched in:\n\t" + strings.Join(e.Searched, "\n\t")
	}
	return msg + " on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option"
}

// sourceNotFound is the failure of an action whose controller-side
// source is missing: Ansible's message, and its exception, whose last line
// the default callback prints before the result.
func sourceNotFound(err error) error {
	return failWith(map[string]any{"exception": err.Error()}, "%s", err.Error())
}

// Failf marks the result failed with a message.
func Failf(format string, args ...any) *Result {
	return &Result{Failed: true, Msg: fmt.Sprintf(format, args...)}
}

// Module is one Ansible module. Every registered module also implements
// Specced: its parameters declared as data.
type Module interface {
	// Run does the module's work on the host. Problems with the host or the
	// arguments are reported in a failed Result; an error is only for a
	// broken connection (connection.UnreachableError).
	Run(c *Context, args Args) (*Result, error)
}

// Specced is a module that declares its parameters: Validate checks and
// converts a task's arguments with the spec before Run, so Run reads
// every declared parameter under its canonical name, typed, with its
// default.
type Specced interface {
	Module
	Spec() *argspec.Spec
}

// Validate is Check without the warnings.
func Validate(name string, m Module, args Args) (Args, error) {
	out, _, err := Check(name, m, args)
	return out, err
}

// Check checks a task's arguments for the module the task named and
// returns what the module's Run reads, with the warnings Ansible's
// validation gives. The error's text is the task's failure message.
func Check(name string, m Module, args Args) (Args, []string, error) {
	out, warnings, err := specOf(m).Check(name, args)
	if err != nil {
		return nil, warnings, err
	}
	if err := checkNUL(args); err != nil {
		return nil, warnings, err
	}
	return out, warnings, nil
}

func specOf(m Module) *argspec.Spec {
	s, ok := m.(Specced)
	if !ok {
		panic(fmt.Sprintf("modules: %T declares no spec", m))
	}
	return s.Spec()
}

// NoLogValues are the values of the task's arguments that the module
// declares no_log: the module's result must not show them.
func NoLogValues(m Module, args Args) []string {
	return specOf(m).NoLogValues(args)
}

var (
	registry    = map[string]Module{}
	collections = map[string]string{} // a collection's FQCN -> the short name
)

// Register adds a module under its short name; it is also found as
// ansible.builtin.NAME and ansible.legacy.NAME, and under the fully
// qualified names given (the collection a module moved to when it left
// ansible-core, such as ansible.posix.authorized_key).
func Register(name string, m Module, fqcns ...string) {
	if _, dup := registry[name]; dup {
		panic("modules: duplicate module " + name)
	}
	spec := specOf(m) // every module declares its parameters
	registry[name] = m
	if spec.FreeForm {
		argspec.RegisterFreeForm(name)
		for _, f := range fqcns {
			argspec.RegisterFreeForm(f)
		}
	}
	for _, f := range fqcns {
		if _, dup := collections[f]; dup {
			panic("modules: duplicate module " + f)
		}
		collections[f] = name
	}
}

// Lookup finds a module by its short or fully qualified name.
func Lookup(name string) (Module, bool) {
	if short, ok := collections[name]; ok {
		name = short
	}
	name = strings.TrimPrefix(name, "ansible.builtin.")
	name = strings.TrimPrefix(name, "ansible.legacy.")
	m, ok := registry[name]
	return m, ok
}

// ShortName is the name a module or action is registered under: name
// without ansible.builtin. or ansible.legacy., or the short name of a
// collection's FQCN gansible knows.
func ShortName(name string) string {
	if short, ok := collections[name]; ok {
		return short
	}
	return strings.TrimPrefix(strings.TrimPrefix(name, "ansible.builtin."), "ansible.legacy.")
}

// Names lists the registered modules, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
