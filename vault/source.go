package vault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Sources are the places a run's secrets come from, as the options of
// ansible-playbook and ansible-vault name them.
type Sources struct {
	IDs           []string // --vault-id label@source (or source), in order
	PasswordFiles []string // --vault-password-file, then the configured one
	AskVaultPass  bool     // --ask-vault-pass
	// Prompt reads a password; it is called for "prompt" sources and
	// --ask-vault-pass, with Ansible's prompt text.
	Prompt func(prompt string) (string, error)
	// Warn prints Ansible's warnings about sources that failed.
	Warn func(msg string)
}

// SplitID splits label@source; without "@" the label is "".
func SplitID(s string) (label, source string) {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}

// Load builds the keyring as Ansible's setup_vault_secrets: the vault ids
// in order, then the password files (labelled "default"), then a prompt
// for --ask-vault-pass. A source that fails is a warning while another
// one works, and the last error when none does.
func (src *Sources) Load() (*Keyring, error) {
	ids := append([]string(nil), src.IDs...)
	for _, f := range src.PasswordFiles {
		ids = append(ids, DefaultID+"@"+f)
	}
	if src.AskVaultPass {
		ids = append(ids, DefaultID+"@prompt_ask_vault_pass")
	}
	k := &Keyring{}
	var last error
	for _, id := range ids {
		label, source := SplitID(id)
		if source == "prompt" || source == "prompt_ask_vault_pass" {
			if label == "" {
				label = DefaultID
			}
			prompt := "Vault password: "
			if source == "prompt" {
				prompt = "Vault password (" + label + "): "
			}
			if src.Prompt == nil {
				return nil, &Error{Msg: "a vault password prompt needs a terminal or stdin"}
			}
			pw, err := src.Prompt(prompt)
			if err != nil {
				src.warn(fmt.Sprintf("Error in vault password prompt (%s): %v", label, err))
				last = err
				continue
			}
			if pw == "" {
				err := &Error{Msg: "Invalid vault password was provided"}
				src.warn(fmt.Sprintf("Error in vault password prompt (%s): %v", label, err))
				last = err
				continue
			}
			k.Secrets = append(k.Secrets, Secret{ID: label, Password: []byte(pw)})
			continue
		}
		pw, err := ReadPasswordFile(source)
		if err != nil {
			src.warn(fmt.Sprintf("Error getting vault password file (%s): %v", labelOrNone(label), err))
			last = err
			continue
		}
		if label == "" {
			label = DefaultID
		}
		k.Secrets = append(k.Secrets, Secret{ID: label, Password: pw})
	}
	if last != nil && len(k.Secrets) == 0 {
		return nil, last
	}
	return k, nil
}

func labelOrNone(s string) string {
	if s == "" {
		return "None"
	}
	return s
}

func (src *Sources) warn(msg string) {
	if src.Warn != nil {
		src.Warn(msg)
	}
}

// ReadPasswordFile reads a vault password from a file: its content with
// surrounding white space stripped, or, for an executable, the script's
// standard output stripped of line breaks.
func ReadPasswordFile(path string) ([]byte, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("The vault password file %s was not found", path)}
	}
	if fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
		return runPasswordScript(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("Could not read vault password file %s: %v", path, err)}
	}
	pw := bytes.Trim(bytes.TrimSpace(data), "\r\n")
	if len(pw) == 0 {
		return nil, &Error{Msg: fmt.Sprintf("Invalid vault password was provided from file (%s)", path)}
	}
	return pw, nil
}

// runPasswordScript runs an executable password file. Its stderr goes to
// gansible's, as Ansible leaves it.
func runPasswordScript(path string) ([]byte, error) {
	cmd := exec.Command(path)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return nil, &Error{Msg: fmt.Sprintf("Vault password script %s returned non-zero (%d): None", path, exit.ExitCode())}
	case err != nil:
		return nil, &Error{Msg: fmt.Sprintf("Problem running vault password script %s (%v). If this is not a script, remove the executable bit from the file.", path, err)}
	}
	pw := bytes.Trim(out, "\r\n")
	if len(pw) == 0 {
		return nil, &Error{Msg: fmt.Sprintf("Invalid vault password was provided from script (%s)", path)}
	}
	return pw, nil
}
