package modules

import (
	"reflect"
	"testing"

	"github.com/gansible/gansible/value"
)

func TestMakeWords(t *testing.T) {
	params := value.NewDict(2)
	params.Set("A", 1)
	params.Set("B", "x y")
	for _, tc := range []struct {
		name  string
		args  Args
		words []string
		shown string
	}{
		{"no target", Args{}, []string{"/usr/bin/make"}, "/usr/bin/make ''"},
		{"target", Args{"target": "all"}, []string{"/usr/bin/make", "all"}, "/usr/bin/make all"},
		{"everything", Args{"target": "t", "jobs": 4, "file": "f.mk", "params": params},
			[]string{"/usr/bin/make", "-j", "4", "-f", "/d/f.mk", "t", "A=1", "B=x y"},
			"/usr/bin/make -j 4 -f /d/f.mk t A=1 'B=x y'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			words, shown := makeWords("/usr/bin/make", tc.args, "/d/f.mk")
			if !reflect.DeepEqual(words, tc.words) || shown != tc.shown {
				t.Errorf("makeWords = %q, %q; want %q, %q", words, shown, tc.words, tc.shown)
			}
		})
	}
}
