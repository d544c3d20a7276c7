package runner

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
)

// A panic in one host's goroutine reaches the caller as a *HostPanic once
// the other hosts are done, instead of killing the process.
func TestForEachHostPanic(t *testing.T) {
	r := &run{opts: &Options{Forks: 2}}
	hosts := []*hostState{{name: "h1"}, {name: "h2"}, {name: "h3"}}
	var emitted []string
	var got any
	func() {
		defer func() { got = recover() }()
		r.forEachHost(hosts, func(h *hostState) func() {
			if h.name == "h2" {
				panic("boom")
			}
			return func() { emitted = append(emitted, h.name) }
		})
	}()
	hp, ok := got.(*HostPanic)
	if !ok || hp.Host != "h2" || hp.Value != "boom" || !strings.Contains(string(hp.Stack), "goroutine") {
		t.Fatalf("recovered %#v, want a HostPanic of h2 with its stack", got)
	}
	if strings.Join(emitted, ",") != "h1,h3" {
		t.Errorf("emitted %v, want h1,h3", emitted)
	}
}

// An include_tasks of itself ends the run with ansible-playbook's error
// for too deep an object (exit 1) instead of running forever.
func TestIncludeDepth(t *testing.T) {
	inv, err := inventory.Load([]string{"localhost,"})
	if err != nil {
		t.Fatal(err)
	}
	loader := &playbook.Loader{IsAction: IsAction}
	pb, err := loader.LoadPlaybook(filepath.Join("testdata", "include_self", "site.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	opts := &Options{
		Inventory: inv, Loader: loader, Engine: template.New(template.Options{}),
		Out: output.NewDefault(&out, &out, false, 0), Forks: 1, Connection: "local",
	}
	err = Run(context.Background(), opts, []*playbook.Playbook{pb})
	var exitErr *ExitError
	if !errors.As(err, &exitErr) || exitErr.Code != ExitGeneral || !strings.Contains(err.Error(), "t.yml:2:3: Exceeded maximum object depth") {
		t.Fatalf("error %v, want exit 1 with the depth error", err)
	}
	if n := strings.Count(out.String(), "included: "); n != maxIncludeDepth {
		t.Errorf("%d includes ran, want %d", n, maxIncludeDepth)
	}
	if strings.Contains(out.String(), "PLAY RECAP") {
		t.Error("a recap was printed; ansible-playbook prints none after this error")
	}
}
