package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
)

// testProject is a playbook project written to a temporary directory and
// loaded as the commands load one: its inventory file and site.yml, with
// the default callback writing to out.
type testProject struct {
	opts *Options
	pb   *playbook.Playbook
	out  *bytes.Buffer
}

func loadTestProject(t *testing.T, files map[string]string) *testProject {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inv, err := inventory.Load([]string{filepath.Join(dir, "inventory")})
	if err != nil {
		t.Fatal(err)
	}
	out := new(bytes.Buffer)
	o := output.NewDefault(out, out, false, 0)
	loader := &playbook.Loader{IsAction: IsAction, Warn: o.Deprecation}
	pb, err := loader.LoadPlaybook(filepath.Join(dir, "site.yml"))
	if err != nil {
		t.Fatal(err)
	}
	opts := &Options{Inventory: inv, Loader: loader, Engine: template.New(template.Options{}), Out: o, Gathering: "explicit"}
	return &testProject{opts: opts, pb: pb, out: out}
}
