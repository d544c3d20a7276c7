package connection

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// The copies of a command's output read it in chunks of outputChunk,
// not io.Copy's 32 KiB, and pass every byte and error on.
func TestOutputReadFrom(t *testing.T) {
	out := strings.Repeat("o", 3*outputChunk+17)
	refused := errors.New("refused")
	broken := errors.New("connection lost")
	cases := []struct {
		name      string
		src       io.Reader
		writerErr error
		short     bool
		want      string
		wantErr   error
	}{
		{name: "all of it", src: strings.NewReader(out), want: out},
		{name: "a failed read", src: io.MultiReader(strings.NewReader("part"), iotest.ErrReader(broken)), want: "part", wantErr: broken},
		{name: "a refused write", src: strings.NewReader(out), writerErr: refused, wantErr: refused},
		{name: "a short write", src: strings.NewReader(out), short: true, wantErr: io.ErrShortWrite},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got bytes.Buffer
			largest := 0
			w := writerFunc(func(p []byte) (int, error) {
				largest = max(largest, len(p))
				switch {
				case tc.writerErr != nil:
					return 0, tc.writerErr
				case tc.short:
					return len(p) / 2, nil
				}
				return got.Write(p)
			})
			// The struct hides strings.Reader's WriteTo, as an SSH
			// channel has none.
			n, err := io.Copy(w, struct{ io.Reader }{tc.src})
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("err %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && (got.String() != tc.want || n != int64(len(tc.want))) {
				t.Errorf("copied %d (%d bytes), want %d", n, got.Len(), len(tc.want))
			}
			if largest > outputChunk {
				t.Errorf("a write of %d bytes, want at most %d", largest, outputChunk)
			}
		})
	}
}

// A shell server's output buffer does not stay as large as the largest
// output once its frame is taken.
func TestStreamReleasesLargeOutput(t *testing.T) {
	s := newStream()
	large := strings.Repeat("x", 1<<20)
	s.Write([]byte(large + "\nEND\nnext"))
	frame, err := s.next(context.Background(), []byte("\nEND\n"))
	if err != nil {
		t.Fatal(err)
	}
	if string(frame) != large {
		t.Fatalf("frame of %d bytes, want %d", len(frame), len(large))
	}
	if string(s.buf) != "next" || cap(s.buf) > 1<<10 {
		t.Errorf("left %q in a buffer of %d bytes, want \"next\" in a small one", s.buf, cap(s.buf))
	}
	// The frame is the caller's: later output does not write into it.
	s.Write([]byte(strings.Repeat("y", 100)))
	if string(frame) != large {
		t.Error("later output changed a frame already taken")
	}
}
