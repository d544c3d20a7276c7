// Package template renders Jinja2 the way Ansible does: Ansible's filters,
// tests and lookups, strict undefined variables, Python-style printing of
// values, and variables whose own values are templates, resolved lazily
// and only when used.
//
// Templates are lexed and parsed by package syntax and evaluated here,
// following Jinja2's compiled code and Python's semantics: gonja's own
// evaluator differs from Jinja2 in ways that matter to playbooks
// (undefined values that cannot be told from None, among others).
//
// Python's limits become template errors rather than crashes: values a
// template builds are bounded (budget.go), as are recursion through
// macros, includes and variables and the total work of one call; integers
// are unbounded as in Python (bigint.go); regular expressions follow
// Python's re (package pyre).
//
// Dicts are package value's insertion-ordered *value.Dict, as Python's;
// a Go map handed in is read with its keys sorted.
//
// Known differences from Ansible: dict keys are strings
// (rekey_on_member on an int member keys by its text), the random and
// shuffle filters without a seed are deterministic (with one they are
// Python's), only the sha512, sha256 and md5 schemes of password_hash
// and the sha512 one of the password lookup's encrypt= are implemented,
// json_query returns whole floats as ints, the urlize filter, the url
// lookup, the config lookup of settings gansible does not read,
// to_datetime with time zones and the lipsum global fail as not
// supported, type_debug names Python's own types only (never
// AnsibleUnicode or NativeJinjaText), and the methods that change a list
// or dict (append, update...) store the changed value back into the
// name, variable or namespace attribute they were called on, so other
// references to the same list taken before do not see the change
// (mutate.go).
package template

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// Vars gives a template its variables. Lookup returns a variable's raw
// value: strings, also inside lists and maps, may still hold Jinja2, which
// is templated when (and only when) a template uses the variable.
type Vars interface {
	Lookup(name string) (any, bool)
}

// MapVars is a Vars over a plain map.
type MapVars map[string]any

// Lookup implements Vars.
func (m MapVars) Lookup(name string) (any, bool) {
	v, ok := m[name]
	return v, ok
}

// Names implements VarNames.
func (m MapVars) Names() []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	return names
}

// HostVars is the value of the magic variable hostvars. Indexing it yields
// a host's variables, templated lazily in that host's context.
type HostVars interface {
	Host(name string) (Vars, bool)
	Hosts() []string
}

// Unsafe marks data that came back from a host (registered results, facts):
// it is never templated, even when it contains "{{".
type Unsafe = value.Unsafe

// Deferred is a value computed when a template first uses it: an inline
// vault value that could not be decrypted as it was read, which Ansible
// decrypts only when used, so that its error fails only the task using it.
type Deferred interface {
	Value() (any, error)
}

// Options configures an Engine.
type Options struct {
	// Now returns the current time for now(); time.Now when nil.
	Now func() time.Time
	// MatchHosts returns the names of the inventory hosts a host pattern
	// selects, for the inventory_hostnames lookup; without it that
	// lookup fails.
	MatchHosts func(pattern string) ([]string, error)
	// Setting returns the value of an Ansible setting (DEFAULT_FORKS...)
	// for the config lookup, and whether it is known.
	Setting func(name string) (any, bool)
	// DisableLookups makes lookup(), query() and q() fail, as Ansible's
	// templar does for inventory plugins composing variables.
	DisableLookups bool
	// Warn prints an Ansible warning (a lookup's errors='warn', a file
	// a lookup cannot find); without it warnings are dropped.
	Warn func(msg string)
}

// Engine renders templates. It is safe for concurrent use.
type Engine struct {
	opts  Options
	omit  string
	cache sync.Map // cacheKey -> *syntax.Template or error
	exprs sync.Map // expression text -> syntax.Expr or error
}

// New returns an Engine.
func New(opts Options) *Engine {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	sum := sha1.Sum([]byte(fmt.Sprintf("omit-%d", time.Now().UnixNano())))
	return &Engine{opts: opts, omit: "__omit_place_holder__" + hex.EncodeToString(sum[:])}
}

// Omit is the value of the magic variable omit: module arguments equal to
// it are to be dropped.
func (e *Engine) Omit() string { return e.omit }

// Render renders a template file's content with Ansible's default
// environment; name appears in errors.
func (e *Engine) Render(name, text string, vars Vars) (string, error) {
	return e.RenderFile(name, text, vars, FileOptions{})
}

// FileOptions is how the template module renders a file.
type FileOptions struct {
	// Syntax is the environment the file is lexed with; the zero value
	// is DefaultSyntax. A "#jinja2:" first line overrides it.
	Syntax Syntax
	// SearchPath is where {% include %}, {% import %} and {% extends %}
	// look for templates, in order. When nil, the playbook's directory
	// (playbook_dir) is, as for templates in playbook strings.
	SearchPath []string
}

