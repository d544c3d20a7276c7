package playbook

import (
	"fmt"
	"strings"
)

// freeFormModules take a free-form command; for them only the keys in
// rawParamKeys are pulled out of a k=v string and the rest stays the command.
var freeFormModules = map[string]bool{
	"command": true, "shell": true, "raw": true, "script": true,
	"include": true, "include_tasks": true, "import_tasks": true,
	"include_vars": true, "import_playbook": true, "win_command": true, "win_shell": true,
	"meta": true, "set_fact": false, "add_host": false, "group_by": false,
}

var rawParamKeys = map[string]bool{
	"creates": true, "removes": true, "chdir": true, "executable": true,
	"warn": true, "stdin": true, "stdin_add_newline": true, "strip_empty_ends": true,
}

// ParseKV splits an Ansible "k=v k2='v 2' free form" string, with Ansible's
// quoting rules: white space separates arguments except inside quotes or
// Jinja2 delimiters, and quotes around a value are removed. For free-form
// modules the remaining words become _raw_params.
func ParseKV(s string, module string) (map[string]any, error) {
	args := map[string]any{}
	words, err := splitArgs(s)
	if err != nil {
		return nil, err
	}
	freeForm := freeFormModules[module]
	var raw []string
	for _, w := range words {
		k, v, ok := splitKV(w)
		if ok && (!freeForm || rawParamKeys[k]) {
			args[k] = unquote(v)
			continue
		}
		raw = append(raw, w)
	}
	if len(raw) > 0 {
		args["_raw_params"] = strings.Join(raw, " ")
	}
	return args, nil
}

// splitKV splits word at its first unescaped, unquoted '='.
func splitKV(w string) (key, value string, ok bool) {
	var quote rune
	for i, r := range w {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '=':
			if i > 0 && w[i-1] == '\\' {
				continue
			}
			key = w[:i]
			if key == "" || strings.ContainsAny(key, " \t'\"{}") {
				return "", "", false
			}
			return key, w[i+1:], true
		}
	}
	return "", "", false
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		inner := s[1 : len(s)-1]
		if s[0] == '"' {
			inner = strings.ReplaceAll(inner, `\"`, `"`)
		}
		return inner
	}
	return s
}

// splitArgs splits on white space outside quotes and Jinja2 blocks, keeping
// the quotes in the words (unquote removes them from values later).
func splitArgs(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	var quote byte
	depth := 0 // inside {{ }}, {% %} or {# #}
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && i+1 < len(s) {
				cur.WriteByte(c)
				i++
				cur.WriteByte(s[i])
				continue
			}
			if c == quote {
				quote = 0
			}
		case depth == 0 && (c == '"' || c == '\''):
			quote = c
		case c == '{' && i+1 < len(s) && strings.IndexByte("{%#", s[i+1]) >= 0:
			depth++
			cur.WriteString(s[i : i+2])
			i++
			inWord = true
			continue
		case depth > 0 && strings.IndexByte("}%#", c) >= 0 && i+1 < len(s) && s[i+1] == '}':
			depth--
			cur.WriteString(s[i : i+2])
			i++
			continue
		case depth == 0 && (c == ' ' || c == '\t' || c == '\n'):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			continue
		}
		cur.WriteByte(c)
		inWord = true
	}
	if quote != 0 {
		return nil, fmt.Errorf("unbalanced quotes in %q", s)
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced jinja2 block or quotes in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
