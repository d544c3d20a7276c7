package shlex

import (
	"slices"
	"testing"

	"github.com/gansible/gansible/shell"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		in       string
		comments bool
		want     []string
		err      string
	}{
		{in: `a b  c`, want: []string{"a", "b", "c"}},
		{in: `a"b c"d`, want: []string{"ab cd"}},
		{in: `'a\b' "a\b" "a\"b" a\ b`, want: []string{`a\b`, `a\b`, `a"b`, `a b`}},
		{in: `"" ''`, want: []string{"", ""}},
		{in: `a #b`, want: []string{"a", "#b"}},
		{in: `"a`, err: "No closing quotation"},
		{in: `a\`, err: "No escaped character"},
		// shlex.split(s, comments=True), as INI host lines are read.
		{in: `h1 a=1 # note`, comments: true, want: []string{"h1", "a=1"}},
		{in: `h1 a=x#y`, comments: true, want: []string{"h1", "a=x"}},
		{in: `h1 a="x#y" b='#'`, comments: true, want: []string{"h1", "a=x#y", "b=#"}},
		{in: `h1 a=\#x`, comments: true, want: []string{"h1", "a=#x"}},
		{in: "a # c\nb", comments: true, want: []string{"a", "b"}},
	} {
		split := Split
		if tc.comments {
			split = SplitComments
		}
		got, err := split(tc.in)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("split(%q) error = %v, want %s", tc.in, err, tc.err)
			}
		case err != nil || !slices.Equal(got, tc.want):
			t.Errorf("split(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// FuzzSplit checks that splitting never panics and that words quoted
// for the shell split back into themselves.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{`a "b c" 'd'`, `x\ y`, `"a\"b"`, "h1 a=1 # c", `''`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := Split(s)
		if err != nil {
			return
		}
		_, _ = SplitComments(s)
		again, err := Split(shell.Join(words...))
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("Split(Join(%q)) = %q, %v", words, again, err)
		}
	})
}
