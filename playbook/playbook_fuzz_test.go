package playbook

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gansible/gansible/yamlvalue"
)

// fuzzActions are the modules the fuzzed playbooks may use.
var fuzzActions = map[string]bool{
	"debug": true, "command": true, "shell": true, "copy": true, "template": true, "set_fact": true,
	"include_tasks": true, "import_tasks": true, "include_role": true, "import_role": true, "meta": true,
	"assert": true, "fail": true, "service": true, "yum": true, "file": true, "lineinfile": true,
}

// FuzzLoadPlaybook loads arbitrary YAML as a playbook. Properties: a
// failure names a file it was reading, and a positioned error points at a
// line of the playbook (or of a file it includes, all inside the fuzz
// directory); every loaded task has a position.
func FuzzLoadPlaybook(f *testing.F) {
	f.Add([]byte("- hosts: all\n  tasks:\n    - name: t\n      debug: msg=hi\n      when: x\n    - block:\n        - command: echo {{ x }}\n      rescue:\n        - fail:\n"))
	dir := f.TempDir()
	path := filepath.Join(dir, "play.yml")
	l := &Loader{IsAction: func(n string) bool { return fuzzActions[n] }}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Includes may name any file; keep the loader off devices and
		// kernel files, which never end.
		for _, p := range []string{"/dev", "/proc", "/sys", "/run"} {
			if strings.Contains(string(data), p) {
				t.Skip("names a device or kernel file")
			}
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// libyaml places an error at the end of the stream one line past the last, as PyYAML reports it.
		lines := yamlLines(data) + 1
		pb, err := l.LoadPlaybook(path)
		if err != nil {
			checkLoadError(t, err, dir, path, lines)
			return
		}
		for _, p := range pb.Plays {
			for _, list := range [][]*Task{p.PreTasks, p.Roles, p.Tasks, p.PostTasks, p.Handlers} {
				checkTaskPositions(t, list)
			}
		}
	})
}

// yamlLines counts the lines of data as YAML does: \r\n, \r, \n, NEL,
// LS and PS each end one.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, br := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		n += strings.Count(s, br)
	}
	return n
}

func checkLoadError(t *testing.T, err error, dir, path string, lines int) {
	t.Helper()
	msg := err.Error()
	if !strings.Contains(msg, dir) && !strings.Contains(msg, "could not be found") && !strings.Contains(msg, "was not found") {
		t.Fatalf("error %q names no file of %s", msg, dir)
	}
	var pe *yamlvalue.Error
	if errors.As(err, &pe) && pe.Pos.File == path && (pe.Pos.Line < 0 || pe.Pos.Line > lines) {
		t.Fatalf("error %q: line %d outside 1..%d", msg, pe.Pos.Line, lines)
	}
	if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "runtime error") {
		t.Fatalf("error %q reads like a crash", msg)
	}
}

func checkTaskPositions(t *testing.T, tasks []*Task) {
	t.Helper()
	for _, task := range tasks {
		if !task.Synthetic && (task.Pos.File == "" || task.Pos.Line < 1) {
			t.Fatalf("task %q (%s) has no position: %v", task.Name, task.Action, task.Pos)
		}
		for _, sub := range [][]*Task{task.Block, task.Rescue, task.Always} {
			checkTaskPositions(t, sub)
		}
	}
}

// FuzzParseKV splits arbitrary k=v strings. Properties: an error says what
// is unbalanced; keys are plain words or templated; a free-form module keeps its
// command, which holds no recognised k=v word.
func FuzzParseKV(f *testing.F) {
	for _, s := range []string{"src={{mesos_rpm}} dest=/tmp", `msg="hello world"`, "echo a=b chdir=/tmp creates=/x", `content="a\nb\tc" dest=/x`, `msg='it is {{ a | join(" ") }}'`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, module := range []string{"debug", "shell"} {
			args, err := ParseKV(s, module)
			if err != nil {
				if !strings.Contains(err.Error(), "unbalanced") {
					t.Fatalf("ParseKV(%q, %s): error %q does not say what is unbalanced", s, module, err)
				}
				continue
			}
			for k := range args {
				// An escaped = may stand in a key, as in ansible, and a
				// templated key ("{{ k }}=v") is a key.
				if k == "" || !strings.Contains(k, "{{") && strings.ContainsAny(k, " \t\n\r'\"{}") {
					t.Fatalf("ParseKV(%q, %s): key %q", s, module, k)
				}
			}
			raw, ok := args["_raw_params"].(string)
			if _, has := args["_raw_params"]; has && (!ok || raw == "") {
				t.Fatalf("ParseKV(%q, %s): _raw_params %#v", s, module, args["_raw_params"])
			}
		}
	})
}

var kvKey = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// FuzzKVRoundTrip writes two arguments as k='v' and k="v", with the
// backslash escapes Ansible decodes, and checks that ParseKV reads them
// back as they were.
func FuzzKVRoundTrip(f *testing.F) {
	f.Add("msg", "it's a \"test\"\n\\x41", "dest", "/tmp/a b")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		if !kvKey.MatchString(k1) || !kvKey.MatchString(k2) || k1 == k2 {
			return
		}
		for _, v := range []string{v1, v2} {
			// A value ending in a backslash escapes its closing quote:
			// ansible's split_args finds the quote unbalanced, so k=v
			// cannot write it.
			if strings.HasSuffix(v, `\`) {
				return
			}
			// Jinja2 delimiters in a value are Jinja2, not text.
			for _, d := range []string{"{{", "{%", "{#", "}}", "%}", "#}"} {
				if strings.Contains(v, d) {
					return
				}
			}
		}
		single := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v1)
		double := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v2)
		s := k1 + "='" + single + "' " + k2 + `="` + double + `"`
		args, err := ParseKV(s, "debug")
		if err != nil {
			t.Fatalf("ParseKV(%q): %v", s, err)
		}
		if len(args) != 2 || args[k1] != v1 || args[k2] != v2 {
			t.Fatalf("ParseKV(%q) = %q, want %s=%q %s=%q", s, args, k1, v1, k2, v2)
		}
	})
}
