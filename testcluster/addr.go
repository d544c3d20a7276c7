package testcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Hosts listen on 127.0.B.N (B from 1, N 1-254), port 22; the whole
// 127.0.0.0/8 is routed to the loopback interface, so no address needs
// configuring. Clusters of up to 254 hosts stay on 127.0.1.N; larger ones
// go on to 127.0.2.N and further.
const (
	sshPort     = "22"
	addrBlocks  = 16
	hostsPerBlk = 254
	maxHosts    = addrBlocks * hostsPerBlk
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

// freeAddrs returns the first n addresses of 127.0.1.1-254, 127.0.2.1-254
// and so on, on which port 22 is free. The caller must hold the allocation lock until its sshds
// listen.
func freeAddrs(n int) ([]string, error) {
	var addrs []string
	for i := 0; i < maxHosts && len(addrs) < n; i++ {
		addr := fmt.Sprintf("127.0.%d.%d", 1+i/hostsPerBlk, 1+i%hostsPerBlk)
		l, err := net.Listen("tcp", net.JoinHostPort(addr, sshPort))
		if err != nil {
			continue
		}
		l.Close()
		addrs = append(addrs, addr)
	}
	if len(addrs) < n {
		return nil, errors.New("not enough free 127.0.B.N addresses (clusters left running? gansible-testcluster stop --state DIR)")
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
