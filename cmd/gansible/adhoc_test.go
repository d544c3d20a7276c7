package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// The ad-hoc comparisons (and those of ansible-playbook's other stdout
// callbacks) run each case in a copy of testdata/adhoc/case
// and compare exit code, stdout and stderr with testdata/adhoc/golden/
// <name>.golden, recorded from the real ansible 2.14. The copy's path
// reads @CASE@ there.
//
//	go test ./cmd/gansible -run Adhoc                    offline, against the goldens
//	GANSIBLE_E2E=1 go test ./cmd/gansible -run Adhoc     also against a live ansible
//	GANSIBLE_RECORD=1 go test ./cmd/gansible -run Adhoc  re-record the goldens from ansible

type adhocCase struct {
	name string
	args []string
	// noHelp drops the help and usage texts from the comparison:
	// ansible prints its argparse help or usage on an options error,
	// whose text (it lists options gansible does not have) gansible does
	// not copy. The error and warning lines are still compared.
	noHelp bool
	// playbook runs ansible-playbook instead of ansible, with env added
	// to the environment.
	playbook bool
	env      []string
	// timings replaces the clock times that aggregate callbacks print.
	timings bool
}

// adhocCases run on the local connection only; -f 1 keeps the order of
// several hosts' results fixed.
var adhocCases = []adhocCase{
	{"command-all", []string{"all", "-i", "hosts", "-f", "1", "-a", "echo hi {{ inventory_hostname }}"}, false, false, nil, false},
	{"command-module-flag", []string{"web", "-i", "hosts", "-f", "1", "-m", "command", "-a", "printf 'a\\nb'"}, false, false, nil, false},
	{"shell-fails", []string{"d1", "-i", "hosts", "-m", "shell", "-a", "echo out; echo err >&2; exit 3"}, false, false, nil, false},
	{"task-timeout", []string{"d1", "-i", "hosts", "-m", "command", "-a", "sleep 3", "--task-timeout", "1"}, false, false, nil, false},
	{"shell-oneline", []string{"d1", "-i", "hosts", "-m", "shell", "-a", "echo out; echo err >&2", "-o"}, false, false, nil, false},
	{"fail-oneline", []string{"d1", "-i", "hosts", "-m", "fail", "-o"}, false, false, nil, false},
	{"raw", []string{"d1", "-i", "hosts", "-m", "raw", "-a", "echo raw"}, false, false, nil, false},
	{"debug-msg", []string{"web", "-i", "hosts", "-f", "1", "-m", "debug", "-a", "msg={{ role }}-{{ inventory_hostname }}"}, false, false, nil, false},
	{"debug-var", []string{"d1", "-i", "hosts", "-m", "debug", "-a", "var=port"}, false, false, nil, false},
	{"debug-extra-vars", []string{"d1", "-i", "hosts", "-m", "debug", "-a", "var=x", "-e", "x=from_cli"}, false, false, nil, false},
	{"ping", []string{"w1", "-i", "hosts", "-m", "ping"}, false, false, nil, false},
	{"ping-oneline", []string{"w1:d1", "-i", "hosts", "-f", "1", "-m", "ping", "-o"}, false, false, nil, false},
	{"ping-json-args", []string{"w1", "-i", "hosts", "-m", "ping", "-a", `{"data": "json"}`}, false, false, nil, false},
	{"file-touch-check", []string{"w1", "-i", "hosts", "-m", "file", "-a", "path=@CASE@/touched state=touch", "-C"}, false, false, nil, false},
	{"copy-check", []string{"w1", "-i", "hosts", "-m", "copy", "-a", "src=files/hello.txt dest=@CASE@/copied", "-C"}, false, false, nil, false},
	{"stat", []string{"w1", "-i", "hosts", "-m", "stat", "-a", "path=@CASE@/nonexistent"}, false, false, nil, false},
	{"fail", []string{"w1", "-i", "hosts", "-m", "fail", "-a", "msg=boom"}, false, false, nil, false},
	{"playbook-dir", []string{"w1", "-i", "hosts", "--playbook-dir", "play", "-m", "debug", "-a", "var=from_playbook_dir"}, false, false, nil, false},
	{"limit", []string{"all", "-i", "hosts", "-l", "db", "-m", "ping", "-o"}, false, false, nil, false},
	{"list-hosts", []string{"web:db", "-i", "hosts", "--list-hosts"}, false, false, nil, false},
	{"warning-unmatched-pattern", []string{"nomatch", "-i", "hosts", "-m", "ping"}, false, false, nil, false},
	{"warning-partly-unmatched", []string{"w1:nomatch", "-i", "hosts", "-m", "ping", "-o"}, false, false, nil, false},
	{"error-limit-no-hosts", []string{"all", "-i", "hosts", "-l", "nomatch", "-m", "ping"}, false, false, nil, false},
	{"error-no-args", []string{"all", "-i", "hosts", "-m", "shell"}, true, false, nil, false},
	{"error-no-args-playbook", []string{"site.yml", "-i", "hosts"}, true, false, nil, false},
	{"error-import-playbook", []string{"all", "-i", "hosts", "-m", "import_playbook", "-a", "x.yml"}, true, false, nil, false},
	{"error-no-pattern", []string{"-i", "hosts", "-m", "ping"}, true, false, nil, false},
	{"playbook-minimal", []string{"-i", "hosts", "site.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=minimal"}, false},
	{"playbook-list-tasks", []string{"-i", "hosts", "tags.yml", "--list-tasks", "--list-tags"}, false, true, nil, false},
	{"playbook-start-at-missing", []string{"-i", "hosts", "tags.yml", "--start-at-task", "one"}, false, true, nil, false},
	{"playbook-oneline", []string{"-i", "hosts", "site.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=ansible.builtin.oneline"}, false},
	{"playbook-invalid-callback", []string{"-i", "hosts", "site.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=nosuch"}, false},
	{"adhoc-callback-ignored", []string{"w1", "-i", "hosts", "-m", "ping"}, false, false, []string{"ANSIBLE_STDOUT_CALLBACK=oneline"}, false},
	{"playbook-profile-tasks", []string{"-i", "hosts", "site.yml"}, false, true, []string{"ANSIBLE_CALLBACKS_ENABLED=ansible.posix.timer, profile_tasks", "PROFILE_TASKS_SORT_ORDER=none"}, true},
	{"playbook-json", []string{"-i", "hosts", "json.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=json"}, false},
	{"playbook-yaml", []string{"-i", "hosts", "-l", "w1", "site.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=yaml"}, false},
	{"playbook-yaml-v", []string{"-i", "hosts", "-f", "1", "-v", "json.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=community.general.yaml"}, false},
	{"playbook-yaml-multiline", []string{"-i", "hosts", "-f", "1", "yaml.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=yaml"}, false},
	{"playbook-yaml-multiline-v", []string{"-i", "hosts", "-f", "1", "-v", "yaml.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=yaml"}, false},
	// dense draws with VT100 sequences on any output; these compare them
	// byte for byte.
	{"playbook-dense", []string{"-i", "hosts", "-f", "1", "json.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=community.general.dense"}, false},
	{"playbook-dense-v", []string{"-i", "hosts", "-f", "1", "-v", "json.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=dense"}, false},
	{"playbook-dense-lines", []string{"-i", "hosts", "-f", "1", "dense.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=dense"}, false},
	{"playbook-json-check", []string{"-i", "hosts", "-l", "w1", "--check", "site.yml"}, false, true, []string{"ANSIBLE_STDOUT_CALLBACK=ansible.builtin.json"}, false},
	{"adhoc-callback-yaml", []string{"w1", "-i", "hosts", "-v", "-a", "printf 'a\\nb  \\n'"}, false, false, []string{"ANSIBLE_STDOUT_CALLBACK=community.general.yaml", "ANSIBLE_LOAD_CALLBACK_PLUGINS=1"}, false},
	{"adhoc-callback-loaded", []string{"w1", "-i", "hosts", "-m", "ping"}, false, false, []string{"ANSIBLE_STDOUT_CALLBACK=oneline", "ANSIBLE_LOAD_CALLBACK_PLUGINS=1"}, false},
}

