package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

// actionReboot is ansible.builtin.reboot's action plugin on Linux hosts:
// it reads the boot id, runs shutdown -r (found in search_paths, as the
// plugin's find does), then opens new connections until the boot id has
// changed and test_command succeeds, with the plugin's backoff. The
// distribution tables of the plugin (BSDs, macOS, Solaris, Alpine...)
// are not carried: such hosts are refused as not supported.
func (r *run) actionReboot(ctx context.Context, h *hostState, t *playbook.Task, vars template.Vars, args map[string]any, written string) *taskResult {
	if _, ok := args["connect_timeout"]; ok {
		return failed("reboot: connect_timeout is not supported by gansible: the connection's own timeout applies")
	}
	delayArg := func(key string) int {
		if n := intValue(args[key], 0); n > 0 {
			return n
		}
		return 0
	}
	preDelay, postDelay := delayArg("pre_reboot_delay"), delayArg("post_reboot_delay")
	timeout := intValue(args["reboot_timeout"], 600)
	become, err := r.become(t, vars)
	if err != nil {
		return r.failure(t, err)
	}
	// run runs cmd on the host's current connection; err is a broken
	// connection, after which the host's connections are reset.
	run := func(cmd string) (connection.Result, error) {
		conn, err := r.connFor(ctx, h, t, vars)
		if err == nil {
			var res connection.Result
			if res, err = conn.Run(ctx, cmd, nil, become); err == nil {
				return res, nil
			}
		}
		h.closeConnections()
		return connection.Result{}, err
	}
	// raised is an AnsibleError out of the plugin: the task's result is
	// the message alone.
	raised := func(msg string) *taskResult {
		return &taskResult{status: output.Failed, result: map[string]any{"failed": true, "msg": msg}}
	}
	fail := func(res map[string]any, msg string) *taskResult {
		res["failed"], res["msg"] = true, msg
		return &taskResult{status: output.Failed, result: res}
	}

	// The plugin's distribution: only Linux's defaults are known here.
	probe, err := run(`uname -s; . /etc/os-release 2>/dev/null; echo "${ID:-}"`)
	if err != nil {
		return r.failure(t, err)
	}
	lines := strings.Split(strings.TrimSpace(string(probe.Stdout)), "\n")
	if len(lines) == 0 || lines[0] != "Linux" {
		return failed("reboot: only Linux hosts are supported by gansible")
	}
	if len(lines) > 1 && (lines[1] == "alpine" || lines[1] == "void") {
		return failed("reboot: " + lines[1] + " hosts are not supported by gansible: their shutdown command differs")
	}

	bootCmd := "cat /proc/sys/kernel/random/boot_id"
	if v, ok := args["boot_time_command"]; ok && v != nil && template.Str(v) != "" {
		s, isStr := v.(string)
		if !isStr {
			return raised(fmt.Sprintf("Invalid value given for 'boot_time_command': '%s' is not a string and conversion is not allowed.", template.Str(v)))
		}
		bootCmd = s
	}
	bootID := func() (string, error) {
		res, err := run(bootCmd)
		if err != nil {
			return "", err
		}
		if res.ExitCode != 0 {
			return "", fmt.Errorf("%s: failed to get host boot time info, rc: %d, stdout: %s, stderr: %s", written, res.ExitCode, res.Stdout, res.Stderr)
		}
		return strings.TrimSpace(string(res.Stdout)), nil
	}
	before, err := bootID()
	if err != nil {
		return fail(map[string]any{"changed": false, "reboot": false}, err.Error())
	}

	bin, cmdArgs := "shutdown", ""
	if v, ok := args["reboot_command"]; ok && v != nil {
		s, isStr := v.(string)
		if !isStr {
			return raised(fmt.Sprintf("Invalid value given for 'reboot_command': '%s' is not a string and conversion is not allowed.", template.Str(v)))
		}
		bin, cmdArgs, _ = strings.Cut(s, " ")
	} else {
		msg := "Reboot initiated by Ansible"
		if m, ok := args["msg"]; ok {
			msg = template.Str(m)
		}
		cmdArgs = fmt.Sprintf("-r %d \"%s\"", preDelay/60, msg)
	}
	if !strings.HasPrefix(bin, "/") {
		paths := []string{"/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin"}
		if v, ok := args["search_paths"]; ok {
			switch x := v.(type) {
			case string:
				paths = strings.Split(x, ",")
			case []any:
				paths = nil
				for _, e := range x {
					paths = append(paths, template.Str(e))
				}
			default:
				return raised(fmt.Sprintf("'search_paths' must be a string or flat list of strings, got %s", template.Str(v)))
			}
		}
		var find strings.Builder
		for _, p := range paths {
			f := strings.TrimSuffix(p, "/") + "/" + bin
			find.WriteString("if [ -e " + shell.Quote(f) + " ] || [ -L " + shell.Quote(f) + " ]; then printf '%s\\n' " + shell.Quote(f) + "; exit 0; fi\n")
		}
		res, err := run(find.String())
		if err != nil {
			return r.failure(t, err)
		}
		found := strings.TrimSpace(string(res.Stdout))
		if found == "" {
			quoted := make([]string, len(paths))
			for i, p := range paths {
				quoted[i] = value.Repr(p)
			}
			return raised(fmt.Sprintf("Unable to find command \"%s\" in search paths: [%s]", bin, strings.Join(quoted, ", ")))
		}
		bin = found
	}

	res, err := run(bin + " " + cmdArgs)
	start := time.Now()
	if err == nil && res.ExitCode != 0 {
		return fail(map[string]any{"changed": false, "rebooted": false, "elapsed": 0},
			fmt.Sprintf("Reboot command failed. Error was: '%s, %s'", strings.TrimSpace(string(res.Stdout)), strings.TrimSpace(string(res.Stderr))))
	}
	// The connection goes with the reboot; so does a become loop on it.
	wait := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	if postDelay > 0 && !wait(time.Duration(postDelay)*time.Second) {
		return failed("interrupted")
	}
	// until is the plugin's do_until_success_or_timeout: exponential
	// backoff, at most 12 seconds, with up to a second of jitter.
	until := func(desc string, try func() error) error {
		end := time.Now().Add(time.Duration(timeout) * time.Second)
		for n := 0; time.Now().Before(end); n++ {
			err := try()
			if err == nil {
				return nil
			}
			var unreachable *connection.UnreachableError
			if errors.As(err, &unreachable) {
				h.closeConnections()
			}
			jitter := time.Duration(rand.Intn(1000)) * time.Millisecond
			sleep := time.Duration(1<<min(n, 4))*time.Second + jitter
			if sleep > 12*time.Second {
				sleep = 12*time.Second + jitter
			}
			if !wait(sleep) {
				break
			}
		}
		return fmt.Errorf("Timed out waiting for %s (timeout=%d)", desc, timeout)
	}
	elapsed := func() int { return int(time.Since(start).Seconds()) }
	err = until("last boot time check", func() error {
		now, err := bootID()
		if err != nil {
			return err
		}
		if now == "" || now == before {
			return errors.New("boot time has not changed")
		}
		return nil
	})
	if err == nil {
		testCmd := "whoami"
		if v, ok := args["test_command"]; ok {
			testCmd = template.Str(v)
		}
		err = until("post-reboot test command", func() error {
			res, err := run(testCmd)
			if err != nil {
				return err
			}
			if res.ExitCode != 0 {
				return fmt.Errorf("Test command failed: %s %s", res.Stderr, res.Stdout)
			}
			return nil
		})
	}
	if err != nil {
		return fail(map[string]any{"changed": false, "rebooted": true, "elapsed": elapsed()}, err.Error())
	}
	return &taskResult{status: output.Changed, result: map[string]any{"changed": true, "rebooted": true, "elapsed": elapsed()}}
}
