package template

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/gansible/gansible/pyre"
)

// pyConfig is a file as Python's configparser.ConfigParser reads it for
// the ini lookup: [sections] of keys (lowercased unless case-sensitive)
// with "=" or ":" before the value, full-line "#" and ";" comments,
// values continued on more-indented lines, a DEFAULT section every
// section inherits, and %(name)s interpolation when values are read.
type pyConfig struct {
	defaults map[string]*string
	sections map[string]map[string]*string
	order    map[string][]string // keys per section, in file order
}

var iniOption = regexp.MustCompile(`^(.*?)\s*([=:])\s*(.*)$`)

func parsePyConfig(text, name string, caseSensitive, allowNoValue bool) (*pyConfig, error) {
	c := &pyConfig{defaults: map[string]*string{}, sections: map[string]map[string]*string{}, order: map[string][]string{}}
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
			}
			curName, curKey = header, ""
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("File contains no section headers.\nfile: '%s', line: %d\n%s", name, lineNo, quotePython(raw))
		}
		m := iniOption.FindStringSubmatch(stripped)
		var key string
		var value *string
		switch {
		case m != nil && m[1] != "":
			key = m[1]
			v := m[3]
			value = &v
		case allowNoValue:
			key = stripped
		default:
			return nil, fmt.Errorf("Source contains parsing errors: '%s'\n\t[line %2d]: %s", name, lineNo, quotePython(raw))
		}
		key = strings.TrimRight(key, " \t")
		if !caseSensitive {
			key = strings.ToLower(key)
		}
		if _, dup := cur[key]; dup {
			return nil, fmt.Errorf("While reading from '%s' [line %2d]: option '%s' in section '%s' already exists", name, lineNo, key, curName)
		}
		cur[key] = value
		c.order[curName] = append(c.order[curName], key)
		curKey = key
		if value != nil {
			lines[key] = []string{*value}
		}
	}
	finish()
	return c, nil
}

// lookup returns the interpolated value of key in section.
func (c *pyConfig) lookup(section, key string) (*string, bool, error) {
	vals, ok := c.sections[section]
	if !ok && section != "DEFAULT" {
		return nil, false, errNoSection
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

var errNoSection = errors.New("no section")

// interpolate is BasicInterpolation: %% and %(name)s.
func (c *pyConfig) interpolate(section, option, value string, depth int) (string, error) {
	if depth > 10 {
		return "", fmt.Errorf("Recursion limit exceeded in value substitution: option '%s' in section '%s' contains an interpolation key which cannot be substituted in 10 steps. Raw value: %s", option, section, quotePython(value))
	}
	var sb strings.Builder
	rest := value
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
				return "", fmt.Errorf("bad interpolation variable reference %s", quotePython(rest))
			}
			name := strings.ToLower(rest[2:end])
			rest = rest[end+2:]
			v, ok, err := c.rawGet(section, name)
			if err != nil {
				return "", err
			}
			if !ok {
				return "", fmt.Errorf("Bad value substitution: option '%s' in section '%s' contains an interpolation key '%s' which is not a valid option name. Raw value: %s", option, section, name, quotePython(value))
			}
			if strings.Contains(v, "%") {
				if v, err = c.interpolate(section, name, v, depth+1); err != nil {
					return "", err
				}
			}
			sb.WriteString(v)
		default:
			return "", fmt.Errorf("'%%' must be followed by '%%' or '(', found: %s", quotePython(rest))
		}
	}
}

func (c *pyConfig) rawGet(section, key string) (string, bool, error) {
	v, ok := c.sections[section][key]
	if !ok {
		v, ok = c.defaults[key]
	}
	if !ok || v == nil {
		return "", false, nil
	}
	return *v, true, nil
}

// items are the section's keys after the DEFAULT ones, as cp.items().
func (c *pyConfig) items(section string) []string {
	keys := append([]string{}, c.order["DEFAULT"]...)
	for _, k := range c.order[section] {
		if _, inDefaults := c.defaults[k]; !inDefaults {
			keys = append(keys, k)
		}
	}
	return keys
}

// lookupINI is the ini lookup: a key (or the keys matching a regular
// expression) of a section of an ini or java properties file.
func lookupINI(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	out := []any{}
	for _, t := range terms {
		opts := map[string]any{"file": "ansible.ini", "section": "global", "type": "ini", "re": false,
			"default": "", "encoding": "utf-8", "case_sensitive": false, "allow_no_value": false, "allow_none": false}
		for k, v := range kw {
			if _, known := opts[k]; !known {
				return nil, fmt.Errorf("Unrecognized options to lookup: %s", k)
			}
			opts[k] = v
		}
		key := str(t)
		if strings.Contains(key, "=") || strings.Contains(strings.TrimSpace(key), " ") {
			k, inline := kvTerm(key)
			for name, v := range inline {
				if _, known := opts[name]; !known {
					return nil, lookupErrorf("%s is not a valid option.", name)
				}
				opts[name] = v
			}
			if k == "" {
				return nil, optionsErrorf("No key to lookup was provided as first term with in string inline options: %s", key)
			}
			key = strings.Fields(k)[0]
		}
		file := str(opts["file"])
		path, err := ev.findFile("files", file)
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		text := string(data)
		section := str(opts["section"])
		if str(opts["type"]) == "properties" {
			text = "[java_properties]\n" + text
			section = "java_properties"
		}
		caseSensitive := truthy(opts["case_sensitive"])
		allowNoValue := truthy(opts["allow_no_value"]) || truthy(opts["allow_none"])
		cp, err := parsePyConfig(text, "<???>", caseSensitive, allowNoValue)
		if err != nil {
			if strings.Contains(err.Error(), "already exists") {
				return nil, lookupErrorf("Duplicate option in '%s': %v", file, err)
			}
			return nil, err
		}
		if _, ok := cp.sections[section]; !ok && section != "DEFAULT" {
			return nil, lookupErrorf("No section '%s' in %s", section, file)
		}
		if !caseSensitive {
			key = strings.ToLower(key)
		}
		b, _ := filterBool(nil, opts["re"], args{})
		if b == true {
			re, err := pyre.Compile(key, pyre.Flags{})
			if err != nil {
				return nil, err
			}
			for _, k := range cp.items(section) {
				if m, err := re.Match(k); err == nil && m != nil {
					v, _, err := cp.lookup(section, k)
					if err != nil {
						return nil, err
					}
					if v == nil {
						out = append(out, nil)
					} else {
						out = append(out, *v)
					}
				}
			}
			continue
		}
		v, found, err := cp.lookup(section, key)
		if err != nil {
			return nil, err
		}
		switch {
		case !found:
			if opts["default"] != nil {
				out = append(out, opts["default"])
			}
		case v != nil:
			out = append(out, *v)
		}
	}
	return out, nil
}
