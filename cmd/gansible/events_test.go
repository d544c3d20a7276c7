package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEventsStream runs a playbook with --events and checks that the
// stream tells the run as the screen does: a play, its tasks, a result
// per host and task (and per loop item), and the recap's counts.
func TestEventsStream(t *testing.T) {
	dir := copyCase(t)
	t.Chdir(dir)
	t.Setenv("ANSIBLE_NOCOLOR", "1")
	events := filepath.Join(dir, "events.jsonl")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-i", "hosts", "site.yml", "--events", events}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	data, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var recap map[string]map[string]int
	results := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var line struct {
			Event  string
			Task   string
			Status string
			Stats  map[string]map[string]int
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		kinds = append(kinds, line.Event)
		if line.Event == "host_result" {
			results[line.Status]++
		}
		if line.Event == "recap" {
			recap = line.Stats
		}
	}
	if len(kinds) == 0 || kinds[0] != "play_start" || kinds[len(kinds)-1] != "recap" {
		t.Fatalf("events %v: want a play first and the recap last", kinds)
	}
	// site.yml on w1: seven tasks, one of them a loop of two items.
	if got := strings.Count(strings.Join(kinds, " "), "task_start"); got != 7 {
		t.Errorf("%d task_start events, want 7", got)
	}
	want := map[string]int{"ok": 6, "changed": 1, "skipped": 1, "failed": 1}
	for status, n := range want {
		if results[status] != n {
			t.Errorf("%d %s results, want %d (all: %v)", results[status], status, n, results)
		}
	}
	if w1 := recap["w1"]; w1["ok"] != 6 || w1["changed"] != 1 || w1["skipped"] != 1 || w1["ignored"] != 1 {
		t.Errorf("recap %v", recap)
	}
	if !strings.Contains(stdout.String(), "w1                         : ok=6    changed=1") {
		t.Errorf("the screen's recap differs:\n%s", stdout.String())
	}
}
