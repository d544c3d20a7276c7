package template

import (
	"fmt"

	"github.com/gansible/gansible/vault"
)

// Ansible's vault and unvault filters (plugins/filter/encryption.py):
// a string encrypted with, or decrypted by, the secret given, not the
// run's vault secrets.
func init() {
	filters["vault"] = filterVault
	filters["unvault"] = filterUnvault
}

// secretArg is the secret argument, which must be a string.
func secretArg(a args, required string) ([]byte, error) {
	s, ok := a.at(0).(string)
	if !ok {
		return nil, fmt.Errorf("Secret passed is required to %s string, instead we got: <class '%s'>", required, pyType(a.at(0)))
	}
	return []byte(s), nil
}

// filterVault is vault(secret, salt=None, vaultid='filter_default',
// wrap_object=False).
func filterVault(_ *evaluator, in any, a args) (any, error) {
	secret, err := secretArg(a, "be a")
	if err != nil {
		return nil, err
	}
	data, ok := in.(string)
	if !ok {
		return nil, fmt.Errorf("Can only vault strings, instead we got: <class '%s'>", pyType(in))
	}
	id, _ := a.str(2, "vaultid", "filter_default")
	var out []byte
	if salt, ok := a.get(1, "salt"); ok && salt != nil {
		out, err = vault.EncryptWithSalt([]byte(data), secret, id, []byte(str(salt)))
	} else {
		out, err = vault.Encrypt([]byte(data), secret, id)
	}
	if err != nil {
		return nil, fmt.Errorf("Unable to encrypt: %v", err)
	}
	return string(out), nil
}

// filterUnvault is unvault(secret, vaultid='filter_default'): the
// plaintext of a vaulted string; any other string is returned as it is.
func filterUnvault(_ *evaluator, in any, a args) (any, error) {
	secret, err := secretArg(a, "be as")
	if err != nil {
		return nil, err
	}
	text, ok := in.(string)
	if !ok {
		return nil, fmt.Errorf("Vault should be in the form of a string, instead we got: <class '%s'>", pyType(in))
	}
	if !vault.IsEncrypted([]byte(text)) {
		return text, nil
	}
	id, _ := a.str(1, "vaultid", "filter_default")
	keys := &vault.Keyring{Secrets: []vault.Secret{{ID: id, Password: secret}}}
	plain, err := keys.Decrypt([]byte(text), "")
	if err != nil {
		return nil, fmt.Errorf("Unable to decrypt: %v", err)
	}
	return string(plain), nil
}
