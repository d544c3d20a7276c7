package runner

import (
	"strings"
	"testing"

	"github.com/gansible/gansible/output"
)

// bannerLog records the banners and results a callback is given.
type bannerLog struct {
	output.Nop
	lines []string
}

func (b *bannerLog) Task(t output.TaskStart)    { b.lines = append(b.lines, "TASK "+t.Name) }
func (b *bannerLog) Result(r output.HostResult) { b.lines = append(b.lines, "result "+r.Host) }

// With the free strategy a banner is printed when a result of its task
// follows another task's, as Ansible's default callback does.
func TestFreeBanners(t *testing.T) {
	log := &bannerLog{}
	b := &freeBanners{Callback: log, tasks: map[any]output.TaskStart{}}
	one, two := &struct{ int }{1}, &struct{ int }{2}
	b.Task(output.TaskStart{ID: one, Name: "one"})
	b.Task(output.TaskStart{ID: one, Name: "one"}) // another host starts it
	b.Result(output.HostResult{Host: "h1", TaskID: one})
	b.Task(output.TaskStart{ID: two, Name: "two"})
	b.Result(output.HostResult{Host: "h2", TaskID: one})
	b.Result(output.HostResult{Host: "h1", TaskID: two})
	b.Result(output.HostResult{Host: "h2", TaskID: two})
	b.Result(output.HostResult{Host: "h3", TaskID: one})
	got := strings.Join(log.lines, "; ")
	want := "TASK one; result h1; result h2; TASK two; result h1; result h2; TASK one; result h3"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
