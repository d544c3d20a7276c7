package connection

import (
	"context"
	"sync"
)

// maxStartupsPerAddr is how many handshakes to one address are in flight
// at once: sshd's MaxStartups begins dropping unauthenticated connections
// past 10 (its default 10:30:100), so a run with many inventory hosts
// behind one sshd (aliases of one machine, or one bastion) connects in
// waves of that size instead of a burst that sshd drops at random.
const maxStartupsPerAddr = 10

// maxDialsInFlight bounds the connections being set up at once over all
// hosts: a key exchange costs CPU on both ends, and hundreds at once (a
// run with forks in the hundreds) starve each other past the connect
// timeout on a busy controller or a shared hypervisor. A host waiting for
// a slot has not started its timeout yet, as with ssh, whose
// ConnectTimeout starts when it connects.
const maxDialsInFlight = 64

// handshakeWaves hands out the handshake slots of each address, and the
// slots of the dials in flight.
type handshakeWaves struct {
	mu     sync.Mutex
	slots  map[string]chan struct{}
	size   int
	global chan struct{}
}

var dialWaves = &handshakeWaves{size: maxStartupsPerAddr, global: make(chan struct{}, maxDialsInFlight)}

// dialing waits for a slot among the dials in flight, or for ctx to end,
// and returns the function that frees it.
func (w *handshakeWaves) dialing(ctx context.Context) (release func(), err error) {
	if w.global == nil {
		return func() {}, nil
	}
	select {
	case w.global <- struct{}{}:
		return func() { <-w.global }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// acquire waits for a slot of addr, or for ctx to end, and returns the
// function that frees it.
func (w *handshakeWaves) acquire(ctx context.Context, addr string) (release func(), err error) {
	w.mu.Lock()
	if w.slots == nil {
		w.slots = map[string]chan struct{}{}
	}
	ch, ok := w.slots[addr]
	if !ok {
		ch = make(chan struct{}, w.size)
		w.slots[addr] = ch
	}
	w.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
