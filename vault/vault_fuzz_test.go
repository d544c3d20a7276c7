package vault

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecrypt: any input is decrypted or refused with an error, never a
// panic; what decrypts re-encrypts to a text that decrypts to the same.
func FuzzDecrypt(f *testing.F) {
	files, _ := filepath.Glob("testdata/enc*")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte("$ANSIBLE_VAULT;1.1;AES256\n"))
	f.Add([]byte("$ANSIBLE_VAULT;1.2;AES256;x\n3132\n"))
	k := &Keyring{Secrets: []Secret{{DefaultID, []byte("pw-one")}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		plain, err := k.Decrypt(data, "f")
		if err != nil {
			return
		}
		enc, err := Encrypt(plain, []byte("pw-one"), "")
		if err != nil {
			t.Fatal(err)
		}
		again, err := k.Decrypt(enc, "")
		if err != nil || string(again) != string(plain) {
			t.Fatalf("round trip of %q: %q, %v", plain, again, err)
		}
	})
}
