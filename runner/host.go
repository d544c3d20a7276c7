package runner

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

// hostState is everything the run knows about one host.
type hostState struct {
	name          string
	inv           *inventory.Host
	inventoryVars map[string]any

	// vars is the host's current generation of run-time variables. Other
	// hosts read it through hostvars while this host's tasks replace it,
	// so it is never written in place: writers build the next generation
	// under mu and publish it with one store.
	vars atomic.Pointer[hostVars]
	mu   sync.Mutex

	// conns are the host's SSH connections, one per user that tasks log
	// in as. A failed dial stays in its slot, so that later tasks of that
	// user fail the same way without dialling again.
	conns  map[string]connSlot
	connMu sync.Mutex

	failed      bool // failed in this run: left out of later tasks and plays
	unreachable bool
	ended       bool // meta: end_host, until the end of the play
	stats       output.Stats
	// lastFailure is the host's most recent failed task, which a block's
	// rescue section sees as ansible_failed_task and ansible_failed_result.
	lastFailure *failure
	notified    map[*playbook.Task]bool
}

// hostVars is one generation of a host's run-time variables. It is
// immutable once published: neither its maps nor the values in them are
// written again, so any goroutine may read a generation it has taken
// without locking.
type hostVars struct {
	facts       map[string]any // gathered facts, keys without the ansible_ prefix
	factVars    map[string]any // facts as ansible_facts and as top-level ansible_* vars
	setFacts    map[string]any // set_fact and register
	includeVars map[string]any
}

func newHostState(inv *inventory.Inventory, h *inventory.Host) *hostState {
	hs := &hostState{
		name:          h.Name,
		inv:           h,
		inventoryVars: inv.HostVars(h),
		notified:      map[*playbook.Task]bool{},
	}
	hs.vars.Store(&hostVars{})
	return hs
}

// snapshot is the host's current variables, safe to read from any
// goroutine for as long as the reader likes.
func (h *hostState) snapshot() *hostVars { return h.vars.Load() }

// update publishes the generation that change makes from a copy of the
// current one. change replaces the maps it alters with new ones (see
// withKeys); it must not write the current generation's maps.
func (h *hostState) update(change func(next *hostVars)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	next := *h.vars.Load()
	change(&next)
	h.vars.Store(&next)
}

// withKeys is a copy of m with the entries of add set.
func withKeys(m, add map[string]any) map[string]any {
	out := make(map[string]any, len(m)+len(add))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range add {
		out[k] = v
	}
	return out
}

// exposeFacts is facts as tasks see them: ansible_facts, and each fact as
// a top-level ansible_* var. Facts come from the host: they are data,
// never templated.
func exposeFacts(facts map[string]any) map[string]any {
	if len(facts) == 0 {
		return nil
	}
	// Converted once here, not by every template that reads a fact.
	dict := value.Convert(facts).(*value.Dict)
	out := make(map[string]any, len(facts)+1)
	out["ansible_facts"] = template.Unsafe{V: dict}
	for k, v := range dict.All() {
		if !strings.HasPrefix(k, "ansible_") {
			k = "ansible_" + k
		}
		out[k] = template.Unsafe{V: v}
	}
	return out
}

// addFacts merges gathered facts (keys with or without the ansible_
// prefix).
func (h *hostState) addFacts(facts map[string]any) {
	trimmed := make(map[string]any, len(facts))
	for k, v := range facts {
		trimmed[strings.TrimPrefix(k, "ansible_")] = v
	}
	h.update(func(next *hostVars) {
		next.facts = withKeys(next.facts, trimmed)
		next.factVars = exposeFacts(next.facts)
	})
}

// clearFacts forgets the gathered facts (meta: clear_facts).
func (h *hostState) clearFacts() {
	h.update(func(next *hostVars) { next.facts, next.factVars = nil, nil })
}

// setFacts sets set_fact and register variables.
func (h *hostState) setFacts(vars map[string]any) {
	h.update(func(next *hostVars) { next.setFacts = withKeys(next.setFacts, vars) })
}

func (h *hostState) setFact(name string, v any) {
	h.setFacts(map[string]any{name: v})
}

// addIncludeVars sets variables loaded by include_vars.
func (h *hostState) addIncludeVars(vars map[string]any) {
	h.update(func(next *hostVars) { next.includeVars = withKeys(next.includeVars, vars) })
}

func (h *hostState) alive() bool { return !h.failed && !h.unreachable && !h.ended }

type failure struct {
	task   *playbook.Task
	result map[string]any
}

// A connSlot is one cached connection to a host, or why it could not be
// opened.
type connSlot struct {
	conn connection.Conn
	err  error
}

// closeConnections closes the host's connections; the next task that
// needs one dials again.
func (h *hostState) closeConnections() {
	h.connMu.Lock()
	defer h.connMu.Unlock()
	for _, s := range h.conns {
		if s.conn != nil {
			_ = s.conn.Close()
		}
	}
	h.conns = nil
}
