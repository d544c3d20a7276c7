package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// TestHostilePackageNames: a package name that rpm would read as its
// --eval option, with a macro that runs a command, never runs it: with
// --check or without, on the local connection, through rpm -q and dnf.
func TestHostilePackageNames(t *testing.T) {
	f := shared(t)
	refenv.Require(t, "rpm", "dnf")
	dir := t.TempDir()
	marks := []string{filepath.Join(dir, "present"), filepath.Join(dir, "absent"), filepath.Join(dir, "latest")}
	play := `- hosts: localhost
  gather_facts: false
  tasks:
    - yum:
        name: "--eval=%(touch ` + marks[0] + `)"
      ignore_errors: true
    - dnf:
        name: [vim, "--eval=%(touch ` + marks[1] + `)"]
        state: absent
      ignore_errors: true
    - package:
        name: "--eval=%(touch ` + marks[2] + `)"
        state: latest
      ignore_errors: true
`
	if err := os.WriteFile(filepath.Join(dir, "play.yml"), []byte(play), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "inventory"), []byte("localhost ansible_connection=local\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--check"}, nil} {
		cmd := exec.Command(f.gansible, append([]string{"-i", "inventory", "play.yml"}, args...)...)
		cmd.Dir = dir
		r := execRun(t, cmd)
		// Each task ends ok, changed or failed (ignored): all three ran.
		if rc, ok := r.recap["localhost"]; !ok || rc.OK+rc.Failed != 3 || rc.Unreachable != 0 {
			t.Fatalf("gansible %v did not run the three tasks (recap %+v):\n%s", args, rc, r.output)
		}
		for _, m := range marks {
			if _, err := os.Lstat(m); err == nil {
				t.Fatalf("gansible %v: the package name ran a command (%s exists); output:\n%s", args, m, r.output)
			}
		}
	}
}
