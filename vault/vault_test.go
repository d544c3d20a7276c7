package vault

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func password(t *testing.T, name string) []byte {
	return bytes.TrimSpace(readTestdata(t, name))
}

// The vectors were made by ansible-vault 2.14 (see testdata/README).
func TestDecryptAnsibleVectors(t *testing.T) {
	cases := []struct {
		enc, pass, id, plain string
		wantID               string
	}{
		{"enc11.yml", "pass1", "", "plain1.yml", DefaultID},
		{"enc12.txt", "pass2", "prod", "plain300.txt", "prod"},
		{"enc16.txt", "pass1", "", "plain16.txt", DefaultID},
		{"encempty.txt", "pass1", "", "empty.txt", DefaultID},
		// The 1.2 label is a hint only: a secret under another label works.
		{"enc12.txt", "pass2", "other", "plain300.txt", "other"},
	}
	for _, c := range cases {
		t.Run(c.enc+"/"+c.id, func(t *testing.T) {
			id := c.id
			if id == "" {
				id = DefaultID
			}
			k := &Keyring{Secrets: []Secret{{ID: "wrong", Password: []byte("nope")}, {ID: id, Password: password(t, c.pass)}}}
			got, usedID, err := k.DecryptWithID(readTestdata(t, c.enc), c.enc)
			if err != nil {
				t.Fatal(err)
			}
			if want := readTestdata(t, c.plain); !bytes.Equal(got, want) {
				t.Errorf("plaintext = %q, want %q", got, want)
			}
			if usedID != c.wantID {
				t.Errorf("secret used = %q, want %q", usedID, c.wantID)
			}
		})
	}
}

