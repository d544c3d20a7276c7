package runner

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/output"
)

func TestRoundTripsFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rt.csv")
	t.Setenv(roundTripsEnv, file)
	out, err := runPlaybook(t, map[string]string{
		"inventory": "[web]\nh1 ansible_connection=local\nh2 ansible_connection=local\n",
		"site.yml": `
- hosts: web
  tasks:
    - name: once
      command: echo one
    - name: twice
      command: echo {{ item }}
      loop: [a, b]
    - name: only h1
      command: echo h1
      when: inventory_hostname == 'h1'
    - name: no command at all
      debug: msg=hi
`,
	}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "host,task,round_trips" {
		t.Fatalf("header %v", rows)
	}
	got := map[string]int{}
	for _, row := range rows[1:] {
		n, err := strconv.Atoi(row[2])
		if err != nil {
			t.Fatalf("row %v: %v", row, err)
		}
		got[row[0]+"/"+row[1]] = n
	}
	once := got["h1/once"]
	if once == 0 {
		t.Fatalf("h1/once has no round trips; rows %v", rows)
	}
	for key, want := range map[string]int{"h2/once": once, "h1/only h1": once, "h1/twice": 2 * once, "h2/twice": 2 * once} {
		if got[key] != want {
			t.Errorf("%s: %d round trips, want %d", key, got[key], want)
		}
	}
	if _, ok := got["h2/only h1"]; ok {
		t.Error("a task skipped on h2 is counted on h2")
	}
	if _, ok := got["h1/no command at all"]; ok {
		t.Error("debug, which runs on the controller, is counted")
	}
	if len(rows) != 1+5 {
		t.Errorf("%d rows, want 5 host-tasks: %v", len(rows)-1, rows)
	}
}

func TestRoundTripsSummary(t *testing.T) {
	for _, tc := range []struct {
		verbosity int
		want      string
	}{
		{2, ""},
		{3, "<h1> round trips: 3 over 2 tasks\n<h2> round trips: 1 over 1 task\n"},
	} {
		var buf bytes.Buffer
		r := &run{opts: &Options{Verbosity: tc.verbosity, Out: output.NewDefault(&buf, &buf, false, tc.verbosity)}}
		for _, s := range []struct {
			host, task string
			n          int
		}{{"h1", "a", 1}, {"h2", "a", 1}, {"h1", "b", 2}} {
			c := r.roundTrips.Counted(connection.Local{}, s.host, s.task, s.task)
			for range s.n {
				if _, err := c.Run(context.Background(), "true", nil, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		r.showRoundTrips()
		if buf.String() != tc.want {
			t.Errorf("-v x%d: %q, want %q", tc.verbosity, buf.String(), tc.want)
		}
	}
}
