package config

import (
	"fmt"
	"strings"
)

// iniFile is an ansible.cfg as Python's configparser reads it: sections of
// case-insensitive keys, "=" or ":" between key and value, full-line
// comments starting with # or ;, inline comments starting with " ;", and
// values continued on more-indented lines. Values are raw: "%" needs no
// escaping, as Ansible reads them without interpolation.
type iniFile struct {
	path     string
	sections map[string]map[string]*iniValue // section -> lowercased key -> value
}

type iniValue struct {
	text string
	line int
}

// get returns the value of key in section, or nil.
func (f *iniFile) get(section, key string) *iniValue {
	return f.sections[section][key]
}

func parseINI(path string, data []byte) (*iniFile, error) {
	f := &iniFile{path: path, sections: map[string]map[string]*iniValue{}}
	var (
		section   map[string]*iniValue
		secName   string
		lastKey   string // key whose value may continue on the next lines
		keyIndent int
	)
	errorf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", path, line, fmt.Sprintf(format, args...))
	}
	for i, raw := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		lineNo := i + 1
		trimmed := strings.TrimSpace(raw)
		if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			continue
		}
		value := stripInlineComment(raw)
		if strings.TrimSpace(value) == "" {
			lastKey = "" // a blank line ends a continued value
			continue
		}
		indent := len(value) - len(strings.TrimLeft(value, " \t"))
		if lastKey != "" && indent > keyIndent {
			section[lastKey].text += "\n" + strings.TrimSpace(value)
			continue
		}
		value = strings.TrimSpace(value)
		if strings.HasPrefix(value, "[") && strings.HasSuffix(value, "]") {
			secName = value[1 : len(value)-1]
			if _, dup := f.sections[secName]; dup {
				return nil, errorf(lineNo, "section %q already exists", secName)
			}
			section = map[string]*iniValue{}
			f.sections[secName] = section
			lastKey = ""
			continue
		}
		if section == nil {
			return nil, errorf(lineNo, "File contains no section headers: %q", trimmed)
		}
		cut := strings.IndexAny(value, "=:")
		if cut <= 0 {
			return nil, errorf(lineNo, "Source contains parsing errors: %q", trimmed)
		}
		key := strings.ToLower(strings.TrimSpace(value[:cut]))
		if _, dup := section[key]; dup {
			return nil, errorf(lineNo, "option %q in section %q already exists", key, secName)
		}
		section[key] = &iniValue{text: strings.TrimSpace(value[cut+1:]), line: lineNo}
		lastKey, keyIndent = key, indent
	}
	return f, nil
}

// stripInlineComment removes a ";" comment that follows whitespace, as
// configparser does with inline_comment_prefixes=(";",).
func stripInlineComment(line string) string {
	for i := 1; i < len(line); i++ {
		if line[i] == ';' && (line[i-1] == ' ' || line[i-1] == '\t') {
			return line[:i]
		}
	}
	return line
}
