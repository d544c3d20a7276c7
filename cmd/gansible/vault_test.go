package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
	"github.com/gansible/gansible/yamlvalue"
)

// TestVaultPlaybook runs a playbook whose vars_files, group_vars and an
// inline value were vaulted by ansible-vault; the expected message is
// ansible-playbook 2.14's (decrypted vault values are not templated).
func TestVaultPlaybook(t *testing.T) {
	chdir(t, filepath.Join("testdata", "vault"))
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{name: "password file", args: []string{"--vault-password-file", "vault-pass"}, code: 0,
			want: `"msg": "s3cr3t in {{ \"line\" }} grp db_password: s3cr3t\nlist:\n  - a\n  - b"`},
		{name: "vault id", args: []string{"--vault-id", "dev@vault-pass"}, code: 0, want: `"msg": "s3cr3t in`},
		{name: "environment", env: map[string]string{"ANSIBLE_VAULT_PASSWORD_FILE": "vault-pass"}, code: 0, want: `"msg": "s3cr3t in`},
		{name: "no secret", code: 1, want: "Attempting to decrypt but no vault secrets found\n"},
		{name: "wrong secret", args: []string{"--vault-password-file", "../../../../vault/testdata/wrongpass"}, code: 1,
			want: "Decryption failed (no vault secrets were found that could decrypt) on "},
		{name: "missing password file", args: []string{"--vault-password-file", "nope"}, code: 1,
			want: "ERROR! The vault password file "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			defer vault.SetDefault(nil)
			var out strings.Builder
			args := append([]string{"-i", "localhost,", "-c", "local"}, tt.args...)
			code := run(append(args, "site.yml"), strings.NewReader(""), &out, &out)
			if code != tt.code || !strings.Contains(out.String(), tt.want) {
				t.Errorf("exit %d, want %d; want %q in:\n%s", code, tt.code, tt.want, out.String())
			}
		})
	}
}

// TestVaultTaskErrors checks failures that end a task, not the run, as in
// ansible-playbook 2.14: an inline value with no secret fails only the
// task using it (Ansible decrypts it lazily); include_vars of a vaulted
// file fails its task with include_vars's own result.
func TestVaultTaskErrors(t *testing.T) {
	for _, c := range []struct{ dir, want string }{
		{"vault_lazy", `fatal: [localhost]: FAILED! => {"msg": "Attempting to decrypt but no vault secrets found"}`},
		{"vault_include_vars", `fatal: [localhost]: FAILED! => {"ansible_facts": {}, "ansible_included_var_files": [], "changed": false, "message": "Attempting to decrypt but no vault secrets found"}`},
	} {
		t.Run(c.dir, func(t *testing.T) {
			chdir(t, filepath.Join("testdata", c.dir))
			var out strings.Builder
			code := run([]string{"-i", "localhost,", "-c", "local", "site.yml"}, strings.NewReader(""), &out, &out)
			if code != 2 || !strings.Contains(out.String(), c.want+"\n") {
				t.Errorf("exit %d, want 2 and %q:\n%s", code, c.want, out.String())
			}
		})
	}
}

// TestVaultVarsFilesNoSecret checks ansible-playbook's whole output when a
// vars_files entry cannot be decrypted: the error before any PLAY line, and
// no recap.
func TestVaultVarsFilesNoSecret(t *testing.T) {
	chdir(t, filepath.Join("testdata", "vault_vars_files"))
	var out strings.Builder
	code := run([]string{"-i", "localhost,", "-c", "local", "site.yml"}, strings.NewReader(""), &out, &out)
	if want := "ERROR! Attempting to decrypt but no vault secrets found\n"; code != 1 || out.String() != want {
		t.Errorf("exit %d, output %q; want 1, %q", code, out.String(), want)
	}
}

func vaultCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e strings.Builder
	code = vaultCommand(args, strings.NewReader(stdin), &o, &e)
	return code, o.String(), e.String()
}

