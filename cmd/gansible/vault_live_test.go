package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/vault"
)

// TestVaultAgainstAnsible checks both ways that what gansible encrypts
// ansible-vault decrypts and the reverse, and that a playbook with a
// gansible encrypt_string value runs the same under both programs.
func TestVaultAgainstAnsible(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to compare with ansible-vault and ansible-playbook")
	}
	refenv.Require(t, "ansible-core")
	dir := t.TempDir()
	chdir(t, dir)
	os.WriteFile("pw", []byte("live-pw\n"), 0o600)
	os.WriteFile("pw2", []byte("second\n"), 0o600)
	plain := "key: value\nlist: [1, 2]\n" + strings.Repeat("long line of text ", 20) + "\n"

	ansible := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command("/usr/bin/ansible-vault", args...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ansible-vault %v: %v\n%s", args, err, out)
		}
		return string(out)
	}

	for _, id := range [][]string{{"--vault-password-file", "pw"}, {"--vault-id", "prod@pw2"}} {
		// gansible encrypts, ansible-vault decrypts.
		os.WriteFile("g.yml", []byte(plain), 0o600)
		if code, _, e := vaultCLI(t, "", append([]string{"encrypt"}, append(id, "g.yml")...)...); code != 0 {
			t.Fatalf("gansible encrypt: %s", e)
		}
		if got := ansible("", append([]string{"view"}, append(id, "g.yml")...)...); got != plain {
			t.Errorf("ansible-vault view of gansible's file (%v) = %q", id, got)
		}
		// ansible-vault encrypts, gansible decrypts.
		os.WriteFile("a.yml", []byte(plain), 0o600)
		ansible("", append([]string{"encrypt"}, append(id, "a.yml")...)...)
		if code, o, e := vaultCLI(t, "", append([]string{"view"}, append(id, "a.yml")...)...); code != 0 || o != plain {
			t.Errorf("gansible view of ansible-vault's file (%v) = %d %q %s", id, code, o, e)
		}
		// And rekeyed by one, read by the other.
		if code, _, e := vaultCLI(t, "", append([]string{"rekey"}, append(id, "--new-vault-password-file", "pw", "a.yml")...)...); code != 0 {
			t.Fatalf("gansible rekey: %s", e)
		}
		if got := ansible("", "view", "--vault-password-file", "pw", "a.yml"); got != plain {
			t.Errorf("ansible-vault view after gansible rekey = %q", got)
		}
	}

	// encrypt_string output inline in a playbook, with a vaulted vars file
	// made by ansible-vault, run by both.
	code, inline, e := vaultCLI(t, "", "encrypt_string", "--vault-password-file", "pw", "--name", "token", "t0k3n {{ not_templated }}")
	if code != 0 {
		t.Fatalf("encrypt_string: %s", e)
	}
	os.WriteFile("vars.yml", []byte("from_file: file-secret\n"), 0o600)
	ansible("", "encrypt", "--vault-password-file", "pw", "vars.yml")
	play := "- hosts: all\n  gather_facts: false\n  vars_files: [vars.yml]\n  vars:\n" + indent(inline, "    ") + "\n  tasks:\n    - debug: var=token\n    - debug: msg=\"{{ token }} {{ from_file }}\"\n"
	os.WriteFile("site.yml", []byte(play), 0o644)
	args := []string{"-i", "localhost,", "-c", "local", "--vault-password-file", "pw", "site.yml"}
	cmd := exec.Command("ansible-playbook", args...)
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1")
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, want)
	}
	t.Setenv("ANSIBLE_NOCOLOR", "1")
	defer vault.SetDefault(nil)
	var got strings.Builder
	if code := run(args, strings.NewReader(""), &got, &got); code != 0 {
		t.Fatalf("gansible: exit %d\n%s", code, got.String())
	}
	if got.String() != string(want) {
		t.Errorf("gansible output:\n%s\nansible-playbook output:\n%s", got.String(), want)
	}
	if !strings.Contains(string(want), "t0k3n {{ not_templated }} file-secret") {
		t.Errorf("the playbook did not show the decrypted values:\n%s", want)
	}
}

func indent(s, pad string) string {
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
