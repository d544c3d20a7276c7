package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// The ansible-config comparisons run each case in a copy of
// testdata/config/case (HOME inside it too, so that no ~/.ansible.cfg
// counts) and compare with testdata/config/<name>.golden, recorded from
// ansible-config 2.14.
//
//	go test ./cmd/gansible -run Config                    offline, against the goldens
//	GANSIBLE_E2E=1 go test ./cmd/gansible -run Config     also against a live ansible-config
//	GANSIBLE_RECORD=1 go test ./cmd/gansible -run Config  re-record the goldens

type configCase struct {
	name string
	args []string
	env  []string
}

var configCases = []configCase{
	{"dump-only-changed", []string{"dump", "--only-changed"}, nil},
	{"dump-changed-only-env", []string{"dump", "--changed-only"}, []string{"ANSIBLE_FORKS=12", "ANSIBLE_VAULT_IDENTITY_LIST=dev@a, prod@b", "ANSIBLE_PRIVATE_KEY_FILE=~/key"}},
	{"dump-config-flag", []string{"dump", "--only-changed", "-c", "@CASE@/sub/other.cfg"}, nil},
	{"dump-no-file", []string{"dump", "--only-changed"}, []string{"ANSIBLE_CONFIG=@CASE@/nonexistent.cfg", "ANSIBLE_TIMEOUT=30"}},
	{"view", []string{"view"}, nil},
	{"view-no-file", []string{"view"}, []string{"ANSIBLE_CONFIG=@CASE@/nonexistent.cfg"}},
}

func (c configCase) resolve(dir string) (args, env []string) {
	for _, a := range c.args {
		args = append(args, strings.ReplaceAll(a, "@CASE@", dir))
	}
	env = []string{"HOME=" + dir, "ANSIBLE_NOCOLOR=1"}
	for _, e := range c.env {
		env = append(env, strings.ReplaceAll(e, "@CASE@", dir))
	}
	return args, env
}

func configCaseDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("testdata", "config", "case", "ansible.cfg")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	// Ansible ignores ansible.cfg in a world-writable directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{
		"ansible.cfg":   data,
		"sub/other.cfg": []byte("[defaults]\nforks = 3\nlog_path = logs/run.log\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runOurConfig(t *testing.T, c configCase) []byte {
	dir := configCaseDir(t)
	t.Chdir(dir)
	args, env := c.resolve(dir)
	for _, name := range []string{"ANSIBLE_CONFIG", "ANSIBLE_FORKS", "ANSIBLE_TIMEOUT", "ANSIBLE_VAULT_IDENTITY_LIST", "ANSIBLE_PRIVATE_KEY_FILE"} {
		t.Setenv(name, "")
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	var stdout, stderr bytes.Buffer
	code := configCommand(args, strings.NewReader(""), &stdout, &stderr)
	return transcript(dir, code, stdout.Bytes(), stderr.Bytes())
}

func runAnsibleConfig(t *testing.T, c configCase) []byte {
	dir := configCaseDir(t)
	args, env := c.resolve(dir)
	cmd := exec.Command("ansible-config", args...)
	cmd.Dir = dir
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ANSIBLE_") && !strings.HasPrefix(kv, "HOME=") {
			base = append(base, kv)
		}
	}
	cmd.Env = append(base, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("ansible-config: %v", err)
		}
		code = exit.ExitCode()
	}
	return transcript(dir, code, stdout.Bytes(), stderr.Bytes())
}

func TestConfigMatchesGoldens(t *testing.T) {
	record := recording(t)
	for _, c := range configCases {
		t.Run(c.name, func(t *testing.T) {
			checkGolden(t, filepath.Join("testdata", "config", c.name+".golden"), "ansible-config "+strings.Join(c.args, " "), record,
				func(t *testing.T) []byte { return runOurConfig(t, c) },
				func(t *testing.T) []byte { return runAnsibleConfig(t, c) }, nil)
		})
	}
}

func TestConfigLiveAnsible(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to compare with a live ansible-config")
	}
	refenv.Require(t, "ansible-core")
	for _, c := range configCases {
		t.Run(c.name, func(t *testing.T) {
			checkLive(t, "ansible-config "+strings.Join(c.args, " "),
				func(t *testing.T) []byte { return runOurConfig(t, c) },
				func(t *testing.T) []byte { return runAnsibleConfig(t, c) }, nil)
		})
	}
}
