package listing

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/inventory"
)

// BenchmarkList10000 renders --list for an INI inventory of 10,000 hosts
// in 50 groups; with 20,000 the time should about double.
func BenchmarkList10000(b *testing.B) {
	var ini strings.Builder
	for g := 0; g < 50; g++ {
		fmt.Fprintf(&ini, "[g%d]\n", g)
		for i := g; i < 10000; i += 50 {
			fmt.Fprintf(&ini, "h%d ansible_host=10.0.%d.%d idx=%d\n", i, i/256, i%256, i)
		}
		fmt.Fprintf(&ini, "[g%d:vars]\ngv%d=x\n", g, g)
	}
	path := filepath.Join(b.TempDir(), "hosts")
	if err := os.WriteFile(path, []byte(ini.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	inv, err := inventory.Load([]string{path})
	if err != nil {
		b.Fatal(err)
	}
	l := &Lister{Inv: inv}
	b.ResetTimer()
	for range b.N {
		if _, err := JSON(l.JSONTree()); err != nil {
			b.Fatal(err)
		}
	}
}
