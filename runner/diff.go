package runner

import (
	"fmt"
	"strconv"
	"strings"
)

// unifiedDiff renders a before/after pair as Ansible's --diff does:
// Python's difflib.unified_diff with three lines of context, headers
// "before: X" and "after: Y", a note for a missing final newline, and a
// blank line after the diff.
func unifiedDiff(beforeName, afterName, before, after string) string {
	if before == after {
		return ""
	}
	a := diffLines(before)
	b := diffLines(after)
	ops := editScript(a, b)
	var out strings.Builder
	out.WriteString("--- " + diffHeader("before", beforeName) + "\n")
	out.WriteString("+++ " + diffHeader("after", afterName) + "\n")
	const context = 3
	for _, h := range hunks(ops, context) {
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", diffRange(h.aStart, h.aEnd), diffRange(h.bStart, h.bEnd))
		for _, op := range h.ops {
			switch op.kind {
			case ' ':
				out.WriteString(" " + a[op.i])
			case '-':
				out.WriteString("-" + a[op.i])
			case '+':
				out.WriteString("+" + b[op.j])
			}
		}
	}
	out.WriteString("\n")
	return out.String()
}

func diffHeader(kind, name string) string {
	if name == "" {
		return kind
	}
	return kind + ": " + name
}

// diffLines splits text into lines that keep their newline; a last line
// without one gets difflib's note, as Ansible adds it.
func diffLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, "\n") {
		lines[len(lines)-1] = last + "\n\\ No newline at end of file\n"
	}
	return lines
}

// diffRange formats a hunk range as difflib does: "start,len", "start"
// for one line, "start-1,0" for none.
func diffRange(start, end int) string {
	length := end - start
	switch length {
	case 1:
		return strconv.Itoa(start + 1)
	case 0:
		return strconv.Itoa(start) + ",0"
	}
	return strconv.Itoa(start+1) + "," + strconv.Itoa(length)
}

type diffOp struct {
	kind byte // ' ', '-' or '+'
	i, j int  // line indexes in a and b
}

// editScript is a shortest edit script from a longest common subsequence;
// within a change, deletions come before insertions, as in difflib.
func editScript(a, b []string) []diffOp {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, diffOp{' ', i, j})
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, diffOp{'-', i, j})
			i++
		default:
			ops = append(ops, diffOp{'+', i, j})
			j++
		}
	}
	return ops
}

type hunk struct {
	aStart, aEnd, bStart, bEnd int
	ops                        []diffOp
}

// hunks groups an edit script into hunks with context lines around each
// change, merging changes closer than twice the context.
func hunks(ops []diffOp, context int) []hunk {
	var out []hunk
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(0, k-context)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = run
		}
		h := hunk{ops: ops[start:end]}
		h.aStart, h.bStart = ops[start].i, ops[start].j
		h.aEnd, h.bEnd = h.aStart, h.bStart
		for _, op := range h.ops {
			if op.kind != '+' {
				h.aEnd = op.i + 1
			}
			if op.kind != '-' {
				h.bEnd = op.j + 1
			}
		}
		out = append(out, h)
		k = end
	}
	return out
}
