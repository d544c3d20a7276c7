package runner

import (
	"fmt"
	"strings"
	"testing"
)

// TestSimulatedHostsConverge runs common modules on simulated hosts
// (ansible_connection=gansible_sim) twice: the first play changes every
// host, the second finds nothing to change.
func TestSimulatedHostsConverge(t *testing.T) {
	var inv strings.Builder
	inv.WriteString("[fleet]\n")
	const n = 20
	for i := range n {
		fmt.Fprintf(&inv, "%s-%03d\n", t.Name(), i)
	}
	inv.WriteString("[fleet:vars]\nansible_connection=gansible_sim\n")
	tasks := `
  tasks:
    - file: path=/srv/app state=directory mode=0755
    - template: src=app.j2 dest=/srv/app/app.conf mode=0644
    - copy: content="static\n" dest=/srv/app/static.txt
    - command: touch /srv/app/ran creates=/srv/app/ran
`
	out, err := runPlaybook(t, map[string]string{
		"inventory": inv.String(),
		"app.j2":    "name={{ inventory_hostname }} groups={{ group_names | join(',') }}\n",
		"site.yml": "- hosts: fleet\n  gather_facts: true" + tasks + "- hosts: fleet\n  gather_facts: false" + tasks +
			"    - slurp: src=/srv/app/app.conf\n      register: conf\n    - assert: { that: [ \"(conf.content | b64decode) == 'name=' + inventory_hostname + ' groups=fleet\\n'\" ] }\n",
	}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	for i := range n {
		want := fmt.Sprintf("%s-%03d ", t.Name(), i)
		var recap string
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, want) {
				recap = line
			}
		}
		// Play 1: facts + 4 changed; play 2: 4 ok + slurp + assert.
		if !strings.Contains(recap, "ok=11 ") || !strings.Contains(recap, "changed=4 ") || !strings.Contains(recap, "failed=0") {
			t.Errorf("recap %q", recap)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}
