package config

import (
	"fmt"
	"sort"

	"github.com/gansible/gansible/template"
)

// Entry is one setting as ansible-config dump shows it.
type Entry struct {
	Name   string
	Origin string // "default", the file's path, "env: NAME", or "" for CONFIG_FILE
	Value  any    // string, int, bool, []string, or nil for None
}

// Changed reports whether the setting was set by a file or the
// environment (ansible-config dump --only-changed).
func (e Entry) Changed() bool { return e.Origin != "default" }

// String is the entry's dump line: NAME(origin) = value, the value as
// Python's str() prints it.
func (e Entry) String() string {
	return fmt.Sprintf("%s(%s) = %s", e.Name, e.Origin, pyStr(e.Value))
}

// Dump lists the base settings gansible reads, with CONFIG_FILE, sorted
// by name as ansible-config dump lists them. Connection plugin options
// are left out, as from Ansible's base dump.
func (c *Config) Dump() []Entry {
	var file any
	if c.Path != "" {
		file = c.Path
	}
	entries := []Entry{{Name: "CONFIG_FILE", Value: file}}
	for _, s := range settings {
		if s.plugin {
			continue
		}
		origin := c.origins[s.name]
		if origin == "" {
			origin = "default"
		}
		entries = append(entries, Entry{Name: s.name, Origin: origin, Value: s.value(c)})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries
}

// pyStr is Python's str() of a setting's value.
func pyStr(v any) string {
	if list, ok := v.([]string); ok {
		items := make([]any, len(list))
		for i, s := range list {
			items[i] = s
		}
		return template.Repr(items)
	}
	return template.Str(v)
}
