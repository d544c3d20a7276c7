package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary runs gansible's main when GANSIBLE_RUN_MAIN holds its
// arguments (one per line), so that tests can signal a real process.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("GANSIBLE_RUN_MAIN"); ok {
		os.Args = append([]string{"gansible"}, strings.Split(args, "\n")...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestInterruptWhileLoading: SIGINT before the run starts (here while a
// large inventory loads) ends gansible as ansible-playbook ends anywhere:
// its message and exit code 99, no Go signal death.
func TestInterruptWhileLoading(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"inventory": "[big]\nh[0:399999]\n",
		"site.yml":  "- hosts: h1\n  gather_facts: false\n  tasks: [{debug: {msg: hi}}]\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(os.Args[0])
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GANSIBLE_RUN_MAIN=-i\ninventory\nsite.yml")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// 400,000 hosts take seconds to load; the signal comes well before.
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 99 {
		t.Fatalf("exit %v, want code 99; output:\n%s", err, out.String())
	}
	if got := out.String(); got != " [ERROR]: User interrupted execution\n" {
		t.Errorf("output %q, want only Ansible's interruption line", got)
	}
}
