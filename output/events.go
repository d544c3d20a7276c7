package output

import (
	"encoding/json"
	"io"
	"sort"
	"sync"
	"time"
)

// Events writes the run as a stream of JSON objects, one a line, as each
// event happens: for CI dashboards and other programs, which should not
// have to parse the screen. Every line has "event" and "time" (RFC 3339,
// UTC, with nanoseconds); the other fields are those of its EventLine
// kind. Results are censored for no_log tasks as on the screen.
//
//	{"event":"play_start","time":...,"play":"web servers"}
//	{"event":"task_start","time":...,"play":...,"task":"copy config","handler":false,"path":"/p/site.yml:12"}
//	{"event":"host_result","time":...,"play":...,"task":...,"host":"web1","status":"changed","item":"a","result":{...}}
//	    (status: ok, changed, skipped, failed or unreachable; ignored: true
//	    for a failure that ignore_errors let pass)
//	{"event":"include","time":...,"file":"/p/extra.yml","hosts":["web1"]}
//	{"event":"warning","time":...,"message":"..."}
//	{"event":"recap","time":...,"stats":{"web1":{"ok":3,...}}}
type Events struct {
	Nop
	mu   sync.Mutex
	enc  *json.Encoder
	now  func() time.Time
	play string
	task string
	err  error
}

// EventLine is one line of the event stream; the fields that do not
// belong to its kind are left out.
type EventLine struct {
	Event     string                `json:"event"`
	Time      string                `json:"time"`
	Play      string                `json:"play,omitempty"`
	Task      string                `json:"task,omitempty"`
	Handler   *bool                 `json:"handler,omitempty"`
	Path      string                `json:"path,omitempty"`
	Host      string                `json:"host,omitempty"`
	Delegated string                `json:"delegated_to,omitempty"`
	Status    string                `json:"status,omitempty"`
	Item      *string               `json:"item,omitempty"`
	Ignored   bool                  `json:"ignored,omitempty"`
	Result    json.RawMessage       `json:"result,omitempty"`
	File      string                `json:"file,omitempty"`
	Hosts     []string              `json:"hosts,omitempty"`
	Message   string                `json:"message,omitempty"`
	Stats     map[string]EventStats `json:"stats,omitempty"`
}

// EventStats are one host's recap counters.
type EventStats struct {
	Ok          int `json:"ok"`
	Changed     int `json:"changed"`
	Unreachable int `json:"unreachable"`
	Failed      int `json:"failed"`
	Skipped     int `json:"skipped"`
	Rescued     int `json:"rescued"`
	Ignored     int `json:"ignored"`
}

// NewEvents writes the stream to w.
func NewEvents(w io.Writer, now func() time.Time) *Events {
	return &Events{enc: json.NewEncoder(w), now: now}
}

// Err is the first error writing the stream.
func (e *Events) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

func (e *Events) emit(l EventLine) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return
	}
	l.Time = e.now().UTC().Format(time.RFC3339Nano)
	e.err = e.enc.Encode(l)
}

func (e *Events) Warning(msg string) { e.emit(EventLine{Event: "warning", Message: msg}) }

func (e *Events) Deprecation(msg string) { e.emit(EventLine{Event: "deprecation", Message: msg}) }

func (e *Events) DisplayError(msg string) { e.emit(EventLine{Event: "error", Message: msg}) }

func (e *Events) Play(p PlayStart) {
	e.mu.Lock()
	e.play, e.task = p.Name, ""
	e.mu.Unlock()
	e.emit(EventLine{Event: "play_start", Play: p.Name})
}

func (e *Events) Task(t TaskStart) {
	e.mu.Lock()
	e.task = t.Name
	play := e.play
	e.mu.Unlock()
	handler := t.Handler
	e.emit(EventLine{Event: "task_start", Play: play, Task: t.Name, Handler: &handler, Path: t.Path})
}

func (e *Events) Included(inc IncludeEvent) {
	var label *string
	if inc.Item != nil {
		s := Censor{NoLog: inc.NoLog}.IncludeItem(*inc.Item)
		label = &s
	}
	e.emit(EventLine{Event: "include", File: inc.File, Hosts: inc.Hosts, Item: label})
}

// Result is a host's result: one per loop item, and the task's own.
func (e *Events) Result(r HostResult) {
	if r.Include {
		return // the include event stands for it
	}
	censor := Censor{NoLog: r.NoLog}
	var item *string
	if r.Item != nil {
		s := censor.Item(*r.Item)
		item = &s
	}
	e.mu.Lock()
	play, task := e.play, e.task
	e.mu.Unlock()
	delegated := ""
	if r.Delegated != r.Host {
		delegated = r.Delegated
	}
	e.emit(EventLine{Event: "host_result", Play: play, Task: task, Host: r.Host, Delegated: delegated,
		Status: eventStatus(r.Status), Item: item, Ignored: r.Ignored,
		// The result as Ansible's JSON writer prints it: every value a
		// result can hold has its JSON form there.
		Result: json.RawMessage(JSON(cleanResult(censor.Result(r.Result), 3), 0))})
}

// eventStatus names a result's outcome: ok, changed, skipped, failed or
// unreachable.
func eventStatus(s Status) string {
	if s == Skipped {
		return "skipped"
	}
	return string(s)
}

func (e *Events) Recap(stats map[string]*Stats) {
	out := make(map[string]EventStats, len(stats))
	hosts := make([]string, 0, len(stats))
	for h := range stats {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		s := stats[h]
		out[h] = EventStats{s.Ok, s.Changed, s.Unreachable, s.Failed, s.Skipped, s.Rescued, s.Ignored}
	}
	e.emit(EventLine{Event: "recap", Stats: out})
}
