package connection

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"syscall"
	"time"
)

// How a dial fails decides whether it is tried again.
type failureKind int

const (
	// failFinal: trying again cannot help (a wrong key or password, a
	// host key mismatch, no file descriptors left, a cancelled run).
	failFinal failureKind = iota
	// failUnreachable: the host did not answer or refused the port, as
	// ssh's exit status 255; tried again only as many times as the
	// configured retries say.
	failUnreachable
	// failTransient: sshd accepted the connection and dropped it before
	// authentication, as it does past MaxStartups, or reset it; a new
	// try a moment later usually gets in.
	failTransient
)

// dialFailure is a failed try: the error worded as ssh words it, and
// what kind of failure it is.
type dialFailure struct {
	err  error
	kind failureKind
}

func (f *dialFailure) Error() string { return f.err.Error() }
func (f *dialFailure) Unwrap() error { return f.err }

// transientHandshake reports whether err, from the SSH handshake, is sshd
// dropping or resetting a connection it had accepted: past MaxStartups
// (10:30:100 by default) sshd closes new unauthenticated connections at
// random, which the client sees as EOF, a reset or a broken pipe.
func transientHandshake(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED)
}

// retryPolicy bounds the tries of one dial.
type retryPolicy struct {
	// transientTries is how many handshakes one attempt makes at most
	// when sshd drops them; all of them fit within the connect timeout.
	transientTries int
	// backoff is the wait after the first dropped handshake, doubled
	// after each further one up to maxBackoff; each wait is drawn at
	// random between half and one and a half times that, so that hosts
	// dropped together do not all come back together.
	backoff, maxBackoff time.Duration
	// retries is how many more attempts follow a failed one (Ansible's
	// ssh retries, ANSIBLE_SSH_RETRIES): after attempt n (from 0) the
	// wait is 2^n-1 seconds, at most 30, as ansible's ssh plugin waits.
	retries int
	// sleep waits d or until ctx ends; nil sleeps for real.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter returns a number in [0,1); nil is math/rand.
	jitter func() float64
}

// defaultTransientTries and the backoff bounds: five handshakes, waiting
// about 0.2+0.4+0.8+1.6 s between them, well within the 10 s default
// connect timeout.
const (
	defaultTransientTries = 5
	defaultBackoff        = 200 * time.Millisecond
	defaultMaxBackoff     = 2 * time.Second
)

func defaultRetryPolicy(retries int) retryPolicy {
	return retryPolicy{transientTries: defaultTransientTries, backoff: defaultBackoff, maxBackoff: defaultMaxBackoff, retries: max(0, retries)}
}

// transientWait is the wait after the n-th dropped handshake (n from 1).
func (p retryPolicy) transientWait(n int) time.Duration {
	d := p.backoff
	for i := 1; i < n && d < p.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.maxBackoff)
	j := rand.Float64
	if p.jitter != nil {
		j = p.jitter
	}
	return d/2 + time.Duration(j()*float64(d))
}

// retryWait is ansible's pause before attempt n+1 after attempt n failed.
func retryWait(n int) time.Duration {
	if n >= 5 {
		return 30 * time.Second
	}
	return time.Duration(1<<n-1) * time.Second
}

func (p retryPolicy) wait(ctx context.Context, d time.Duration) error {
	if p.sleep != nil {
		return p.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// do runs try until it succeeds or the policy gives up, and returns the
// last failure. try gets the deadline of its attempt: each attempt has
// timeout for all its handshakes.
func (p retryPolicy) do(ctx context.Context, timeout time.Duration, now func() time.Time, try func(deadline time.Time) error) error {
	for attempt := 0; ; attempt++ {
		deadline := now().Add(timeout)
		var err error
		for n := 1; ; n++ {
			err = try(deadline)
			var f *dialFailure
			if err == nil || !errors.As(err, &f) || f.kind != failTransient || n >= p.transientTries {
				break
			}
			d := p.transientWait(n)
			if !now().Add(d).Before(deadline) {
				break
			}
			if werr := p.wait(ctx, d); werr != nil {
				return err
			}
		}
		var f *dialFailure
		if err == nil || !errors.As(err, &f) || f.kind == failFinal || attempt >= p.retries || ctx.Err() != nil {
			return err
		}
		if werr := p.wait(ctx, retryWait(attempt)); werr != nil {
			return err
		}
	}
}
