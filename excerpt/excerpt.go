// Package excerpt writes what ansible-core adds to an error that has a
// position in a YAML file: where it is, the offending line with the one
// before it and an arrow, and hints for common quoting mistakes
// (ansible.errors.AnsibleError._get_extended_error, texts from
// ansible/errors/yaml_strings.py, word for word).
package excerpt

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Position is the text Ansible gives for a position alone.
func Position(file string, line, col int) string {
	return fmt.Sprintf(positionDetails, absPath(file), line, col)
}

// At is the whole extended text for file:line:col (1-based): the position,
// then, when the file can be read, the offending lines and any hints.
func At(file string, line, col int) string {
	src := absPath(file)
	msg := fmt.Sprintf(positionDetails, src, line, col)
	data, err := os.ReadFile(file)
	if err != nil {
		return msg + "\n(could not open file to display line)"
	}
	target, prev, ok := errorLines(string(data), line-1)
	if !ok {
		return msg + "\n(specified line no longer in file, maybe it changed?)"
	}
	if target == "" {
		return msg
	}
	if kvSyntax.MatchString(prev) {
		pos := strings.Index(strings.TrimRight(prev, " \t\r\n"), "=")
		msg = fmt.Sprintf(positionDetails, src, line-1, pos+1)
		msg += "\nThe offending line appears to be:\n\n" + strings.TrimRight(prev, " \t\r\n") + "\n" + strings.Repeat(" ", pos) + "^ here\n\n"
		msg += yamlAndShorthand
	} else {
		msg += "\nThe offending line appears to be:\n\n" + strings.TrimRight(prev, " \t\r\n") + "\n" + strings.TrimRight(target, " \t\r\n") + "\n" + strings.Repeat(" ", max(col-1, 0)) + "^ here\n"
	}
	return msg + hints(target, col)
}

// kvSyntax is Ansible's test for k=v arguments on the line before.
var kvSyntax = regexp.MustCompile(`\w+(\s+)?=(\s+)?[\w/-]+`)

// errorLines returns line n (0-based, moved back over blank lines) and the
// one before it, as Ansible reads them (with their newlines). A line past
// the end is the last line, as for PyYAML's end-of-file errors.
func errorLines(data string, n int) (target, prev string, ok bool) {
	lines := strings.SplitAfter(data, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if n >= len(lines) {
		n = len(lines) - 1
	}
	if n < 0 {
		return "", "", false
	}
	target = lines[n]
	for strings.TrimSpace(target) == "" {
		n--
		if n < 0 {
			return "", "", false // Python would index lines[-1]; nothing useful
		}
		target = lines[n]
	}
	if n > 0 {
		prev = lines[n-1]
	}
	return target, prev, true
}

// hints are the remedies Ansible suggests for the offending line.
func hints(target string, col int) string {
	var out string
	if strings.Contains(target, "\t") {
		out += leadingTab
	}
	stripped := strings.ReplaceAll(target, " ", "")
	switch {
	case strings.Contains(target, "{{") && strings.Contains(target, "}}") &&
		(!strings.Contains(target, `"{{`) || !strings.Contains(target, `'{{`)):
		out += unquotedVariable
	case strings.Contains(stripped, ":{{") && strings.Contains(stripped, "}}"):
		out += commonDict
	case len(target) > 1 && len(target) > col && target[col] == ':' && strings.Count(target, ":") > 1:
		out += unquotedColon
	default:
		parts := strings.Split(target, ":")
		if len(parts) > 1 {
			middle := strings.TrimSpace(parts[1])
			match := strings.HasPrefix(middle, "'") && !strings.HasSuffix(middle, "'") ||
				strings.HasPrefix(middle, `"`) && !strings.HasSuffix(middle, `"`)
			// Python's precedence: (a and b and c and d) or e.
			unbalanced := len(middle) > 0 && strings.ContainsAny(middle[:1], `"'`) &&
				strings.ContainsAny(middle[len(middle)-1:], `"'`) && strings.Count(target, "'") > 2 ||
				strings.Count(target, `"`) > 2
			if match {
				out += partiallyQuoted
			}
			if unbalanced {
				out += unbalancedQuotes
			}
		}
	}
	return out
}

// absPath is the file as Ansible names it: absolute, as its loader has it.
func absPath(file string) string {
	if abs, err := filepath.Abs(file); err == nil {
		return abs
	}
	return file
}
