package waitlock

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Two goroutines under one lock overlap only while they wait.
func TestWaitReleasesTheLock(t *testing.T) {
	var shared sync.Mutex
	var inside, most int
	var mu sync.Mutex
	enter := func() {
		mu.Lock()
		inside++
		most = max(most, inside)
		mu.Unlock()
	}
	leave := func() {
		mu.Lock()
		inside--
		mu.Unlock()
	}
	var wg sync.WaitGroup
	start := time.Now()
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			shared.Lock()
			defer shared.Unlock()
			ctx := With(context.Background(), &shared, nil)
			Wait(ctx, func() {
				enter()
				time.Sleep(50 * time.Millisecond)
				leave()
			})
		}()
	}
	wg.Wait()
	if most < 2 {
		t.Errorf("waits did not overlap (at most %d at once)", most)
	}
	if d := time.Since(start); d > 140*time.Millisecond {
		t.Errorf("three overlapping 50ms waits took %v", d)
	}
}

// Nested and concurrent waits of one holder give the lock up once and
// take it back once; Without and a plain context release nothing.
func TestNestedWaits(t *testing.T) {
	var shared sync.Mutex
	shared.Lock()
	first := 0
	ctx := With(context.Background(), &shared, func() { first++ })
	var wg sync.WaitGroup
	Wait(ctx, func() {
		if !shared.TryLock() {
			t.Fatal("the lock is still held during a wait")
		}
		shared.Unlock()
		for range 4 {
			wg.Add(1)
			go func() { defer wg.Done(); Wait(ctx, func() { time.Sleep(time.Millisecond) }) }()
		}
		wg.Wait()
	})
	if shared.TryLock() {
		t.Fatal("the lock was not taken back after the wait")
	}
	Wait(ctx, func() {})
	if first != 1 {
		t.Errorf("the first-wait hook ran %d times, want 1", first)
	}
	Wait(Without(ctx), func() {
		if shared.TryLock() {
			t.Fatal("Without released the lock")
		}
	})
	Wait(context.Background(), func() {})
	if err := Sleep(ctx, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	shared.Unlock()
}
