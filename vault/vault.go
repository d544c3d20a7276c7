// Package vault reads and writes Ansible Vault's format, byte-compatible
// with ansible-core 2.14: the $ANSIBLE_VAULT;1.1;AES256 and
// $ANSIBLE_VAULT;1.2;AES256;<vault-id> envelopes, AES256-CTR with keys from
// PBKDF2-SHA256 and an HMAC-SHA256 over the ciphertext.
package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/pbkdf2"
)

// Header starts every vaulted text.
const Header = "$ANSIBLE_VAULT"

const (
	cipherName = "AES256"
	iterations = 10000
	keyLen     = 32
	ivLen      = aes.BlockSize
	saltLen    = 32
	lineWidth  = 80
)

// IsEncrypted reports whether data is vaulted text, as Ansible's
// is_encrypted: pure ASCII starting with the header.
func IsEncrypted(data []byte) bool {
	if !bytes.HasPrefix(data, []byte(Header)) {
		return false
	}
	for _, b := range data {
		if b >= 0x80 {
			return false
		}
	}
	return true
}

// Envelope is the parsed header of a vaulted text and its body.
type Envelope struct {
	Version string // "1.1" or "1.2"
	Cipher  string // "AES256"
	VaultID string // the 1.2 label; "" for 1.1
	Body    []byte // the hex text, with the line breaks removed
}

// FormatError is a malformed vaulted text; Ansible stops on it instead of
// trying the next secret.
type FormatError struct{ Msg string }

func (e *FormatError) Error() string { return e.Msg }

// ParseEnvelope splits vaulted text into its header fields and body as
// Ansible's parse_vaulttext_envelope does.
func ParseEnvelope(data []byte, filename string) (*Envelope, error) {
	lines := splitLines(data)
	header := strings.Split(strings.TrimSpace(string(lines[0])), ";")
	if len(header) < 3 {
		msg := "Vault envelope format error"
		if filename != "" {
			msg += " in " + filename
		}
		return nil, &FormatError{Msg: msg + ": list index out of range"}
	}
	env := &Envelope{Version: strings.TrimSpace(header[1]), Cipher: strings.TrimSpace(header[2])}
	if len(header) >= 4 {
		env.VaultID = strings.TrimSpace(header[3])
	}
	env.Body = bytes.Join(lines[1:], nil)
	return env, nil
}

// splitLines splits as Python's bytes.splitlines: on \n, \r and \r\n, with
// no empty last element for a trailing break.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i])
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
	if len(lines) == 0 {
		lines = [][]byte{nil}
	}
	return lines
}