// copyCase copies testdata/adhoc/case into a fresh directory.
func copyCase(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", "adhoc", "case")
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func caseArgs(c adhocCase, dir string) []string {
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = strings.ReplaceAll(a, "@CASE@", dir)
	}
	return args
}

func runOurAdhoc(t *testing.T, c adhocCase) []byte {
	t.Helper()
	dir := copyCase(t)
	t.Chdir(dir)
	t.Setenv("ANSIBLE_NOCOLOR", "1")
	for _, kv := range c.env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	command := adhocCommand
	if c.playbook {
		command = run
	}
	var stdout, stderr bytes.Buffer
	code := command(caseArgs(c, dir), strings.NewReader(""), &stdout, &stderr)
	return c.transcript(dir, code, stdout.Bytes(), stderr.Bytes())
}

func runAnsibleAdhoc(t *testing.T, c adhocCase) []byte {
	t.Helper()
	dir := copyCase(t)
	tool := "ansible"
	if c.playbook {
		tool = "ansible-playbook"
	}
	cmd := exec.Command(tool, caseArgs(c, dir)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0"), c.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("ansible: %v", err)
		}
		code = exit.ExitCode()
	}
	return c.transcript(dir, code, stdout.Bytes(), stderr.Bytes())
}

// Clock times of the timer and profile_tasks callbacks.
var (
	profileLine    = regexp.MustCompile(`(?m)^\w+day \d\d \w+ \d{4}  \d\d:\d\d:\d\d [-+]\d{4} \(\d+:\d\d:\d\d\.\d{3}\)       \d+:\d\d:\d\d\.\d{3} \*+ $`)
	profileSeconds = regexp.MustCompile(`(?m)-* \d+\.\d\ds$`)
	timerLine      = regexp.MustCompile(`(?m)^Playbook run took \d+ days, \d+ hours, \d+ minutes, \d+ seconds$`)
	// A command result's clock times as the yaml callback prints them.
	yamlTimes = regexp.MustCompile(`(?m)^(\s+(?:delta|end|start): )'[^']*'$`)
)

