package playbook

import (
	"testing"

	"github.com/gansible/gansible/modules/argspec"

	// The modules register which of them take free-form text, which
	// ParseKV and the loader read.
	_ "github.com/gansible/gansible/modules"
)

func TestFreeFormFromModuleSpecs(t *testing.T) {
	for name, want := range map[string]bool{"command": true, "shell": true, "raw": true, "copy": false, "file": false, "include_tasks": false} {
		if got := argspec.IsFreeForm(name); got != want {
			t.Errorf("IsFreeForm(%s) = %v, want %v", name, got, want)
		}
	}
}
