package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
)

// The local connection runs modules in the playbook's directory, not the
// working directory, as ansible-core does.
func TestLocalRunsInPlaybookDir(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "local_cwd"))
	if err != nil {
		t.Fatal(err)
	}
	old, _ := os.Getwd()
	if err := os.Chdir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(old)
	inv, err := inventory.Load([]string{"localhost,"})
	if err != nil {
		t.Fatal(err)
	}
	loader := &playbook.Loader{IsAction: IsAction}
	pb, err := loader.LoadPlaybook(filepath.Join(dir, "site.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	opts := &Options{
		Inventory: inv, Loader: loader, Engine: template.New(template.Options{}),
		Out: output.NewDefault(&out, &out, false, 0), Forks: 1, Connection: "local",
	}
	if err := Run(context.Background(), opts, []*playbook.Playbook{pb}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if want := `"r.stdout": "` + dir + `"`; !strings.Contains(out.String(), want) {
		t.Errorf("output does not contain %s:\n%s", want, out.String())
	}
}
