// Package config reads ansible.cfg and the ANSIBLE_* environment the way
// ansible-core 2.14 does, for the settings a playbook run needs, and
// accepts the Ansible 1.x spellings (hostfile, sudo_user, sudo_exe,
// ANSIBLE_HOSTS) that older repositories still carry.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config holds the settings of one run.
type Config struct {
	Path            string   // the ansible.cfg used, "" if none
	Inventory       []string // inventory sources, as absolute paths
	RemoteUser      string   // remote_user; "" means the current user
	Forks           int      // forks (default 5)
	Timeout         int      // connection timeout in seconds (default 10)
	RolesPath       []string // roles_path, as absolute paths
	PrivateKeyFile  string   // private_key_file, as an absolute path
	HostKeyChecking bool     // host_key_checking (default true)
	Become          bool     // [privilege_escalation] become
	BecomeUser      string   // become_user (default root)
	BecomeMethod    string   // become_method (default sudo)
	BecomeExe       string   // become_exe; "" means the method's own name
	AskBecomePass   bool     // become_ask_pass
	Gathering       string   // implicit (default), explicit or smart
	ForceHandlers   bool     // force_handlers
	NoColor         bool     // nocolor, ANSIBLE_NOCOLOR or NO_COLOR
	ForceColor      bool     // force_color
	RetryFiles      bool     // retry_files_enabled (default false)
	SSHArgs         string   // [ssh_connection] ssh_args, kept for information
	Pipelining      bool     // pipelining
	SSHRetries      int      // [ssh_connection] retries: more tries of a connection that fails (default 0)
	LogPath         string   // log_path, as an absolute path; "" for no log file

	VaultPasswordFile    string   // vault_password_file, as an absolute path
	VaultIdentityList    []string // vault_identity_list: label@source entries
	VaultEncryptIdentity string   // vault_encrypt_identity

	// Warnings are to be printed as "[WARNING]: ...".
	Warnings []string
}

// setting is one configuration entry: where it can be set, lowest
// precedence first, and how to store it. Legacy spellings come before the
// current ones so that the current ones win.
type setting struct {
	name  string     // Ansible's name for it, for error messages
	ini   []iniKey   // ansible.cfg keys
	env   []string   // environment variables
	apply applyValue // parses and stores a value
}

type iniKey struct{ section, key string }

// origin says where a value came from; paths in ansible.cfg are relative
// to the file's directory, paths in the environment to the working
// directory.
type origin struct {
	desc    string // "file:line" or "env: NAME"
	baseDir string
}

type applyValue func(c *Config, value string, from origin, env func(string) string) error

