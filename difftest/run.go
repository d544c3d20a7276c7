package difftest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// runTimeout bounds one playbook run. Small cases take a few seconds
// on an idle machine, but ansible-playbook forks a Python process per
// task and host, and needs minutes on a loaded one.
const runTimeout = 10 * time.Minute

// A Sandbox is the set of directories one playbook run owns.
type Sandbox struct {
	Project string // the unpacked case; the working directory of the run
	Out     string // substituted for @OUT@; where the playbook writes
	Home    string // HOME, so ~/.ansible stays inside the sandbox
	Tmp     string // local and remote temp dirs
}

// NewSandbox creates the directories of a sandbox under root.
func NewSandbox(root string) (*Sandbox, error) {
	s := &Sandbox{
		Project: filepath.Join(root, "project"),
		Out:     filepath.Join(root, "out"),
		Home:    filepath.Join(root, "home"),
		Tmp:     filepath.Join(root, "tmp"),
	}
	for _, d := range []string{s.Project, s.Home, s.Tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Env is the environment of a run: colourless, non-interactive output and
// every state directory inside the sandbox. Both tools get the same one.
func (s *Sandbox) Env() []string {
	return append(os.Environ(),
		"HOME="+s.Home,
		"ANSIBLE_NOCOLOR=1",
		"ANSIBLE_FORCE_COLOR=0",
		"ANSIBLE_HOST_KEY_CHECKING=False",
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(s.Tmp, "local"),
		"ANSIBLE_REMOTE_TEMP="+filepath.Join(s.Tmp, "remote"),
		// A fixed interpreter spares a discovery round trip per host.
		"ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3",
		"ANSIBLE_STDOUT_CALLBACK=default",
	)
}

// Normalize replaces the sandbox's directories in s by placeholders
// (@OUT@, @PROJECT@, @HOME@, @TMP@), so that what a run printed compares
// equal across sandboxes.
func (s *Sandbox) Normalize(text string) string {
	return strings.NewReplacer(
		s.Out, outPlaceholder,
		s.Project, "@PROJECT@",
		s.Home, "@HOME@",
		s.Tmp, "@TMP@",
	).Replace(text)
}

// A Result is what a finished run returned.
type Result struct {
	Exit   int
	Output string // stdout and stderr, interleaved
}

// Run executes name with args in the sandbox's project directory. A
// non-zero exit is not an error; failing to start or timing out is.
func (s *Sandbox) Run(name string, args ...string) (Result, error) {
	return RunTool(context.Background(), s.Project, s.Env(), name, args...)
}

// RunTool runs a playbook command in dir with env, its stdout and stderr
// interleaved, within runTimeout. A non-zero exit is not an error;
// failing to start or timing out is.
func RunTool(ctx context.Context, dir string, env []string, name string, args ...string) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	// ansible-playbook forks workers; on timeout, kill the whole group
	// so none of them outlives the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	res := Result{Output: out.String()}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("%s %s: timed out after %v", name, strings.Join(args, " "), runTimeout)
	case errors.As(err, &exitErr):
		res.Exit = exitErr.ExitCode()
	case err != nil:
		return res, fmt.Errorf("%s: %w", name, err)
	}
	return res, nil
}
