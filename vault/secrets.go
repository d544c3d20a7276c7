package vault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// DefaultID is the label of a secret given without one, as Ansible's
// DEFAULT_VAULT_IDENTITY.
const DefaultID = "default"

// Secret is one vault password and its label (vault id).
type Secret struct {
	ID       string
	Password []byte
}

// Keyring is the ordered list of secrets a run knows.
type Keyring struct {
	Secrets []Secret
}

// Error is a vault error in Ansible's words.
type Error struct {
	Msg string
	// Class is the Python exception Ansible raises, when not
	// AnsibleVaultError (messages of lookups name it).
	Class string
}

// PythonClass is the exception class Ansible reports for e.
func (e *Error) PythonClass() string {
	if e.Class != "" {
		return e.Class
	}
	return "ansible.parsing.vault.AnsibleVaultError"
}

func (e *Error) Error() string { return e.Msg }

// Decrypt decrypts vaulted data; filename, when known, is named in errors.
// The secret whose label matches a 1.2 header is tried first, then every
// other one in order: Ansible does not require the label to match.
func (k *Keyring) Decrypt(data []byte, filename string) ([]byte, error) {
	plain, _, err := k.DecryptWithID(data, filename)
	return plain, err
}

// DecryptWithID is Decrypt that also returns the label of the secret used.
func (k *Keyring) DecryptWithID(data []byte, filename string) ([]byte, string, error) {
	if !IsEncrypted(data) {
		msg := "input is not vault encrypted data. "
		if filename != "" {
			msg += filename + " is not a vault encrypted file"
		}
		return nil, "", &Error{Msg: msg}
	}
	env, err := ParseEnvelope(data, filename)
	if err != nil {
		return nil, "", &Error{Msg: err.Error()}
	}
	if env.Cipher != cipherName {
		return nil, "", &Error{Msg: env.Cipher + " cipher could not be found"}
	}
	if k == nil || len(k.Secrets) == 0 {
		msg := "Attempting to decrypt but no vault secrets found"
		return nil, "", &Error{Msg: msg}
	}
	order := make([]Secret, 0, len(k.Secrets))
	for _, s := range k.Secrets {
		if env.VaultID != "" && s.ID == env.VaultID {
			order = append(order, s)
		}
	}
	for _, s := range k.Secrets {
		if env.VaultID == "" || s.ID != env.VaultID {
			order = append(order, s)
		}
	}
	for _, s := range order {
		plain, err := decryptBody(env.Body, s.Password)
		var fe *FormatError
		if errors.As(err, &fe) {
			msg := "There was a vault format error"
			if filename != "" {
				msg += " in " + filename
			}
			return nil, "", &Error{Msg: msg + ": " + fe.Msg}
		}
		if err == nil {
			return plain, s.ID, nil
		}
	}
	msg := "Decryption failed (no vault secrets were found that could decrypt)"
	if filename != "" {
		msg += " on " + filename
	}
	return nil, "", &Error{Msg: msg}
}

// EncryptSecret picks the secret to encrypt with, as Ansible's
// match_encrypt_secret: the one labelled id when id is given, else the
// first.
func (k *Keyring) EncryptSecret(id string) (Secret, error) {
	if k == nil || len(k.Secrets) == 0 {
		return Secret{}, &Error{Msg: "A vault password must be specified to encrypt data"}
	}
	if id == "" {
		return k.Secrets[0], nil
	}
	for _, s := range k.Secrets {
		if s.ID == id {
			return s, nil
		}
	}
	var ids []string
	for _, s := range k.Secrets {
		ids = append(ids, s.ID)
	}
	return Secret{}, &Error{Msg: fmt.Sprintf("Did not find a match for --encrypt-vault-id=%s in the known vault-ids %s", id, pyList(ids))}
}

func pyList(ss []string) string {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + s + "'")
	}
	b.WriteByte(']')
	return b.String()
}

// The process's keyring: the secrets given on the command line, used by
// every reader of content (ReadFile, the YAML loader's !vault values).
var (
	defaultMu      sync.RWMutex
	defaultKeyring *Keyring
	plainCache     = map[string][]byte{}
)

// SetDefault makes k the keyring ReadFile and DecryptString use.
func SetDefault(k *Keyring) {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	defaultKeyring = k
	plainCache = map[string][]byte{}
}

// Default returns the process's keyring (nil when none was set).
func Default() *Keyring {
	defaultMu.RLock()
	defer defaultMu.RUnlock()
	return defaultKeyring
}

// DecryptString decrypts vaulted text with the process's keyring. The
// plaintext of each distinct text is kept in memory, so a value read for
// every host is decrypted once.
func DecryptString(data []byte, filename string) ([]byte, error) {
	defaultMu.RLock()
	k := defaultKeyring
	plain, ok := plainCache[string(data)]
	defaultMu.RUnlock()
	if ok {
		return plain, nil
	}
	plain, err := k.Decrypt(data, filename)
	if err != nil {
		return nil, err
	}
	defaultMu.Lock()
	plainCache[string(data)] = plain
	defaultMu.Unlock()
	return plain, nil
}

// ReadRealFile is ReadFile for a file an action hands on whole (a copy or
// template source, lookup('unvault')), as Ansible's get_real_file: with no
// secret at all its error is "A vault password or secret must be
// specified to decrypt PATH".
func ReadRealFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil || !IsEncrypted(data) {
		return data, err
	}
	// Ansible names the file by its absolute path.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if k := Default(); k == nil || len(k.Secrets) == 0 {
		return nil, &Error{Msg: "A vault password or secret must be specified to decrypt " + path, Class: "ansible.errors.AnsibleParserError"}
	}
	return DecryptString(data, path)
}

// ReadFile reads a file of content, decrypting it with the process's
// keyring when it is vaulted. Every place that reads content Ansible may
// find vaulted (vars files, templates, copy sources, lookups) reads it
// here. The plaintext stays in memory.
func ReadFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil || !IsEncrypted(data) {
		return data, err
	}
	// Ansible names the file by its absolute path.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return DecryptString(data, path)
}
