package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestDialFailureKinds(t *testing.T) {
	target := sshTarget{host: "h", port: 22, user: "u"}
	for _, tc := range []struct {
		name string
		err  error // from the handshake, or the TCP dial with tcp set
		tcp  bool
		want failureKind
	}{
		{"dropped past MaxStartups", fmt.Errorf("ssh: handshake failed: %w", io.EOF), false, failTransient},
		{"reset while the handshake runs", fmt.Errorf("ssh: handshake failed: %w", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), false, failTransient},
		{"broken pipe", fmt.Errorf("ssh: handshake failed: %w", syscall.EPIPE), false, failTransient},
		{"wrong key", errors.New("ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"), false, failFinal},
		{"changed host key", fmt.Errorf("ssh: handshake failed: %w", &HostKeyError{}), false, failFinal},
		{"banner timeout", fmt.Errorf("ssh: handshake failed: %w", os.ErrDeadlineExceeded), false, failUnreachable},
		{"out of descriptors in the handshake", fmt.Errorf("x: %w", syscall.EMFILE), false, failFinal},
		{"port refused", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, true, failUnreachable},
		{"connect timeout", context.DeadlineExceeded, true, failUnreachable},
		{"no descriptor for the socket", &net.OpError{Op: "dial", Err: os.NewSyscallError("socket", syscall.EMFILE)}, true, failFinal},
		{"system file table full", &net.OpError{Op: "dial", Err: os.NewSyscallError("socket", syscall.ENFILE)}, true, failFinal},
		{"run cancelled", context.Canceled, true, failFinal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.tcp {
				err = target.dialError(tc.err)
			} else {
				err = target.handshakeError(tc.err)
			}
			var f *dialFailure
			if !errors.As(err, &f) {
				t.Fatalf("%v is not a *dialFailure", err)
			}
			if f.kind != tc.want {
				t.Errorf("kind %d, want %d (%v)", f.kind, tc.want, err)
			}
			if isFDLimit(tc.err) {
				var fd *FDLimitError
				if !errors.As(err, &fd) || err.Error() != "too many open files: raise the open-file limit (ulimit -n) or lower --forks" {
					t.Errorf("out of descriptors reads %q", err)
				}
			}
		})
	}
}

// fakeClock is time that moves only when the policy sleeps.
type fakeClock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) sleep(_ context.Context, d time.Duration) error {
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func TestRetryPolicy(t *testing.T) {
	transient := &dialFailure{err: io.EOF, kind: failTransient}
	unreachable := &dialFailure{err: errors.New("refused"), kind: failUnreachable}
	final := &dialFailure{err: errors.New("denied"), kind: failFinal}
	for _, tc := range []struct {
		name      string
		retries   int
		timeout   time.Duration
		jitter    float64
		results   []error // what each try returns; nil succeeds
		wantTries int
		wantErr   error
		wantWaits []time.Duration
	}{
		{"success at once", 0, 10 * time.Second, 0.5, []error{nil}, 1, nil, nil},
		{"dropped twice, then in", 0, 10 * time.Second, 0.5, []error{transient, transient, nil}, 3, nil,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond}},
		{"dropped five times: gives up", 0, 10 * time.Second, 0.5, []error{transient, transient, transient, transient, transient, nil}, 5, transient,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond}},
		{"jitter spreads the waits", 0, 10 * time.Second, 0, []error{transient, transient, nil}, 3, nil,
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"waits stay within the timeout", 0, time.Second, 0.5, []error{transient, transient, transient, nil}, 3, transient,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond}},
		{"refused port: unreachable at once", 0, 10 * time.Second, 0.5, []error{unreachable, nil}, 1, unreachable, nil},
		{"refused port with retries=2: ansible's pauses", 2, 10 * time.Second, 0.5, []error{unreachable, unreachable, unreachable, nil}, 3, unreachable,
			[]time.Duration{0, time.Second}},
		{"retries after the transient budget", 1, 10 * time.Second, 0.5, []error{transient, transient, transient, transient, transient, nil}, 6, nil,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond, 0}},
		{"wrong key: never again", 3, 10 * time.Second, 0.5, []error{final, nil}, 1, final, nil},
		{"other errors: never again", 3, 10 * time.Second, 0.5, []error{io.ErrClosedPipe, nil}, 1, io.ErrClosedPipe, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(1000, 0)}
			p := defaultRetryPolicy(tc.retries)
			p.sleep = clock.sleep
			p.jitter = func() float64 { return tc.jitter }
			tries := 0
			err := p.do(context.Background(), tc.timeout, clock.Now, func(deadline time.Time) error {
				if want := tc.timeout; deadline.Sub(clock.now) > want {
					t.Errorf("try %d has %v, more than the timeout", tries, deadline.Sub(clock.now))
				}
				tries++
				return tc.results[tries-1]
			})
			if tries != tc.wantTries || err != tc.wantErr {
				t.Errorf("%d tries, error %v; want %d, %v", tries, err, tc.wantTries, tc.wantErr)
			}
			if fmt.Sprint(clock.sleeps) != fmt.Sprint(tc.wantWaits) {
				t.Errorf("waits %v, want %v", clock.sleeps, tc.wantWaits)
			}
		})
	}
}

func TestRetryWaitIsAnsibles(t *testing.T) {
	for n, want := range []time.Duration{0, time.Second, 3 * time.Second, 7 * time.Second, 15 * time.Second, 30 * time.Second, 30 * time.Second} {
		if got := retryWait(n); got != want {
			t.Errorf("retryWait(%d) = %v, want %v", n, got, want)
		}
	}
}

// TestDialOutOfFileDescriptors runs DialSSH with no file descriptor left:
// reading the ssh config, or opening the socket, fails with EMFILE, and
// the error says what to do.
func TestDialOutOfFileDescriptors(t *testing.T) {
	sshConfig := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(sshConfig, []byte("Host *\n  User nobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		o    SSHOptions
	}{
		{"reading the ssh config", SSHOptions{Host: "127.0.1.251", User: "root", SSHConfigFile: sshConfig}},
		{"opening the socket", SSHOptions{Host: "127.0.1.251", User: "root", PrivateKeyFiles: []string{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := withNoFreeDescriptor(t, func() error {
				_, err := DialSSH(context.Background(), tc.o)
				return err
			})
			var unreachable *UnreachableError
			var fd *FDLimitError
			if !errors.As(err, &unreachable) || !errors.As(err, &fd) ||
				err.Error() != "Failed to connect to the host via ssh: too many open files: raise the open-file limit (ulimit -n) or lower --forks" {
				t.Errorf("err = %v, want an UnreachableError saying to raise the limit", err)
			}
		})
	}
}
