package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// eventFields are the fields each kind of event carries besides event
// and time: the stream's schema.
var eventFields = map[string]struct{ required, optional []string }{
	"play_start":  {required: []string{"play"}},
	"task_start":  {required: []string{"play", "task", "handler", "path"}},
	"host_result": {required: []string{"play", "task", "host", "status", "result"}, optional: []string{"item", "ignored", "delegated_to"}},
	"include":     {required: []string{"file", "hosts"}, optional: []string{"item"}},
	"warning":     {required: []string{"message"}},
	"deprecation": {required: []string{"message"}},
	"recap":       {required: []string{"stats"}},
}

// checkEventSchema checks every line of a stream against eventFields and
// returns the lines, decoded.
func checkEventSchema(t *testing.T, stream []byte) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(stream))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("not a JSON object: %s: %v", sc.Text(), err)
		}
		kind, _ := line["event"].(string)
		schema, ok := eventFields[kind]
		if !ok {
			t.Fatalf("unknown event %q: %s", kind, sc.Text())
		}
		if ts, _ := line["time"].(string); ts == "" {
			t.Errorf("no time: %s", sc.Text())
		} else if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Errorf("time %q: %v", ts, err)
		}
		allowed := map[string]bool{"event": true, "time": true}
		for _, f := range schema.required {
			allowed[f] = true
			if _, ok := line[f]; !ok {
				t.Errorf("%s without %s: %s", kind, f, sc.Text())
			}
		}
		for _, f := range schema.optional {
			allowed[f] = true
		}
		for f := range line {
			if !allowed[f] {
				t.Errorf("%s has the unexpected field %s: %s", kind, f, sc.Text())
			}
		}
		lines = append(lines, line)
	}
	return lines
}

func TestEvents(t *testing.T) {
	var buf bytes.Buffer
	e := NewEvents(&buf, func() time.Time { return time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC) })
	item := "secret-item"
	e.Play(PlayStart{Name: "web"})
	e.Task(TaskStart{Name: "write", Path: "/p/site.yml:3"})
	e.Result(HostResult{Host: "h1", Status: Changed, Result: map[string]any{"changed": true, "dest": "/etc/x", "_ansible_no_log": false}})
	e.Result(HostResult{Host: "h1", Status: OK, Item: &item, NoLog: true, Result: map[string]any{"password": "hunter2", "changed": false}})
	e.Result(HostResult{Host: "h2", Status: Skipped, Result: map[string]any{"changed": false, "skip_reason": "Conditional result was False"}})
	e.Result(HostResult{Host: "h3", Status: Failed, Ignored: true, Result: map[string]any{"failed": true, "msg": "boom"}})
	e.Included(IncludeEvent{File: "/p/more.yml", Hosts: []string{"h1"}, Item: &item, NoLog: true})
	e.Warning("careful")
	e.Recap(map[string]*Stats{"h1": {Ok: 2, Changed: 1}, "h2": {Skipped: 1}, "h3": {Failed: 1, Ignored: 1}})

	lines := checkEventSchema(t, buf.Bytes())
	if strings.Contains(buf.String(), "hunter2") || strings.Contains(buf.String(), "secret-item") {
		t.Errorf("no_log data in the stream:\n%s", buf.String())
	}
	var kinds []string
	for _, l := range lines {
		kinds = append(kinds, l["event"].(string))
	}
	if got, want := strings.Join(kinds, " "), "play_start task_start host_result host_result host_result host_result include warning recap"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	first := lines[2]
	if first["task"] != "write" || first["status"] != "changed" || first["result"].(map[string]any)["dest"] != "/etc/x" {
		t.Errorf("first result %v", first)
	}
	if _, internal := first["result"].(map[string]any)["_ansible_no_log"]; internal {
		t.Errorf("internal keys in %v", first)
	}
	if lines[4]["status"] != "skipped" || lines[5]["ignored"] != true {
		t.Errorf("skipped and ignored results: %v, %v", lines[4], lines[5])
	}
	if got := lines[8]["stats"].(map[string]any)["h3"].(map[string]any)["ignored"]; got != 1.0 {
		t.Errorf("recap h3 ignored = %v", got)
	}
}
