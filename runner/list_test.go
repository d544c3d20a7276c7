package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
)

// --list-hosts shows each play's hosts as its post_validate keeps them (a
// string whole, even with commas; a list's entries), and the warnings
// for patterns that match nothing come before the listing, as
// ansible-playbook prints it once every play is read.
func TestListHostsPatterns(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("inventory", "[web]\nh1\nh2\n[db]\nh3\n")
	write("site.yml", `- hosts: "web[0:1],db"
  tasks: []
- hosts: [web, db]
  tasks: []
- hosts: nosuch
  tasks: []
`)
	inv, err := inventory.Load([]string{filepath.Join(dir, "inventory")})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o := output.NewDefault(&out, &out, false, 0)
	loader := &playbook.Loader{IsAction: IsAction, Warn: o.Deprecation}
	pb, err := loader.LoadPlaybook(filepath.Join(dir, "site.yml"))
	if err != nil {
		t.Fatal(err)
	}
	opts := &Options{Inventory: inv, Loader: loader, Engine: template.New(template.Options{}), Out: o}
	if err := List(&out, opts, []*playbook.Playbook{pb}, ListOptions{Hosts: true}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"[WARNING]: Could not match supplied host pattern, ignoring: nosuch\n\nplaybook: ",
		"    pattern: ['web[0:1],db']\n    hosts (3):\n",
		"    pattern: ['web', 'db']\n    hosts (3):\n",
		"    pattern: ['nosuch']\n    hosts (0):\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("listing lacks %q:\n%s", want, got)
		}
	}
}
