package value

import (
	"fmt"
	"slices"
	"testing"
)

func TestDictOrder(t *testing.T) {
	tests := []struct {
		name string
		ops  func(d *Dict)
		want []string
	}{
		{"insertion order", func(d *Dict) { d.Set("zeta", 1); d.Set("alpha", 2); d.Set("mid", 3) }, []string{"zeta", "alpha", "mid"}},
		{"set of an existing key keeps its place", func(d *Dict) { d.Set("b", 1); d.Set("a", 2); d.Set("b", 3) }, []string{"b", "a"}},
		{"delete removes from the order", func(d *Dict) { d.Set("a", 1); d.Set("b", 2); d.Set("c", 3); d.Delete("b") }, []string{"a", "c"}},
		{"delete then set appends", func(d *Dict) { d.Set("a", 1); d.Set("b", 2); d.Delete("a"); d.Set("a", 3) }, []string{"b", "a"}},
		{"delete of a missing key", func(d *Dict) { d.Set("a", 1); d.Delete("x") }, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDict(0)
			tt.ops(d)
			if got := d.Keys(); !slices.Equal(got, tt.want) {
				t.Errorf("Keys() = %q, want %q", got, tt.want)
			}
			var iterated []string
			for k := range d.All() {
				iterated = append(iterated, k)
			}
			if !slices.Equal(iterated, tt.want) {
				t.Errorf("All() = %q, want %q", iterated, tt.want)
			}
			if d.Len() != len(tt.want) {
				t.Errorf("Len() = %d, want %d", d.Len(), len(tt.want))
			}
		})
	}
}

func TestDictCopyIsIndependent(t *testing.T) {
	d := DictOf("a", 1, "b", 2)
	c := d.Copy()
	c.Set("c", 3)
	c.Set("a", 9)
	c.Delete("b")
	if got := Repr(d); got != "{'a': 1, 'b': 2}" {
		t.Errorf("original changed: %s", got)
	}
	if got := Repr(c); got != "{'a': 9, 'c': 3}" {
		t.Errorf("copy = %s", got)
	}
}

func TestNilDictReadsEmpty(t *testing.T) {
	var d *Dict
	if d.Len() != 0 || d.Has("x") || d.Keys() != nil {
		t.Error("nil dict is not empty")
	}
	for range d.All() {
		t.Error("nil dict iterates")
	}
	if c := d.Copy(); c.Len() != 0 {
		t.Error("copy of nil dict not empty")
	}
}

func TestFromMapSorts(t *testing.T) {
	d := FromMap(map[string]any{"b": 1, "a": 2, "c": 3})
	if got := d.Keys(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Keys() = %q", got)
	}
}

func TestDictFormatsAsRepr(t *testing.T) {
	if got := fmt.Sprint(DictOf("b", 1, "a", "x")); got != "{'b': 1, 'a': 'x'}" {
		t.Errorf("Sprint = %s", got)
	}
}

func TestMapOf(t *testing.T) {
	tests := []struct {
		v    any
		want map[string]any
		ok   bool
	}{
		{DictOf("b", 1, "a", 2), map[string]any{"a": 2, "b": 1}, true},
		{map[string]any{"x": nil}, map[string]any{"x": nil}, true},
		{Unsafe{V: DictOf("k", "v")}, map[string]any{"k": "v"}, true},
		{[]any{"a"}, nil, false},
		{"a=1", nil, false},
	}
	for _, tt := range tests {
		got, ok := MapOf(tt.v)
		if ok != tt.ok || Repr(got) != Repr(tt.want) {
			t.Errorf("MapOf(%s) = %s, %v", Repr(tt.v), Repr(got), ok)
		}
	}
}

func TestConvert(t *testing.T) {
	in := map[string]any{"b": []any{map[string]any{"y": 1, "x": []string{"s"}}}, "a": DictOf("z", 0, "c", 1)}
	got := Convert(in)
	if r := Repr(got); r != "{'a': {'z': 0, 'c': 1}, 'b': [{'x': ['s'], 'y': 1}]}" {
		t.Errorf("Convert = %s", r)
	}
	if _, ok := got.(*Dict); !ok {
		t.Errorf("Convert of a map is a %T", got)
	}
}

// A dict small enough to be searched and one large enough to need its
// index behave alike: the same sets, deletes and lookups, checked against
// a Go map and an order list, across the size where the index starts.
func TestDictAcrossItsIndex(t *testing.T) {
	for _, room := range []int{0, smallDict, smallDict + 1, 3 * smallDict} {
		t.Run(fmt.Sprintf("room %d", room), func(t *testing.T) {
			d := NewDict(room)
			model := map[string]int{}
			var order []string
			check := func(step string) {
				t.Helper()
				if got := d.Keys(); !slices.Equal(got, order) {
					t.Fatalf("%s: Keys() = %q, want %q", step, got, order)
				}
				for k, want := range model {
					if v, ok := d.Get(k); !ok || v != want {
						t.Fatalf("%s: Get(%q) = %v, %v; want %d", step, k, v, ok, want)
					}
				}
				if d.Has("missing") {
					t.Fatalf("%s: Has(missing)", step)
				}
			}
			for i := range 3 * smallDict {
				k := fmt.Sprintf("k%d", i)
				d.Set(k, i)
				model[k] = i
				order = append(order, k)
				check("set " + k)
			}
			// Overwrite some, then delete from the front, the middle and
			// the end, which moves the keys after them.
			for _, k := range []string{"k0", "k5", "k23"} {
				d.Set(k, -1)
				model[k] = -1
				check("overwrite " + k)
			}
			for _, k := range []string{"k0", "k12", "k23", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k13", "k14"} {
				d.Delete(k)
				delete(model, k)
				order = slices.DeleteFunc(order, func(o string) bool { return o == k })
				check("delete " + k)
			}
			c := d.Copy()
			c.Set("k15", 99)
			c.Delete("k16")
			check("after changing a copy")
			d.Set("k0", 0)
			model["k0"] = 0
			order = append(order, "k0")
			check("set again")
		})
	}
}

// Deleting while iterating neither fails nor skips what is left.
func TestDictDeleteWhileIterating(t *testing.T) {
	d := NewDict(0)
	for i := range 2 * smallDict {
		d.Set(fmt.Sprint(i), i)
	}
	var seen []any
	for k, v := range d.All() {
		d.Delete(k)
		seen = append(seen, v)
	}
	if len(seen) != 2*smallDict || d.Len() != 0 {
		t.Errorf("saw %v, left %d keys", seen, d.Len())
	}
}
