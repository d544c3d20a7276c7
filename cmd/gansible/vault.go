package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/gansible/gansible/config"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/runner"
	"github.com/gansible/gansible/termio"
	"github.com/gansible/gansible/vault"
)

// vaultFlags are the vault options ansible-playbook and ansible-vault share.
type vaultFlags struct {
	ids           []string
	passwordFiles []string
	ask           bool
}

func (v *vaultFlags) add(fs *pflag.FlagSet) {
	fs.StringArrayVar(&v.ids, "vault-id", nil, "the vault identity to use")
	fs.StringArrayVar(&v.passwordFiles, "vault-password-file", nil, "vault password file")
	fs.StringArrayVar(&v.passwordFiles, "vault-pass-file", nil, "vault password file")
	fs.BoolVarP(&v.ask, "ask-vault-password", "J", false, "ask for vault password")
	fs.BoolVar(&v.ask, "ask-vault-pass", false, "ask for vault password")
}

// sources are the secret sources of the options and ansible.cfg: the
// configured vault_identity_list before the --vault-id options, the
// command line's password files before the configured one.
func (v *vaultFlags) sources(cfg *config.Config, cwd string, secrets *termio.LineReader, warn func(string)) *vault.Sources {
	// A vault id's source gets ~ and $VAR expansion, as Ansible's
	// unfrackpath gives it; "prompt" is no path.
	var ids []string
	for _, id := range append(append([]string(nil), cfg.VaultIdentityList...), v.ids...) {
		label, source := vault.SplitID(id)
		if source != "prompt" {
			source = config.ResolvePath(source, cwd, os.Getenv)
		}
		if label != "" || strings.Contains(id, "@") {
			source = label + "@" + source
		}
		ids = append(ids, source)
	}
	src := &vault.Sources{
		IDs:          ids,
		AskVaultPass: v.ask,
		Prompt:       secrets.Read,
		Warn:         warn,
	}
	for _, f := range v.passwordFiles {
		src.PasswordFiles = append(src.PasswordFiles, config.ResolvePath(f, cwd, os.Getenv))
	}
	if cfg.VaultPasswordFile != "" {
		src.PasswordFiles = append(src.PasswordFiles, cfg.VaultPasswordFile)
	}
	return src
}

// load reads the secrets of ansible-playbook's run.
func (v *vaultFlags) load(cfg *config.Config, cwd string, secrets *termio.LineReader, out output.Callback) (*vault.Keyring, error) {
	k, err := v.sources(cfg, cwd, secrets, out.Warning).Load()
	if err != nil {
		return nil, &runner.ExitError{Code: runner.ExitGeneral, Err: err}
	}
	return k, nil
}

// vaultOptions are ansible-vault's options.
type vaultOptions struct {
	vaultFlags
	encryptVaultID  string
	output          string
	names           []string
	stdinName       string
	newPasswordFile string
	newVaultID      string
}

const vaultUsage = "usage: ansible-vault [-h] [--version] [-v]\n                     {create,decrypt,edit,view,encrypt,encrypt_string,rekey}\n                     ..."

// vaultCommand is ansible-vault: it encrypts, decrypts, views, edits and
// rekeys vaulted files, and encrypts strings for inline !vault values.
func vaultCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintf(stdout, "%s\n\nencryption/decryption utility for Ansible data files\n", vaultUsage)
			return 0
		}
		if len(args) > 0 && args[0] == "--version" {
			fmt.Fprintf(stdout, "gansible %s (ansible-vault [core 2.14] compatible)\n", version)
			return 0
		}
		fmt.Fprintf(stderr, "%s\nansible-vault: error: the following arguments are required: action\n", vaultUsage)
		return 2
	}
	action := args[0]
	switch action {
	case "create", "decrypt", "edit", "view", "encrypt", "encrypt_string", "rekey":
	default:
		fmt.Fprintf(stderr, "%s\nansible-vault: error: argument action: invalid choice: '%s' (choose from 'create', 'decrypt', 'edit', 'view', 'encrypt', 'encrypt_string', 'rekey')\n", vaultUsage, action)
		return 2
	}
	var o vaultOptions
	fs := pflag.NewFlagSet("ansible-vault", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o.add(fs)
	var verbosity int
	fs.CountVarP(&verbosity, "verbose", "v", "verbose mode")
	if action != "edit" && action != "view" && action != "decrypt" {
		fs.StringVar(&o.encryptVaultID, "encrypt-vault-id", "", "the vault id used to encrypt (required if more than one vault-id is provided)")
	}
	if action == "encrypt" || action == "decrypt" || action == "encrypt_string" {
		fs.StringVar(&o.output, "output", "", "output file name for encrypt or decrypt; use - for stdout")
	}
	if action == "encrypt_string" {
		fs.StringArrayVarP(&o.names, "name", "n", nil, "specify the variable name")
		fs.StringVar(&o.stdinName, "stdin-name", "", "specify the variable name for stdin")
	}
	if action == "rekey" {
		fs.StringVar(&o.newPasswordFile, "new-vault-password-file", "", "new vault password file for rekey")
		fs.StringVar(&o.newVaultID, "new-vault-id", "", "the new vault identity to use for rekey")
	}
	err := fs.Parse(args[1:])
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprintf(stdout, "usage: ansible-vault %s [options] [file_name ...]\n\n%s", action, fs.FlagUsages())
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "usage: ansible-vault %s [options] [file_name ...]\nansible-vault %s: error: %v\n", action, action, err)
		return 2
	}
	v := &vaultRun{o: &o, files: fs.Args(), stdin: stdin, stdout: stdout, stderr: stderr}
	v.stdoutTTY = isTerminalWriter(stdout)
	if err := v.run(action); err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		var opt *vaultOptionsError
		if errors.As(err, &opt) {
			return runner.ExitOptions
		}
		return runner.ExitGeneral
	}
	return 0
}

