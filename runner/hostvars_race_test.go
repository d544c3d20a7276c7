package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
)

// TestHostvarsWhileOthersSetFacts runs many hosts at once, each setting
// facts and registering results in a loop while reading every other
// host's hostvars, whole and by name. Run it with -race: reading a host's
// variables must never overlap a write to the maps read.
func TestHostvarsWhileOthersSetFacts(t *testing.T) {
	const hosts, rounds = 20, 15
	var inv strings.Builder
	inv.WriteString("[all]\n")
	for i := 0; i < hosts; i++ {
		fmt.Fprintf(&inv, "h%02d ansible_connection=local\n", i)
	}
	site := fmt.Sprintf(`
- hosts: all
  gather_facts: false
  tasks:
    - name: set facts and read the others
      set_fact:
        counter: "{{ item }}"
        others: "{{ groups['all'] | map('extract', hostvars, 'counter') | select('defined') | list | length }}"
        whole: "{{ hostvars[groups['all'][item %% %d]] }}"
      loop: "{{ range(1, %d) | list }}"
    - name: register while others read
      debug: msg="{{ groups['all'] | map('extract', hostvars, 'whole') | select('defined') | list | length }}"
      register: seen
      loop: "{{ range(1, %d) | list }}"
    - name: set facts from another host's registered result
      set_fact:
        copied: "{{ hostvars[groups['all'][item]].seen.results | length }}"
      loop: "{{ range(0, %d) | list }}"
    - name: every host sees every other host's last values
      assert:
        that:
          - groups['all'] | map('extract', hostvars, 'counter') | map('int') | list == [%d] * %d
          - copied | int == %d
`, hosts, rounds+1, rounds+1, hosts, rounds, hosts, rounds)
	dir := t.TempDir()
	for name, content := range map[string]string{"inventory": inv.String(), "site.yml": site} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	loaded, err := inventory.Load([]string{filepath.Join(dir, "inventory")})
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
	opts := &Options{Inventory: loaded, Loader: loader, Engine: template.New(template.Options{}), Out: o,
		Forks: hosts, Gathering: "explicit"}
	if err := Run(context.Background(), opts, []*playbook.Playbook{pb}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for i := 0; i < hosts; i++ {
		// Four tasks, all ok: the assertions held on every host.
		line := fmt.Sprintf("h%02d                        : ok=4 ", i)
		if !strings.Contains(out.String(), line) {
			t.Errorf("recap lacks %q\n%s", line, out.String())
		}
	}
}
