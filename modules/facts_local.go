package modules

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gansible/gansible/pyini"
	"github.com/gansible/gansible/value"
)

// localFacts is ansible_local, as Ansible's local fact collector makes
// it from the script's local_* records: each FACT_PATH/NAME.fact becomes
// local[NAME], the output of running it (when its owner may execute it)
// or its content (stripped), read as JSON or else as INI (sections of
// key/value strings); what cannot be read is a string saying so, and a
// warning.
func localFacts(rec map[string]string, factPath string) (*value.Dict, []string) {
	local := value.NewDict(0)
	if _, ok := rec["local_dir"]; !ok {
		return local, nil
	}
	var warnings []string
	names := map[string]bool{}
	for k := range rec {
		for _, kind := range []string{"local_exec:", "local_file:", "local_missing:"} {
			if n, ok := strings.CutPrefix(k, kind); ok {
				names[n] = true
			}
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		fn := path.Join(factPath, n)
		base := strings.ReplaceAll(n, ".fact", "")
		var out string
		switch {
		case has(rec, "local_missing:"+n):
			msg := fmt.Sprintf("Could not stat fact (%s): [Errno 2] No such file or directory: %s", fn, value.Quote(fn))
			local.Set(base, msg)
			warnings = append(warnings, msg)
			continue
		case has(rec, "local_exec:"+n):
			if rc := strings.TrimSpace(rec["local_exec_rc:"+n]); rc != "0" {
				stderr := strings.TrimSuffix(rec["local_exec_err:"+n], "x")
				msg := fmt.Sprintf("Failure executing fact script (%s), rc: %s, err: %s", fn, rc, stderr)
				local.Set(base, msg)
				warnings = append(warnings, msg)
				continue
			}
			out = rec["local_exec:"+n]
		default:
			out = strings.TrimSpace(strings.TrimSuffix(rec["local_file:"+n], "x"))
		}
		if !utf8.ValidString(out) {
			msg := fmt.Sprintf("error loading fact - output of running \"%s\" was not utf-8", fn)
			local.Set(base, msg)
			warnings = append(warnings, msg)
			continue
		}
		fact, warning := parseLocalFact(out, fn)
		if warning != "" {
			warnings = append(warnings, warning)
		}
		local.Set(base, fact)
	}
	return local, warnings
}

func has(rec map[string]string, k string) bool {
	_, ok := rec[k]
	return ok
}

// parseLocalFact reads a fact's text as JSON, or else as INI with
// Python's configparser; failing both, the fact is the message.
func parseLocalFact(text, fn string) (any, string) {
	if v, err := value.DecodeJSON([]byte(text)); err == nil {
		return v, ""
	}
	cp, err := pyini.Parse(text, "<???>", pyini.Options{})
	if err != nil {
		msg := "error loading facts as JSON or ini - please check content: " + fn
		return msg, msg
	}
	fact := value.NewDict(0)
	for _, sect := range cp.Sections() {
		options := value.NewDict(0)
		for _, opt := range cp.Options(sect) {
			v, _, err := cp.Get(sect, opt)
			if err != nil {
				msg := fmt.Sprintf("Failed to convert (%s) to JSON: %v", fn, err)
				return msg, msg
			}
			if v == nil {
				options.Set(opt, nil)
			} else {
				options.Set(opt, *v)
			}
		}
		fact.Set(sect, options)
	}
	return fact, ""
}
