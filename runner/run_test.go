package runner

import (
	"bytes"
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

// runPlaybook runs a playbook from testdata on the local connection and
// returns its output and error.
func runPlaybook(t *testing.T, files map[string]string, extra map[string]any) (string, error) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		content = strings.ReplaceAll(content, "@OUT@", dir)
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inv, err := inventory.Load([]string{filepath.Join(dir, "inventory")})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o := output.NewDefault(&out, &out, false, 0)
	loader := &playbook.Loader{IsAction: IsAction, Warn: o.Deprecation}
	pb, err := loader.LoadPlaybook(filepath.Join(dir, "site.yml"))
	if err != nil {
		return "", err
	}
	opts := &Options{Inventory: inv, Loader: loader, Engine: template.New(template.Options{}), Out: o, ExtraVars: extra, Forks: 5, Gathering: "explicit"}
	err = Run(context.Background(), opts, []*playbook.Playbook{pb})
	return out.String(), err
}

func TestRunBasics(t *testing.T) {
	out, err := runPlaybook(t, map[string]string{
		"inventory": "[web]\nh1 ansible_connection=local\nh2 ansible_connection=local\n",
		"site.yml": `
- hosts: web
  vars:
    greeting: hello
  tasks:
    - name: write
      copy: content="{{ greeting }} {{ inventory_hostname }}" dest=@OUT@/{{ inventory_hostname }}.txt
      notify: done
    - debug: msg="{{ greeting }}"
      when: inventory_hostname == 'h1'
  handlers:
    - name: done
      command: echo done
`,
	}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	t.Log(out)
	for _, want := range []string{"TASK [write]", "changed: [h1]", "skipping: [h2]", "RUNNING HANDLER [done]",
		"h1                         : ok=3    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
