package connection

import (
	"io"
	"sync"
)

// requestPipe carries a shell server's requests to its stdin. It is
// io.Pipe's protocol with a reader that implements io.WriterTo, so the
// io.Copy feeding the server's stdin writes each request straight from
// the caller's bytes: io.Pipe's reader would make io.Copy hold a 32 KiB
// buffer for the whole life of every host's server.
//
// As with io.Pipe, a Write returns once its bytes are taken (or the pipe
// is closed); writes are taken one at a time, in order.
type requestPipe struct {
	reqs   chan []byte // bytes handed to the reader
	taken  chan int    // how many of them the reader took
	closed chan struct{}
	once   sync.Once
	err    error // why the pipe was closed; set before closed is
}

func newRequestPipe() *requestPipe {
	return &requestPipe{
		reqs:   make(chan []byte),
		taken:  make(chan int),
		closed: make(chan struct{}),
	}
}

// Write hands b to the reader and waits until all of it is taken.
func (p *requestPipe) Write(b []byte) (n int, err error) {
	for once := true; once || len(b) > 0; once = false {
		select {
		case p.reqs <- b:
			nw := <-p.taken
			b = b[nw:]
			n += nw
		case <-p.closed:
			if p.err != nil {
				return n, p.err
			}
			return n, io.ErrClosedPipe
		}
	}
	return n, nil
}

// requestChunk is the most WriteTo writes at once. An SSH channel keeps
// a packet buffer the size of its largest write (up to the peer's
// maximum packet, 32 KiB with OpenSSH), and the connection a cipher
// buffer the size of its largest packet, for as long as they live: a
// server's whole run, on every host. Smaller writes cost only more, and
// smaller, packets.
const requestChunk = 4 << 10

// WriteTo writes every request to w, in writes of at most requestChunk,
// until the pipe is closed, then returns the error it was closed with
// (nil for Close, the end of the input to io.Copy), or w's first error.
func (p *requestPipe) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		select {
		case b := <-p.reqs:
			nw, err := writeChunks(w, b)
			p.taken <- nw
			total += int64(nw)
			if err != nil {
				return total, err
			}
		case <-p.closed:
			return total, p.err
		}
	}
}

func writeChunks(w io.Writer, b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		nw, err := w.Write(b[:min(len(b), requestChunk)])
		n += nw
		if err != nil {
			return n, err
		}
		b = b[nw:]
	}
	return n, nil
}

// Read is io.Reader's way to the same requests, for a reader that does
// not look for WriteTo.
func (p *requestPipe) Read(buf []byte) (int, error) {
	select {
	case b := <-p.reqs:
		nr := copy(buf, b)
		p.taken <- nr
		return nr, nil
	case <-p.closed:
		if p.err != nil {
			return 0, p.err
		}
		return 0, io.EOF
	}
}

// Close ends the requests: the reader sees their end, later writes fail.
func (p *requestPipe) Close() error { return p.CloseWithError(nil) }

// CloseWithError ends the requests with err, as io.PipeWriter's does; the
// first close wins.
func (p *requestPipe) CloseWithError(err error) error {
	p.once.Do(func() {
		p.err = err
		close(p.closed)
	})
	return nil
}
