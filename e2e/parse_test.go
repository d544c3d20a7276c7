package e2e

import (
	"strings"
	"testing"
)

func TestTaskResults(t *testing.T) {
	got := taskResults(recordedRun(t, "check.txt"))
	want := []string{
		"PLAY [all]",
		"TASK [Gathering Facts]",
	}
	hosts := append(append([]string{}, masters...), slaves...)
	for _, h := range hosts {
		want = append(want, "  ok: ["+h+"]")
	}
	want = append(want, "TASK [mesos : copy mesos-0.21.0-1.0.rpm]")
	for _, h := range hosts {
		want = append(want, "  changed: ["+h+"]")
	}
	want = append(want, "TASK [mesos : install mesos]")
	for _, h := range hosts {
		want = append(want, "  fatal: ["+h+"]: FAILED!")
	}
	if d := lineDiff(want, got); d != "" {
		t.Errorf("taskResults(check.txt) differs (-want +got):\n%s", d)
	}
}

func TestLineDiff(t *testing.T) {
	tests := []struct {
		want, got string
		diff      string
	}{
		{"a b c", "a b c", ""},
		{"a b c", "a c", "  a\n- b\n  c\n"},
		{"a c", "a b c", "  a\n+ b\n  c\n"},
		{"a", "b", "- a\n+ b\n"},
		{"", "x", "+ x\n"},
	}
	for _, tt := range tests {
		if d := lineDiff(strings.Fields(tt.want), strings.Fields(tt.got)); d != tt.diff {
			t.Errorf("lineDiff(%q, %q) = %q, want %q", tt.want, tt.got, d, tt.diff)
		}
	}
}

func TestDiffBlocks(t *testing.T) {
	out := strings.Join([]string{
		"TASK [t] ***",
		"--- before: /etc/a",
		"+++ after: /tmp/ansible-local-1/tmpx/a.j2",
		"@@ -1 +1 @@",
		"-old",
		"+new",
		"",
		"changed: [h1]",
		"--- before: /etc/a",
		"+++ after: /tmp/ansible-local-2/tmpy/a.j2",
		"@@ -1 +1 @@",
		"-old",
		"+new",
		"changed: [h2]",
	}, "\n")
	got := diffBlocks(out)
	want := []string{"--- before: /etc/a\n+++ after: a.j2\n@@ -1 +1 @@\n-old\n+new"}
	if d := lineDiff(want, got); d != "" {
		t.Errorf("diffBlocks differs (-want +got):\n%s", d)
	}
}
