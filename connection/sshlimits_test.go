package connection

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// An sshd that drops every new unauthenticated connection past two, and
// takes two sessions per connection.
const tightSSHD = "MaxStartups 2:100:2\nMaxSessions 2\n"

// dialMany dials n connections at once with the policy and returns the
// errors.
func dialMany(t *testing.T, s *testSSHD, n int, policy retryPolicy) []error {
	t.Helper()
	target, err := resolve(s.options())
	if err != nil {
		t.Fatal(err)
	}
	target.timeout = 10 * time.Second
	target.policy = policy
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			client, err := target.dial(context.Background())
			if err == nil {
				// Holding the connection open while the others log in
				// keeps the test honest: nothing frees sshd's slots early.
				time.Sleep(100 * time.Millisecond)
				client.Close()
				return
			}
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func TestSSHMaxStartups(t *testing.T) {
	s := startSSHDWith(t, tightSSHD)
	const n = 20
	// Without the retry, sshd drops some of the handshakes: this shows
	// that the sshd is tight enough for the test below to mean something.
	noRetry := defaultRetryPolicy(0)
	noRetry.transientTries = 1
	errs := dialMany(t, s, n, noRetry)
	t.Logf("without the retry: %d of %d dials failed", len(errs), n)
	if len(errs) == 0 {
		t.Fatalf("sshd with %q dropped none of %d concurrent dials", tightSSHD, n)
	}
	for _, err := range errs {
		if !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset by peer") {
			t.Errorf("a dropped handshake reads %q", err)
		}
	}
	t.Logf("for example: %v", errs[0])
	if errs := dialMany(t, s, n, defaultRetryPolicy(0)); len(errs) > 0 {
		t.Errorf("with the retry, %d of %d dials failed, first: %v", len(errs), n, errs[0])
	}
}

func TestSSHMaxSessions(t *testing.T) {
	s := startSSHDWith(t, tightSSHD)
	conn := s.dial(t, s.options())
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := fmt.Sprint(i)
			res, err := conn.Run(context.Background(), "sleep 0.3; echo "+want, nil, nil)
			switch {
			case err != nil:
				errs <- err
			case strings.TrimSpace(string(res.Stdout)) != want:
				errs <- fmt.Errorf("command %d got %q", i, res.Stdout)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
