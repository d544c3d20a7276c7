package template

import (
	"fmt"
	"strings"
)

// A template can build values far larger than memory ("ab" * 2**62,
// range(10**12)) or recurse without end. Python fails those with
// MemoryError, OverflowError or RecursionError; these limits make the same
// cases fail as template errors, checked before anything is allocated.
const (
	maxStringBytes = 256 << 20  // largest string a template may build
	maxListItems   = 10_000_000 // longest list a template may build
	maxDepth       = 1000       // nested macro calls, includes and variables, as Python's recursion limit
	maxExprDepth   = 20000      // nested expression evaluation, macros' included
	// maxWork bounds the total bytes and items that one templating call
	// copies into new values and the loop iterations it runs, so that
	// quadratic loops ({% set l = l + [x] %} over a long range) end; a
	// list item counts as itemCost (its size in memory), a loop iteration
	// as loopCost, so that at most 1M iterations run.
	maxWork  = 1 << 28
	itemCost = 16
	loopCost = 256
)

// limitError is a value or a recursion beyond the limits above.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func tooLarge(what string, n, limit int) error {
	return &limitError{fmt.Sprintf("value too large: %s %d exceeds the limit of %d (MemoryError)", what, n, limit)}
}

// fitsRepeat checks that n copies of unit elements stay within limit, without
// overflowing; a negative n is Python's empty repeat.
func fitsRepeat(unit, n, limit int) bool {
	if n <= 0 || unit == 0 {
		return true
	}
	return unit <= limit/n
}

// repeatString is Python's s * n within the string budget.
func repeatString(s string, n int) (string, error) {
	if !fitsRepeat(len(s), n, maxStringBytes) {
		return "", &limitError{"repeated string is too long (OverflowError): value too large"}
	}
	return strings.Repeat(s, max(n, 0)), nil
}

// repeatList is Python's l * n within the list budget.
func repeatList(l []any, n int) ([]any, error) {
	if !fitsRepeat(len(l), n, maxListItems) {
		return nil, &limitError{fmt.Sprintf("value too large: a repeated list of more than %d items (MemoryError)", maxListItems)}
	}
	out := make([]any, 0, len(l)*max(n, 0))
	for range max(n, 0) {
		out = append(out, l...)
	}
	return out, nil
}

// checkString fails when a string of n bytes would exceed the budget.
func checkString(n int) error {
	if n < 0 || n > maxStringBytes {
		return tooLarge("a string of length", n, maxStringBytes)
	}
	return nil
}

// checkItems fails when a list of n items would exceed the budget.
func checkItems(n int) error {
	if n < 0 || n > maxListItems {
		return tooLarge("a list of length", n, maxListItems)
	}
	return nil
}

// limits is shared by every evaluator of one templating call (hostvars
// evaluators included), so that recursion through other hosts' variables
// counts too.
type limits struct {
	depth     int
	exprDepth int // nesting of expression evaluation
	work      int
}

// enter counts one level of recursion; leave must follow.
func (ev *evaluator) enter() error {
	if ev.lim.depth >= maxDepth {
		return &limitError{"maximum recursion depth exceeded"}
	}
	ev.lim.depth++
	return nil
}

func (ev *evaluator) leave() { ev.lim.depth-- }

// charge adds n units of work (bytes copied, items copied, loop iterations).
func (ev *evaluator) charge(n int) error {
	ev.lim.work += n
	if ev.lim.work > maxWork {
		return &limitError{"template does too much work: over the limit of copied bytes, items and loop iterations (value too large)"}
	}
	return nil
}

// chargeValue charges the size of a value an operator just built.
func (ev *evaluator) chargeValue(v any) error {
	switch x := v.(type) {
	case string:
		return ev.charge(len(x))
	case []any:
		return ev.charge(len(x) * itemCost)
	case tuple:
		return ev.charge(len(x) * itemCost)
	}
	return nil
}

// checkAcyclic refuses to store v in namespace ns when v reaches ns:
// namespaces are the only mutable values, and a namespace that contains
// itself would make printing and comparing it recurse without end.
func (ev *evaluator) checkAcyclic(v any, ns *namespace) error {
	seen := map[*namespace]bool{}
	var walk func(v any) error
	walk = func(v any) error {
		switch x := v.(type) {
		case *namespace:
			if x == ns {
				return &limitError{"a namespace cannot contain itself (recursive values are not supported)"}
			}
			if seen[x] {
				return nil
			}
			seen[x] = true
			for _, e := range x.attrs.All() {
				if err := walk(e); err != nil {
					return err
				}
			}
		case []any, tuple:
			items, _ := asSeq(x)
			if err := ev.charge(len(items)); err != nil {
				return err
			}
			for _, e := range items {
				if err := walk(e); err != nil {
					return err
				}
			}
		case *dict:
			if err := ev.charge(x.Len()); err != nil {
				return err
			}
			for _, e := range x.All() {
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(v)
}

// isSeqOrString reports whether v repeats under "*".
func isSeqOrString(v any) bool {
	switch v.(type) {
	case string, []any, tuple:
		return true
	}
	return false
}

// maxIndent bounds the indent= of to_json and to_yaml: each nesting level
// repeats it on every line, so a huge one multiplies the output.
const maxIndent = 1 << 12

func checkIndent(n int) error {
	if n > maxIndent {
		return &limitError{fmt.Sprintf("value too large: indent %d exceeds the limit of %d", n, maxIndent)}
	}
	return nil
}
