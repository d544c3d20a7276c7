package value

import (
	"encoding/json"
	"iter"
	"maps"
	"sort"
)

// Dict is a Python dict: string keys kept in insertion order. Setting a key
// that is already there keeps its position, as in Python; deleting one
// removes it from the order. A nil *Dict reads as empty.
type Dict struct {
	keys []string
	vals []any // vals[i] is the value of keys[i]
	// index finds a key's position once the dict has more than smallDict
	// keys; a smaller one is searched, which is as fast, and a dict
	// without a map is a fraction of the size: a host's facts are some
	// fifty dicts, most of them small, kept for the whole run. Only Set
	// and Delete write it, so that dicts read from many goroutines
	// (hostvars) stay read-only.
	index map[string]int
	// plain: no value in it, however deep, is template text, so the
	// template engine need not walk it; Set and Delete clear it.
	plain bool
}

// MarkPlain records that no value in d, however deep, is template text
// (see template.MarkPlain, which checks it).
func (d *Dict) MarkPlain() { d.plain = true }

// Plain reports whether d was marked plain and not changed since.
func (d *Dict) Plain() bool { return d != nil && d.plain }

// smallDict is the most keys a dict finds by searching its keys.
const smallDict = 16

// NewDict returns an empty dict with room for n keys.
func NewDict(n int) *Dict {
	d := &Dict{keys: make([]string, 0, n), vals: make([]any, 0, n)}
	if n > smallDict {
		d.index = make(map[string]int, n)
	}
	return d
}

// find returns the position of k, or -1.
func (d *Dict) find(k string) int {
	if d.index != nil {
		if i, ok := d.index[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range d.keys {
		if key == k {
			return i
		}
	}
	return -1
}

// DictOf builds a dict from key, value pairs, in that order: the fixed
// fields of a result, say. It panics on an odd count or a non-string key,
// which is a programming error.
func DictOf(kv ...any) *Dict {
	if len(kv)%2 != 0 {
		panic("value.DictOf: odd number of arguments")
	}
	d := NewDict(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		d.Set(kv[i].(string), kv[i+1])
	}
	return d
}

// FromMap builds a dict from a Go map, with the keys sorted: a map has no
// order of its own, and sorted is what Ansible prints for such data.
func FromMap(m map[string]any) *Dict {
	d := NewDict(len(m))
	for _, k := range SortedKeys(m) {
		d.Set(k, m[k])
	}
	return d
}

// Len is the number of keys.
func (d *Dict) Len() int {
	if d == nil {
		return 0
	}
	return len(d.keys)
}

// Get returns the value at k.
func (d *Dict) Get(k string) (any, bool) {
	if d == nil {
		return nil, false
	}
	if i := d.find(k); i >= 0 {
		return d.vals[i], true
	}
	return nil, false
}

// Has reports whether k is a key.
func (d *Dict) Has(k string) bool {
	_, ok := d.Get(k)
	return ok
}

// Set sets k to v; a new key goes last.
func (d *Dict) Set(k string, v any) {
	d.plain = false
	if i := d.find(k); i >= 0 {
		d.vals[i] = v
		return
	}
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
	switch {
	case d.index != nil:
		d.index[k] = len(d.keys) - 1
	case len(d.keys) > smallDict:
		d.index = make(map[string]int, cap(d.keys))
		for i, key := range d.keys {
			d.index[key] = i
		}
	}
}

// Delete removes k.
func (d *Dict) Delete(k string) {
	if d == nil {
		return
	}
	i := d.find(k)
	if i < 0 {
		return
	}
	d.plain = false
	// New arrays, not a shift in place: an iteration under way (All)
	// goes on over the old ones.
	d.keys = append(d.keys[:i:i], d.keys[i+1:]...)
	d.vals = append(d.vals[:i:i], d.vals[i+1:]...)
	if d.index != nil {
		delete(d.index, k)
		for j := i; j < len(d.keys); j++ {
			d.index[d.keys[j]] = j
		}
	}
}

// Keys returns the keys in order. The slice is the caller's.
func (d *Dict) Keys() []string {
	if d == nil {
		return nil
	}
	return append([]string(nil), d.keys...)
}

// SortedKeys returns the keys in code point order, as Python's sorted().
func (d *Dict) SortedKeys() []string {
	keys := d.Keys()
	sort.Strings(keys)
	return keys
}

// All iterates over the keys and values in order.
func (d *Dict) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if d == nil {
			return
		}
		// The slices as they are now: Delete makes new ones, and Set
		// on a key already there changes its value in place, as a
		// map's iteration would see it.
		keys, vals := d.keys, d.vals
		for i, k := range keys {
			if !yield(k, vals[i]) {
				return
			}
		}
	}
}

// Copy returns a shallow copy: the same values in a dict of its own.
func (d *Dict) Copy() *Dict {
	if d == nil {
		return NewDict(0)
	}
	out := &Dict{keys: append(make([]string, 0, len(d.keys)), d.keys...), vals: append(make([]any, 0, len(d.vals)), d.vals...)}
	if d.index != nil {
		out.index = maps.Clone(d.index)
	}
	return out
}

// Map returns the entries as a Go map, for code that only looks keys up.
func (d *Dict) Map() map[string]any {
	out := make(map[string]any, d.Len())
	for k, v := range d.All() {
		out[k] = v
	}
	return out
}

// String is the dict's Python repr, so that a dict formatted with %v in a
// message reads as Ansible would print it.
func (d *Dict) String() string { return Repr(d) }

// MarshalJSON writes the dict in its order, for encoding/json users (the
// arguments sent to a module, say).
func (d *Dict) MarshalJSON() ([]byte, error) {
	s, err := JSON(d, JSONOptions{Separators: [2]string{",", ":"}, Default: FromGo})
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

var _ json.Marshaler = (*Dict)(nil)

// FromGo converts a Go value of another type (a struct, a typed slice) to
// data through encoding/json, for JSONOptions.Default.
func FromGo(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return DecodeJSON(data)
}

// SortedKeys lists the keys of a Go map in code point order, as Python's
// sorted().
func SortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Byte order of UTF-8 is code point order, which is Python's.
	sort.Strings(keys)
	return keys
}

// MapOf returns the entries of a dict as a Go map, for Go code that looks
// options up by name (module arguments, environment:). A map[string]any
// is returned as it is; Unsafe is looked through.
func MapOf(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case *Dict:
		return x.Map(), true
	case map[string]any:
		return x, true
	case Unsafe:
		return MapOf(x.V)
	}
	return nil, false
}

// Convert turns data built by Go code into values: every map[string]any,
// however deep, a Dict with its keys sorted, and []string a list. Other
// values are returned as they are.
func Convert(v any) any {
	switch x := v.(type) {
	case map[string]any:
		d := NewDict(len(x))
		for _, k := range SortedKeys(x) {
			d.Set(k, Convert(x[k]))
		}
		return d
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Convert(e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case Unsafe:
		return Unsafe{V: Convert(x.V)}
	}
	return v
}