// vaultOptionsError is Ansible's AnsibleOptionsError: exit code 5.
type vaultOptionsError struct{ msg string }

func (e *vaultOptionsError) Error() string { return e.msg }

func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && termio.IsTerminal(f)
}

// vaultRun is one ansible-vault invocation.
type vaultRun struct {
	o                *vaultOptions
	files            []string
	stdin            io.Reader
	stdout, stderr   io.Writer
	stdoutTTY        bool
	cfg              *config.Config
	cwd              string
	prompt           *termio.LineReader
	keyring          *vault.Keyring
	encryptID, newID string
	encryptPW, newPW []byte
}

func (v *vaultRun) run(action string) error {
	for _, id := range v.o.ids {
		if strings.Contains(id, ";") {
			return &vaultOptionsError{fmt.Sprintf("'%s' is not a valid vault id. The character ';' is not allowed in vault ids", id)}
		}
	}
	if v.o.output != "" && len(v.files) > 1 {
		return &vaultOptionsError{"At most one input file may be used with the --output option"}
	}
	var err error
	if v.cwd, err = os.Getwd(); err != nil {
		return err
	}
	if v.cfg, err = config.Load(os.Getenv, v.cwd); err != nil {
		return err
	}
	// ansible-vault's files are private to the user, whatever the umask.
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	v.prompt = termio.NewLineReader(v.stdin, v.stderr, &beforeEarlyExit)
	warn := func(msg string) { fmt.Fprintf(v.stderr, "[WARNING]: %s\n", msg) }

	switch action {
	case "decrypt", "view", "rekey", "edit":
		src := v.o.sources(v.cfg, v.cwd, v.prompt, warn)
		if len(src.IDs) == 0 && len(src.PasswordFiles) == 0 {
			src.AskVaultPass = true
		}
		if v.keyring, err = src.Load(); err != nil {
			return err
		}
		if len(v.keyring.Secrets) == 0 {
			return &vaultOptionsError{"A vault password is required to use Ansible's Vault"}
		}
	}
	switch action {
	case "encrypt", "encrypt_string", "create":
		encryptID := firstString(v.o.encryptVaultID, v.cfg.VaultEncryptIdentity)
		src := v.o.sources(v.cfg, v.cwd, v.prompt, warn)
		src.Prompt = v.newPasswordPrompt
		if len(src.IDs) == 0 && len(src.PasswordFiles) == 0 {
			src.AskVaultPass = true
		}
		k, err := src.Load()
		if err != nil {
			return err
		}
		if len(k.Secrets) > 1 && encryptID == "" {
			var ids []string
			for _, s := range k.Secrets {
				ids = append(ids, s.ID)
			}
			return &vaultOptionsError{fmt.Sprintf("The vault-ids %s are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id", strings.Join(ids, ","))}
		}
		if len(k.Secrets) == 0 {
			return &vaultOptionsError{"A vault password is required to use Ansible's Vault"}
		}
		s, err := k.EncryptSecret(encryptID)
		if err != nil {
			return err
		}
		v.encryptID, v.encryptPW = s.ID, s.Password
	case "rekey":
		encryptID := firstString(v.o.encryptVaultID, v.cfg.VaultEncryptIdentity)
		src := &vault.Sources{AskVaultPass: v.o.ask, Prompt: v.newPasswordPrompt, Warn: warn}
		if encryptID != "" {
			src.IDs = append(src.IDs, v.cfg.VaultIdentityList...)
		}
		if v.o.newVaultID != "" {
			src.IDs = append(src.IDs, v.o.newVaultID)
		}
		if v.o.newPasswordFile != "" {
			src.PasswordFiles = []string{config.ResolvePath(v.o.newPasswordFile, v.cwd, os.Getenv)}
		}
		if len(src.IDs) == 0 && len(src.PasswordFiles) == 0 {
			src.AskVaultPass = true
		}
		k, err := src.Load()
		if err != nil {
			return err
		}
		if len(k.Secrets) == 0 {
			return &vaultOptionsError{"A new vault password is required to use Ansible's Vault rekey"}
		}
		s, err := k.EncryptSecret(encryptID)
		if err != nil {
			return err
		}
		v.newID, v.newPW = s.ID, s.Password
	}

	switch action {
	case "encrypt":
		return v.encrypt()
	case "decrypt":
		return v.decrypt()
	case "view":
		return v.view()
	case "encrypt_string":
		return v.encryptString()
	case "rekey":
		return v.rekey()
	case "create":
		return v.create()
	case "edit":
		return v.edit()
	}
	return nil
}

