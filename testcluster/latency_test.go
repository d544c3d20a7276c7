package testcluster

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"testing"
	"time"
)

// startEcho serves an echo on a free port until the test ends.
func startEcho(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return l.Addr().String()
}

// TestLatencyProxyDelays checks the proxy's one property: a round trip
// through it takes at least twice its delay (a lower bound: a correctness
// check of the delay, not a timing of anything else).
func TestLatencyProxyDelays(t *testing.T) {
	const delay = 40 * time.Millisecond
	p, err := StartLatencyProxy(startEcho(t), delay)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < 3; i++ {
		start := time.Now()
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
			t.Fatalf("read %q, %v", buf, err)
		}
		if took := time.Since(start); took < 2*delay {
			t.Errorf("round trip %d took %v, less than the proxy's %v", i, took, 2*delay)
		}
	}
}

// TestLatencyProxyKeepsBytes sends a few MiB both ways at once and checks
// that every byte arrives in order, and that an end of stream is passed
// on.
func TestLatencyProxyKeepsBytes(t *testing.T) {
	p, err := StartLatencyProxy(startEcho(t), 5*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data := make([]byte, 4<<20)
	_, _ = rand.Read(data)
	go func() {
		_, _ = c.Write(data)
		_ = c.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes back, want the %d sent, in order", len(got), len(data))
	}
}
