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

// handshakeWaves hands out the handshake slots of each address.
type handshakeWaves struct {
	mu    sync.Mutex
	slots map[string]chan struct{}
	size  int
}

var dialWaves = &handshakeWaves{size: maxStartupsPerAddr}

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