// newPasswordPrompt asks for a new password twice, as Ansible does when it
// is to encrypt with it.
func (v *vaultRun) newPasswordPrompt(prompt string) (string, error) {
	first, confirm := "New Vault password: ", "Confirm New Vault password: "
	if prompt != "Vault password: " {
		label := strings.TrimSuffix(strings.TrimPrefix(prompt, "Vault password ("), "): ")
		first, confirm = "New vault password ("+label+"): ", "Confirm new vault password ("+label+"): "
	}
	a, err := v.prompt.Read(first)
	if err != nil {
		return "", err
	}
	b, err := v.prompt.Read(confirm)
	if err != nil {
		return "", err
	}
	if a != b {
		return "", errors.New("Passwords do not match")
	}
	return a, nil
}

// realPath is Ansible's _real_path: "-" stays, a file resolves its links,
// so that rewriting a symlinked vault file rewrites its target.
func realPath(name string) string {
	if name == "-" {
		return name
	}
	if p, err := filepath.EvalSymlinks(name); err == nil {
		name = p
	}
	if abs, err := filepath.Abs(name); err == nil {
		name = abs
	}
	return name
}

func (v *vaultRun) readData(name string) ([]byte, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(v.stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		msg := err.Error()
		var pe *os.PathError
		if errors.As(err, &pe) {
			msg = pyOSError(pe)
		}
		return nil, fmt.Errorf("Unable to read source file (%s): %s", name, msg)
	}
	return data, nil
}

// pyOSError words a file error as Python's OSError does.
func pyOSError(pe *os.PathError) string {
	var errno syscall.Errno
	if errors.As(pe.Err, &errno) {
		msg := errno.Error()
		if msg != "" {
			msg = strings.ToUpper(msg[:1]) + msg[1:]
		}
		return fmt.Sprintf("[Errno %d] %s: '%s'", int(errno), msg, pe.Path)
	}
	return pe.Error()
}

