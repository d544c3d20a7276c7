package connection

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

// nopConn answers every command with exit status 0.
type nopConn struct{}

func (nopConn) Run(context.Context, string, io.Reader, *Become) (Result, error) { return Result{}, nil }
func (nopConn) Close() error                                                    { return nil }

func TestRoundTrips(t *testing.T) {
	type step struct {
		host, task string
		id         int
		commands   int
	}
	for _, tc := range []struct {
		name      string
		steps     []step
		wantTasks []TaskRoundTrips
		wantHosts []HostRoundTrips
		wantCSV   string
	}{
		{name: "nothing ran", wantCSV: "host,task,round_trips\n"},
		{
			name:      "one task on one host",
			steps:     []step{{"web1", "copy", 1, 3}},
			wantTasks: []TaskRoundTrips{{"web1", "copy", 3}},
			wantHosts: []HostRoundTrips{{"web1", 3, 1}},
			wantCSV:   "host,task,round_trips\nweb1,copy,3\n",
		},
		{
			name:      "a loop's items add up to one task",
			steps:     []step{{"web1", "pkgs", 1, 2}, {"web1", "pkgs", 1, 2}, {"web1", "pkgs", 1, 1}},
			wantTasks: []TaskRoundTrips{{"web1", "pkgs", 5}},
			wantHosts: []HostRoundTrips{{"web1", 5, 1}},
			wantCSV:   "host,task,round_trips\nweb1,pkgs,5\n",
		},
		{
			name:      "two tasks of one name count apart",
			steps:     []step{{"web1", "restart", 1, 1}, {"web1", "restart", 2, 2}},
			wantTasks: []TaskRoundTrips{{"web1", "restart", 1}, {"web1", "restart", 2}},
			wantHosts: []HostRoundTrips{{"web1", 3, 2}},
			wantCSV:   "host,task,round_trips\nweb1,restart,1\nweb1,restart,2\n",
		},
		{
			name:      "a task that sends nothing still counts as a task",
			steps:     []step{{"db", "facts", 1, 4}, {"db", "check only", 2, 0}},
			wantTasks: []TaskRoundTrips{{"db", "facts", 4}, {"db", "check only", 0}},
			wantHosts: []HostRoundTrips{{"db", 4, 2}},
			wantCSV:   "host,task,round_trips\ndb,facts,4\ndb,check only,0\n",
		},
		{
			name:      "hosts apart, in the order first seen; names quoted as CSV",
			steps:     []step{{"b", "x", 1, 1}, {"a", "x", 1, 2}, {"b", `say "hi", twice`, 2, 2}},
			wantTasks: []TaskRoundTrips{{"b", "x", 1}, {"a", "x", 2}, {"b", `say "hi", twice`, 2}},
			wantHosts: []HostRoundTrips{{"b", 3, 2}, {"a", 2, 1}},
			wantCSV:   "host,task,round_trips\nb,x,1\na,x,2\nb,\"say \"\"hi\"\", twice\",2\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rt RoundTrips
			for _, s := range tc.steps {
				c := rt.Counted(nopConn{}, s.host, s.task, s.id)
				for range s.commands {
					if _, err := c.Run(context.Background(), "true", nil, nil); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got := rt.Tasks(); fmt.Sprint(got) != fmt.Sprint(tc.wantTasks) {
				t.Errorf("Tasks() = %v, want %v", got, tc.wantTasks)
			}
			if got := rt.Hosts(); fmt.Sprint(got) != fmt.Sprint(tc.wantHosts) {
				t.Errorf("Hosts() = %v, want %v", got, tc.wantHosts)
			}
			var b strings.Builder
			if err := rt.WriteCSV(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.wantCSV {
				t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), tc.wantCSV)
			}
		})
	}
}

func TestRoundTripsConcurrent(t *testing.T) {
	var rt RoundTrips
	var wg sync.WaitGroup
	for h := range 8 {
		for task := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := rt.Counted(nopConn{}, fmt.Sprint("h", h), "t", task)
				for range 25 {
					c.Run(context.Background(), "true", nil, nil)
				}
			}()
		}
	}
	wg.Wait()
	for _, h := range rt.Hosts() {
		if h.RoundTrips != 100 || h.Tasks != 4 {
			t.Errorf("%+v, want 100 round trips over 4 tasks", h)
		}
	}
}
