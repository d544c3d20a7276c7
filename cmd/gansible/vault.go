package main

import (
	"os"

	"github.com/spf13/pflag"

	"github.com/gansible/gansible/config"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/runner"
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
func (v *vaultFlags) sources(cfg *config.Config, cwd string, secrets *secretReader, warn func(string)) *vault.Sources {
	src := &vault.Sources{
		IDs:          append(append([]string(nil), cfg.VaultIdentityList...), v.ids...),
		AskVaultPass: v.ask,
		Prompt:       secrets.read,
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
func (v *vaultFlags) load(cfg *config.Config, cwd string, secrets *secretReader, out *output.Default) (*vault.Keyring, error) {
	k, err := v.sources(cfg, cwd, secrets, out.Warning).Load()
	if err != nil {
		return nil, &runner.ExitError{Code: runner.ExitGeneral, Err: err}
	}
	return k, nil
}