// writeData writes data to name, or to stdout for "-". A file is replaced
// atomically: the data goes to a private temporary file beside it, which
// is synced and renamed over it, so a failure never leaves it empty or
// half-written. keepMode keeps the old file's mode and owner (rekey,
// edit); otherwise the file is 0600, as ansible-vault writes it.
func (v *vaultRun) writeData(data []byte, name string, keepMode bool) error {
	if name == "-" {
		_, err := v.stdout.Write(data)
		return err
	}
	prev, statErr := os.Stat(name)
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".vault-*")
	if err != nil {
		return fmt.Errorf("Problem creating temporary vault file: %v", err)
	}
	done := false
	defer func() {
		if !done {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("Unable to write to temporary vault file: %v", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("Unable to write to temporary vault file: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("Unable to write to temporary vault file: %v", err)
	}
	mode := os.FileMode(0o600)
	if keepMode && statErr == nil {
		mode = prev.Mode().Perm()
		if st, ok := prev.Sys().(*syscall.Stat_t); ok {
			os.Chown(tmp.Name(), int(st.Uid), int(st.Gid))
		}
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("Unable to write to vault file %s: %v", name, err)
	}
	done = true
	return nil
}

func (v *vaultRun) encryptBytes(plain []byte) ([]byte, error) {
	if vault.IsEncrypted(plain) {
		return nil, errors.New("input is already encrypted")
	}
	return vault.Encrypt(plain, v.encryptPW, v.encryptID)
}

func (v *vaultRun) encrypt() error {
	files := v.files
	if len(files) == 0 {
		if termio.IsTerminalReader(v.stdin) {
			fmt.Fprintln(v.stderr, "Reading plaintext input from stdin")
		}
		files = []string{"-"}
	}
	for _, f := range files {
		f = realPath(f)
		plain, err := v.readData(f)
		if err != nil {
			return err
		}
		enc, err := v.encryptBytes(plain)
		if err != nil {
			return err
		}
		if err := v.writeData(enc, firstString(v.o.output, f), false); err != nil {
			return err
		}
	}
	if v.stdoutTTY {
		fmt.Fprintln(v.stderr, "Encryption successful")
	}
	return nil
}

// decryptFile returns the plaintext of a vaulted file and the label of the
// secret that opened it, with Ansible's "... for FILE" errors.
func (v *vaultRun) decryptFile(f string) ([]byte, string, error) {
	data, err := v.readData(f)
	if err != nil {
		return nil, "", err
	}
	name := f
	if f == "-" {
		name = ""
	}
	plain, id, err := v.keyring.DecryptWithID(data, name)
	if err != nil {
		return nil, "", fmt.Errorf("%v for %s", err, f)
	}
	return plain, id, nil
}

func (v *vaultRun) decrypt() error {
	files := v.files
	if len(files) == 0 {
		if termio.IsTerminalReader(v.stdin) {
			fmt.Fprintln(v.stderr, "Reading ciphertext input from stdin")
		}
		files = []string{"-"}
	}
	for _, f := range files {
		f = realPath(f)
		plain, _, err := v.decryptFile(f)
		if err != nil {
			return err
		}
		if err := v.writeData(plain, firstString(v.o.output, f), false); err != nil {
			return err
		}
	}
	if v.stdoutTTY {
		fmt.Fprintln(v.stderr, "Decryption successful")
	}
	return nil
}

func (v *vaultRun) view() error {
	for _, f := range v.files {
		plain, _, err := v.decryptFile(f)
		if err != nil {
			return err
		}
		if _, err := v.stdout.Write(plain); err != nil {
			return err
		}
	}
	return nil
}

// encryptString is encrypt_string: each string (from the arguments, or
// stdin) as a YAML block to paste into a vars file or playbook.
func (v *vaultRun) encryptString() error {
	type item struct {
		text, src, name string
	}
	var items []item
	var args []string
	readStdin := v.o.stdinName != "" || len(v.files) == 0
	for _, a := range v.files {
		if a == "-" {
			readStdin = true
			continue
		}
		args = append(args, a)
	}
	if readStdin {
		if v.stdoutTTY {
			fmt.Fprintln(v.stderr, "Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)")
		}
		data, err := io.ReadAll(v.stdin)
		if err != nil {
			return err
		}
		if len(data) == 0 {
			return &vaultOptionsError{"stdin was empty, not encrypting"}
		}
		if v.stdoutTTY && !strings.HasSuffix(string(data), "\n") {
			fmt.Fprintln(v.stderr)
		}
		items = append(items, item{string(data), "stdin", v.o.stdinName})
	}
	if len(v.o.names) > 0 && len(args) > len(v.o.names) {
		fmt.Fprintln(v.stderr, "The number of --name options do not match the number of args.")
		fmt.Fprintf(v.stderr, "The last named variable will be \"%s\". The rest will not have names.\n", v.o.names[len(v.o.names)-1])
	}
	for i, a := range args {
		if a == "" {
			return &vaultOptionsError{"The plaintext provided from the command line args was empty, not encrypting"}
		}
		name := ""
		if i < len(v.o.names) {
			name = v.o.names[i]
		}
		items = append(items, item{a, "the command line args", name})
	}
	var outs []string
	for i, it := range items {
		enc, err := v.encryptBytes([]byte(it.text))
		if err != nil {
			return err
		}
		if len(items) > 1 {
			if it.name != "" {
				fmt.Fprintf(v.stderr, "# The encrypted version of variable (\"%s\", the string #%d from %s).\n", it.name, i+1, it.src)
			} else {
				fmt.Fprintf(v.stderr, "# The encrypted version of the string #%d from %s.)\n", i+1, it.src)
			}
		}
		outs = append(outs, formatCiphertextYAML(enc, it.name))
	}
	if err := v.writeData([]byte(strings.Join(outs, "\n")), firstString(v.o.output, "-"), false); err != nil {
		return err
	}
	if v.stdoutTTY {
		fmt.Fprintln(v.stderr, "Encryption successful")
	}
	return nil
}

// formatCiphertextYAML is Ansible's format_ciphertext_yaml: a "!vault |"
// block indented by 10 columns, with no final newline.
func formatCiphertextYAML(enc []byte, name string) string {
	lines := []string{"!vault |"}
	if name != "" {
		lines[0] = name + ": !vault |"
	}
	for _, l := range strings.Split(strings.TrimRight(string(enc), "\n"), "\n") {
		lines = append(lines, strings.Repeat(" ", 10)+l)
	}
	return strings.Join(lines, "\n")
}

func (v *vaultRun) rekey() error {
	for _, f := range v.files {
		f = realPath(f)
		plain, _, err := v.decryptFile(f)
		if err != nil {
			return err
		}
		enc, err := vault.Encrypt(plain, v.newPW, v.newID)
		if err != nil {
			return err
		}
		if err := v.writeData(enc, f, true); err != nil {
			return err
		}
	}
	fmt.Fprintln(v.stderr, "Rekey successful")
	return nil
}

func (v *vaultRun) create() error {
	if len(v.files) != 1 {
		return &vaultOptionsError{"ansible-vault create can take only one filename argument"}
	}
	f := v.files[0]
	if dir := filepath.Dir(f); dir != "." {
		if _, err := os.Stat(dir); err != nil {
			fmt.Fprintf(v.stderr, "[WARNING]: %s does not exist, creating...\n", dir)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
		}
	}
	if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
		return fmt.Errorf("%s exists, please use 'edit' instead", f)
	}
	return v.editWith(f, nil, v.encryptPW, v.encryptID, false, false)
}

func (v *vaultRun) edit() error {
	for _, f := range v.files {
		f = realPath(f)
		data, err := v.readData(f)
		if err != nil {
			return err
		}
		plain, id, err := v.keyring.DecryptWithID(data, "")
		if err != nil {
			return fmt.Errorf("%v for %s", err, f)
		}
		env, err := vault.ParseEnvelope(data, f)
		if err != nil {
			return err
		}
		var pw []byte
		for _, s := range v.keyring.Secrets {
			if s.ID == id {
				pw = s.Password
				break
			}
		}
		if err := v.editWith(f, plain, pw, env.VaultID, true, true); err != nil {
			return err
		}
	}
	return nil
}

// editWith opens the plaintext in $EDITOR and encrypts what was saved
// into f when it changed. The plaintext lives in a private (0700)
// directory, removed afterwards, never beside f.
func (v *vaultRun) editWith(f string, plain, pw []byte, id string, existing, keepMode bool) error {
	dir, err := os.MkdirTemp("", "ansible-vault-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	tmp := filepath.Join(dir, "edit"+filepath.Ext(f))
	if err := os.WriteFile(tmp, plain, 0o600); err != nil {
		return err
	}
	editor := os.Getenv("EDITOR")
	if editor == "" {
		editor = "vi"
	}
	words, err := shellSplit(editor)
	if err != nil || len(words) == 0 {
		return fmt.Errorf("Unable to execute the command \"%s\": %v", editor, err)
	}
	cmd := exec.Command(words[0], append(words[1:], tmp)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if f, ok := v.stdin.(*os.File); ok {
		cmd.Stdin = f
	}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) { // Ansible ignores the editor's status
			return fmt.Errorf("Unable to execute the command \"%s\": %v", strings.Join(cmd.Args, " "), err)
		}
	}
	edited, err := os.ReadFile(tmp)
	if err != nil {
		return fmt.Errorf("Unable to read source file (%s): %v", tmp, err)
	}
	if existing && string(edited) == string(plain) {
		return nil
	}
	// A new file is saved even when left empty, as Ansible does.
	enc, err := vault.Encrypt(edited, pw, id)
	if err != nil {
		return err
	}
	return v.writeData(enc, f, keepMode)
}

// shellSplit splits $EDITOR as Python's shlex.split.
func shellSplit(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord, quote := false, rune(0)
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				cur.WriteRune(c)
			}
		case quote == '"':
			if c == '"' {
				quote = 0
			} else if c == '\\' && i+1 < len(rs) && strings.ContainsRune("\\\"$`\n", rs[i+1]) {
				i++
				cur.WriteRune(rs[i])
			} else {
				cur.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(rs):
			i++
			cur.WriteRune(rs[i])
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("No closing quotation")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
