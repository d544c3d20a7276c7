package connection

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// recordingWriter keeps what is written and the size of each write.
type recordingWriter struct {
	got    bytes.Buffer
	writes []int
	err    error // returned by every write once set
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.writes = append(w.writes, len(p))
	return w.got.Write(p)
}

func TestRequestPipe(t *testing.T) {
	big := strings.Repeat("r", 100<<10)
	closeErr := errors.New("the shell exited")
	cases := []struct {
		name       string
		requests   []string
		closeWith  error
		wantErr    error // what io.Copy from the pipe returns
		wantWrites []int // the sizes of the writes the copy makes
	}{
		{name: "requests in order, in writes of requestChunk", requests: []string{"one\n", "two\n", big}, wantWrites: chunked(4, 4, len(big))},
		{name: "close ends the copy without an error", requests: nil, wantWrites: nil},
		{name: "close with an error ends the copy with it", requests: []string{"one\n"}, closeWith: closeErr, wantErr: closeErr, wantWrites: []int{4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newRequestPipe()
			dst := &recordingWriter{}
			copied := make(chan error, 1)
			go func() {
				_, err := io.Copy(dst, p)
				copied <- err
			}()
			for _, r := range tc.requests {
				n, err := p.Write([]byte(r))
				if n != len(r) || err != nil {
					t.Fatalf("Write: %d, %v; want %d, nil", n, err, len(r))
				}
			}
			p.CloseWithError(tc.closeWith)
			if err := <-copied; !errors.Is(err, tc.wantErr) {
				t.Errorf("io.Copy: %v, want %v", err, tc.wantErr)
			}
			if got, want := dst.got.String(), strings.Join(tc.requests, ""); got != want {
				t.Errorf("copied %d bytes, want %d", len(got), len(want))
			}
			if !slices.Equal(dst.writes, tc.wantWrites) {
				t.Errorf("writes %v, want %v", dst.writes, tc.wantWrites)
			}
			want := io.ErrClosedPipe
			if tc.closeWith != nil {
				want = tc.closeWith
			}
			if _, err := p.Write([]byte("late\n")); !errors.Is(err, want) {
				t.Errorf("Write after close: %v, want %v", err, want)
			}
		})
	}
}

// A reader that reads instead of using WriteTo gets every byte, in
// pieces as small as its buffer.
func TestRequestPipeRead(t *testing.T) {
	p := newRequestPipe()
	want := "a request longer than the buffer\n"
	go func() {
		p.Write([]byte(want))
		p.Close()
	}()
	var got bytes.Buffer
	buf := make([]byte, 5)
	for {
		n, err := p.Read(buf)
		got.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got.String() != want {
		t.Errorf("read %q, want %q", got.String(), want)
	}
}

// A write the destination refuses leaves the writer waiting for the rest
// to be taken, as with io.Pipe, until the pipe is closed.
func TestRequestPipeDestinationFails(t *testing.T) {
	p := newRequestPipe()
	refused := errors.New("channel closed")
	copied := make(chan error, 1)
	go func() {
		_, err := p.WriteTo(&recordingWriter{err: refused})
		copied <- err
	}()
	wrote := make(chan error, 1)
	go func() {
		_, err := p.Write([]byte("lost\n"))
		wrote <- err
	}()
	if err := <-copied; !errors.Is(err, refused) {
		t.Fatalf("WriteTo: %v, want %v", err, refused)
	}
	select {
	case err := <-wrote:
		t.Fatalf("Write returned %v before the pipe was closed", err)
	case <-time.After(20 * time.Millisecond):
	}
	p.CloseWithError(refused)
	if err := <-wrote; !errors.Is(err, refused) {
		t.Errorf("Write: %v, want %v", err, refused)
	}
}

// chunked is the sizes of the writes of requests of these sizes.
func chunked(sizes ...int) []int {
	var out []int
	for _, n := range sizes {
		for ; n > requestChunk; n -= requestChunk {
			out = append(out, requestChunk)
		}
		out = append(out, n)
	}
	return out
}
