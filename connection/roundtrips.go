package connection

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
)

// RoundTrips counts the commands sent to hosts during a run, per host and
// task. Each command is a round trip, whether it goes down a new SSH
// session or through the connection's shell server: the controller sends
// it and waits for its exit status before the module's next step. It is
// the number a module implementation can lower, and the one that grows
// with the latency to the hosts. Safe for concurrent use.
type RoundTrips struct {
	mu    sync.Mutex
	rows  []*roundTripRow
	index map[roundTripKey]*roundTripRow
}

type roundTripKey struct {
	host string
	task any
}

type roundTripRow struct {
	host, task string
	n          atomic.Int64
}

// Counted returns c counting each command it runs for host and task. id
// tells tasks apart (two tasks may share a name) and must be comparable;
// the same host and id add up, as a loop's items do. The task counts from
// this call on, even if it then sends no command.
func (r *RoundTrips) Counted(c Conn, host, task string, id any) Conn {
	key := roundTripKey{host, id}
	r.mu.Lock()
	row := r.index[key]
	if row == nil {
		if r.index == nil {
			r.index = map[roundTripKey]*roundTripRow{}
		}
		row = &roundTripRow{host: host, task: task}
		r.index[key] = row
		r.rows = append(r.rows, row)
	}
	r.mu.Unlock()
	return &counted{Conn: c, row: row}
}

type counted struct {
	Conn
	row *roundTripRow
}

func (c *counted) Run(ctx context.Context, cmd string, stdin io.Reader, become *Become) (Result, error) {
	c.row.n.Add(1)
	return c.Conn.Run(ctx, cmd, stdin, become)
}

// TaskRoundTrips is the count of one task on one host.
type TaskRoundTrips struct {
	Host, Task string
	RoundTrips int
}

// Tasks returns the counts in the order the host-tasks were first counted.
func (r *RoundTrips) Tasks() []TaskRoundTrips {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]TaskRoundTrips, len(r.rows))
	for i, row := range r.rows {
		out[i] = TaskRoundTrips{Host: row.host, Task: row.task, RoundTrips: int(row.n.Load())}
	}
	return out
}

// HostRoundTrips is the count of one host over the whole run.
type HostRoundTrips struct {
	Host       string
	RoundTrips int
	Tasks      int
}

// Hosts returns the counts per host, in the order the hosts were first
// counted.
func (r *RoundTrips) Hosts() []HostRoundTrips {
	var out []HostRoundTrips
	at := map[string]int{}
	for _, t := range r.Tasks() {
		i, ok := at[t.Host]
		if !ok {
			i = len(out)
			at[t.Host] = i
			out = append(out, HostRoundTrips{Host: t.Host})
		}
		out[i].RoundTrips += t.RoundTrips
		out[i].Tasks++
	}
	return out
}

// WriteCSV writes the counts as CSV with the header host,task,round_trips,
// one row per host and task.
func (r *RoundTrips) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"host", "task", "round_trips"})
	for _, t := range r.Tasks() {
		_ = cw.Write([]string{t.Host, t.Task, strconv.Itoa(t.RoundTrips)})
	}
	cw.Flush()
	return cw.Error()
}
