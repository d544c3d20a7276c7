package shell

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// FuzzQuote quotes arbitrary words. Properties:
//   - Join's output holds no shell syntax outside single quotes, except
//     escaped quotes (\') and characters that are never special;
//   - words reads the output back, with the POSIX rules, as exactly the
//     words that went in;
//   - /bin/sh reads it back the same (words holding NUL cannot be passed
//     to a process, so they are left to the Go reader);
//   - the first word never reads as a variable assignment.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "plain", "two words", "it's", `$(rm -rf /)`, "`x`", "a\nb", `\`, "'", "''", "*", "~user", "-n", "a;b|c&d", "A=b", "é", "\xff"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		in := []string{a, b, a + b}
		line := Join(in...)
		got, err := words(line)
		if err != nil {
			t.Fatalf("Join(%q) = %q: %v", in, line, err)
		}
		if !equalWords(got, in) {
			t.Fatalf("Join(%q) = %q reads back as %q", in, line, got)
		}
		if q := Quote(a); !equalWords(mustWords(t, q), []string{a}) {
			t.Fatalf("Quote(%q) = %q does not read back as one word", a, q)
		}
		if name, _, ok := strings.Cut(line, "="); ok && isName(name) {
			t.Fatalf("Join(%q) = %q starts with an assignment", in, line)
		}
		if strings.Contains(a+b, "\x00") {
			return
		}
		out, err := exec.Command("sh", "-c", `printf '%s\0' `+line).Output()
		if err != nil {
			t.Fatalf("sh on %q: %v", line, err)
		}
		shWords := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if !equalWords(shWords, in) {
			t.Fatalf("sh reads Join(%q) = %q as %q", in, line, shWords)
		}
	})
}

func mustWords(t *testing.T, s string) []string {
	t.Helper()
	w, err := words(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return w
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// isName reports whether s is a shell variable name, which "s=..." at the
// start of a command would assign.
func isName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// words splits a command line the way a POSIX shell splits simple words,
// refusing anything a shell would read as more than a word: every byte
// outside single quotes must be a space between words, the \' escape, or
// a character the POSIX shell never treats specially.
func words(line string) ([]string, error) {
	var out []string
	var cur bytes.Buffer
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote at %d", i)
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '\\' && i+1 < len(line) && line[i+1] == '\'':
			cur.WriteByte('\'')
			i++
			inWord = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-_./:=@%+,", c) >= 0:
			cur.WriteByte(c)
			inWord = true
		default:
			return nil, fmt.Errorf("unquoted %q at %d", c, i)
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}
