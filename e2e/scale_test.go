package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gansible/gansible/testcluster"
)

// scalePlaybook is make bench-scale's playbook (scripts/bench-scale.sh):
// facts and six common idempotent tasks.
const scalePlaybook = `- hosts: all
  become: true
  gather_facts: true
  tasks:
    - name: a directory
      file: path=/srv/bench state=directory mode=0755
    - name: a template
      template: src=app.j2 dest=/srv/bench/app.conf mode=0644
    - name: an installed package
      yum: name=mesos state=present
    - name: a job
      copy:
        content: "description \"bench job\"\nexec /bin/true\n"
        dest: /etc/init/bench-job.conf
    - name: a service
      service: name=bench-job state=started
    - name: a command with creates
      command: touch /srv/bench/ran creates=/srv/bench/ran
`

// TestHundredHosts runs make bench-scale's playbook on 100 hosts with 100
// forks, twice: every host converges (five changes) and then reports
// nothing to change, and every host holds its own rendered template. A
// test that the 100-host size keeps working, not of its time.
func TestHundredHosts(t *testing.T) {
	f := shared(t)
	const n = 100
	var hosts []string
	for i := 1; i <= n; i++ {
		hosts = append(hosts, fmt.Sprintf("h%03d", i))
	}
	c := startCluster(t, f, hosts, false)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"prepare.yml": "- hosts: all\n  become: true\n  gather_facts: false\n  tasks:\n" +
			"    - copy: src=" + filepath.Join(f.standins, "mesos-0.21.0-1.0.rpm") + " dest=/tmp/bench.rpm\n" +
			"    - shell: rpm -q mesos || rpm -i /tmp/bench.rpm\n",
		"site.yml": scalePlaybook,
		"app.j2":   "# {{ inventory_hostname }} ({{ ansible_hostname }})\npeers={{ groups['all'] | length }}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The package is installed beforehand, as bench-scale does.
	prep := exec.Command(f.gansible, "prepare.yml", "-i", c.InventoryFile(), "-f", fmt.Sprint(n))
	prep.Dir = dir
	prep.Env = append(os.Environ(), "HOME="+t.TempDir())
	if r := execRun(t, prep); r.exitCode != 0 {
		t.Fatalf("installing the package: exit %d\n%s", r.exitCode, r.output)
	}
	for run, want := range []testcluster.Recap{{OK: 7, Changed: 5}, {OK: 7}} {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		cmd := exec.CommandContext(ctx, f.gansible, "site.yml", "-i", c.InventoryFile(), "-f", fmt.Sprint(n))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		r := execRun(t, cmd)
		cancel()
		if r.exitCode != 0 {
			t.Fatalf("run %d: exit code %d, want 0; output:\n%s", run+1, r.exitCode, r.output)
		}
		recaps := map[string]testcluster.Recap{}
		for _, h := range hosts {
			recaps[h] = want
		}
		checkRecap(t, r, recaps)
	}
	for _, h := range hosts {
		snap, err := c.Snapshot(h)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("# %s (%s)\npeers=%d\n", h, h, n)
		if got := snap["/srv/bench/app.conf"]; got.Content != want || got.Mode != "0644" {
			t.Errorf("%s: /srv/bench/app.conf is %+v, want mode 0644 and %q", h, got, want)
		}
		if snap["/srv/bench/ran"].Type != "file" {
			t.Errorf("%s: /srv/bench/ran is %+v, want a file", h, snap["/srv/bench/ran"])
		}
	}
}
