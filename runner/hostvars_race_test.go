package runner

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gansible/gansible/playbook"
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
	p := loadTestProject(t, map[string]string{"inventory": inv.String(), "site.yml": site})
	p.opts.Forks = hosts
	if err := Run(context.Background(), p.opts, []*playbook.Playbook{p.pb}); err != nil {
		t.Fatalf("run: %v\n%s", err, p.out.String())
	}
	for i := 0; i < hosts; i++ {
		// Four tasks, all ok: the assertions held on every host.
		line := fmt.Sprintf("h%02d                        : ok=4 ", i)
		if !strings.Contains(p.out.String(), line) {
			t.Errorf("recap lacks %q\n%s", line, p.out.String())
		}
	}
}
