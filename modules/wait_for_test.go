package modules

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeWaitClock makes wait_for's clock move only when it sleeps.
func fakeWaitClock(t *testing.T) {
	t.Helper()
	saved := waitClock
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	waitClock.now = func() time.Time { return now }
	waitClock.sleep = func(c *Context, d time.Duration) error {
		if d > 0 {
			now = now.Add(d)
		}
		return nil
	}
	t.Cleanup(func() { waitClock = saved })
}

// waitPorts returns a port held open by a listener of the test and one
// that nothing listens on.
func waitPorts(t *testing.T) (open, closed int) {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	l2, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed = l2.Addr().(*net.TCPAddr).Port
	l2.Close()
	return l.Addr().(*net.TCPAddr).Port, closed
}

func TestWaitFor(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp here")
	}
	fakeWaitClock(t)
	open, closed := waitPorts(t)
	for _, tc := range loadModuleCases(t, "wait_for_cases.yaml") {
		t.Run(tc.Name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "log"), []byte("started pid=42 port=8080\nready\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			rep := strings.NewReplacer("@TMP@", dir, "@OPEN@", strconv.Itoa(open), "@CLOSED@", strconv.Itoa(closed))
			args := Args(substitute(tc.Args, rep).(map[string]any))
			want := substitute(tc.Want, rep).(map[string]any)
			for _, k := range []string{"port"} {
				if s, ok := want[k].(string); ok {
					want[k], _ = strconv.Atoi(s)
				}
			}
			r := execModule(t, localContext(tc.Check), "wait_for", args)
			checkWant(t, r, want)
		})
	}
}

func TestWaitForRealClockStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	c := localContext(false)
	c.Ctx = ctx
	m, _ := Lookup("wait_for")
	args, err := Validate("wait_for", m, Args{"path": "/nonexistent/gansible", "timeout": 60})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := m.Run(c, args); err == nil {
		t.Error("a cancelled wait did not return an error")
	}
	if time.Since(start) > 5*time.Second {
		t.Error("the wait did not stop when cancelled")
	}
}

func TestListening(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0101007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   2: 0100007F:0050 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   0: 00000000000000000000000000000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
`
	cases := []struct {
		host string
		port int
		want bool
	}{
		{"127.0.0.1", 8080, true},
		{"localhost", 8080, true},
		{"127.0.0.1", 22, false}, // listens on 127.0.1.1 only
		{"127.0.1.1", 22, true},  // that one
		{"127.0.0.1", 80, false}, // an established connection is not a listener
		{"127.0.0.1", 631, true}, // the IPv6 wildcard takes IPv4 too
		{"::1", 631, true},       // and IPv6
		{"::1", 8080, false},     // an IPv4 listener does not take IPv6
		{"0.0.0.0", 8080, true},  // 0.0.0.0 reaches the loopback
	}
	for _, tc := range cases {
		addrs := loopbackTargets(tc.host)
		if addrs == nil {
			t.Fatalf("%s: not taken as loopback", tc.host)
		}
		if got := listening(table, addrs, tc.port); got != tc.want {
			t.Errorf("%s:%d listening = %v, want %v", tc.host, tc.port, got, tc.want)
		}
	}
	if loopbackTargets("10.1.2.3") != nil || loopbackTargets("example.com") != nil {
		t.Error("a remote host taken as loopback")
	}
}
