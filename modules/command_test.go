package modules

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/connection"
)

// moduleCase is one entry of a testdata/*_cases.yaml file.
type moduleCase struct {
	Name   string         `yaml:"name"`
	Module string         `yaml:"module"`
	Check  bool           `yaml:"check"`
	Args   map[string]any `yaml:"args"`
	Want   map[string]any `yaml:"want"`
}

func loadModuleCases(t *testing.T, file string) []moduleCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var cases []moduleCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return cases
}

// substitute replaces placeholders in every string of a YAML value.
func substitute(v any, r *strings.Replacer) any {
	switch x := v.(type) {
	case string:
		return r.Replace(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = substitute(e, r)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = substitute(e, r)
		}
		return out
	}
	return v
}

// localContext is a module context on this machine.
func localContext(check bool) *Context {
	return &Context{Ctx: context.Background(), Conn: connection.Local{}, Host: "localhost", CheckMode: check}
}

// execModule checks the arguments and runs a registered module.
func execModule(t *testing.T, c *Context, name string, args Args) *Result {
	t.Helper()
	m, ok := Lookup(name)
	if !ok {
		t.Fatalf("module %s not registered", name)
	}
	c.TaskArgs = args
	args, err := Validate(name, m, args)
	if err != nil {
		// The task fails with the validation's message, as in the runner.
		return &Result{Failed: true, Msg: err.Error()}
	}
	r, err := m.Run(c, args)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// resultValues flattens a result the way it is registered.
func resultValues(r *Result) map[string]any {
	v := map[string]any{}
	for k, x := range r.Fields {
		v[k] = x
	}
	v["changed"], v["failed"], v["skipped"], v["msg"] = r.Changed, r.Failed, r.Skipped, r.Msg
	return v
}

// checkWant compares the wanted values with the result's, as JSON.
func checkWant(t *testing.T, r *Result, want map[string]any) {
	t.Helper()
	got := resultValues(r)
	for k, w := range want {
		gj, _ := json.Marshal(got[k])
		wj, _ := json.Marshal(w)
		if string(gj) != string(wj) {
			t.Errorf("%s = %s, want %s", k, gj, wj)
		}
	}
}

func TestCommandShellRawPing(t *testing.T) {
	home, _ := os.UserHomeDir()
	for _, tc := range loadModuleCases(t, "command_cases.yaml") {
		t.Run(tc.Name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "exists"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			rep := strings.NewReplacer("@TMP@", dir, "@HOME@", home)
			args := Args(substitute(tc.Args, rep).(map[string]any))
			r := execModule(t, localContext(tc.Check), tc.Module, args)
			checkWant(t, r, substitute(tc.Want, rep).(map[string]any))
			if tc.Check {
				if _, err := os.Stat(filepath.Join(dir, "touched")); err == nil {
					t.Error("check mode changed the host")
				}
			}
		})
	}
}

func TestCommandTimes(t *testing.T) {
	r := execModule(t, localContext(false), "command", Args{"_raw_params": "sleep 0.2"})
	start, err1 := time.Parse("2006-01-02 15:04:05.000000", r.Fields["start"].(string))
	end, err2 := time.Parse("2006-01-02 15:04:05.000000", r.Fields["end"].(string))
	if err1 != nil || err2 != nil {
		t.Fatalf("start %q end %q: %v %v", r.Fields["start"], r.Fields["end"], err1, err2)
	}
	if d := end.Sub(start); d < 200*time.Millisecond || d > 5*time.Second {
		t.Errorf("end-start = %v", d)
	}
	if delta, want := r.Fields["delta"].(string), pyTimedelta(end.Sub(start)); delta != want {
		t.Errorf("delta = %q, want %q (end - start)", delta, want)
	}
}

func TestCommandRefusesUnknownParams(t *testing.T) {
	// command and shell are both run by Ansible as ansible.legacy.command.
	for name, shown := range map[string]string{"command": "ansible.legacy.command", "shell": "ansible.legacy.command",
		"ansible.builtin.shell": "ansible.legacy.command", "raw": "raw", "ping": "ping", "ansible.builtin.ping": "ansible.builtin.ping"} {
		m, _ := Lookup(name)
		_, err := Validate(name, m, Args{"_raw_params": "true", "warn": false})
		if err == nil || !strings.Contains(err.Error(), "Unsupported parameters for ("+shown+") module: warn.") {
			t.Errorf("%s: warn accepted: %v", name, err)
		}
	}
}

func TestPyTimedelta(t *testing.T) {
	tests := map[time.Duration]string{
		3456 * time.Microsecond:             "0:00:00.003456",
		2 * time.Second:                     "0:00:02",
		(25*3600 + 61) * time.Second:        "1 day, 1:01:01",
		-1500 * time.Millisecond:            "-1 day, 23:59:58.500000",
		3*24*time.Hour + 1*time.Microsecond: "3 days, 0:00:00.000001",
	}
	for d, want := range tests {
		if got := pyTimedelta(d); got != want {
			t.Errorf("pyTimedelta(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSplitLines(t *testing.T) {
	got, _ := json.Marshal(splitLines("a\nb\r\nc\rd\n\ne"))
	if want := `["a","b","c","d","","e"]`; string(got) != want {
		t.Errorf("splitLines = %s, want %s", got, want)
	}
	if got := splitLines("a\n"); len(got) != 1 {
		t.Errorf("splitLines(a\\n) = %q", got)
	}
}

func TestCommandCleanArgs(t *testing.T) {
	tests := []struct {
		spec commandSpec
		want string
	}{
		{commandSpec{argv: []string{"prog", "--flag"}}, "prog --flag"},
		{commandSpec{argv: []string{"prog", "a b", "it's", ""}}, `prog 'a b' 'it'"'"'s' ''`},
		{commandSpec{argv: []string{"login", "--password=s3cret", "-pass", "hidden", "next"}}, "login '--password=********' -pass '********' next"},
		{commandSpec{useShell: true, raw: "echo hi"}, "/bin/sh -c 'echo hi'"},
		{commandSpec{useShell: true, executable: "/bin/bash", raw: "a=1"}, "/bin/bash -c a=1"},
	}
	for _, tt := range tests {
		if got := tt.spec.cleanArgs(); got != tt.want {
			t.Errorf("cleanArgs(%+v) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}
