package shell

import (
	"os/exec"
	"testing"
)

func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "two words", "it's", `$(rm -rf /)`, "`x`", "a\nb", `\`, "'", "''", "*", "~user", "-n", "a;b|c&d"} {
		out, err := exec.Command("sh", "-c", "printf %s "+Quote(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if string(out) != s {
			t.Errorf("Quote(%q) read back as %q", s, out)
		}
	}
}
