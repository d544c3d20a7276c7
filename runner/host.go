package runner

import (
	"strings"
	"sync"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
)

// hostState is everything the run knows about one host.
type hostState struct {
	name          string
	inv           *inventory.Host
	inventoryVars map[string]any

	mu          sync.Mutex
	facts       map[string]any // gathered facts, keys without the ansible_ prefix
	setFacts    map[string]any // set_fact and register
	includeVars map[string]any

	conn    connection.Conn
	connErr error
	connMu  sync.Mutex

	failed      bool // failed in this run: left out of later tasks and plays
	unreachable bool
	ended       bool // meta: end_host, until the end of the play
	stats       output.Stats
	// lastFailure is the host's most recent failed task, which a block's
	// rescue section sees as ansible_failed_task and ansible_failed_result.
	lastFailure *failure
	notified    map[*playbook.Task]bool
}

func newHostState(inv *inventory.Inventory, h *inventory.Host) *hostState {
	return &hostState{
		name:          h.Name,
		inv:           h,
		inventoryVars: inv.HostVars(h),
		facts:         map[string]any{},
		setFacts:      map[string]any{},
		includeVars:   map[string]any{},
		notified:      map[*playbook.Task]bool{},
	}
}

// factVars exposes facts as ansible_facts and as top-level ansible_* vars.
// Facts come from the host: they are data, never templated.
func (h *hostState) factVars() map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.facts) == 0 {
		return nil
	}
	out := make(map[string]any, len(h.facts)+1)
	out["ansible_facts"] = template.Unsafe{V: h.facts}
	for k, v := range h.facts {
		if !strings.HasPrefix(k, "ansible_") {
			k = "ansible_" + k
		}
		out[k] = template.Unsafe{V: v}
	}
	return out
}

func (h *hostState) addFacts(facts map[string]any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, v := range facts {
		h.facts[strings.TrimPrefix(k, "ansible_")] = v
	}
}

func (h *hostState) setFact(name string, v any) {
	h.mu.Lock()
	h.setFacts[name] = v
	h.mu.Unlock()
}

func (h *hostState) alive() bool { return !h.failed && !h.unreachable && !h.ended }

type failure struct {
	task   *playbook.Task
	result map[string]any
}
