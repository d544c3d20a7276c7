package runner

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/factcache"
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

	failed bool // failed in this run: left out of later tasks and plays
	// failedByOther: the failure is another host's, of a run_once task
	// (see failRunOnce), which the recap does not count on this host.
	failedByOther bool
	unreachable   bool
	ended         bool // meta: end_host, until the end of the play
	// fatalFailed: the host counts as failed for any_errors_fatal, in
	// this batch (ansible-core's failed hosts of the task queue).
	fatalFailed bool
	// errorsCleared counts the meta: clear_host_errors that named the
	// host: one in a block's always section clears the failure the
	// section runs for (see runBlock).
	errorsCleared int
	stats         output.Stats
	// lastFailure is the host's most recent failed task, which a block's
	// rescue section sees as ansible_failed_task and ansible_failed_result.
	lastFailure *failure
	notified    map[*playbook.Task]bool
	// rolesRun are the roles of which the host ran a task (a result
	// other than skipped), for a role used again (Task.RoleAgain).
	rolesRun map[string]bool

	// cache keeps the host's facts across runs (fact_caching), or is nil;
	// warn reports its errors.
	cache factcache.Cache
	warn  func(string)
}

// hostVars is one generation of a host's run-time variables. It is
// immutable once published: neither its maps nor the values in them are
// written again, so any goroutine may read a generation it has taken
// without locking.
type hostVars struct {
	facts       map[string]any // gathered and cached facts, under the names modules return them by, converted (convertFacts)
	factVars    map[string]any // facts as ansible_facts and as top-level vars
	setFacts    map[string]any // set_fact and register
	includeVars map[string]any
}

// factsGathered marks facts that a gathering (setup) produced, as in
// Ansible's fact cache: smart gathering skips the hosts that have it.
const factsGathered = "_ansible_facts_gathered"

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

// exposeFacts is facts as tasks see them, as Ansible injects them: each
// fact as a top-level var under its own name (ansible_hostname,
// gather_subset), and ansible_facts with the ansible_ prefixes removed
// (but that of ansible_local). Facts come from the host: they are data,
// never templated. facts are converted already (convertFacts).
func exposeFacts(facts map[string]any) map[string]any {
	if len(facts) == 0 {
		return nil
	}
	out := make(map[string]any, len(facts)+1)
	namespaced := value.NewDict(len(facts))
	for _, k := range value.SortedKeys(facts) {
		v := facts[k]
		// Internal keys (_ansible_facts_gathered) are in ansible_facts
		// only.
		if !strings.HasPrefix(k, "_ansible") {
			out[k] = template.Unsafe{V: v}
		}
		if short, ok := strings.CutPrefix(k, "ansible_"); ok && k != "ansible_local" {
			k = short
		}
		namespaced.Set(k, v)
	}
	out["ansible_facts"] = template.Unsafe{V: namespaced}
	return out
}

// convertFacts converts facts as they arrive (from a module or the fact
// cache) to the values templates read: once, not by every template that
// reads a fact, and kept converted only, so that a host holds one copy of
// its facts rather than the module's tree beside the converted one.
func convertFacts(facts map[string]any) map[string]any {
	out := make(map[string]any, len(facts))
	for k, v := range facts {
		out[k] = value.Convert(v)
	}
	return out
}

// addFacts merges facts and keeps them in the fact cache.
func (h *hostState) addFacts(facts map[string]any) {
	h.addConvertedFacts(convertFacts(facts))
}

// addConvertedFacts is addFacts for facts converted already.
func (h *hostState) addConvertedFacts(facts map[string]any) {
	var all map[string]any
	h.update(func(next *hostVars) {
		next.facts = withKeys(next.facts, facts)
		next.factVars = exposeFacts(next.facts)
		all = next.facts
	})
	if h.cache != nil {
		if err := h.cache.Set(h.name, all); err != nil && h.warn != nil {
			h.warn(err.Error())
		}
	}
}

// clearFacts forgets the gathered facts (meta: clear_facts), in the
// fact cache too.
func (h *hostState) clearFacts() {
	h.update(func(next *hostVars) { next.facts, next.factVars = nil, nil })
	if h.cache != nil {
		if err := h.cache.Delete(h.name); err != nil && h.warn != nil {
			h.warn(err.Error())
		}
	}
}

// loadCachedFacts starts the host with the facts of an earlier run.
func (h *hostState) loadCachedFacts() {
	facts, ok, err := h.cache.Get(h.name)
	if err != nil {
		h.warn(err.Error())
	}
	if ok {
		facts = convertFacts(facts)
		h.update(func(next *hostVars) {
			next.facts = facts
			next.factVars = exposeFacts(facts)
		})
	}
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
