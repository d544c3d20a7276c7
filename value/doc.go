// Package value is Ansible's data model: Python's None, bool, int, float,
// str, list, tuple and insertion-ordered dict as Go values, with Python's
// str, repr, ==, truth test and json.dumps in one place.
//
// Values are nil, bool, int, *big.Int (ints beyond int64), float64,
// string, []any (list), Tuple, *Dict, and Unsafe around any of them.
// Values are immutable once shared: copy a Dict or slice before changing it.
package value
