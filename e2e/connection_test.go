package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/testcluster"
)

// connectionPlaybook shows which long-lived shell ran each command: the
// nearest ancestor whose command line reads the shell's script.
const connectionPlaybook = `- hosts: all
  gather_facts: no
  vars:
    shell_pid: >-
      p=$$;
      while [ "$p" -gt 1 ]; do
      if grep -q 'head -[c] [0-9]' /proc/$p/cmdline 2>/dev/null; then echo $p; exit 0; fi;
      p=$(awk '{print $4}' /proc/$p/stat);
      done;
      echo none
  tasks:
    - shell: "{{ shell_pid }}"
      register: user1
    - shell: "{{ shell_pid }}"
      register: user2
    - shell: "{{ shell_pid }}"
      become: yes
      register: root1
    - shell: "{{ shell_pid }}"
      become: yes
      register: root2
    - command: readlink /proc/self/fd/0
      args:
        stdin: data
      become: yes
      register: stdin_file
    - copy: content="{{ stdin_file.stdout | dirname }}" dest=/tmp/shell-dir
    - meta: reset_connection
    - shell: "{{ shell_pid }}"
      become: yes
      register: root3
    - assert:
        that:
          - user1.stdout != 'none'
          - user1.stdout == user2.stdout
          - root1.stdout == root2.stdout
          - root1.stdout != user1.stdout
          - root3.stdout != 'none'
          - root3.stdout != root2.stdout
          - stdin_file.stdout is match('/tmp/[.]gansible-sh[.]')
`

// TestConnectionReuse: the commands of one become identity run in one
// shell on the host, meta: reset_connection starts afresh, and the run
// leaves none of its shells' files behind.
func TestConnectionReuse(t *testing.T) {
	f := shared(t)
	host := slaves[0]
	c := startCluster(t, f, []string{host}, false)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "play.yml"), []byte(connectionPlaybook), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.gansible, "play.yml", "-i", c.InventoryFile(), "-u", testcluster.User)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	r := execRun(t, cmd)
	if r.exitCode != 0 {
		t.Fatalf("exit code %d\n%s", r.exitCode, r.output)
	}
	shellDir, _, err := onHost(c, host, "cat /tmp/shell-dir")
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := onHost(c, host, "ls -d "+shell.Quote(shellDir)+" 2>&1"); err == nil {
		t.Errorf("the become shell's directory is left on the host: %s", out)
	}
}