func TestVaultCommandRoundTrip(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	os.WriteFile("pw", []byte("pw-one\n"), 0o600)
	os.WriteFile("pw2", []byte("another\n"), 0o600)
	plain := "a: 1\nb: [x, y]\n"
	os.WriteFile("f.yml", []byte(plain), 0o644)

	if code, _, e := vaultCLI(t, "", "encrypt", "--vault-password-file", "pw", "f.yml"); code != 0 {
		t.Fatalf("encrypt: %d %s", code, e)
	}
	enc, _ := os.ReadFile("f.yml")
	if !strings.HasPrefix(string(enc), "$ANSIBLE_VAULT;1.1;AES256\n") {
		t.Fatalf("encrypted file:\n%s", enc)
	}
	if fi, _ := os.Stat("f.yml"); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 as ansible-vault writes", fi.Mode().Perm())
	}
	// A failing command leaves the file as it was.
	if code, _, e := vaultCLI(t, "", "encrypt", "--vault-password-file", "pw", "f.yml"); code != 1 || e != "ERROR! input is already encrypted\n" {
		t.Errorf("encrypt twice: %d %q", code, e)
	}
	if again, _ := os.ReadFile("f.yml"); string(again) != string(enc) {
		t.Errorf("a failed encrypt changed the file")
	}
	if code, o, e := vaultCLI(t, "", "view", "--vault-password-file", "pw", "f.yml"); code != 0 || o != plain {
		t.Errorf("view: %d %q %s", code, o, e)
	}
	if code, _, e := vaultCLI(t, "", "rekey", "--vault-password-file", "pw", "--new-vault-id", "prod@pw2", "f.yml"); code != 0 || e != "Rekey successful\n" {
		t.Errorf("rekey: %d %q", code, e)
	}
	enc, _ = os.ReadFile("f.yml")
	if !strings.HasPrefix(string(enc), "$ANSIBLE_VAULT;1.2;AES256;prod\n") {
		t.Fatalf("rekeyed file:\n%s", enc)
	}
	code, _, e := vaultCLI(t, "", "view", "--vault-password-file", "pw", "f.yml")
	// view names the file as given, as ansible-vault does.
	if want := "ERROR! Decryption failed (no vault secrets were found that could decrypt) on f.yml for f.yml\n"; code != 1 || e != want {
		t.Errorf("view with the old password: %d %q, want %q", code, e, want)
	}
	if code, _, e := vaultCLI(t, "", "decrypt", "--vault-id", "prod@pw2", "--output", "-", "f.yml"); code != 0 {
		t.Errorf("decrypt to stdout: %d %s", code, e)
	}
	if code, _, e := vaultCLI(t, "", "decrypt", "--vault-id", "prod@pw2", "f.yml"); code != 0 {
		t.Errorf("decrypt: %d %s", code, e)
	}
	if got, _ := os.ReadFile("f.yml"); string(got) != plain {
		t.Errorf("decrypted file = %q", got)
	}
	// stdin to stdout.
	code, o, e := vaultCLI(t, "secret text", "encrypt", "--vault-password-file", "pw")
	if code != 0 || !strings.HasPrefix(o, "$ANSIBLE_VAULT;1.1;AES256\n") {
		t.Fatalf("encrypt stdin: %d %q %s", code, o, e)
	}
	if code, o2, _ := vaultCLI(t, o, "decrypt", "--vault-password-file", "pw"); code != 0 || o2 != "secret text" {
		t.Errorf("decrypt stdin = %d %q", code, o2)
	}
}

