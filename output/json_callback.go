package output

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/gansible/gansible/value"
)

// JSONCallback is Ansible's json stdout callback: nothing while the run
// goes on, then one JSON document (indent 4, sorted keys, ASCII) with
// every play, its tasks and each host's result as Ansible's callback
// records it, and the recap's counters. Warnings and -v messages are
// printed as by the default callback, as Ansible's display does.
type JSONCallback struct {
	*Default
	mu    sync.Mutex
	now   func() time.Time
	ids   ids
	plays []*jsonPlay
	tasks map[any]*jsonTask // the last entry of each task in the current play
}

type jsonPlay struct {
	doc   *value.Dict // name, id, path, duration
	tasks []*jsonTask
}

type jsonTask struct {
	doc   *value.Dict
	hosts *value.Dict
}

// NewJSONCallback returns the json callback writing to out.
func NewJSONCallback(out, errOut io.Writer, color bool, verbosity int, now func() time.Time) *JSONCallback {
	return &JSONCallback{Default: NewDefault(out, errOut, color, verbosity), now: now, tasks: map[any]*jsonTask{}}
}

// jsonTime is Ansible's current_time(): UTC ISO 8601 with microseconds and Z.
func (j *JSONCallback) jsonTime() string {
	return j.now().UTC().Format("2006-01-02T15:04:05.000000Z")
}

func (j *JSONCallback) NoHostsMatched()                {}
func (j *JSONCallback) NoMoreHosts()                   {}
func (j *JSONCallback) Included(IncludeEvent)          {}
func (j *JSONCallback) Retry(string, string, int)      {}
func (j *JSONCallback) AsyncPoll(string, string)       {}
func (j *JSONCallback) AsyncDone(string, string, bool) {}

func (j *JSONCallback) Play(p PlayStart) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.plays = append(j.plays, &jsonPlay{doc: value.DictOf(
		"name", p.Name, "id", j.ids.of(p.ID), "path", p.Path,
		"duration", value.DictOf("start", j.jsonTime()))})
	j.tasks = map[any]*jsonTask{}
}

func (j *JSONCallback) Task(t TaskStart) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.plays) == 0 {
		return
	}
	play := j.plays[len(j.plays)-1]
	task := &jsonTask{
		doc: value.DictOf("name", t.Name, "id", j.ids.of(t.ID), "path", t.Path,
			"duration", value.DictOf("start", j.jsonTime())),
		hosts: value.NewDict(0),
	}
	play.tasks = append(play.tasks, task)
	j.tasks[t.ID] = task
}

// Result records a host's final result of a task; loop items are in it.
func (j *JSONCallback) Result(r HostResult) {
	if r.Item != nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.plays) == 0 {
		return
	}
	play := j.plays[len(j.plays)-1]
	task, ok := j.tasks[r.TaskID]
	if !ok {
		if len(play.tasks) == 0 {
			return
		}
		task = play.tasks[len(play.tasks)-1]
	}
	task.hosts.Set(r.Host, jsonResult(r))
	end := j.jsonTime()
	d, _ := task.doc.Get("duration")
	d.(*value.Dict).Set("end", end)
	d, _ = play.doc.Get("duration")
	d.(*value.Dict).Set("end", end)
}

// jsonResult is the result as Ansible's callback sees it: the module's
// result with the action and the internal keys that registering drops.
func jsonResult(r HostResult) *value.Dict {
	out := value.NewDict(len(r.Result) + 3)
	censor := Censor{NoLog: r.NoLog}
	res := censor.Result(r.Result)
	if !r.NoLog && !r.Looped && !r.Include {
		out.Set("_ansible_no_log", false)
		if r.Debug && r.Status != Skipped {
			out.Set("_ansible_verbose_always", true)
		}
	}
	for _, k := range value.SortedKeys(res) {
		v := res[k]
		if k == "failed" && v == false || k == "skipped" && v == false && r.Looped {
			continue // added when registering, not in the module's result
		}
		if k == "results" && r.Looped && !r.NoLog {
			v = jsonItems(v, r)
		}
		out.Set(k, v)
	}
	out.Set("action", r.Action)
	return out
}

// jsonItems adds to each loop item's result the internal keys Ansible's
// callback sees.
func jsonItems(v any, r HostResult) any {
	items, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(items))
	for i, it := range items {
		m, ok := value.MapOf(it)
		if !ok {
			out[i] = it
			continue
		}
		d := value.FromMap(m)
		if d2, ok := it.(*value.Dict); ok {
			d = d2.Copy()
		}
		d.Set("_ansible_no_log", false)
		if label, ok := d.Get("_ansible_item_label"); !ok || label == nil {
			item, _ := d.Get("item")
			d.Set("_ansible_item_label", item)
		}
		if r.Debug {
			if _, skipped := d.Get("skipped"); !skipped {
				d.Set("_ansible_verbose_always", true)
			}
		}
		out[i] = d
	}
	return out
}

// Recap writes the document.
func (j *JSONCallback) Recap(stats map[string]*Stats) {
	j.mu.Lock()
	defer j.mu.Unlock()
	plays := make([]any, len(j.plays))
	for i, p := range j.plays {
		tasks := make([]any, len(p.tasks))
		for k, t := range p.tasks {
			tasks[k] = value.DictOf("hosts", t.hosts, "task", t.doc)
		}
		plays[i] = value.DictOf("play", p.doc, "tasks", tasks)
	}
	summary := value.NewDict(len(stats))
	hosts := make([]string, 0, len(stats))
	for h := range stats {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		s := stats[h]
		summary.Set(h, value.DictOf("changed", s.Changed, "failures", s.Failed, "ignored", s.Ignored,
			"ok", s.Ok, "rescued", s.Rescued, "skipped", s.Skipped, "unreachable", s.Unreachable))
	}
	doc := value.DictOf("custom_stats", value.NewDict(0), "global_custom_stats", value.NewDict(0),
		"plays", plays, "stats", summary)
	text, err := value.JSON(doc, value.JSONOptions{Indent: 4, SortKeys: true, ASCII: true,
		Default: func(v any) (any, error) { return value.Str(v), nil }})
	if err != nil {
		text = err.Error()
	}
	io.WriteString(j.out, text+"\n")
}

// ids gives each play and task a stable identifier for the document, in
// the shape of Ansible's uuids.
type ids struct {
	next int
	seen map[any]string
}

func (s *ids) of(key any) string {
	if s.seen == nil {
		s.seen = map[any]string{}
	}
	if id, ok := s.seen[key]; ok {
		return id
	}
	s.next++
	id := formatID(s.next)
	s.seen[key] = id
	return id
}

// formatID writes n in the shape of Ansible's uuids
// (02fc0000-0001-xxxx-xxxx-00000000000n): only equality matters.
func formatID(n int) string { return fmt.Sprintf("00000000-0000-0000-0000-%012x", n) }
