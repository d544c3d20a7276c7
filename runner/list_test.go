package runner

import (
	"strings"
	"testing"

	"github.com/gansible/gansible/playbook"
)

// --list-hosts shows each play's hosts as its post_validate keeps them (a
// string whole, even with commas; a list's entries), and the warnings
// for patterns that match nothing come before the listing, as
// ansible-playbook prints it once every play is read.
func TestListHostsPatterns(t *testing.T) {
	p := loadTestProject(t, map[string]string{
		"inventory": "[web]\nh1\nh2\n[db]\nh3\n",
		"site.yml": `- hosts: "web[0:1],db"
  tasks: []
- hosts: [web, db]
  tasks: []
- hosts: nosuch
  tasks: []
`,
	})
	if err := List(p.out, p.opts, []*playbook.Playbook{p.pb}, ListOptions{Hosts: true}); err != nil {
		t.Fatal(err)
	}
	got := p.out.String()
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
