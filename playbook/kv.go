package playbook

import (
	"fmt"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/pystr"
)

// Modules that take a free-form command declare it in their spec
// (argspec.IsFreeForm); for them only the keys in rawParamKeys are pulled
// out of a k=v string and the rest stays the command. Other actions
// (include, include_tasks, import_tasks, include_vars, meta...) get every
// k=v as an argument and the other words as _raw_params, as ansible-core's
// parse_kv without check_raw.

var rawParamKeys = map[string]bool{
	"creates": true, "removes": true, "chdir": true, "executable": true,
	"warn": true, "stdin": true, "stdin_add_newline": true, "strip_empty_ends": true,
}

// ParseKV splits an Ansible "k=v k2='v 2' free form" string, with Ansible's
// quoting rules: white space separates arguments except inside quotes or
// Jinja2 delimiters, and quotes around a value are removed. For free-form
// modules the remaining words become _raw_params.
func ParseKV(s string, module string) (map[string]any, error) {
	args, _, err := parseKV(s, module)
	return args, err
}

// parseKV is ParseKV that also gives the argument names in the order
// Ansible's parse_kv makes them: the options as written, then
// _raw_params.
func parseKV(s string, module string) (map[string]any, []string, error) {
	args := map[string]any{}
	var names []string
	words, err := splitArgs(s)
	if err != nil {
		return nil, nil, err
	}
	freeForm := argspec.IsFreeForm(module)
	var raw []string
	// A free-form command keeps its own spacing and newlines: the
	// recognised k=v words are cut out of the text, each with the white
	// space before it.
	var kept strings.Builder
	pos := 0
	for _, w := range words {
		k, v, ok := splitKV(w.text)
		if ok && (!freeForm || rawParamKeys[k]) {
			if _, seen := args[k]; !seen {
				names = append(names, k)
			}
			args[k] = unquote(pystr.UnescapeKV(v))
			kept.WriteString(strings.TrimRight(s[pos:w.start], " \t"))
			pos = w.end
			continue
		}
		raw = append(raw, w.text)
	}
	kept.WriteString(s[pos:])
	if len(raw) > 0 {
		if freeForm {
			args["_raw_params"] = strings.Trim(kept.String(), " \n")
		} else {
			args["_raw_params"] = strings.Join(raw, " ")
		}
		names = append(names, "_raw_params")
	}
	return args, names, nil
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
			// Keys with white space or quotes are words of text, but a
			// templated key ("{{ k }}={{ v }}") is a key, as in Ansible.
			if key == "" || !strings.Contains(key, "{{") && strings.ContainsAny(key, " \t\r\n\v\f'\"{}") {
				return "", "", false
			}
			return key, w[i+1:], true
		}
	}
	return "", "", false
}

func unquote(s string) string {
	// As ansible's is_quoted: the closing quote must not be escaped. The
	// escapes inside were decoded already, so nothing is replaced here.
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] && s[len(s)-2] != '\\' {
		return s[1 : len(s)-1]
	}
	return s
}

// word is one argument and where it stands in the source string.
type word struct {
	text       string
	start, end int
}

// splitArgs splits on white space outside quotes and Jinja2 blocks, keeping
// the quotes in the words (unquote removes them from values later).
func splitArgs(s string) ([]word, error) {
	var words []word
	var quote byte
	depth := 0 // inside {{ }}, {% %} or {# #}
	start := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if start < 0 && !(depth == 0 && quote == 0 && isSpace(c)) {
			start = i
		}
		switch {
		case quote != 0:
			// Ansible's split_args counts Jinja2 blocks inside quotes
			// too: msg="{{ x" is unbalanced.
			switch {
			case c == '{' && i+1 < len(s) && strings.IndexByte("{%#", s[i+1]) >= 0:
				depth++
				i++
			case depth > 0 && strings.IndexByte("}%#", c) >= 0 && i+1 < len(s) && s[i+1] == '}':
				depth--
				i++
			case c == quote && !escaped(s, i):
				quote = 0
			}
		case (c == '"' || c == '\'') && !escaped(s, i):
			// Quotes count inside Jinja2 blocks as well, as in Ansible.
			quote = c
		case c == '{' && i+1 < len(s) && strings.IndexByte("{%#", s[i+1]) >= 0:
			depth++
			i++
		case depth > 0 && strings.IndexByte("}%#", c) >= 0 && i+1 < len(s) && s[i+1] == '}':
			depth--
			i++
		case depth == 0 && isSpace(c):
			if start >= 0 {
				words = append(words, word{s[start:i], start, i})
				start = -1
			}
		}
	}
	if quote != 0 || depth != 0 {
		return nil, fmt.Errorf("failed at splitting arguments, either an unbalanced jinja2 block or quotes: %s", s)
	}
	if start >= 0 {
		words = append(words, word{s[start:], start, len(s)})
	}
	return words, nil
}

// isSpace reports whether c separates arguments: ansible's split_args
// splits on newlines, then on spaces, and on nothing else (a tab is part
// of a word).
func isSpace(c byte) bool { return c == ' ' || c == '\n' }

// escaped reports whether the quote at s[i] follows a backslash, which
// makes it no quote for split_args (whatever escapes the backslash).
func escaped(s string, i int) bool { return i > 0 && s[i-1] == '\\' }
