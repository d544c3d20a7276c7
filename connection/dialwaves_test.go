package connection

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// burstRefuser is a fake sshd that, like sshd past MaxStartups, drops a
// new connection at once while limit others are still unauthenticated,
// and counts how many were in flight at most and how many it dropped.
type burstRefuser struct {
	limit            int32
	inFlight, peak   atomic.Int32
	dropped, allowed atomic.Int32
}

func (b *burstRefuser) serve(cfg *ssh.ServerConfig) func(net.Conn) {
	return func(c net.Conn) {
		n := b.inFlight.Add(1)
		for p := b.peak.Load(); n > p && !b.peak.CompareAndSwap(p, n); p = b.peak.Load() {
		}
		if n > b.limit {
			b.inFlight.Add(-1)
			b.dropped.Add(1)
			c.Close()
			return
		}
		// A slow key exchange, so that a burst piles up.
		time.Sleep(20 * time.Millisecond)
		// Authenticated is no longer in flight, as for sshd; the client
		// learns of it only after this.
		var once sync.Once
		done := func() { once.Do(func() { b.inFlight.Add(-1) }) }
		cfg := *cfg
		cfg.NoClientAuthCallback = func(ssh.ConnMetadata) (*ssh.Permissions, error) {
			b.allowed.Add(1)
			done()
			return nil, nil
		}
		sc, chans, reqs, err := ssh.NewServerConn(c, &cfg)
		done()
		if err != nil {
			c.Close()
			return
		}
		go ssh.DiscardRequests(reqs)
		go func() {
			for nc := range chans {
				_ = nc.Reject(ssh.Prohibited, "no")
			}
		}()
		_ = sc.Wait()
	}
}

// TestDialWavesStayUnderMaxStartups dials one address from many hosts at
// once: the handshakes go in waves of maxStartupsPerAddr, so a server that
// drops everything past that many in flight drops none, with no retry.
func TestDialWavesStayUnderMaxStartups(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(newHostSigner(t, "ed25519"))
	srv := &burstRefuser{limit: maxStartupsPerAddr}
	port := serveOnFreePort(t, srv.serve(cfg))

	const hosts = 35
	var wg sync.WaitGroup
	errs := make([]error, hosts)
	for i := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			target, err := resolve(SSHOptions{Host: "127.0.0.1", Port: port, User: "tester", PrivateKeyFiles: []string{}, Timeout: 10 * time.Second})
			if err != nil {
				errs[i] = err
				return
			}
			target.policy.transientTries = 1 // a dropped handshake fails at once
			client, err := target.dial(context.Background())
			if err == nil {
				client.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("host %d: %v", i, err)
		}
	}
	if d := srv.dropped.Load(); d != 0 {
		t.Errorf("the server dropped %d handshakes", d)
	}
	if p := srv.peak.Load(); p > maxStartupsPerAddr || p < 2 {
		t.Errorf("%d handshakes were in flight at once, want 2 to %d", p, maxStartupsPerAddr)
	}
}

// TestBurstRefuserDropsBursts checks the fake server itself: without
// waves, the same burst is dropped in part, and the retries with backoff
// still get every host in.
func TestBurstRefuserDropsBursts(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(newHostSigner(t, "ed25519"))
	srv := &burstRefuser{limit: 3}
	port := serveOnFreePort(t, srv.serve(cfg))
	saved := dialWaves
	dialWaves = &handshakeWaves{size: 100}
	t.Cleanup(func() { dialWaves = saved })

	const hosts = 20
	var wg sync.WaitGroup
	errs := make([]error, hosts)
	for i := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			target, err := resolve(SSHOptions{Host: "127.0.0.1", Port: port, User: "tester", PrivateKeyFiles: []string{}, Timeout: 20 * time.Second})
			if err != nil {
				errs[i] = err
				return
			}
			target.policy.transientTries = 20
			target.policy.backoff = 10 * time.Millisecond
			target.policy.maxBackoff = 200 * time.Millisecond
			client, err := target.dial(context.Background())
			if err == nil {
				client.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("host %d: %v", i, err)
		}
	}
	if srv.dropped.Load() == 0 {
		t.Error("a burst of 20 past a limit of 3 was never dropped")
	}
	if a := srv.allowed.Load(); a != hosts {
		t.Errorf("%d logins, want %d", a, hosts)
	}
}

// TestDialsInFlightAreBounded: however many hosts dial at once, no more
// than the global bound are setting up a connection together, and a dial
// whose run is cancelled while waiting gives up.
func TestDialsInFlightAreBounded(t *testing.T) {
	w := &handshakeWaves{size: 100, global: make(chan struct{}, 3)}
	var inFlight, peak atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := w.dialing(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			n := inFlight.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(5 * time.Millisecond)
			inFlight.Add(-1)
			release()
		}()
	}
	wg.Wait()
	if p := peak.Load(); p != 3 {
		t.Errorf("%d dials in flight at most, want 3", p)
	}
	for range 3 {
		if _, err := w.dialing(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := w.dialing(ctx); err == nil {
		t.Error("a dial waiting past its run's end got a slot")
	}
}
