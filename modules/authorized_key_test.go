package modules

import (
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testKey1 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC1 one@host"
	testKey2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI2 two@host"
)

// TestAuthorizedKey runs the module on this machine for the current user,
// with the key file under a temporary directory; the expected files are
// what ansible.posix.authorized_key wrote for the same tasks on the test
// cluster.
func TestAuthorizedKey(t *testing.T) {
	t.Parallel()
	me, err := user.Current()
	if err != nil {
		t.Skip(err)
	}
	tests := []struct {
		name    string
		before  string // "" for no file
		args    Args
		after   string
		changed bool
	}{
		{"new file", "", Args{"key": testKey1}, testKey1 + "\n", true},
		{"present already", testKey1 + "\n", Args{"key": testKey1}, testKey1 + "\n", false},
		{"added after the others, comments kept", "# mine\n\n" + testKey1 + "\n", Args{"key": testKey2},
			"# mine\n\n" + testKey1 + "\n" + testKey2 + "\n", true},
		{"options and comment replace the old line", testKey1 + "\n" + testKey2 + "\n",
			Args{"key": testKey2, "key_options": `no-pty,from="a,b"`, "comment": "hello"},
			testKey1 + "\n" + `no-pty,from="a,b" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI2 hello` + "\n", true},
		{"options in another order are the same", `from="x",no-pty ` + testKey1 + "\n",
			Args{"key": testKey1, "key_options": `no-pty,from="x"`}, `from="x",no-pty ` + testKey1 + "\n", false},
		{"exclusive keeps the given keys", "# c\n" + testKey2 + "\nssh-rsa OLD old\n",
			Args{"key": testKey1 + "\n" + testKey2, "exclusive": true}, testKey2 + "\n" + testKey1 + "\n", true},
		{"absent", testKey1 + "\n" + testKey2 + "\n", Args{"key": testKey1, "state": "absent"}, testKey2 + "\n", true},
		{"absent already", testKey2 + "\n", Args{"key": testKey1, "state": "absent"}, testKey2 + "\n", false},
		{"a missing last newline is added", testKey1, Args{"key": testKey2}, testKey1 + "\n" + testKey2 + "\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			keys := filepath.Join(dir, "ssh", "keys")
			if tt.before != "" {
				write(t, keys, tt.before, 0o644)
			}
			args := Args{"user": me.Username, "path": keys}
			for k, v := range tt.args {
				args[k] = v
			}
			check := testContext(t, nil)
			check.CheckMode = true
			if res := mustSucceed(t, runModule(t, check, "authorized_key", args)); res.Changed != tt.changed {
				t.Errorf("check mode: changed = %v, want %v", res.Changed, tt.changed)
			}
			res := mustSucceed(t, runModule(t, testContext(t, nil), "authorized_key", args))
			if res.Changed != tt.changed {
				t.Errorf("changed = %v, want %v", res.Changed, tt.changed)
			}
			b, _ := os.ReadFile(keys)
			if string(b) != tt.after {
				t.Errorf("file\n%s\nwant\n%s", b, tt.after)
			}
			if res.Fields["keyfile"] != keys || res.Fields["path"] != keys || res.Fields["user"] != me.Username {
				t.Errorf("fields %v", res.Fields)
			}
			if tt.changed {
				for p, want := range map[string]os.FileMode{keys: 0o600, filepath.Dir(keys): 0o700} {
					if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
						t.Errorf("%s: %v %v, want mode %v", p, fi.Mode(), err, want)
					}
				}
				if res.Fields["mode"] != "0600" || res.Fields["state"] != "file" {
					t.Errorf("path info %v", res.Fields)
				}
			}
			if again := mustSucceed(t, runModule(t, testContext(t, nil), "authorized_key", args)); again.Changed {
				t.Errorf("second run changed")
			}
		})
	}
}

func TestAuthorizedKeyFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args Args
		msg  string
	}{
		{Args{"user": "root", "key": "garbage", "path": "/nonexistent/k"}, "invalid key specified: garbage"},
		{Args{"user": "root", "key": "https://example.com/keys", "path": "/nonexistent/k"}, "key is a URL (https://example.com/keys): fetching keys from a URL is not supported by gansible"},
		{Args{"user": "no-such-user-here", "key": testKey1}, `Failed to lookup user no-such-user-here: "getpwnam(): name not found: 'no-such-user-here'"`},
	}
	for _, tt := range tests {
		res := runModule(t, testContext(t, nil), "authorized_key", tt.args)
		if !res.Failed || res.Msg != tt.msg {
			t.Errorf("%v: %+v, want failure %q", tt.args, res, tt.msg)
		}
	}
}

func TestParseKeyOptions(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`no-pty`:                      `no-pty`,
		`no-pty,from="a,b",command=x`: `no-pty,from="a,b",command=x`,
		`,a`:                          `a`,
		`a,,b`:                        `a,,,,b`,
		``:                            ``,
	} {
		if got := parseKeyOptions(in).String(); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	if !strings.Contains(parseKeyOptions(`from="a"`).String(), `"a"`) {
		t.Error("quotes lost")
	}
}
