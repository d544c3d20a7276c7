package modules

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// Facts cut from the script's output keep none of its bytes.
func TestDetachStrings(t *testing.T) {
	out := strings.Repeat("x", 1000) + "eth0 10.0.0.1 ext4 /dev/sda1"
	cut := func(s string) string {
		i := strings.Index(out, s)
		return out[i : i+len(s)]
	}
	facts := map[string]any{
		cut("eth0"): map[string]any{"address": cut("10.0.0.1"), "mtu": 1500},
		"mounts":    []any{map[string]any{"fstype": cut("ext4"), "device": cut("/dev/sda1")}},
		"devices":   []string{cut("sda1")},
		"ok":        true,
	}
	got := detachStrings(facts)
	if !reflect.DeepEqual(got, facts) {
		t.Fatalf("detachStrings changed the facts: %v", got)
	}
	start := uintptr(unsafe.Pointer(unsafe.StringData(out)))
	end := start + uintptr(len(out))
	var walk func(path string, v any)
	inOut := func(path, s string) {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); len(s) > 0 && p >= start && p < end {
			t.Errorf("%s: %q still points into the output", path, s)
		}
	}
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			inOut(path, x)
		case map[string]any:
			for k, e := range x {
				inOut(path+" key", k)
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(path+"[]", e)
			}
		case []string:
			for _, e := range x {
				inOut(path+"[]", e)
			}
		}
	}
	walk("facts", got)
}
