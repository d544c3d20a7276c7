package vault

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadPasswordFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, want, err string
		path            string
	}{
		{name: "file stripped", path: write("f", "  pw with space \n\n", 0o600), want: "pw with space"},
		{name: "script stdout", path: write("s.sh", "#!/bin/sh\necho ' from script'\n", 0o700), want: " from script"},
		{name: "script fails", path: write("bad.sh", "#!/bin/sh\nexit 3\n", 0o700), err: "returned non-zero (3)"},
		{name: "empty file", path: write("e", "\n", 0o600), err: "Invalid vault password was provided from file"},
		{name: "missing", path: filepath.Join(dir, "nope"), err: "The vault password file " + filepath.Join(dir, "nope") + " was not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadPasswordFile(c.path)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || string(got) != c.want {
				t.Fatalf("= %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestClientScript(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "pass-client.sh")
	// The script prints the label it was asked for, and has none for "x".
	os.WriteFile(script, []byte("#!/bin/sh\n[ \"$2\" = x ] && { echo 'no x' >&2; exit 2; }\necho \"pw-for-$2\"\n"), 0o700)
	k, err := (&Sources{IDs: []string{"prod@" + script}, PasswordFiles: []string{script}}).Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(k.Secrets[0].Password) + " " + string(k.Secrets[1].Password); got != "pw-for-prod pw-for-default" {
		t.Errorf("passwords = %q", got)
	}
	_, err = (&Sources{IDs: []string{"x@" + script}}).Load()
	if want := "Vault password client script " + script + " did not find a secret for vault-id=x: b'no x\\n'"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestSourcesLoad(t *testing.T) {
	var prompts, warnings []string
	src := &Sources{
		IDs:           []string{"dev@testdata/pass1", "testdata/pass2", "prod@prompt", "gone@testdata/missing"},
		PasswordFiles: []string{"testdata/wrongpass"},
		AskVaultPass:  true,
		Prompt: func(p string) (string, error) {
			prompts = append(prompts, p)
			return "typed", nil
		},
		Warn: func(m string) { warnings = append(warnings, m) },
	}
	k, err := src.Load()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range k.Secrets {
		got = append(got, s.ID+"="+string(s.Password))
	}
	want := "dev=pw-one default=second secret prod=typed default=not the password default=typed"
	if strings.Join(got, " ") != want {
		t.Errorf("secrets = %q, want %q", strings.Join(got, " "), want)
	}
	if strings.Join(prompts, "|") != "Vault password (prod): |Vault password: " {
		t.Errorf("prompts = %q", prompts)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "Error getting vault password file (gone)") {
		t.Errorf("warnings = %q", warnings)
	}

	// When no source works, the last error is the run's error.
	_, err = (&Sources{PasswordFiles: []string{"testdata/missing"}}).Load()
	var ve *Error
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "was not found") {
		t.Errorf("err = %v", err)
	}
}
