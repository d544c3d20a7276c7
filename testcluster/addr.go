package testcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Hosts listen on 127.0.1.N, port 22; the whole 127.0.0.0/8 is routed to
// the loopback interface, so no address needs configuring.
const (
	addrPrefix = "127.0.1."
	sshPort    = "22"
	maxHosts   = 254
)

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

// freeAddrs returns the first n addresses of 127.0.1.1-254 on which port
// 22 is free. The caller must hold the allocation lock until its sshds
// listen.
func freeAddrs(n int) ([]string, error) {
	var addrs []string
	for i := 1; i <= maxHosts && len(addrs) < n; i++ {
		addr := fmt.Sprintf("%s%d", addrPrefix, i)
		l, err := net.Listen("tcp", net.JoinHostPort(addr, sshPort))
		if err != nil {
			continue
		}
		l.Close()
		addrs = append(addrs, addr)
	}
	if len(addrs) < n {
		return nil, errors.New("not enough free 127.0.1.x addresses (clusters left running? gansible-testcluster stop --state DIR)")
	}
	return addrs, nil
}

// waitSSH waits until addr:22 answers with an SSH banner.
func waitSSH(ctx context.Context, addr string) error {
	var lastErr error
	for {
		if lastErr = sshBanner(addr); lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sshd on %s not answering: %v", addr, lastErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func sshBanner(addr string) error {
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(addr, sshPort), time.Second)
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
