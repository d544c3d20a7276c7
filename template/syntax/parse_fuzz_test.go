package syntax

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// FuzzParse parses arbitrary sources. Properties:
//   - no panic, and no parse runs longer than a few seconds;
//   - a failure is an *Error at a line of the source;
//   - parsing is deterministic;
//   - text without Jinja2 delimiters parses as that text (newlines
//     normalised), or as nothing.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"{{ x }}", "{% if a %}b{% else %}c{% endif %}", "{% for a, b in c if d %}{{ loop.index }}{% endfor %}",
		"{{ a | f(1, k=2) is t 3 }}", "{{ (1, 2)[0] }}", "{% set x %}y{% endset %}", "{{ 'a' ~ b[1:2:3] }}",
		"{% macro m(a=1) %}{{ a }}{% endmacro %}{{ m() }}", "{{ {'a': [1, {'b': none}]} }}", "{# c #}{%- raw -%}x{% endraw %}",
		"{% extends 'b' %}{% block x scoped required %}{% endblock x %}", "{% from 'f' import a as b with context %}",
		"{{ 'a\\\\' }}", "a\r\nb\n\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			t.Skip("long sources find nothing short ones do not")
		}
		// Jinja2 ends a line at \r\n, \r and \n.
		lines := strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(src, "\r\n", ""), "\r") + 1
		done := make(chan []string, 1)
		go func() {
			defer func() {
				if r := recover(); r != nil {
					done <- []string{fmt.Sprintf("source %q: panic: %v\n%s", src, r, debug.Stack())}
				}
			}()
			done <- checkParse(src, lines)
		}()
		select {
		case problems := <-done:
			for _, p := range problems {
				t.Error(p)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("source %q still parsing after 10s", src)
		}
	})
}

// checkParse parses src and returns what is wrong with the results.
func checkParse(src string, lines int) (problems []string) {
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	t, err := Parse(src, DefaultSyntax())
	if err != nil {
		var se *Error
		if !errors.As(err, &se) || se.Line < 1 || se.Line > lines {
			errorf("Parse(%q): error %q (%T) has no line of the source", src, err, err)
		}
	}
	t2, err2 := Parse(src, DefaultSyntax())
	if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() || err == nil && dump(t.Body) != dump(t2.Body) {
		errorf("Parse(%q) twice: %v then %v", src, err, err2)
	}
	// Jinja2 turns every \r\n and \r into \n and drops one final newline.
	if !strings.ContainsAny(src, "{}%#") {
		text := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(src)
		text = strings.TrimSuffix(text, "\n")
		want := "[]"
		if text != "" {
			want = fmt.Sprintf("[Data(Text=%q)]", text)
		}
		if err != nil || dump(t.Body) != want {
			errorf("plain text %q parsed as %v, %v; want %s", src, t, err, want)
		}
	}
	return problems
}
