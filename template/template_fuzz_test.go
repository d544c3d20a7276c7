package template

import (
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/template/syntax"
)

// fuzzVars are the variables every fuzzed template sees: scalars, a list,
// a dict, and a variable whose value is itself a template.
var fuzzVars = MapVars{
	"x": 1, "s": "text", "b": true, "n": nil, "f": 1.5,
	"c":      map[string]any{"k": []any{1, 2}, "name": "n1"},
	"l":      []any{"a", "b", 3},
	"a":      "{{ x }}",
	"groups": map[string]any{"all": []any{"h1", "h2"}, "web": []any{"h1"}},
}

var (
	bigNumber = regexp.MustCompile(`[0-9]{3,}`)
	// costly are constructs whose legitimate cost grows with the numbers
	// in them; templates holding both are not run.
	costly = regexp.MustCompile(`\*|range|lipsum|repeat|center|ljust|rjust|format|indent|wordwrap|truncate|%`)
)

// unfit finds what the fuzzer must not run: the pipe and lines lookups
// run shell commands (a fuzzer must not run what it makes up), and
// random, shuffle, lipsum, now(), strftime without a time, an unsalted
// vault or password_hash and the password lookup differ from one
// rendering to the next by design.
var unfit = regexp.MustCompile(`pipe|lines|random|shuffle|password|lipsum|now|vault|strftime`)

// tooExpensive reports whether src may legitimately take long or build a
// huge result ("'a' * 99999999", range(10**9)): the fuzzer looks for
// crashes and hangs, not for costly templates.
func tooExpensive(src string) bool {
	return len(src) > 1024 || strings.Count(src, "*") > 2 ||
		costly.MatchString(src) && bigNumber.MatchString(src) ||
		strings.Count(src, "{% for") > 2 || strings.Contains(src, "recursive")
}

// FuzzRender parses and renders arbitrary templates (syntax's FuzzParse
// checks the parser alone). Properties:
//   - no panic, and no template runs longer than a few seconds;
//   - a rendering error is an *Error, at a line of the template when it
//     names it;
//   - rendering is deterministic, from a fresh parse or from the cache;
//   - text without Jinja2 delimiters renders as itself (newlines
//     normalised).
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"{{ x }}", "{% if a %}b{% else %}c{% endif %}", "{% for a, b in c if d %}{{ loop.index }}{% endfor %}",
		"{{ a | f(1, k=2) is t 3 }}", "{{ (1, 2)[0] }}", "{% set x %}y{% endset %}", "{{ 'a' ~ b[1:2:3] }}",
		"{% macro m(a=1) %}{{ a }}{% endmacro %}{{ m() }}", "{{ {'a': [1, {'b': none}]} }}", "{# c #}{%- raw -%}x{% endraw %}",
		"{{ 2**64 // -3 % 7 }}", "{{ 'ab' * 3 ~ [1] * 2 }}", "{{ range(1, 9, 2) | join('-') }}",
		"{{ 'a1' | regex_replace('(?P<d>\\d)', '\\g<d>') }}", "{{ 'x' is match('(x)\\1?') }}",
		"{% set ns = namespace(l=[]) %}{% for i in range(3) %}{% set ns.l = ns.l + [i] %}{% endfor %}{{ ns.l }}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if tooExpensive(src) {
			t.Skip("may legitimately be expensive")
		}
		if unfit.MatchString(src) {
			t.Skip("runs commands, or is random by design")
		}
		// Jinja2 ends a line at \r\n, \r and \n.
		lines := strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(src, "\r\n", ""), "\r") + 1
		// The checks run aside, so that a template that never ends fails
		// the test; they report back instead of calling t, which they
		// may outlive.
		done := make(chan []string, 1)
		go func() {
			defer func() {
				if r := recover(); r != nil {
					done <- []string{fmt.Sprintf("template %q: panic: %v\n%s", src, r, debug.Stack())}
				}
			}()
			done <- checkRender(src, lines)
		}()
		select {
		case problems := <-done:
			for _, p := range problems {
				t.Error(p)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("template %q still running after 10s", src)
		}
	})
}

// checkRender renders src and returns what is wrong with the results.
func checkRender(src string, lines int) (problems []string) {
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	e := New(Options{Now: func() time.Time { return time.Unix(0, 0).UTC() }})
	out, err := e.Render("fuzz", src, fuzzVars)
	if err != nil {
		var te *Error
		if !errors.As(err, &te) {
			errorf("Render(%q): error %q is a %T, not an *Error", src, err, err)
		} else if te.Name == "fuzz" && (te.Line < 0 || te.Line > lines) {
			errorf("Render(%q): error %q at line %d outside 1..%d", src, err, te.Line, lines)
		}
	}
	out2, err2 := e.Render("fuzz", src, fuzzVars)
	if out2 != out || (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
		errorf("Render(%q) twice: %q, %v then %q, %v", src, out, err, out2, err2)
	}
	// Jinja2 turns every \r\n and \r into \n and drops one final
	// newline; Ansible then restores the "\n"s that ended the source.
	plainOut := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(src)
	plainOut = strings.TrimSuffix(plainOut, "\n")
	for n := syntax.TrailingNewlines(src) - syntax.TrailingNewlines(plainOut); n > 0; n-- {
		plainOut += "\n"
	}
	if !strings.ContainsAny(src, "{}%#") && (err != nil || out != plainOut) {
		errorf("plain text %q rendered as %q, %v", src, out, err)
	}
	_, _ = e.Template(src, fuzzVars)
	_, _ = e.Condition(src, fuzzVars)
	return problems
}
