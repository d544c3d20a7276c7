package difftest

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// RecapCounters are the counters of one host's PLAY RECAP line, in the
// order ansible-playbook prints them.
var RecapCounters = []string{"ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"}

// A Recap maps each host to its counters, e.g. recap["h1"]["ok"] == 2.
type Recap map[string]map[string]int

var recapLine = regexp.MustCompile(`^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$`)

// ParseRecap extracts the PLAY RECAP from playbook output. It returns nil
// if there is no recap (the run stopped before executing anything).
func ParseRecap(output string) Recap {
	_, after, found := strings.Cut(output, "PLAY RECAP ")
	if !found {
		return nil
	}
	recap := Recap{}
	for _, line := range strings.Split(after, "\n")[1:] {
		m := recapLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			if strings.TrimSpace(line) == "" {
				continue
			}
			break
		}
		counts := map[string]int{}
		for _, field := range strings.Fields(m[2]) {
			var n int
			k, v, _ := strings.Cut(field, "=")
			fmt.Sscan(v, &n)
			counts[k] = n
		}
		recap[m[1]] = counts
	}
	return recap
}

// DiffRecap describes how got differs from want, one line per
// difference; it returns nil when they agree.
func DiffRecap(want, got Recap) []string {
	var diffs []string
	for _, host := range sortedHosts(want, got) {
		w, inWant := want[host]
		g, inGot := got[host]
		switch {
		case !inGot:
			diffs = append(diffs, fmt.Sprintf("recap %s: missing (want %s)", host, formatCounts(w)))
		case !inWant:
			diffs = append(diffs, fmt.Sprintf("recap %s: unexpected host (got %s)", host, formatCounts(g)))
		default:
			for _, k := range RecapCounters {
				if w[k] != g[k] {
					diffs = append(diffs, fmt.Sprintf("recap %s: %s=%d, want %d", host, k, g[k], w[k]))
				}
			}
		}
	}
	return diffs
}

func sortedHosts(rs ...Recap) []string {
	seen := map[string]bool{}
	var hosts []string
	for _, r := range rs {
		for h := range r {
			if !seen[h] {
				seen[h] = true
				hosts = append(hosts, h)
			}
		}
	}
	sort.Strings(hosts)
	return hosts
}

func formatCounts(c map[string]int) string {
	var parts []string
	for _, k := range RecapCounters {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c[k]))
	}
	return strings.Join(parts, " ")
}
