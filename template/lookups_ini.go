package template

import (
	"fmt"
	"os"
	"strings"

	"github.com/gansible/gansible/pyini"
	"github.com/gansible/gansible/pyre"
)

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
		cp, err := pyini.Parse(text, "<???>", pyini.Options{CaseSensitive: caseSensitive, AllowNoValue: allowNoValue})
		if err != nil {
			if strings.Contains(err.Error(), "already exists") {
				return nil, lookupErrorf("Duplicate option in '%s': %v", file, err)
			}
			return nil, err
		}
		if !cp.HasSection(section) && section != "DEFAULT" {
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
			for _, k := range cp.Items(section) {
				if m, err := re.Match(k); err == nil && m != nil {
					v, _, err := cp.Get(section, k)
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
		v, found, err := cp.Get(section, key)
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