// FormatEnvelope adds the header to the hex body and wraps it at 80
// columns, ending with a newline, as Ansible's format_vaulttext_envelope.
// A vault id other than "" and "default" makes the text version 1.2.
func FormatEnvelope(body []byte, vaultID string) []byte {
	var b bytes.Buffer
	b.WriteString(Header)
	if vaultID != "" && vaultID != DefaultID {
		b.WriteString(";1.2;" + cipherName + ";" + vaultID)
	} else {
		b.WriteString(";1.1;" + cipherName)
	}
	for i := 0; i < len(body); i += lineWidth {
		b.WriteByte('\n')
		b.Write(body[i:min(i+lineWidth, len(body))])
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// keys are the AES key, the HMAC key and the CTR initial counter derived
// from a password and a salt.
type keys struct {
	cipher, mac, iv []byte
}

// keyCache holds the keys derived per (password, salt) in this process:
// PBKDF2 with 10000 rounds is the expensive step, and a vaulted group_vars
// file read for each of many hosts must cost it once.
var keyCache sync.Map // string(salt) + "\x00" + password -> *keys

// KeyDerivations counts the PBKDF2 runs, for tests that check the cache.
var keyDerivations struct {
	sync.Mutex
	n int
}

// KeyDerivations returns how many times keys were derived in this process.
func KeyDerivations() int {
	keyDerivations.Lock()
	defer keyDerivations.Unlock()
	return keyDerivations.n
}

func deriveKeys(password, salt []byte) *keys {
	id := string(salt) + "\x00" + string(password)
	if k, ok := keyCache.Load(id); ok {
		return k.(*keys)
	}
	m := pbkdf2.Key(password, salt, iterations, 2*keyLen+ivLen, sha256.New)
	keyDerivations.Lock()
	keyDerivations.n++
	keyDerivations.Unlock()
	k := &keys{cipher: m[:keyLen], mac: m[keyLen : 2*keyLen], iv: m[2*keyLen:]}
	actual, _ := keyCache.LoadOrStore(id, k)
	return actual.(*keys)
}

// Encrypt vaults plaintext with password, labelled vaultID ("" for a 1.1
// text). A fresh random salt is used.
func Encrypt(plaintext, password []byte, vaultID string) ([]byte, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return EncryptWithSalt(plaintext, password, vaultID, salt)
}

// EncryptWithSalt is Encrypt with a given salt, for reproducible output.
func EncryptWithSalt(plaintext, password []byte, vaultID string, salt []byte) ([]byte, error) {
	if len(password) == 0 {
		return nil, errors.New("A vault password must be specified to encrypt data")
	}
	if len(salt) == 0 {
		return nil, errors.New("Empty or invalid salt passed to encrypt()")
	}
	k := deriveKeys(password, salt)
	padded := pkcs7Pad(plaintext)
	block, err := aes.NewCipher(k.cipher)
	if err != nil {
		return nil, err
	}
	ciphertext := make([]byte, len(padded))
	cipher.NewCTR(block, k.iv).XORKeyStream(ciphertext, padded)
	mac := hmac.New(sha256.New, k.mac)
	mac.Write(ciphertext)

	inner := hex.EncodeToString(salt) + "\n" + hex.EncodeToString(mac.Sum(nil)) + "\n" + hex.EncodeToString(ciphertext)
	return FormatEnvelope([]byte(hex.EncodeToString([]byte(inner))), vaultID), nil
}

// pkcs7Pad pads to the AES block size as cryptography's PKCS7(128): always
// 1 to 16 bytes, each the count.
func pkcs7Pad(b []byte) []byte {
	n := aes.BlockSize - len(b)%aes.BlockSize
	out := make([]byte, len(b), len(b)+n)
	copy(out, b)
	return append(out, bytes.Repeat([]byte{byte(n)}, n)...)
}

func pkcs7Unpad(b []byte) ([]byte, error) {
	if len(b) == 0 || len(b)%aes.BlockSize != 0 {
		return nil, errors.New("Invalid padding bytes.")
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize {
		return nil, errors.New("Invalid padding bytes.")
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, errors.New("Invalid padding bytes.")
		}
	}
	return b[:len(b)-n], nil
}

// errHMAC is a wrong password (or a changed text): the next secret is tried.
var errHMAC = errors.New("HMAC verification failed: Signature did not match digest.")

// parseBody splits the outer hex body into salt, hmac (hex) and ciphertext.
func parseBody(body []byte) (salt, mac, ciphertext []byte, err error) {
	inner := make([]byte, hex.DecodedLen(len(body)))
	if _, err := hex.Decode(inner, body); err != nil {
		return nil, nil, nil, &FormatError{Msg: "Vault format unhexlify error: " + hexError(err)}
	}
	parts := bytes.SplitN(inner, []byte("\n"), 3)
	if len(parts) != 3 {
		return nil, nil, nil, &FormatError{Msg: fmt.Sprintf("Vault vaulttext format error: not enough values to unpack (expected 3, got %d)", len(parts))}
	}
	salt = make([]byte, hex.DecodedLen(len(parts[0])))
	if _, err := hex.Decode(salt, parts[0]); err != nil {
		return nil, nil, nil, &FormatError{Msg: "Vault format unhexlify error: " + hexError(err)}
	}
	ciphertext = make([]byte, hex.DecodedLen(len(parts[2])))
	if _, err := hex.Decode(ciphertext, parts[2]); err != nil {
		return nil, nil, nil, &FormatError{Msg: "Vault format unhexlify error: " + hexError(err)}
	}
	return salt, parts[1], ciphertext, nil
}

// hexError words a hex decoding error as Python's binascii does.
func hexError(err error) string {
	if errors.Is(err, hex.ErrLength) {
		return "Odd-length string"
	}
	return "Non-hexadecimal digit found"
}

// decryptBody decrypts a parsed body with one password.
func decryptBody(body, password []byte) ([]byte, error) {
	salt, macHex, ciphertext, err := parseBody(body)
	if err != nil {
		return nil, err
	}
	want := make([]byte, hex.DecodedLen(len(macHex)))
	if _, err := hex.Decode(want, macHex); err != nil {
		return nil, &FormatError{Msg: "Vault format unhexlify error: " + hexError(err)}
	}
	k := deriveKeys(password, salt)
	mac := hmac.New(sha256.New, k.mac)
	mac.Write(ciphertext)
	if !hmac.Equal(mac.Sum(nil), want) { // constant time
		return nil, errHMAC
	}
	block, err := aes.NewCipher(k.cipher)
	if err != nil {
		return nil, err
	}
	padded := make([]byte, len(ciphertext))
	cipher.NewCTR(block, k.iv).XORKeyStream(padded, ciphertext)
	return pkcs7Unpad(padded)
}