func TestVaultEncryptString(t *testing.T) {
	chdir(t, t.TempDir())
	os.WriteFile("pw", []byte("pw-one\n"), 0o600)
	cases := []struct {
		name  string
		stdin string
		args  []string
		vars  map[string]string // name -> plaintext, decoded from the YAML output
		err   string
	}{
		{name: "named", args: []string{"--name", "db", "hunter2"}, vars: map[string]string{"db": "hunter2"}},
		{name: "stdin name", stdin: "from stdin\n", args: []string{"--stdin-name", "s"}, vars: map[string]string{"s": "from stdin\n"}},
		{name: "two names", args: []string{"-n", "a", "-n", "b", "x", "y"}, vars: map[string]string{"a": "x", "b": "y"}, err: `# The encrypted version of variable ("b", the string #2 from the command line args).`},
		{name: "empty stdin", args: nil, err: "ERROR! stdin was empty, not encrypting"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, o, e := vaultCLI(t, c.stdin, append([]string{"encrypt_string", "--vault-password-file", "pw"}, c.args...)...)
			if c.err != "" && !strings.Contains(e, c.err) {
				t.Errorf("stderr %q, want %q", e, c.err)
			}
			if c.vars == nil {
				if code != 5 {
					t.Errorf("exit %d, want 5", code)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, e)
			}
			vault.SetDefault(&vault.Keyring{Secrets: []vault.Secret{{ID: vault.DefaultID, Password: []byte("pw-one")}}})
			defer vault.SetDefault(nil)
			node, err := yamlvalue.Parse("out", []byte(o))
			if err != nil {
				t.Fatalf("%v\n%s", err, o)
			}
			v, err := yamlvalue.Decode("out", node)
			if err != nil {
				t.Fatal(err)
			}
			m := v.(*value.Dict).Map()
			for k, want := range c.vars {
				if got := fmtAny(m[k]); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// fmtAny is the text of a decoded value; a vaulted one is template.Unsafe.
func fmtAny(v any) string {
	if u, ok := v.(template.Unsafe); ok {
		v = u.V
	}
	s, _ := v.(string)
	return s
}

func TestVaultCreateEdit(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	os.WriteFile("pw", []byte("pw-one\n"), 0o600)
	// The editor appends a line and records where the plaintext was.
	editor := filepath.Join(dir, "ed.sh")
	os.WriteFile(editor, []byte("#!/bin/sh\necho \"$1\" > "+dir+"/where\necho added >> \"$1\"\n"), 0o700)
	t.Setenv("EDITOR", editor)

	if code, _, e := vaultCLI(t, "", "create", "--vault-id", "dev@pw", "new.yml"); code != 0 {
		t.Fatalf("create: %d %s", code, e)
	}
	if code, o, _ := vaultCLI(t, "", "view", "--vault-password-file", "pw", "new.yml"); code != 0 || o != "added\n" {
		t.Errorf("created = %q", o)
	}
	where, _ := os.ReadFile("where")
	tmp := strings.TrimSpace(string(where))
	if strings.HasPrefix(tmp, dir) {
		t.Errorf("plaintext edited beside the file: %s", tmp)
	}
	if _, err := os.Stat(filepath.Dir(tmp)); !os.IsNotExist(err) {
		t.Errorf("the private edit directory %s was not removed", filepath.Dir(tmp))
	}
	os.Chmod("new.yml", 0o640)
	if code, _, e := vaultCLI(t, "", "edit", "--vault-password-file", "pw", "new.yml"); code != 0 {
		t.Fatalf("edit: %d %s", code, e)
	}
	enc, _ := os.ReadFile("new.yml")
	if !strings.HasPrefix(string(enc), "$ANSIBLE_VAULT;1.2;AES256;dev\n") {
		t.Errorf("edit lost the vault id:\n%s", enc)
	}
	if fi, _ := os.Stat("new.yml"); fi.Mode().Perm() != 0o640 {
		t.Errorf("edit changed the mode to %v", fi.Mode().Perm())
	}
	if code, o, _ := vaultCLI(t, "", "view", "--vault-password-file", "pw", "new.yml"); code != 0 || o != "added\nadded\n" {
		t.Errorf("edited = %q", o)
	}
	if code, _, e := vaultCLI(t, "", "create", "--vault-password-file", "pw", "new.yml"); code != 1 || e != "ERROR! new.yml exists, please use 'edit' instead\n" {
		t.Errorf("create over a file: %d %q", code, e)
	}
}

func TestVaultCommandOptions(t *testing.T) {
	chdir(t, t.TempDir())
	os.WriteFile("pw", []byte("pw\n"), 0o600)
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, "ansible-vault: error: the following arguments are required: action"},
		{[]string{"bogus"}, 2, "argument action: invalid choice: 'bogus'"},
		{[]string{"view", "--vault-id", "a;b@pw", "f"}, 5, "ERROR! 'a;b@pw' is not a valid vault id. The character ';' is not allowed in vault ids"},
		{[]string{"encrypt", "--vault-password-file", "pw", "--output", "o", "f1", "f2"}, 5, "ERROR! At most one input file may be used with the --output option"},
		{[]string{"create", "--vault-password-file", "pw", "a", "b"}, 5, "ERROR! ansible-vault create can take only one filename argument"},
		{[]string{"view", "--vault-password-file", "pw", "--no-such"}, 2, "unknown flag: --no-such"},
		{[]string{"encrypt", "--vault-id", "a@pw", "--vault-id", "b@pw", "--encrypt-vault-id", "c"}, 1, "ERROR! Did not find a match for --encrypt-vault-id=c in the known vault-ids ['a', 'b']"},
	}
	for _, c := range cases {
		code, _, e := vaultCLI(t, "", c.args...)
		if code != c.code || !strings.Contains(e, c.stderr) {
			t.Errorf("ansible-vault %q = %d %q; want %d %q", c.args, code, e, c.code, c.stderr)
		}
	}
}

// TestVaultActionErrors compares the failures of template, copy and the
// file and unvault lookups on a vaulted file with ansible-playbook 2.14's
// (recorded in want-*.txt, @DIR@ standing for the project directory).
func TestVaultActionErrors(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "vault_action_errors"))
	if err != nil {
		t.Fatal(err)
	}
	chdir(t, dir)
	for _, c := range []struct {
		want string
		args []string
	}{
		{"want-no-secret.txt", nil},
		{"want-wrong-secret.txt", []string{"--vault-password-file", "wrongpass"}},
	} {
		t.Run(c.want, func(t *testing.T) {
			defer vault.SetDefault(nil)
			wantData, err := os.ReadFile(c.want)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(string(wantData), "@DIR@", dir)
			var out strings.Builder
			args := append([]string{"-i", "localhost,", "-c", "local"}, c.args...)
			run(append(args, "site.yml"), strings.NewReader(""), &out, &out)
			var got strings.Builder
			for _, l := range strings.SplitAfter(out.String(), "\n") {
				if strings.HasPrefix(l, "fatal: ") {
					got.WriteString(l)
				}
			}
			if got.String() != want {
				t.Errorf("failures:\n%s\nwant:\n%s", got.String(), want)
			}
		})
	}
}
