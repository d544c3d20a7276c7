package hostdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// A TaskResult is one host's result of one task (or of one loop item) as
// a playbook run under -v prints it.
type TaskResult struct {
	// Task is the task's number in the run (1 for the first TASK or
	// RUNNING HANDLER header) and its header, e.g. "TASK [copy]".
	Task   int    `json:"task"`
	Header string `json:"header"`
	Host   string `json:"host"`
	Item   string `json:"item,omitempty"` // the loop item's label, "(item=x)"
	// Status is ok, changed, failed, skipped or unreachable.
	Status string `json:"status"`
	// Fields are the compared fields present in the result.
	Fields map[string]any `json:"fields,omitempty"`
	// Diff is the diff printed before the result (--diff), if any.
	Diff string `json:"diff,omitempty"`
}

var (
	taskHeaderRE = regexp.MustCompile(`^((?:TASK|RUNNING HANDLER) \[.*\]) \*+$`)
	// A result line: "changed: [h1] => {", "failed: [h1] (item=x) => {",
	// "ok: [h1] => (item=x) => {", "fatal: [h1]: FAILED! => {",
	// "fatal: [h1]: UNREACHABLE! => {", "skipping: [h1]".
	resultRE = regexp.MustCompile(`^(ok|changed|failed|fatal|skipping): \[([^\]]+)\]( \(item=.*\))?(?:: (FAILED|UNREACHABLE)!)?(?: => (\(item=.*\)))?(?: => ([{\[]).*)?$`)
)

// ParseOutput extracts every task result from the -v output of a run,
// keeping fields of each result, and the diff printed before it.
func ParseOutput(out string, fields []string) ([]TaskResult, error) {
	var results []TaskResult
	task, header := 0, ""
	var diff []string
	inDiff := false
	// A loop's diffs come after its items' lines: they belong to the
	// task's last result.
	flushDiff := func() {
		if len(diff) > 0 && len(results) > 0 && results[len(results)-1].Task == task {
			results[len(results)-1].Diff += strings.Join(diff, "\n") + "\n"
		}
		diff = nil
	}
	lines := strings.SplitAfter(out, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r\n")
		if m := taskHeaderRE.FindStringSubmatch(line); m != nil {
			flushDiff()
			task++
			header, inDiff = m[1], false
			continue
		}
		if strings.HasPrefix(line, "PLAY RECAP ") {
			flushDiff()
		}
		if strings.HasPrefix(line, "--- before") {
			inDiff = true
		}
		m := resultRE.FindStringSubmatch(line)
		if m == nil {
			if inDiff {
				if line == "" {
					inDiff = false
				} else {
					diff = append(diff, line)
				}
			}
			continue
		}
		inDiff = false
		r := TaskResult{Task: task, Header: header, Host: m[2], Status: m[1]}
		switch {
		case m[4] == "UNREACHABLE":
			r.Status = "unreachable"
		case m[1] == "fatal":
			r.Status = "failed"
		case m[1] == "skipping":
			r.Status = "skipped"
		}
		r.Item = strings.TrimSpace(m[3] + m[5])
		if m[6] != "" {
			// The JSON starts on this line and may run over the next ones
			// (results the callback indents).
			start := strings.Index(line, " => "+m[6])
			if m[5] != "" {
				start = strings.LastIndex(line, " => "+m[6])
			}
			rest := strings.Join(lines[i:], "")
			rest = rest[start+len(" => "):]
			dec := json.NewDecoder(strings.NewReader(rest))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("result of %s for %s: %w", header, r.Host, err)
			}
			consumed := rest[:dec.InputOffset()]
			i += strings.Count(consumed, "\n")
			if obj, ok := v.(map[string]any); ok {
				r.Fields = pick(obj, fields)
			}
		}
		if len(diff) > 0 {
			r.Diff = strings.Join(diff, "\n") + "\n"
			diff = nil
		}
		results = append(results, r)
	}
	return results, nil
}

// pick returns the named fields of a result that are present, with
// numbers as JSON gave them. A dotted name ("stat.mode") reaches into
// nested objects.
func pick(obj map[string]any, fields []string) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if v, ok := lookup(obj, f); ok {
			out[f] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// canonical renders a field's value as compact JSON for comparison.
func canonical(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func lookup(obj map[string]any, path string) (any, bool) {
	var cur any = obj
	for _, key := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[key]; !ok {
			return nil, false
		}
	}
	return cur, true
}
