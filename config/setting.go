package config

// Setting returns a setting by Ansible's name (DEFAULT_FORKS,
// DEFAULT_ROLES_PATH...) with the type and value ansible-core gives it
// (lookup('config', name)): unset paths and strings are None. ok is false
// for the settings this package does not read.
func (c *Config) Setting(name string) (v any, ok bool) {
	orNone := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	list := func(l []string) any {
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	}
	switch name {
	case "DEFAULT_HOST_LIST":
		return list(c.Inventory), true
	case "DEFAULT_REMOTE_USER":
		return orNone(c.RemoteUser), true
	case "DEFAULT_FORKS":
		return c.Forks, true
	case "DEFAULT_TIMEOUT":
		return c.Timeout, true
	case "DEFAULT_ROLES_PATH":
		return list(c.RolesPath), true
	case "DEFAULT_PRIVATE_KEY_FILE":
		return orNone(c.PrivateKeyFile), true
	case "HOST_KEY_CHECKING":
		return c.HostKeyChecking, true
	case "DEFAULT_BECOME":
		return c.Become, true
	case "DEFAULT_BECOME_USER":
		return c.BecomeUser, true
	case "DEFAULT_BECOME_METHOD":
		return c.BecomeMethod, true
	case "DEFAULT_BECOME_EXE":
		return orNone(c.BecomeExe), true
	case "DEFAULT_BECOME_ASK_PASS":
		return c.AskBecomePass, true
	case "DEFAULT_GATHERING":
		return c.Gathering, true
	case "ANSIBLE_NOCOLOR":
		return c.NoColor, true
	case "ANSIBLE_FORCE_COLOR":
		return c.ForceColor, true
	case "RETRY_FILES_ENABLED":
		return c.RetryFiles, true
	case "ANSIBLE_PIPELINING":
		return c.Pipelining, true
	case "DEFAULT_LOG_PATH":
		return orNone(c.LogPath), true
	case "DEFAULT_VAULT_PASSWORD_FILE":
		return orNone(c.VaultPasswordFile), true
	case "DEFAULT_VAULT_IDENTITY_LIST":
		return list(c.VaultIdentityList), true
	case "DEFAULT_VAULT_ENCRYPT_IDENTITY":
		return orNone(c.VaultEncryptIdentity), true
	}
	return nil, false
}
