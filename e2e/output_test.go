package e2e

import (
	"regexp"
	"sort"
	"strings"
)

var (
	headerLine = regexp.MustCompile(`^((?:PLAY|TASK|RUNNING HANDLER) \[.*\]) \*+$`)
	statusLine = regexp.MustCompile(`^(ok|changed|skipping|fatal|failed): \[([^\]]+)\](: (?:FAILED|UNREACHABLE)!)?`)
)

// taskResults lists the play, task and handler headers of a run's output
// in order, each followed by the outcome lines of its hosts ("changed:
// [host]", "fatal: [host]: UNREACHABLE!"), sorted, since ansible-playbook
// prints hosts in the order they finish. Everything else (warnings, module
// output, the recap) is left out.
func taskResults(output string) []string {
	var lines, block []string
	flush := func() {
		sort.Strings(block)
		lines = append(lines, block...)
		block = nil
	}
	for _, l := range strings.Split(output, "\n") {
		l = strings.TrimRight(l, "\r ")
		if m := headerLine.FindStringSubmatch(l); m != nil {
			flush()
			lines = append(lines, m[1])
			continue
		}
		if m := statusLine.FindStringSubmatch(l); m != nil {
			block = append(block, "  "+m[1]+": ["+m[2]+"]"+m[3])
		}
	}
	flush()
	return lines
}

// lineDiff is a unified-style diff of two line lists ("-" only in want,
// "+" only in got), or "" when they are equal.
func lineDiff(want, got []string) string {
	// Longest common subsequence; the lists are a few hundred lines.
	n, m := len(want), len(got)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	changed := false
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == got[j]:
			b.WriteString("  " + want[i] + "\n")
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] > lcs[i+1][j]):
			b.WriteString("+ " + got[j] + "\n")
			changed = true
			j++
		default:
			b.WriteString("- " + want[i] + "\n")
			changed = true
			i++
		}
	}
	if !changed {
		return ""
	}
	return b.String()
}
