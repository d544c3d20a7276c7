package modules

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/template"
)

// testContext runs modules on the local machine; controller files come
// from testdata/files, and templates are rendered by replacing
// "{{ name }}" with vars[name].
func testContext(t *testing.T, vars map[string]string) *Context {
	t.Helper()
	return &Context{
		Ctx:  context.Background(),
		Conn: connection.Local{},
		Host: "localhost",
		FindFile: func(kind, name string) (string, error) {
			if filepath.IsAbs(name) {
				return name, nil
			}
			p := filepath.Join("testdata", "files", name)
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("Could not find or access '%s'", name)
			}
			return filepath.Abs(p)
		},
		// A stand-in for the engine: {{ name }} replaced, and the newline
		// sequence applied to the template's own line ends.
		RenderTemplate: func(path string, syn template.Syntax) (string, error) {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", err
			}
			s := string(b)
			for k, v := range vars {
				s = strings.ReplaceAll(s, "{{ "+k+" }}", v)
			}
			s = strings.ReplaceAll(s, "\n", syn.NewlineSequence)
			return s, nil
		},
	}
}

// runModule checks the arguments as the runner does and runs the module.
func runModule(t *testing.T, c *Context, name string, args Args) *Result {
	t.Helper()
	m, ok := Lookup(name)
	if !ok {
		t.Fatalf("module %s not registered", name)
	}
	args, err := Validate(name, m, args)
	if err != nil {
		// The task fails with the validation's message, as in the runner.
		return &Result{Failed: true, Msg: err.Error()}
	}
	res, err := m.Run(c, args)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

// mustSucceed fails the test when the module failed.
func mustSucceed(t *testing.T, res *Result) *Result {
	t.Helper()
	if res.Failed {
		t.Fatalf("module failed: %s %v", res.Msg, res.Fields)
	}
	return res
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in      any
		cur     uint32
		isDir   bool
		want    uint32
		wantErr bool
	}{
		{in: "644", want: 0o644},
		{in: "0644", want: 0o644},
		{in: "0o755", want: 0o755},
		{in: 420, want: 0o644},  // YAML 1.1 `mode: 0644`
		{in: 644, want: 0o1204}, // YAML `mode: 644`: Ansible takes the int as is
		{in: "u=rw,g=r,o=r", cur: 0o777, want: 0o644},
		{in: "u+x", cur: 0o644, want: 0o744},
		{in: "go-w", cur: 0o666, want: 0o644},
		{in: "a+X", cur: 0o644, want: 0o644},
		{in: "a+X", cur: 0o644, isDir: true, want: 0o755},
		{in: "u=rwx,g=u-w,o=", cur: 0o000, want: 0o750},
		{in: "+w", cur: 0o444, want: 0o644}, // umask 022 keeps g and o
		{in: "u+s,o+t", cur: 0o755, want: 0o5755},
		{in: "q=r", wantErr: true},
		{in: "u=rz", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			m, err := parseMode(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseMode(%v) = %+v, want an error", tt.in, m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.resolve(tt.cur, tt.isDir, 0o022)
			if err != nil || got != tt.want {
				t.Errorf("mode %v on %04o = %04o, %v; want %04o", tt.in, tt.cur, got, err, tt.want)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("some\ncontent"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	c := testContext(t, nil)
	p, err := probe(c, []string{"root", "no-such-user-x"}, []string{"root"},
		probeRequest{Path: file, Checksum: "sha1", Content: true},
		probeRequest{Path: filepath.Join(dir, "link")},
		probeRequest{Path: filepath.Join(dir, "link"), Follow: true},
		probeRequest{Path: filepath.Join(dir, "missing")},
	)
	if err != nil {
		t.Fatal(err)
	}
	f := p.Files[0]
	if !f.IsReg() || f.Perm() != 0o640 || f.Size != 12 || string(f.Content) != "some\ncontent" {
		t.Errorf("file: %+v", f)
	}
	if f.Checksum != sha1Hex([]byte("some\ncontent")) {
		t.Errorf("checksum %q", f.Checksum)
	}
	if l := p.Files[1]; !l.IsLink() || l.LinkTarget != "f" || l.RealPath != file {
		t.Errorf("link: %+v", l)
	}
	if l := p.Files[2]; !l.IsReg() || l.LinkTarget != "f" {
		t.Errorf("followed link: %+v", l)
	}
	if p.Files[3].Exists {
		t.Errorf("missing file exists: %+v", p.Files[3])
	}
	if p.Users["root"] != 0 || p.Users["no-such-user-x"] != -1 || p.Groups["root"] != 0 {
		t.Errorf("lookups: users %v groups %v", p.Users, p.Groups)
	}
	if _, err := p.uid("no-such-user-x"); err == nil || err.Error() != "chown failed: failed to look up user no-such-user-x" {
		t.Errorf("uid of unknown user: %v", err)
	}
}

func TestOwnershipStep(t *testing.T) {
	existing := &remoteFile{Exists: true, UID: 5, GID: 6}
	for _, tc := range []struct {
		owner, group string
		old          *remoteFile
		want         string
	}{
		{old: &remoteFile{}, want: ""},
		{owner: "root", old: &remoteFile{}, want: `chown -h -- root "$t"`},
		{owner: "root", group: "wheel", old: &remoteFile{}, want: `chown -h -- root:wheel "$t"`},
		{group: "wheel", old: &remoteFile{}, want: `chown -h -- :wheel "$t"`},
		{old: existing, want: `{ chown -h -- 5:6 "$t" 2>/dev/null || { :; }; }`},
		{owner: "root", old: existing, want: `{ chown -h -- root:6 "$t" 2>/dev/null || { chown -h -- root "$t"; }; }`},
		{group: "it's", old: existing, want: `{ chown -h -- '5:it'\''s' "$t" 2>/dev/null || { chgrp -h -- 'it'\''s' "$t"; }; }`},
		{owner: "a", group: "b", old: existing, want: `chown -h -- a:b "$t"`},
	} {
		if got := ownershipStep(tc.owner, tc.group, tc.old); got != tc.want {
			t.Errorf("ownershipStep(%q, %q, exists=%v) = %s, want %s", tc.owner, tc.group, tc.old.Exists, got, tc.want)
		}
	}
}
