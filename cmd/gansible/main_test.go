package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestRunExitCodes runs the command on the projects under testdata and
// checks ansible-playbook 2.14's exit code and the first error line.
func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		args  []string
		stdin string
		env   map[string]string
		code  int
		want  string // a substring of the output
	}{
		{name: "ok", dir: "ok", code: 0, want: `"msg": "hello"`},
		{name: "forks 0", dir: "ok", args: []string{"-f", "0"}, code: 2, want: "The number of processes (--forks) must be >= 1"},
		{name: "extra vars file missing", dir: "ok", args: []string{"-e", "@missing.yml"}, code: 1,
			want: "ERROR! Unable to retrieve file contents\nCould not find or access '"},
		{name: "extra vars bad json", dir: "ok", args: []string{"-e", "{bad json"}, code: 4,
			want: "ERROR! We were unable to read either as JSON nor YAML"},
		{name: "extra vars unbalanced quote", dir: "ok", args: []string{"-e", `a="b`}, code: 4,
			want: "ERROR! failed at splitting arguments, either an unbalanced jinja2 block or quotes"},
		{name: "extra vars list", dir: "ok", args: []string{"-e", "[1,2]"}, code: 5,
			want: "ERROR! Invalid extra vars data supplied. '[1,2]' could not be made into a dictionary"},
		{name: "extra vars bare word", dir: "ok", args: []string{"-e", "justword"}, code: 0, want: `"msg": "hello"`},
		{name: "empty playbook", dir: "empty", code: 4, want: "Empty playbook, nothing to do: /"},
		{name: "two documents", dir: "two_documents", code: 4, want: "site.yml:4:1: We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: Expecting value: line 1 column 1 (char 0)\n\nSyntax Error while loading YAML.\n  but found another document"},
		{name: "import loop", dir: "import_self", code: 250, want: "t.yml:2:3: maximum recursion depth exceeded"},
		{name: "role dependency loop", dir: "role_cycle", code: 1, want: "meta/main.yml:1:16: A recursion loop was detected with the roles specified"},
		{name: "parser error shows the offending lines", dir: "block_register", code: 4,
			want: "site.yml:4:7: 'register' is not a valid attribute for a Block\n\nThe error appears to be in '@DIR@/site.yml': line 4, column 7, but may\nbe elsewhere in the file depending on the exact syntax problem.\n\nThe offending line appears to be:\n\n  tasks:\n    - block:\n      ^ here"},
		{name: "unclosed jinja2", dir: "unclosed_jinja", code: 4, want: "failed at splitting arguments, either an unbalanced jinja2 block or quotes"},
		{name: "become password from a pipe", dir: "ok", args: []string{"-K"}, stdin: "secret\n", code: 0, want: "BECOME password: \n"},
		{name: "broken inventory warns", dir: "broken_inventory", args: []string{"-i", "hosts", "-i", "localhost,"}, code: 0,
			want: "as an inventory source PLAY [all]"},
		{name: "paths expand $VAR and ~", dir: "expand", env: map[string]string{"HOME": "@DIR@", "GANSIBLE_TEST_DIR": "@DIR@"},
			args: []string{"-i", "~/hosts", "-e", "@$GANSIBLE_TEST_DIR/vars.yml", "-l", "h1"}, code: 0, want: `"msg": "from-the-vars-file"`},
		{name: "only a broken inventory", dir: "broken_inventory", args: []string{"-i", "hosts"}, code: 0,
			want: "[WARNING]: No inventory was parsed, only implicit localhost is available"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join("testdata", tt.dir))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.env {
				t.Setenv(k, strings.ReplaceAll(v, "@DIR@", dir))
			}
			chdir(t, dir)
			args := tt.args
			if !contains(args, "-i") {
				args = append([]string{"-i", "localhost,"}, args...)
			}
			args = append(args, "-c", "local", "site.yml")
			var out strings.Builder
			code := run(args, strings.NewReader(tt.stdin), &out, &out)
			// Warnings wrap at 80 columns, so where a line breaks depends on
			// the length of the checkout's path: compare with runs of white
			// space squeezed to one space.
			want := squeezeSpace(strings.ReplaceAll(tt.want, "@DIR@", dir))
			if code != tt.code || !strings.Contains(squeezeSpace(out.String()), want) {
				t.Errorf("exit %d, want %d; output does not contain %q or the code differs:\n%s", code, tt.code, tt.want, out.String())
			}
		})
	}
}

