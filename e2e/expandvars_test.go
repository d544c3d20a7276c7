package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// TestCommandExpansionMatchesAnsible: the command module's arguments,
// chdir and creates are expanded as ansible-playbook's are: environment
// variables that are set, ~ and ~user; never the variables of a shell or
// of gansible's own script, so awk and sed programs pass unchanged.
func TestCommandExpansionMatchesAnsible(t *testing.T) {
	f := shared(t)
	refenv.Require(t, "ansible-core")
	ansible, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	play := `- hosts: localhost
  gather_facts: false
  tasks:
    - command: printf '%s|' '{print $1}' '$n' '$d' '$p' '$IFS' '$PPID' '$OPTIND' '$PS4' '$gansible_w' '$HOME' '${HOME}' '$UNSET_VAR' '$$' '$1' '~' '~root/x' '~nosuchuser/x' '$GANSIBLE_T' '~/$GANSIBLE_T' 's/$/x/'
      environment:
        GANSIBLE_T: "a $HOME b"
      register: r
    - debug: var=r.stdout
    - command: printf '%s' x
      args:
        chdir: "~"
        removes: "$HOME/nonexistent*"
      register: r2
    - debug: var=r2.msg
`
	if err := os.WriteFile(filepath.Join(dir, "play.yml"), []byte(play), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "inventory"), []byte("localhost ansible_connection=local\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	values := regexp.MustCompile(`(?m)^\s*"r2?\.(stdout|msg)": .*$`)
	var outputs [2][]string
	for i, prog := range []string{f.gansible, ansible} {
		cmd := exec.Command(prog, "-i", "inventory", "play.yml")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+home, "ANSIBLE_NOCOLOR=1")
		r := execRun(t, cmd)
		if r.exitCode != 0 {
			t.Fatalf("%s: exit %d:\n%s", prog, r.exitCode, r.output)
		}
		outputs[i] = values.FindAllString(r.output, -1)
	}
	if len(outputs[1]) != 2 {
		t.Fatalf("ansible-playbook printed %q", outputs[1])
	}
	for i := range outputs[1] {
		if i >= len(outputs[0]) || outputs[0][i] != outputs[1][i] {
			t.Errorf("gansible printed\n%q\nansible-playbook\n%q", outputs[0], outputs[1])
			break
		}
	}
}
