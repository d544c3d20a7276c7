// Package pyini reads INI text as Python's configparser.ConfigParser
// does, for what Ansible reads with it: the ini lookup and local facts.
package pyini

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/gansible/gansible/value"
)

// Config is a file as configparser.ConfigParser reads it: [sections] of
// keys (lowercased unless case-sensitive) with "=" or ":" before the
// value, full-line "#" and ";" comments, values continued on
// more-indented lines, a DEFAULT section every section inherits, and
// %(name)s interpolation when values are read.
type Config struct {
	defaults     map[string]*string
	sections     map[string]map[string]*string
	order        map[string][]string // keys per section, in file order
	sectionOrder []string
}

// Options are ConfigParser's: optionxform left out (case-sensitive
// keys), and allow_no_value.
type Options struct {
	CaseSensitive, AllowNoValue bool
}

var iniOption = regexp.MustCompile(`^(.*?)\s*([=:])\s*(.*)$`)

// Parse reads text; name is the source's name in errors, as read_file's.
func Parse(text, name string, opts Options) (*Config, error) {
	caseSensitive, allowNoValue := opts.CaseSensitive, opts.AllowNoValue
	c := &Config{defaults: map[string]*string{}, sections: map[string]map[string]*string{}, order: map[string][]string{}}
	var cur map[string]*string
	curName := ""
	var lines map[string][]string // values being read, by key
	curKey := ""
	indentLevel := 0
	finish := func() {
		for k, l := range lines {
			if cur[k] != nil {
				v := strings.TrimRight(strings.Join(l, "\n"), " \t\n\r\f\v")
				cur[k] = &v
			}
		}
		lines = map[string][]string{}
	}
	lines = map[string][]string{}
	for i, raw := range strings.SplitAfter(text, "\n") {
		lineNo := i + 1
		line := strings.TrimRight(raw, "\r\n")
		stripped := strings.TrimSpace(line)
		if stripped == "" {
			if cur != nil && curKey != "" && cur[curKey] != nil {
				lines[curKey] = append(lines[curKey], "")
			} else {
				indentLevel = 1 << 30
			}
			continue
		}
		if strings.HasPrefix(stripped, "#") || strings.HasPrefix(stripped, ";") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if cur != nil && curKey != "" && indent > indentLevel {
			if cur[curKey] != nil {
				lines[curKey] = append(lines[curKey], stripped)
			}
			continue
		}
		indentLevel = indent
		if strings.HasPrefix(stripped, "[") && strings.Contains(stripped[1:], "]") {
			header := stripped[1:strings.LastIndex(stripped, "]")]
			finish()
			if header == "DEFAULT" {
				cur = c.defaults
			} else {
				if _, dup := c.sections[header]; dup {
					return nil, fmt.Errorf("While reading from '%s' [line %2d]: section '%s' already exists", name, lineNo, header)
				}
				cur = map[string]*string{}
				c.sections[header] = cur
				c.sectionOrder = append(c.sectionOrder, header)
			}
			curName, curKey = header, ""
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("File contains no section headers.\nfile: '%s', line: %d\n%s", name, lineNo, value.Quote(raw))
		}
		m := iniOption.FindStringSubmatch(stripped)
		var key string
		var val *string
		switch {
		case m != nil && m[1] != "":
			key = m[1]
			v := m[3]
			val = &v
		case allowNoValue:
			key = stripped
		default:
			return nil, fmt.Errorf("Source contains parsing errors: '%s'\n\t[line %2d]: %s", name, lineNo, value.Quote(raw))
		}
		key = strings.TrimRight(key, " \t")
		if !caseSensitive {
			key = strings.ToLower(key)
		}
		if _, dup := cur[key]; dup {
			return nil, fmt.Errorf("While reading from '%s' [line %2d]: option '%s' in section '%s' already exists", name, lineNo, key, curName)
		}
		cur[key] = val
		c.order[curName] = append(c.order[curName], key)
		curKey = key
		if val != nil {
			lines[key] = []string{*val}
		}
	}
	finish()
	return c, nil
}

// HasSection is has_section (DEFAULT is not one).
func (c *Config) HasSection(section string) bool {
	_, ok := c.sections[section]
	return ok
}

// Sections are the sections but DEFAULT, in file order.
func (c *Config) Sections() []string { return append([]string(nil), c.sectionOrder...) }

// Get returns the interpolated value of key in section (nil for a key
// without value), whether the key is there, and an interpolation error;
// ErrNoSection for a section that is not there.
func (c *Config) Get(section, key string) (*string, bool, error) {
	vals, ok := c.sections[section]
	if !ok && section != "DEFAULT" {
		return nil, false, ErrNoSection
	}
	v, found := vals[key]
	if !found {
		v, found = c.defaults[key]
	}
	if !found {
		return nil, false, nil
	}
	if v == nil {
		return nil, true, nil
	}
	s, err := c.interpolate(section, key, *v, 1)
	return &s, true, err
}

// ErrNoSection is Get's error for a missing section.
var ErrNoSection = errors.New("no section")

// interpolate is BasicInterpolation: %% and %(name)s.
func (c *Config) interpolate(section, option, raw string, depth int) (string, error) {
	if depth > 10 {
		return "", fmt.Errorf("Recursion limit exceeded in value substitution: option '%s' in section '%s' contains an interpolation key which cannot be substituted in 10 steps. Raw value: %s", option, section, value.Quote(raw))
	}
	var sb strings.Builder
	rest := raw
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			sb.WriteString(rest)
			return sb.String(), nil
		}
		sb.WriteString(rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "%%"):
			sb.WriteByte('%')
			rest = rest[2:]
		case strings.HasPrefix(rest, "%("):
			end := strings.Index(rest, ")s")
			if end < 0 {
				return "", fmt.Errorf("bad interpolation variable reference %s", value.Quote(rest))
			}
			name := strings.ToLower(rest[2:end])
			rest = rest[end+2:]
			v, ok, err := c.rawGet(section, name)
			if err != nil {
				return "", err
			}
			if !ok {
				return "", fmt.Errorf("Bad value substitution: option '%s' in section '%s' contains an interpolation key '%s' which is not a valid option name. Raw value: %s", option, section, name, value.Quote(raw))
			}
			if strings.Contains(v, "%") {
				if v, err = c.interpolate(section, name, v, depth+1); err != nil {
					return "", err
				}
			}
			sb.WriteString(v)
		default:
			return "", fmt.Errorf("'%%' must be followed by '%%' or '(', found: %s", value.Quote(rest))
		}
	}
}

func (c *Config) rawGet(section, key string) (string, bool, error) {
	v, ok := c.sections[section][key]
	if !ok {
		v, ok = c.defaults[key]
	}
	if !ok || v == nil {
		return "", false, nil
	}
	return *v, true, nil
}

// Items are the section's keys after the DEFAULT ones, as cp.items().
func (c *Config) Items(section string) []string {
	keys := append([]string{}, c.order["DEFAULT"]...)
	for _, k := range c.order[section] {
		if _, inDefaults := c.defaults[k]; !inDefaults {
			keys = append(keys, k)
		}
	}
	return keys
}

// Options are the section's keys, then the DEFAULT ones it does not
// have, as cp.options().
func (c *Config) Options(section string) []string {
	keys := append([]string{}, c.order[section]...)
	for _, k := range c.order["DEFAULT"] {
		if _, own := c.sections[section][k]; !own {
			keys = append(keys, k)
		}
	}
	return keys
}
