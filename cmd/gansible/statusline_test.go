package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/refenv"
)

// TestStatusLineOnTerminal runs gansible in a real terminal (a tmux
// session of its own server) with one slow host and reads the screen:
// while the slow host runs, the last line names the task, its time and
// the host; once the run ends, the line is gone and the output is the
// default callback's.
func TestStatusLineOnTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("GANSIBLE_E2E") == "1" {
			refenv.Require(t, "tmux")
		}
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "gansible")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	files := map[string]string{
		"hosts": "fast nap=0\nslow nap=8\n[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n",
		"site.yml": "- hosts: all\n  gather_facts: no\n  tasks:\n    - name: quick\n      command: 'true'\n" +
			"    - name: nap\n      command: sleep {{ nap }}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	socket := "gansible-status-" + filepath.Base(dir)
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	script := "cd " + dir + " && env -u GANSIBLE_STATUS_LINE " + bin + " -i hosts site.yml; echo EXIT=$?; sleep 60"
	tmux("new-session", "-d", "-s", "run", "-x", "100", "-y", "40", script)
	defer exec.Command("tmux", "-L", socket, "kill-server").Run()

	screen := func() string { return tmux("capture-pane", "-p", "-t", "run") }
	waitFor := func(what string, ok func(string) bool) string {
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := screen()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s on the screen within 30s:\n%s", what, s)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	lastLine := func(s string) string {
		lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
		return strings.TrimSpace(lines[len(lines)-1])
	}
	during := waitFor("status line for the slow host", func(s string) bool {
		l := lastLine(s)
		return strings.HasPrefix(l, "[nap] ") && strings.HasSuffix(l, "1 running: slow") && !strings.HasPrefix(l, "[nap] 0s")
	})
	if !strings.Contains(during, "changed: [fast]") {
		t.Errorf("the fast host's result is not above the status line:\n%s", during)
	}
	after := waitFor("end of the run", func(s string) bool { return strings.Contains(s, "EXIT=") })
	if strings.Contains(after, "running:") {
		t.Errorf("the status line is still on the screen after the run:\n%s", after)
	}
	for _, want := range []string{"PLAY RECAP", "changed: [slow]", "EXIT=0"} {
		if !strings.Contains(after, want) {
			t.Errorf("the screen lacks %q:\n%s", want, after)
		}
	}
}
