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

// A first word that reads as an assignment is run, not assigned.
func TestJoinQuotesAssignmentInCommandPosition(t *testing.T) {
	out, err := exec.Command("sh", "-c", Join("A=b", "true")+"; echo $?").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out); got == "0\n" {
		t.Errorf("Join(A=b, true) = %q ran true with A set; want it to run the command A=b", Join("A=b", "true"))
	}
	if got := Join("A=b", "B=c"); got != "'A=b' B=c" {
		t.Errorf("Join(A=b, B=c) = %q, want 'A=b' B=c", got)
	}
}
