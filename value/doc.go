// Package value is Ansible's data model: Python's None, bool, int, float,
// str, list, tuple and insertion-ordered dict as Go values, with Python's
// str, repr, ==, truth test and json.dumps in one place.
//
// Values are nil, bool, int, *big.Int (ints beyond int64), float64,
// string, []any (list), Tuple, *Dict, and Unsafe around any of them.
// Values are immutable once shared: copy a Dict or slice before changing it.
//
// Go code's own maps (a set of variables, module options, a result built
// with fixed keys) are accepted wherever a dict is read, with their keys
// sorted: a Go map has no order to keep, and sorted is how Ansible prints
// such data.
package value
