package testcluster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LatencyProxy forwards TCP connections to one address and delays the
// bytes of each direction by Delay, so that a round trip through it takes
// 2*Delay longer. It stands between the controller and a cluster host: a
// slow link for benchmarks, without tc or netem on the loopback device
// that every other program on the machine shares. Bandwidth and order are
// kept; only time is added.
type LatencyProxy struct {
	Delay    time.Duration
	target   string
	listener net.Listener
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]bool
	closed   bool
}

// StartLatencyProxy listens on a free port of 127.0.0.1 and forwards to
// target with delay in each direction.
func StartLatencyProxy(target string, delay time.Duration) (*LatencyProxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &LatencyProxy{Delay: delay, target: target, listener: l, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's listening address.
func (p *LatencyProxy) Addr() *net.TCPAddr { return p.listener.Addr().(*net.TCPAddr) }

// Close stops listening and ends every forwarded connection.
func (p *LatencyProxy) Close() error {
	err := p.listener.Close()
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *LatencyProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func (p *LatencyProxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.listener.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		if !p.track(client) || !p.track(server) {
			client.Close()
			server.Close()
			continue
		}
		p.wg.Add(2)
		go p.pump(server, client)
		go p.pump(client, server)
	}
}

// chunk is bytes read at one moment, due on the other side Delay later.
type chunk struct {
	data []byte
	due  time.Time
}

// pump copies src to dst, each read delivered Delay after it was read;
// src's end is passed on as dst's end once everything before it is out.
func (p *LatencyProxy) pump(dst, src net.Conn) {
	defer p.wg.Done()
	queue := make(chan chunk, 4096)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range queue {
			time.Sleep(time.Until(c.due))
			if _, err := dst.Write(c.data); err != nil {
				src.Close()
				for range queue {
				}
				return
			}
		}
		if tcp, ok := dst.(*net.TCPConn); ok {
			_ = tcp.CloseWrite()
		}
	}()
	buf := make([]byte, 64*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			queue <- chunk{data: bytes.Clone(buf[:n]), due: time.Now().Add(p.Delay)}
		}
		if err != nil {
			break
		}
	}
	close(queue)
	<-done
}

// Latency is the cluster reached through one LatencyProxy per host.
type Latency struct {
	RTT     time.Duration
	proxies []*LatencyProxy
	// InventoryFile reaches each host through its proxy, as
	// Cluster.InventoryFile reaches it directly; KnownHostsFile holds
	// the hosts' keys under the proxies' addresses.
	InventoryFile, KnownHostsFile string
}

// StartLatency starts a proxy for every host with rtt/2 in each
// direction and writes latency-hosts.yml and latency_known_hosts into the
// state dir.
func (c *Cluster) StartLatency(rtt time.Duration) (*Latency, error) {
	l := &Latency{RTT: rtt, InventoryFile: filepath.Join(c.stateDir, "latency-hosts.yml"), KnownHostsFile: filepath.Join(c.stateDir, "latency_known_hosts")}
	keys, err := hostKeyLines(c.KnownHostsFile())
	if err != nil {
		return nil, err
	}
	var inv, known strings.Builder
	fmt.Fprintf(&inv, "# The test cluster in %s through latency proxies (%v round trip).\nall:\n  hosts:\n", c.stateDir, rtt)
	for _, h := range c.hosts {
		p, err := StartLatencyProxy(net.JoinHostPort(h.Addr, strconv.Itoa(h.SSHPort())), rtt/2)
		if err != nil {
			l.Close()
			return nil, err
		}
		l.proxies = append(l.proxies, p)
		port := strconv.Itoa(p.Addr().Port)
		key, ok := keys[h.Name]
		if !ok {
			l.Close()
			return nil, fmt.Errorf("no host key of %s in %s", h.Name, c.KnownHostsFile())
		}
		fmt.Fprintf(&known, "[127.0.0.1]:%s %s\n", port, key)
		fmt.Fprintf(&inv, "    %s: {ansible_host: 127.0.0.1, ansible_port: %s, ansible_user: %s, ansible_ssh_private_key_file: %s, ansible_ssh_common_args: -o UserKnownHostsFile=%s}\n",
			h.Name, port, c.user.name, c.KeyFile(), l.KnownHostsFile)
	}
	if err := os.WriteFile(l.KnownHostsFile, []byte(known.String()), 0o644); err != nil {
		l.Close()
		return nil, err
	}
	if err := os.WriteFile(l.InventoryFile, []byte(inv.String()), 0o644); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Close stops the proxies.
func (l *Latency) Close() error {
	var errs []error
	for _, p := range l.proxies {
		if err := p.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// hostKeyLines reads known_hosts lines "name,addr key..." by name.
func hostKeyLines(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	keys := map[string]string{}
	sc := bufio.NewScanner(io.LimitReader(f, 64<<20))
	for sc.Scan() {
		names, key, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(names, ",")
		keys[name] = key
	}
	return keys, sc.Err()
}