var settings = []setting{
	{"DEFAULT_HOST_LIST", []iniKey{{"defaults", "hostfile"}, {"defaults", "inventory"}}, []string{"ANSIBLE_HOSTS", "ANSIBLE_INVENTORY"},
		func(c *Config, v string, from origin, env func(string) string) error {
			c.Inventory = resolvePathList(v, ",", from.baseDir, env)
			return nil
		}},
	{"DEFAULT_REMOTE_USER", []iniKey{{"defaults", "remote_user"}}, []string{"ANSIBLE_REMOTE_USER"}, setString(func(c *Config) *string { return &c.RemoteUser })},
	{"DEFAULT_FORKS", []iniKey{{"defaults", "forks"}}, []string{"ANSIBLE_FORKS"}, setInt(func(c *Config) *int { return &c.Forks })},
	{"DEFAULT_TIMEOUT", []iniKey{{"defaults", "timeout"}}, []string{"ANSIBLE_TIMEOUT"}, setInt(func(c *Config) *int { return &c.Timeout })},
	{"DEFAULT_ROLES_PATH", []iniKey{{"defaults", "roles_path"}}, []string{"ANSIBLE_ROLES_PATH"},
		func(c *Config, v string, from origin, env func(string) string) error {
			c.RolesPath = resolvePathList(v, ":", from.baseDir, env)
			return nil
		}},
	{"DEFAULT_PRIVATE_KEY_FILE", []iniKey{{"defaults", "private_key_file"}}, []string{"ANSIBLE_PRIVATE_KEY_FILE"},
		func(c *Config, v string, from origin, env func(string) string) error {
			c.PrivateKeyFile = resolvePath(v, from.baseDir, env)
			return nil
		}},
	{"HOST_KEY_CHECKING", []iniKey{{"defaults", "host_key_checking"}}, []string{"ANSIBLE_HOST_KEY_CHECKING"}, setBool(func(c *Config) *bool { return &c.HostKeyChecking })},
	{"DEFAULT_BECOME", []iniKey{{"privilege_escalation", "become"}}, []string{"ANSIBLE_BECOME"}, setBool(func(c *Config) *bool { return &c.Become })},
	{"DEFAULT_BECOME_USER", []iniKey{{"defaults", "sudo_user"}, {"privilege_escalation", "become_user"}}, []string{"ANSIBLE_SUDO_USER", "ANSIBLE_BECOME_USER"}, setString(func(c *Config) *string { return &c.BecomeUser })},
	{"DEFAULT_BECOME_METHOD", []iniKey{{"privilege_escalation", "become_method"}}, []string{"ANSIBLE_BECOME_METHOD"}, setString(func(c *Config) *string { return &c.BecomeMethod })},
	{"DEFAULT_BECOME_EXE", []iniKey{{"defaults", "sudo_exe"}, {"privilege_escalation", "become_exe"}}, []string{"ANSIBLE_SUDO_EXE", "ANSIBLE_BECOME_EXE"}, setString(func(c *Config) *string { return &c.BecomeExe })},
	{"DEFAULT_BECOME_ASK_PASS", []iniKey{{"privilege_escalation", "become_ask_pass"}}, []string{"ANSIBLE_BECOME_ASK_PASS"}, setBool(func(c *Config) *bool { return &c.AskBecomePass })},
	{"DEFAULT_GATHERING", []iniKey{{"defaults", "gathering"}}, []string{"ANSIBLE_GATHERING"},
		func(c *Config, v string, from origin, _ func(string) string) error {
			switch v {
			case "implicit", "explicit", "smart":
				c.Gathering = v
				return nil
			}
			return fmt.Errorf("invalid value %q, valid values are: implicit, explicit, smart", v)
		}},
	{"DEFAULT_FORCE_HANDLERS", []iniKey{{"defaults", "force_handlers"}}, []string{"ANSIBLE_FORCE_HANDLERS"}, setBool(func(c *Config) *bool { return &c.ForceHandlers })},
	{"ANSIBLE_NOCOLOR", []iniKey{{"defaults", "nocolor"}}, []string{"ANSIBLE_NOCOLOR", "NO_COLOR"}, setBool(func(c *Config) *bool { return &c.NoColor })},
	{"ANSIBLE_FORCE_COLOR", []iniKey{{"defaults", "force_color"}}, []string{"ANSIBLE_FORCE_COLOR"}, setBool(func(c *Config) *bool { return &c.ForceColor })},
	{"RETRY_FILES_ENABLED", []iniKey{{"defaults", "retry_files_enabled"}}, []string{"ANSIBLE_RETRY_FILES_ENABLED"}, setBool(func(c *Config) *bool { return &c.RetryFiles })},
	{"DEFAULT_LOG_PATH", []iniKey{{"defaults", "log_path"}}, []string{"ANSIBLE_LOG_PATH"},
		func(c *Config, v string, from origin, env func(string) string) error {
			c.LogPath = resolvePath(v, from.baseDir, env)
			return nil
		}},
	{"DEFAULT_VAULT_PASSWORD_FILE", []iniKey{{"defaults", "vault_password_file"}}, []string{"ANSIBLE_VAULT_PASSWORD_FILE"},
		func(c *Config, v string, from origin, env func(string) string) error {
			c.VaultPasswordFile = resolvePath(v, from.baseDir, env)
			return nil
		}},
	{"DEFAULT_VAULT_IDENTITY_LIST", []iniKey{{"defaults", "vault_identity_list"}}, []string{"ANSIBLE_VAULT_IDENTITY_LIST"},
		func(c *Config, v string, _ origin, _ func(string) string) error {
			c.VaultIdentityList = nil
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					c.VaultIdentityList = append(c.VaultIdentityList, id)
				}
			}
			return nil
		}},
	{"DEFAULT_VAULT_ENCRYPT_IDENTITY", []iniKey{{"defaults", "vault_encrypt_identity"}}, []string{"ANSIBLE_VAULT_ENCRYPT_IDENTITY"}, setString(func(c *Config) *string { return &c.VaultEncryptIdentity })},
	{"ssh_args", []iniKey{{"ssh_connection", "ssh_args"}}, []string{"ANSIBLE_SSH_ARGS"}, setString(func(c *Config) *string { return &c.SSHArgs })},
	{"reconnection_retries", []iniKey{{"connection", "retries"}, {"ssh_connection", "retries"}}, []string{"ANSIBLE_SSH_RETRIES"}, setInt(func(c *Config) *int { return &c.SSHRetries })},
	{"pipelining", []iniKey{{"defaults", "pipelining"}, {"connection", "pipelining"}, {"ssh_connection", "pipelining"}}, []string{"ANSIBLE_PIPELINING", "ANSIBLE_SSH_PIPELINING"}, setBool(func(c *Config) *bool { return &c.Pipelining })},
}

