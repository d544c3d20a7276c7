package runner

import "testing"

// The expected texts are what Python's difflib.unified_diff(n=3) prints,
// with Ansible's headers and no-newline notes.
func TestUnifiedDiff(t *testing.T) {
	tests := []struct{ before, after, want string }{
		{"a\nb\nc\nd\ne\nf\ng\nh\ni\n", "a\nb\nc\nd\nE\nf\ng\nh\ni\n",
			"--- before: x\n+++ after: y\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n\n"},
		{"1", "2", "--- before: x\n+++ after: y\n@@ -1 +1 @@\n-1\n\\ No newline at end of file\n+2\n\\ No newline at end of file\n\n"},
		{"", "new\n", "--- before: x\n+++ after: y\n@@ -0,0 +1 @@\n+new\n\n"},
		{"a\n", "a\n", ""},
	}
	for _, tt := range tests {
		if got := unifiedDiff("x", "y", tt.before, tt.after); got != tt.want {
			t.Errorf("unifiedDiff(%q, %q) =\n%q\nwant\n%q", tt.before, tt.after, got, tt.want)
		}
	}
}
