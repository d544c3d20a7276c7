package termio

import (
	"os"
	"strings"
	"testing"
)

// Off a terminal, secrets are lines of the input, read one at a time,
// each after its prompt, as getpass reads a pipe.
func TestLineReaderPipe(t *testing.T) {
	var prompts strings.Builder
	r := NewLineReader(strings.NewReader("first\r\nsecond\nlast"), &prompts, nil)
	for _, want := range []string{"first", "second", "last"} {
		got, err := r.Read("pw: ")
		if err != nil || got != want {
			t.Fatalf("Read = %q, %v, want %q", got, err, want)
		}
	}
	if _, err := r.Read("pw: "); err == nil {
		t.Error("Read past the end: no error")
	}
	if got, want := prompts.String(), strings.Repeat("pw: \n", 3)+"pw: "; got != want {
		t.Errorf("prompts = %q, want %q", got, want)
	}
}

func TestIsTerminal(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if IsTerminal(null) || IsTerminalReader(null) {
		t.Error("/dev/null counted as a terminal")
	}
	if IsTerminalReader(strings.NewReader("")) {
		t.Error("a strings.Reader counted as a terminal")
	}
}