// RenderFile renders a template file's content; name appears in errors.
func (e *Engine) RenderFile(name, text string, vars Vars, opts FileOptions) (string, error) {
	syn := opts.Syntax
	if syn == (syntax.Syntax{}) {
		syn = syntax.DefaultSyntax()
	}
	return e.renderFile(newEvaluator(e, vars), name, text, syn, opts.SearchPath)
}

// renderFile renders a template file with evaluator ev.
func (e *Engine) renderFile(ev *evaluator, name, text string, syn syntax.Syntax, search []string) (string, error) {
	t, err := e.parseTop(text, syn)
	if err != nil {
		return "", templateError(name, text, err)
	}
	ev.search = search
	out, err := ev.render(t, name)
	if err != nil {
		return "", templateError(name, text, err)
	}
	return out, nil
}

// Template templates a value from a playbook. Strings holding Jinja2 are
// rendered; []any and map[string]any are templated element-wise; other
// values are returned as they are. As in Ansible, a rendered string that
// reads as a Python list, dict or boolean ("[1, 2]", "True") becomes that
// value, so "{{ some_list }}" is a list while "{{ 5 }}" is the string "5".
func (e *Engine) Template(value any, vars Vars) (any, error) {
	return newEvaluator(e, vars).templateValue(value)
}

// Condition evaluates a conditional (when, changed_when, failed_when,
// until, assert's that) and returns its truth.
func (e *Engine) Condition(expr string, vars Vars) (bool, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return true, nil
	}
	ev := newEvaluator(e, vars)
	if hasJinja(expr) {
		// Ansible accepts "{{ x }}" in conditionals (with a warning): the
		// template is rendered first and its result evaluated.
		v, err := ev.templateString(expr)
		if err != nil {
			return false, err
		}
		s, ok := v.(string)
		if !ok {
			return truthy(v), nil
		}
		expr = strings.TrimSpace(s)
		if expr == "" {
			return false, nil
		}
	}
	// Ansible templates a condition as this statement; its errors show it.
	shown := "{% if " + expr + " %} True {% else %} False {% endif %}"
	v, err := e.evalShown(ev, expr, shown)
	if err != nil {
		return false, err
	}
	return truthy(v), nil
}

// Expr evaluates a bare expression (no braces) and returns its value.
func (e *Engine) Expr(expr string, vars Vars) (any, error) {
	return e.eval(newEvaluator(e, vars), expr)
}

func (e *Engine) eval(ev *evaluator, src string) (any, error) {
	return e.evalShown(ev, src, src)
}

// evalShown evaluates the expression src; its errors quote shown.
func (e *Engine) evalShown(ev *evaluator, src, shown string) (any, error) {
	x, err := e.parseExpr(src)
	if err != nil {
		return nil, templateError("", shown, e.shownSyntaxError(src, shown, err))
	}
	v, err := ev.eval(x, ev.top)
	if err == nil {
		err = strictDeep(v)
	}
	if err != nil {
		return nil, templateError("", shown, err)
	}
	return plain(v), nil
}

// shownSyntaxError is the syntax error of shown, the template Ansible
// renders for src (a condition's {% if %} statement), whose parser words
// the error by the template's tokens: a condition cut short ends at "end
// of statement block", not at the end of an expression.
func (e *Engine) shownSyntaxError(src, shown string, err error) error {
	if shown == src {
		return err
	}
	if _, perr := e.parse(shown, syntax.DefaultSyntax()); perr != nil {
		return perr
	}
	return err
}

// parseTop parses the source of a template rendered on its own (a file or
// a playbook string), where Ansible honours a "#jinja2:" header.
func (e *Engine) parseTop(src string, syn syntax.Syntax) (*syntax.Template, error) {
	body, syn, err := e.applyHeader(src, syn)
	if err != nil {
		return nil, err
	}
	t, err := e.parse(body, syn)
	if err != nil || body == src {
		return t, err
	}
	// The newlines to restore are counted on the text before the header
	// went, as Ansible does.
	c := *t
	c.TrailingNewlines = syntax.TrailingNewlines(src)
	return &c, nil
}

// cacheKey tells apart the same text lexed with different syntax.
type cacheKey struct {
	syn syntax.Syntax
	src string
}

func (e *Engine) parse(src string, syn syntax.Syntax) (*syntax.Template, error) {
	key := cacheKey{syn, src}
	if v, ok := e.cache.Load(key); ok {
		if err, bad := v.(error); bad {
			return nil, err
		}
		return v.(*syntax.Template), nil
	}
	t, err := syntax.Parse(src, syn)
	if err != nil {
		e.cache.Store(key, err)
		return nil, err
	}
	e.cache.Store(key, t)
	return t, nil
}

func (e *Engine) parseExpr(src string) (syntax.Expr, error) {
	if v, ok := e.exprs.Load(src); ok {
		if err, bad := v.(error); bad {
			return nil, err
		}
		return v.(syntax.Expr), nil
	}
	x, err := syntax.ParseExpr(src)
	if err != nil {
		e.exprs.Store(src, err)
		return nil, err
	}
	e.exprs.Store(src, x)
	return x, nil
}

// hasJinja reports whether s holds template syntax at all.
func hasJinja(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#")
}