func setString(field func(*Config) *string) applyValue {
	return func(c *Config, v string, _ origin, _ func(string) string) error {
		*field(c) = v
		return nil
	}
}

func setInt(field func(*Config) *int) applyValue {
	return func(c *Config, v string, from origin, _ func(string) string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("invalid integer %q", v)
		}
		*field(c) = n
		return nil
	}
}

// setBool stores a boolean; like Ansible, any spelling that is not a true
// one (yes, on, true, y, t, 1) counts as false.
func setBool(field func(*Config) *bool) applyValue {
	return func(c *Config, v string, _ origin, _ func(string) string) error {
		*field(c) = isTrue(v)
		return nil
	}
}

func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "y", "yes", "on", "1", "true", "t":
		return true
	}
	return false
}

// defaults returns the configuration with no file and no environment.
func defaults(home string) *Config {
	return &Config{
		Inventory:       []string{"/etc/ansible/hosts"},
		Forks:           5,
		Timeout:         10,
		RolesPath:       []string{filepath.Join(home, ".ansible/roles"), "/usr/share/ansible/roles", "/etc/ansible/roles"},
		HostKeyChecking: true,
		BecomeUser:      "root",
		BecomeMethod:    "sudo",
		Gathering:       "implicit",
	}
}

// Load finds ansible.cfg as Ansible does ($ANSIBLE_CONFIG, ./ansible.cfg
// unless the working directory is world-writable, ~/.ansible.cfg,
// /etc/ansible/ansible.cfg; the first readable one wins), applies it over
// the defaults, then applies the ANSIBLE_* environment. getenv looks up
// environment variables ("" means unset); cwd is the working directory.
// Unknown keys are ignored; a malformed file or value is an error naming
// the file and line.
func Load(getenv func(string) string, cwd string) (*Config, error) {
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	c := defaults(home)
	path, warning := findConfigFile(getenv, cwd, home)
	if warning != "" {
		c.Warnings = append(c.Warnings, warning)
	}
	var file *iniFile
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("Error reading config file (%s): %w", path, err)
		}
		if file, err = parseINI(path, data); err != nil {
			return nil, fmt.Errorf("Error reading config file: %w", err)
		}
		c.Path = path
	}
	for _, s := range settings {
		if file != nil {
			for _, k := range s.ini {
				if v := file.get(k.section, k.key); v != nil {
					from := origin{desc: fmt.Sprintf("%s:%d", path, v.line), baseDir: filepath.Dir(path)}
					if err := s.apply(c, v.text, from, getenv); err != nil {
						return nil, fmt.Errorf("%s: %s: %w", from.desc, s.name, err)
					}
				}
			}
		}
		for _, name := range s.env {
			if v := getenv(name); v != "" {
				if err := s.apply(c, v, origin{desc: "env: " + name, baseDir: cwd}, getenv); err != nil {
					return nil, fmt.Errorf("env %s: %s: %w", name, s.name, err)
				}
			}
		}
	}
	return c, nil
}
