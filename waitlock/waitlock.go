// Package waitlock lets code that runs under a shared lock give the lock
// up while it waits: on a host's command, or on a timer. The free
// strategy runs each host's tasks in a goroutine of its own, all under
// one lock, so that the runner's bookkeeping stays single-threaded as
// in ansible-core's strategy loop while the hosts' commands overlap.
package waitlock

import (
	"context"
	"sync"
	"time"
)

type key struct{}

// token is one goroutine's claim on the shared lock. Waits may nest or
// overlap (several commands of one task): the lock is given up by the
// first and taken back by the last.
type token struct {
	shared  *sync.Mutex
	mu      sync.Mutex
	waits   int
	waiting func() // called at the first wait, then nil
}

// With returns a context whose waits release shared, which the caller
// holds. waiting, if not nil, is called when shared is first given up:
// the caller can start the next goroutine then, so that they reach their
// first waits in order.
func With(ctx context.Context, shared *sync.Mutex, waiting func()) context.Context {
	return context.WithValue(ctx, key{}, &token{shared: shared, waiting: waiting})
}

// Without returns a context that releases nothing, for goroutines that
// run beside the lock's holder (async jobs) rather than as it.
func Without(ctx context.Context) context.Context {
	if ctx.Value(key{}) == nil {
		return ctx
	}
	return context.WithValue(ctx, key{}, (*token)(nil))
}

// Wait runs fn, which blocks, with ctx's shared lock given up meanwhile;
// with no lock in ctx it just runs fn.
func Wait(ctx context.Context, fn func()) {
	t, _ := ctx.Value(key{}).(*token)
	if t == nil {
		fn()
		return
	}
	t.mu.Lock()
	t.waits++
	if t.waits == 1 {
		t.shared.Unlock()
		if t.waiting != nil {
			t.waiting()
			t.waiting = nil
		}
	}
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.waits--
		if t.waits == 0 {
			t.shared.Lock()
		}
		t.mu.Unlock()
	}()
	fn()
}

// Sleep waits d or until ctx ends, giving up ctx's lock meanwhile.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	var err error
	Wait(ctx, func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			err = ctx.Err()
		}
	})
	return err
}