func TestDecryptErrors(t *testing.T) {
	enc := readTestdata(t, "enc11.yml")
	tampered := tamper(t, enc)
	cases := []struct {
		name string
		k    *Keyring
		data []byte
		want string
	}{
		{"no secrets", &Keyring{}, enc, "Attempting to decrypt but no vault secrets found"},
		{"nil keyring", nil, enc, "Attempting to decrypt but no vault secrets found"},
		{"wrong password", &Keyring{Secrets: []Secret{{DefaultID, []byte("bad")}}}, enc, "Decryption failed (no vault secrets were found that could decrypt) on f.yml"},
		{"tampered", &Keyring{Secrets: []Secret{{DefaultID, password(t, "pass1")}}}, tampered, "Decryption failed (no vault secrets were found that could decrypt) on f.yml"},
		{"not vaulted", &Keyring{Secrets: []Secret{{DefaultID, []byte("x")}}}, []byte("a: 1\n"), "input is not vault encrypted data. f.yml is not a vault encrypted file"},
		{"bad hex", &Keyring{Secrets: []Secret{{DefaultID, []byte("x")}}}, []byte("$ANSIBLE_VAULT;1.1;AES256\nzz\n"), "There was a vault format error in f.yml: Vault format unhexlify error: Non-hexadecimal digit found"},
		{"short header", &Keyring{Secrets: []Secret{{DefaultID, []byte("x")}}}, []byte("$ANSIBLE_VAULT;1.1\n00\n"), "Vault envelope format error in f.yml: list index out of range"},
		{"cipher", &Keyring{Secrets: []Secret{{DefaultID, []byte("x")}}}, []byte("$ANSIBLE_VAULT;1.1;AES128\n00\n"), "AES128 cipher could not be found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.k.Decrypt(c.data, "f.yml")
			if err == nil || err.Error() != c.want {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// tamper flips one bit of the ciphertext, keeping the format valid.
func tamper(t *testing.T, enc []byte) []byte {
	env, err := ParseEnvelope(enc, "")
	if err != nil {
		t.Fatal(err)
	}
	salt, mac, ct, err := parseBody(env.Body)
	if err != nil {
		t.Fatal(err)
	}
	ct[0] ^= 1
	inner := hex.EncodeToString(salt) + "\n" + string(mac) + "\n" + hex.EncodeToString(ct)
	return FormatEnvelope([]byte(hex.EncodeToString([]byte(inner))), "")
}

func TestHMACFailureIsDistinct(t *testing.T) {
	enc := readTestdata(t, "enc11.yml")
	env, err := ParseEnvelope(enc, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decryptBody(env.Body, []byte("bad")); err != errHMAC {
		t.Fatalf("err = %v, want %v", err, errHMAC)
	}
}

func TestEncryptRoundTripAndFormat(t *testing.T) {
	salt := bytes.Repeat([]byte{7}, 32)
	for _, c := range []struct {
		id, header string
		plain      string
	}{
		{"", "$ANSIBLE_VAULT;1.1;AES256", "hello"},
		{DefaultID, "$ANSIBLE_VAULT;1.1;AES256", ""},
		{"prod", "$ANSIBLE_VAULT;1.2;AES256;prod", strings.Repeat("x", 200)},
	} {
		out, err := EncryptWithSalt([]byte(c.plain), []byte("pw"), c.id, salt)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(out), "\n")
		if lines[0] != c.header {
			t.Errorf("header = %q, want %q", lines[0], c.header)
		}
		if lines[len(lines)-1] != "" {
			t.Errorf("no final newline: %q", out)
		}
		for _, l := range lines[1 : len(lines)-2] {
			if len(l) != 80 {
				t.Errorf("body line of %d columns, want 80: %q", len(l), l)
			}
		}
		k := &Keyring{Secrets: []Secret{{DefaultID, []byte("pw")}}}
		got, err := k.Decrypt(out, "")
		if err != nil || string(got) != c.plain {
			t.Errorf("round trip = %q, %v; want %q", got, err, c.plain)
		}
	}
}

// Re-encrypting an Ansible vector with its own salt gives Ansible's bytes:
// the format is reproduced exactly, not only readable.
func TestEncryptMatchesAnsibleBytes(t *testing.T) {
	for _, c := range []struct{ enc, pass, plain, id string }{
		{"enc11.yml", "pass1", "plain1.yml", ""},
		{"enc12.txt", "pass2", "plain300.txt", "prod"},
		{"encempty.txt", "pass1", "empty.txt", ""},
	} {
		enc := readTestdata(t, c.enc)
		env, err := ParseEnvelope(enc, "")
		if err != nil {
			t.Fatal(err)
		}
		salt, _, _, err := parseBody(env.Body)
		if err != nil {
			t.Fatal(err)
		}
		out, err := EncryptWithSalt(readTestdata(t, c.plain), password(t, c.pass), c.id, salt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, enc) {
			t.Errorf("%s: encrypt =\n%s\nwant\n%s", c.enc, out, enc)
		}
	}
}

func TestPadding(t *testing.T) {
	for n := 0; n <= 33; n++ {
		p := pkcs7Pad(bytes.Repeat([]byte("a"), n))
		if len(p)%16 != 0 || len(p) <= n || len(p) > n+16 {
			t.Fatalf("pad(%d) = %d bytes", n, len(p))
		}
		u, err := pkcs7Unpad(p)
		if err != nil || len(u) != n {
			t.Fatalf("unpad(pad(%d)) = %d, %v", n, len(u), err)
		}
	}
	for _, bad := range [][]byte{nil, {1}, append(bytes.Repeat([]byte{0}, 15), 0), append(bytes.Repeat([]byte{3}, 14), 2, 3), append(bytes.Repeat([]byte{1}, 15), 17)} {
		if _, err := pkcs7Unpad(bad); err == nil {
			t.Errorf("unpad(%v) accepted", bad)
		}
	}
}

func TestSplitLines(t *testing.T) {
	got := splitLines([]byte("h\r\na\rb\nc\n"))
	want := []string{"h", "a", "b", "c"}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Fatalf("got %q", got)
		}
	}
}

// A vaulted file read for 500 hosts costs one key derivation and one
// decryption.
func TestReadFileDecryptsOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "all.yml")
	enc, err := Encrypt([]byte("x: 1\n"), []byte("cache-pw"), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, enc, 0o600); err != nil {
		t.Fatal(err)
	}
	SetDefault(&Keyring{Secrets: []Secret{{DefaultID, []byte("cache-pw")}}})
	defer SetDefault(nil)
	before := KeyDerivations()
	for i := 0; i < 500; i++ {
		got, err := ReadFile(path)
		if err != nil || string(got) != "x: 1\n" {
			t.Fatalf("ReadFile = %q, %v", got, err)
		}
	}
	if n := KeyDerivations() - before; n > 1 {
		t.Errorf("%d key derivations for one file read 500 times, want at most 1", n)
	}
}

func TestReadFileNoSecret(t *testing.T) {
	SetDefault(nil)
	_, err := ReadFile("testdata/enc11.yml")
	if err == nil || err.Error() != "Attempting to decrypt but no vault secrets found" {
		t.Fatalf("err = %v", err)
	}
	plain, err := ReadFile("testdata/plain1.yml")
	if err != nil || !bytes.Equal(plain, readTestdata(t, "plain1.yml")) {
		t.Fatalf("plain file = %q, %v", plain, err)
	}
}

func TestEncryptSecret(t *testing.T) {
	k := &Keyring{Secrets: []Secret{{"a", []byte("1")}, {"b", []byte("2")}}}
	if s, _ := k.EncryptSecret(""); s.ID != "a" {
		t.Errorf("first = %q", s.ID)
	}
	if s, _ := k.EncryptSecret("b"); s.ID != "b" {
		t.Errorf("b = %q", s.ID)
	}
	if _, err := k.EncryptSecret("c"); err == nil || err.Error() != "Did not find a match for --encrypt-vault-id=c in the known vault-ids ['a', 'b']" {
		t.Errorf("err = %v", err)
	}
}
