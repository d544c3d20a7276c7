package modules

import (
	"context"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/shell"
)

// envConn runs commands on this machine with exactly the given
// environment, as a module process on a host would have it.
type envConn struct{ env map[string]string }

func (e envConn) Run(ctx context.Context, cmd string, stdin io.Reader, b *connection.Become) (connection.Result, error) {
	words := []string{"env", "-i"}
	keys := make([]string, 0, len(e.env))
	for k := range e.env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		words = append(words, k+"="+e.env[k])
	}
	return connection.Local{}.Run(ctx, "exec "+shell.Join(append(words, "/bin/sh", "-c", cmd)...), stdin, b)
}

func (envConn) Close() error { return nil }

// pwHomes replaces the @PWHOME@ marks of expandvars_cases.yaml with this
// machine's home directories.
func pwHomes(t *testing.T, s string) string {
	return regexp.MustCompile(`@PWHOME(:[^@]*)?@`).ReplaceAllStringFunc(s, func(m string) string {
		var u *user.User
		var err error
		if name := m[len("@PWHOME") : len(m)-1]; name != "" {
			u, err = user.Lookup(name[1:])
		} else {
			u, err = user.Current()
		}
		if err != nil {
			t.Fatal(err)
		}
		return u.HomeDir
	})
}

// TestCommandExpandsLikeAnsible runs each argument through the command
// module, as a word of the command and as the removes path, in a known
// environment, and compares with what Python's expandvars and expanduser
// made of it (recorded by testdata/expandvars_gen.py).
func TestCommandExpandsLikeAnsible(t *testing.T) {
	data, err := os.ReadFile("testdata/expandvars_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var table struct {
		Environments map[string]map[string]string `yaml:"environments"`
		Cases        []struct {
			Arg  string `yaml:"arg"`
			Env  string `yaml:"env"`
			Want string `yaml:"want"`
		} `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &table); err != nil {
		t.Fatal(err)
	}
	for _, tc := range table.Cases {
		if tc.Env == "" {
			tc.Env = "standard"
		}
		t.Run(tc.Env+"/"+tc.Arg, func(t *testing.T) {
			env, ok := table.Environments[tc.Env]
			if !ok {
				t.Fatalf("no environment %s", tc.Env)
			}
			want := pwHomes(t, tc.Want)
			c := &Context{Ctx: context.Background(), Conn: envConn{env}, Host: "localhost"}
			r := execModule(t, c, "command", Args{"argv": []any{"printf", "[%s]", tc.Arg}, "strip_empty_ends": false})
			if got := r.Fields["stdout"]; got != "["+want+"]" || r.Failed {
				t.Errorf("argument %q reached the command as %q, want %q (%s)", tc.Arg, got, "["+want+"]", r.Msg)
			}
			if cmd, _ := r.Fields["cmd"].([]string); len(cmd) != 3 || cmd[2] != tc.Arg {
				t.Errorf("cmd = %q, want the argument as written", r.Fields["cmd"])
			}
			if matches, _ := filepath.Glob(want); len(matches) > 0 {
				return
			}
			if _, err := os.Lstat(want); err == nil {
				return
			}
			r = execModule(t, c, "command", Args{"argv": []any{"true"}, "removes": tc.Arg})
			if wantMsg := "Did not run command since '" + want + "' does not exist"; r.Msg != wantMsg {
				t.Errorf("removes: msg = %q, want %q", r.Msg, wantMsg)
			}
		})
	}
}

// TestCommandExpansionNeedsAwk: without awk the host cannot tell which
// variables are set, and the task fails rather than guess.
func TestCommandExpansionNeedsAwk(t *testing.T) {
	c := &Context{Ctx: context.Background(), Conn: envConn{map[string]string{"PATH": t.TempDir(), "HOME": "/h"}}, Host: "localhost"}
	r := execModule(t, c, "command", Args{"argv": []any{"/bin/echo", "$HOME"}})
	if !r.Failed || r.Msg != "cannot expand $HOME on the host: awk, which reads the environment, failed or is missing" {
		t.Errorf("failed=%v msg=%q", r.Failed, r.Msg)
	}
	r = execModule(t, c, "command", Args{"argv": []any{"/bin/echo", "no variables"}})
	if r.Failed || r.Fields["stdout"] != "no variables" {
		t.Errorf("without references: failed=%v stdout=%q msg=%q", r.Failed, r.Fields["stdout"], r.Msg)
	}
}
