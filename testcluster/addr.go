package testcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// Hosts listen on 127.0.1.N (N 1-254): the whole 127.0.0.0/8 is routed
// to the loopback interface, so no address needs configuring. The first
// 254 hosts take port 22 of an address each; larger clusters go on with
// the same addresses on ports 2201, 2202 and so on, so that no test host
// is ever outside 127.0.1.x.
const (
	addrPrefix  = "127.0.1."
	sshPort     = 22
	addrBlocks  = 16
	hostsPerBlk = 254
	maxHosts    = addrBlocks * hostsPerBlk
)

// endpoint is where a host's sshd listens.
type endpoint struct {
	addr string
	port int
}

// allocLock is an abstract unix socket: holding it serializes address
// allocation between clusters started at the same time (say, by test
// binaries of two packages), leaves no file behind and is released by the
// kernel if its holder dies.
const allocLock = "@gansible-testcluster.alloc"

// lockAllocation blocks until this process holds the allocation lock. The
// returned function releases it.
func lockAllocation(ctx context.Context) (func(), error) {
	for {
		l, err := net.Listen("unix", allocLock)
		if err == nil {
			return func() { l.Close() }, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for another cluster to finish starting: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// freeEndpoints returns the first n endpoints of 127.0.1.1-254 on port
// 22, then on port 2201, and so on, that are free. The caller must hold
// the allocation lock until its sshds listen.
func freeEndpoints(n int) ([]endpoint, error) {
	var eps []endpoint
	for i := 0; i < maxHosts && len(eps) < n; i++ {
		ep := endpoint{fmt.Sprintf("%s%d", addrPrefix, 1+i%hostsPerBlk), sshPort}
		if block := i / hostsPerBlk; block > 0 {
			ep.port = 2200 + block
		}
		l, err := net.Listen("tcp", net.JoinHostPort(ep.addr, strconv.Itoa(ep.port)))
		if err != nil {
			continue
		}
		l.Close()
		eps = append(eps, ep)
	}
	if len(eps) < n {
		return nil, errors.New("not enough free 127.0.1.x endpoints (clusters left running? gansible-testcluster stop --state DIR)")
	}
	return eps, nil
}

// waitSSH waits until addr:port answers with an SSH banner.
func waitSSH(ctx context.Context, addr string, port int) error {
	var lastErr error
	for {
		if lastErr = sshBanner(addr, port); lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sshd on %s not answering: %v", addr, lastErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func sshBanner(addr string, port int) error {
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(port)), time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 8)
	if _, err := conn.Read(buf); err != nil {
		return err
	}
	if string(buf[:4]) != "SSH-" {
		return fmt.Errorf("not an SSH banner: %q", buf)
	}
	return nil
}