// TestLogPath checks Ansible's log file format: every screen message,
// without colours, after a timestamp, the process id and the user.
func TestLogPath(t *testing.T) {
	log := filepath.Join(t.TempDir(), "ansible.log")
	t.Setenv("ANSIBLE_LOG_PATH", log)
	t.Setenv("ANSIBLE_FORCE_COLOR", "1")
	t.Setenv("USER", "tester")
	t.Setenv("LOGNAME", "")
	chdir(t, filepath.Join("testdata", "ok"))
	var out strings.Builder
	if code := run([]string{"-i", "localhost,", "-c", "local", "site.yml"}, strings.NewReader(""), &out, &out); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "\x1b[") {
		t.Fatalf("the screen has no colour codes, the test cannot tell them from the log:\n%s", out.String())
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} p=%d u=tester n=ansible \| `, os.Getpid())
	want := []string{
		head + `PLAY \[all\] \*+$`,
		head + `TASK \[debug\] \*+$`,
		head + `ok: \[localhost\] => \{$`,
		`^    "msg": "hello"$`,
		`^\}$`,
		head + `PLAY RECAP \*+$`,
		head + `localhost +: ok=1 +changed=0`,
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("log has %d lines, want %d:\n%s", len(lines), len(want), data)
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(lines[i]) {
			t.Errorf("log line %d %q does not match %q", i+1, lines[i], w)
		}
	}
	if strings.Contains(string(data), "\x1b") {
		t.Errorf("log has colour codes:\n%q", data)
	}
}

// TestInterrupt checks that a signal mutes the screen, cancels the run and
// ends it as ansible-playbook does.
func TestInterrupt(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			var out strings.Builder
			scr := &screen{}
			w := scr.writer(&out)
			cancelled := make(chan bool, 1)
			err := runInterruptible(scr, func(ctx context.Context) error {
				syscall.Kill(os.Getpid(), sig)
				<-ctx.Done()
				fmt.Fprintln(w, "fatal: [h1]: FAILED! => context canceled")
				cancelled <- true
				return ctx.Err()
			})
			var intr *interrupted
			if !errors.As(err, &intr) || intr.sig != sig {
				t.Fatalf("error %v, want an interruption by %v", err, sig)
			}
			if !<-cancelled {
				t.Fatal("the run was not cancelled")
			}
			if out.Len() != 0 {
				t.Errorf("the cancelled run printed %q", out.String())
			}
		})
	}
}

// TestPanicIsInternalError checks that a panic while running becomes
// ansible-playbook's unexpected exception, exit 250, without a stack
// below -vvv.
func TestPanicIsInternalError(t *testing.T) {
	for _, verbosity := range []int{0, 3} {
		var out strings.Builder
		code := func() (code int) {
			defer func() {
				if p := recover(); p != nil {
					code = reportPanic(&out, verbosity, p)
				}
			}()
			runInterruptible(&screen{}, func(context.Context) error { panic("boom") })
			return 0
		}()
		if code != 250 || !strings.HasPrefix(out.String(), "ERROR! Unexpected Exception, this is probably a bug: boom\n") {
			t.Errorf("-v x%d: exit %d, output %q", verbosity, code, out.String())
		}
		if hasStack := strings.Contains(out.String(), "goroutine"); hasStack != (verbosity >= 3) {
			t.Errorf("-v x%d: stack shown %v:\n%s", verbosity, hasStack, out.String())
		}
	}
}

func chdir(t *testing.T, dir string) {
	t.Helper()
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(old) })
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The log file receives what the screen shows, so no_log output stays
// hidden there too.
func TestLogPathHidesNoLog(t *testing.T) {
	log := filepath.Join(t.TempDir(), "ansible.log")
	t.Setenv("ANSIBLE_LOG_PATH", log)
	chdir(t, filepath.Join("testdata", "no_log"))
	var out strings.Builder
	if code := run([]string{"-i", "localhost,", "-c", "local", "-vvv", "site.yml"}, strings.NewReader(""), &out, &out); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "censored") || strings.Contains(string(data), "topsecret") {
		t.Errorf("log does not hide the no_log result:\n%s", data)
	}
}

// squeezeSpace replaces every run of white space in s with one space.
func squeezeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