func (c adhocCase) transcript(dir string, code int, stdout, stderr []byte) []byte {
	if slices.ContainsFunc(c.env, func(kv string) bool { return strings.HasSuffix(kv, "_CALLBACK=json") || strings.HasSuffix(kv, ".json") }) {
		stdout = normalizeJSONDoc(stdout)
	}
	if slices.ContainsFunc(c.env, func(kv string) bool { return strings.HasSuffix(kv, "yaml") }) {
		stdout = yamlTimes.ReplaceAll(stdout, []byte("${1}@TIME@"))
	}
	if c.timings {
		stdout = profileLine.ReplaceAll(stdout, []byte("@PROFILE_TASKS_TIME@"))
		stdout = profileSeconds.ReplaceAll(stdout, []byte(" @SECONDS@"))
		stdout = timerLine.ReplaceAll(stdout, []byte("@TIMER@"))
	}
	if c.noHelp {
		stdout = []byte("(help text not compared)\n")
		var kept []byte
		for _, l := range bytes.SplitAfter(stderr, []byte("\n")) {
			for _, lead := range []string{"ERROR!", "[WARNING]", "ansible: error:"} {
				if bytes.HasPrefix(l, []byte(lead)) {
					kept = append(kept, l...)
				}
			}
		}
		stderr = kept
	}
	return transcript(dir, code, stdout, stderr)
}

func TestAdhocMatchesGoldens(t *testing.T) {
	record := recording(t)
	for _, c := range adhocCases {
		t.Run(c.name, func(t *testing.T) {
			checkGolden(t, filepath.Join("testdata", "adhoc", "golden", c.name+".golden"), "ansible "+strings.Join(c.args, " "), record,
				func(t *testing.T) []byte { return runOurAdhoc(t, c) },
				func(t *testing.T) []byte { return runAnsibleAdhoc(t, c) }, nil)
		})
	}
}

// TestAdhocLiveAnsible re-runs the real ansible on every case.
func TestAdhocLiveAnsible(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to compare with a live ansible")
	}
	refenv.Require(t, "ansible-core")
	for _, c := range adhocCases {
		t.Run(c.name, func(t *testing.T) {
			norm := func(b []byte) []byte { return b }
			if strings.HasPrefix(c.name, "playbook-dense") {
				norm = collapseRedraws
			}
			checkLive(t, "ansible "+strings.Join(c.args, " "),
				func(t *testing.T) []byte { return norm(runOurAdhoc(t, c)) },
				func(t *testing.T) []byte { return norm(runAnsibleAdhoc(t, c)) }, nil)
		})
	}
}

// collapseRedraws drops a dense redraw of the status line that repeats
// the one before it. How often dense.py redraws the same line depends on
// when its worker's start event reaches the main process relative to the
// previous host's result, which varies from run to run even with one
// fork; what the screen shows does not.
func collapseRedraws(b []byte) []byte {
	parts := bytes.Split(b, []byte("\x1b[u"))
	out := parts[:1]
	for _, p := range parts[1:] {
		if !bytes.Equal(p, out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return bytes.Join(out, []byte("\x1b[u"))
}

// TestAdhocBackground: -B and -P make the task async, as Ansible's ad-hoc
// command does: -P 0 reports the started job, -P 1 waits for it.
func TestAdhocBackground(t *testing.T) {
	for _, tc := range []struct {
		poll string
		want []string
	}{
		{"0", []string{`"finished": 0,`, `"started": 1`, `"ansible_job_id": "j`}},
		{"1", []string{`"finished": 1,`, `"stdout": "bg",`, `"ansible_job_id": "j`}},
	} {
		t.Run("poll "+tc.poll, func(t *testing.T) {
			t.Chdir(copyCase(t))
			t.Setenv("ANSIBLE_NOCOLOR", "1")
			var stdout, stderr bytes.Buffer
			code := adhocCommand([]string{"w1", "-i", "hosts", "-B", "10", "-P", tc.poll, "-a", "echo bg"}, strings.NewReader(""), &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output lacks %s:\n%s", w, stdout.String())
				}
			}
		})
	}
}
