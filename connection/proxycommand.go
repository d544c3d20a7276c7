package connection

import (
	"fmt"
	"io"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// proxyConn is a connection carried by a ProxyCommand: what is written
// goes to the command's stdin, what it prints is read back, as ssh runs
// "ProxyCommand ssh -W %h:%p bastion".
type proxyConn struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	remote streamAddr
	once   sync.Once
}

// startProxyCommand runs command with sh, as ssh does (its stderr is
// the controller's, where ssh shows it too).
func startProxyCommand(command string, remote streamAddr) (net.Conn, error) {
	cmd := exec.Command("/bin/sh", "-c", "exec "+command)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, &dialFailure{err: fmt.Errorf("ssh: ProxyCommand %q could not start: %w", command, err), kind: failFinal}
	}
	return &proxyConn{cmd: cmd, stdin: stdin, stdout: stdout, remote: remote}, nil
}

func (c *proxyConn) Read(p []byte) (int, error)  { return c.stdout.Read(p) }
func (c *proxyConn) Write(p []byte) (int, error) { return c.stdin.Write(p) }

// Close ends the command: its stdin closes, and its process group is
// killed, so that nothing it started outlives the connection.
func (c *proxyConn) Close() error {
	c.once.Do(func() {
		c.stdin.Close()
		if c.cmd.Process != nil {
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		}
		_ = c.cmd.Wait()
	})
	return nil
}

func (c *proxyConn) LocalAddr() net.Addr  { return streamAddr("127.0.0.1:0") }
func (c *proxyConn) RemoteAddr() net.Addr { return c.remote }

// Deadlines are not kept on pipes; the dial's context closes the
// connection when its time is up instead.
func (c *proxyConn) SetDeadline(time.Time) error      { return nil }
func (c *proxyConn) SetReadDeadline(time.Time) error  { return nil }
func (c *proxyConn) SetWriteDeadline(time.Time) error { return nil }
