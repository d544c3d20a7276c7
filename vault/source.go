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
		pw, err := readPasswordSource(source, label)
		if err != nil {
			// Ansible words a missing file and a failing one differently.
			stage := "in vault password file loading"
			if strings.HasSuffix(err.Error(), " was not found") {
				stage = "getting vault password file"
			}
			src.warn(fmt.Sprintf("Error %s (%s): %v", stage, labelOrNone(label), err))
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
	return readPasswordSource(path, "")
}

// readPasswordSource is ReadPasswordFile for the secret labelled label: an
// executable whose name ends in "-client" (before any extension) is
// Ansible's client script, asked for that label with --vault-id.
func readPasswordSource(path, label string) ([]byte, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("The vault password file %s was not found", path)}
	}
	if fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
		if strings.HasSuffix(strings.TrimSuffix(path, filepath.Ext(path)), "-client") {
			return runClientScript(path, label)
		}
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

// runClientScript runs a vault password client script for label: exit
// code 2 means it has no secret for that vault id.
func runClientScript(path, label string) ([]byte, error) {
	args := []string{}
	if label != "" {
		args = append(args, "--vault-id", label)
	}
	cmd := exec.Command(path, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		return nil, &Error{Msg: fmt.Sprintf("Vault password client script %s did not find a secret for vault-id=%s: %s", path, labelOrNone(label), pyBytes(stderr.Bytes()))}
	case errors.As(err, &exit):
		return nil, &Error{Msg: fmt.Sprintf("Vault password client script %s returned non-zero (%d) when getting secret for vault-id=%s: %s", path, exit.ExitCode(), labelOrNone(label), pyBytes(stderr.Bytes()))}
	case err != nil:
		return nil, &Error{Msg: fmt.Sprintf("Problem running vault password client script %s (%v). If this is not a script, remove the executable bit from the file.", path, err)}
	}
	pw := bytes.Trim(out, "\r\n")
	if len(pw) == 0 {
		return nil, &Error{Msg: fmt.Sprintf("Invalid vault password was provided from script (%s)", path)}
	}
	return pw, nil
}

// pyBytes renders b as Python's repr of bytes, as Ansible's messages show
// a script's stderr.
func pyBytes(b []byte) string {
	var sb strings.Builder
	sb.WriteString("b'")
	for _, c := range b {
		switch {
		case c == '\\' || c == '\'':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\n':
			sb.WriteString("\\n")
		case c == '\r':
			sb.WriteString("\\r")
		case c == '\t':
			sb.WriteString("\\t")
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, "\\x%02x", c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte('\'')
	return sb.String()
}
