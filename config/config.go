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
	Path                  string   // the ansible.cfg used, "" if none
	Inventory             []string // inventory sources, as absolute paths
	RemoteUser            string   // remote_user; "" means the current user
	Forks                 int      // forks (default 5)
	Timeout               int      // connection timeout in seconds (default 10)
	PollInterval          int      // poll_interval: the poll of an async task without one (default 15)
	RolesPath             []string // roles_path, as absolute paths
	PrivateKeyFile        string   // private_key_file, as an absolute path
	HostKeyChecking       bool     // host_key_checking (default true)
	Become                bool     // [privilege_escalation] become
	BecomeUser            string   // become_user (default root)
	BecomeMethod          string   // become_method (default sudo)
	BecomeExe             string   // become_exe; "" means the method's own name
	AskBecomePass         bool     // become_ask_pass
	Gathering             string   // implicit (default), explicit or smart
	ForceHandlers         bool     // force_handlers
	ErrorOnMissingHandler bool     // error_on_missing_handler (default true)
	NoColor               bool     // nocolor, ANSIBLE_NOCOLOR or NO_COLOR
	ForceColor            bool     // force_color
	RetryFiles            bool     // retry_files_enabled (default false)
	SSHArgs               string   // [ssh_connection] ssh_args
	SSHCommonArgs         string   // [ssh_connection] ssh_common_args
	SSHExtraArgs          string   // [ssh_connection] ssh_extra_args
	Pipelining            bool     // pipelining
	SSHRetries            int      // [ssh_connection] retries: more tries of a connection that fails (default 0)
	LogPath               string   // log_path, as an absolute path; "" for no log file
	RetrySavePath         string   // retry_files_save_path, as an absolute path; "" for the playbook's directory
	// fact_caching (memory or jsonfile), fact_caching_connection (as an
	// absolute path), fact_caching_prefix and fact_caching_timeout (in
	// seconds; 0 never expires).
	FactCaching, FactCachingConnection, FactCachingPrefix string
	FactCachingTimeout                                    int
	StdoutCallback                                        string // stdout_callback (default "default")
	// CallbacksEnabled are the other callback plugins to load
	// (callbacks_enabled, formerly callback_whitelist).
	CallbacksEnabled []string
	// LoadCallbacks is bin_ansible_callbacks: whether the ad-hoc command
	// uses stdout_callback and callbacks_enabled.
	LoadCallbacks bool
	Strategy      string // strategy: the plays' default (default "linear")
	// The profile_tasks callback's sort_order (descending, ascending or
	// none) and task_output_limit (a number or "all").
	ProfileTasksSortOrder string
	ProfileTasksLimit     string

	// InventoryEnabled is [inventory] enable_plugins: the inventory
	// plugins tried on each source, in order.
	InventoryEnabled []string
	// InventoryEnabledFrom is where enable_plugins was set ("file:line"
	// or "env: NAME"), for errors about the plugins it names.
	InventoryEnabledFrom string
	// [inventory] unparsed_is_failed, any_unparsed_is_failed and
	// inventory_unparsed_warning (default true).
	InventoryUnparsedFailed, InventoryAnyUnparsedFailed, InventoryUnparsedWarning bool
	LocalhostWarning                                                              bool

	VaultPasswordFile    string   // vault_password_file, as an absolute path
	VaultIdentityList    []string // vault_identity_list: label@source entries
	VaultEncryptIdentity string   // vault_encrypt_identity

	// Warnings are to be printed as "[WARNING]: ...".
	Warnings []string

	// origins says where each setting set by the file or the environment
	// came from, by setting name: the file's path or "env: NAME".
	origins map[string]string
}

// setting is one configuration entry: where it can be set, lowest
// precedence first, and how to store it. Legacy spellings come before the
// current ones so that the current ones win.
type setting struct {
	name string   // Ansible's name for it, for errors and ansible-config
	ini  []iniKey // ansible.cfg keys
	env  []string // environment variables
	binding
}

// binding ties a setting to its Config field: apply parses and stores a
// value, value reads it back as Ansible's typed value (nil for None) for
// ansible-config dump.
type binding struct {
	apply applyValue
	value func(c *Config) any
	// plugin marks a connection plugin's option, which ansible-config
	// dump leaves out of its base settings.
	plugin bool
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
		binding{apply: func(c *Config, v string, from origin, env func(string) string) error {
			c.Inventory = resolvePathList(v, ",", from.baseDir, env)
			return nil
		}, value: func(c *Config) any { return c.Inventory }}},
	{"INVENTORY_ENABLED", []iniKey{{"inventory", "enable_plugins"}}, []string{"ANSIBLE_INVENTORY_ENABLED"},
		binding{apply: func(c *Config, v string, from origin, _ func(string) string) error {
			// Ansible's list type keeps empty items here: each is a
			// plugin that fails to load.
			c.InventoryEnabled = nil
			for _, name := range strings.Split(v, ",") {
				c.InventoryEnabled = append(c.InventoryEnabled, strings.TrimSpace(name))
			}
			c.InventoryEnabledFrom = from.desc
			return nil
		}, value: func(c *Config) any { return listOf(c.InventoryEnabled) }}},
	{"INVENTORY_UNPARSED_IS_FAILED", []iniKey{{"inventory", "unparsed_is_failed"}}, []string{"ANSIBLE_INVENTORY_UNPARSED_FAILED"}, setBool(func(c *Config) *bool { return &c.InventoryUnparsedFailed })},
	{"INVENTORY_ANY_UNPARSED_IS_FAILED", []iniKey{{"inventory", "any_unparsed_is_failed"}}, []string{"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED"}, setBool(func(c *Config) *bool { return &c.InventoryAnyUnparsedFailed })},
	{"LOCALHOST_WARNING", []iniKey{{"defaults", "localhost_warning"}}, []string{"ANSIBLE_LOCALHOST_WARNING"}, setBool(func(c *Config) *bool { return &c.LocalhostWarning })},
	{"INVENTORY_UNPARSED_WARNING", []iniKey{{"inventory", "inventory_unparsed_warning"}}, []string{"ANSIBLE_INVENTORY_UNPARSED_WARNING"}, setBool(func(c *Config) *bool { return &c.InventoryUnparsedWarning })},
	{"DEFAULT_REMOTE_USER", []iniKey{{"defaults", "remote_user"}}, []string{"ANSIBLE_REMOTE_USER"}, setString(func(c *Config) *string { return &c.RemoteUser })},
	{"DEFAULT_FORKS", []iniKey{{"defaults", "forks"}}, []string{"ANSIBLE_FORKS"}, setInt(func(c *Config) *int { return &c.Forks })},
	{"DEFAULT_POLL_INTERVAL", []iniKey{{"defaults", "poll_interval"}}, []string{"ANSIBLE_POLL_INTERVAL"}, setInt(func(c *Config) *int { return &c.PollInterval })},
	{"DEFAULT_TIMEOUT", []iniKey{{"defaults", "timeout"}}, []string{"ANSIBLE_TIMEOUT"}, setInt(func(c *Config) *int { return &c.Timeout })},
	{"DEFAULT_ROLES_PATH", []iniKey{{"defaults", "roles_path"}}, []string{"ANSIBLE_ROLES_PATH"},
		binding{apply: func(c *Config, v string, from origin, env func(string) string) error {
			c.RolesPath = resolvePathList(v, ":", from.baseDir, env)
			return nil
		}, value: func(c *Config) any { return c.RolesPath }}},
	{"DEFAULT_PRIVATE_KEY_FILE", []iniKey{{"defaults", "private_key_file"}}, []string{"ANSIBLE_PRIVATE_KEY_FILE"},
		binding{apply: func(c *Config, v string, from origin, env func(string) string) error {
			c.PrivateKeyFile = resolvePath(v, from.baseDir, env)
			return nil
		}, value: func(c *Config) any { return orNone(c.PrivateKeyFile) }}},
	{"HOST_KEY_CHECKING", []iniKey{{"defaults", "host_key_checking"}}, []string{"ANSIBLE_HOST_KEY_CHECKING"}, setBool(func(c *Config) *bool { return &c.HostKeyChecking })},
	{"DEFAULT_BECOME", []iniKey{{"privilege_escalation", "become"}}, []string{"ANSIBLE_BECOME"}, setBool(func(c *Config) *bool { return &c.Become })},
	{"DEFAULT_BECOME_USER", []iniKey{{"defaults", "sudo_user"}, {"privilege_escalation", "become_user"}}, []string{"ANSIBLE_SUDO_USER", "ANSIBLE_BECOME_USER"}, setString(func(c *Config) *string { return &c.BecomeUser })},
	{"DEFAULT_BECOME_METHOD", []iniKey{{"privilege_escalation", "become_method"}}, []string{"ANSIBLE_BECOME_METHOD"}, setString(func(c *Config) *string { return &c.BecomeMethod })},
	{"DEFAULT_BECOME_EXE", []iniKey{{"defaults", "sudo_exe"}, {"privilege_escalation", "become_exe"}}, []string{"ANSIBLE_SUDO_EXE", "ANSIBLE_BECOME_EXE"}, setString(func(c *Config) *string { return &c.BecomeExe })},
	{"DEFAULT_BECOME_ASK_PASS", []iniKey{{"privilege_escalation", "become_ask_pass"}}, []string{"ANSIBLE_BECOME_ASK_PASS"}, setBool(func(c *Config) *bool { return &c.AskBecomePass })},
	{"DEFAULT_GATHERING", []iniKey{{"defaults", "gathering"}}, []string{"ANSIBLE_GATHERING"},
		binding{apply: func(c *Config, v string, from origin, _ func(string) string) error {
			switch v {
			case "implicit", "explicit", "smart":
				c.Gathering = v
				return nil
			}
			return fmt.Errorf("invalid value %q, valid values are: implicit, explicit, smart", v)
		}, value: func(c *Config) any { return c.Gathering }}},
	{"DEFAULT_FORCE_HANDLERS", []iniKey{{"defaults", "force_handlers"}}, []string{"ANSIBLE_FORCE_HANDLERS"}, setBool(func(c *Config) *bool { return &c.ForceHandlers })},
	{"ANSIBLE_NOCOLOR", []iniKey{{"defaults", "nocolor"}}, []string{"ANSIBLE_NOCOLOR", "NO_COLOR"}, setBool(func(c *Config) *bool { return &c.NoColor })},
	{"ANSIBLE_FORCE_COLOR", []iniKey{{"defaults", "force_color"}}, []string{"ANSIBLE_FORCE_COLOR"}, setBool(func(c *Config) *bool { return &c.ForceColor })},
	{"ERROR_ON_MISSING_HANDLER", []iniKey{{"defaults", "error_on_missing_handler"}}, []string{"ANSIBLE_ERROR_ON_MISSING_HANDLER"}, setBool(func(c *Config) *bool { return &c.ErrorOnMissingHandler })},
	{"RETRY_FILES_ENABLED", []iniKey{{"defaults", "retry_files_enabled"}}, []string{"ANSIBLE_RETRY_FILES_ENABLED"}, setBool(func(c *Config) *bool { return &c.RetryFiles })},
	{"RETRY_FILES_SAVE_PATH", []iniKey{{"defaults", "retry_files_save_path"}}, []string{"ANSIBLE_RETRY_FILES_SAVE_PATH"},
		binding{apply: func(c *Config, v string, from origin, env func(string) string) error {
			c.RetrySavePath = resolvePath(v, from.baseDir, env)
			return nil
		}, value: func(c *Config) any { return orNone(c.RetrySavePath) }}},
	{"CACHE_PLUGIN", []iniKey{{"defaults", "fact_caching"}}, []string{"ANSIBLE_CACHE_PLUGIN"}, setString(func(c *Config) *string { return &c.FactCaching })},
	{"CACHE_PLUGIN_CONNECTION", []iniKey{{"defaults", "fact_caching_connection"}}, []string{"ANSIBLE_CACHE_PLUGIN_CONNECTION"},
		binding{apply: func(c *Config, v string, from origin, env func(string) string) error {
			c.FactCachingConnection = resolvePath(v, from.baseDir, env)
			return nil
		}, value: func(c *Config) any { return orNone(c.FactCachingConnection) }}},
	// The base setting's default is ansible_facts, but the jsonfile
	// plugin, the one that uses it, has no default of its own: files are
	// named by host alone unless a prefix is set.
	{"CACHE_PLUGIN_PREFIX", []iniKey{{"defaults", "fact_caching_prefix"}}, []string{"ANSIBLE_CACHE_PLUGIN_PREFIX"},
		binding{apply: setString(func(c *Config) *string { return &c.FactCachingPrefix }).apply, value: func(c *Config) any {
			if c.FactCachingPrefix == "" {
				return "ansible_facts"
			}
			return c.FactCachingPrefix
		}}},
	{"CACHE_PLUGIN_TIMEOUT", []iniKey{{"defaults", "fact_caching_timeout"}}, []string{"ANSIBLE_CACHE_PLUGIN_TIMEOUT"}, setInt(func(c *Config) *int { return &c.FactCachingTimeout })},
	{"DEFAULT_STDOUT_CALLBACK", []iniKey{{"defaults", "stdout_callback"}}, []string{"ANSIBLE_STDOUT_CALLBACK"}, setString(func(c *Config) *string { return &c.StdoutCallback })},
	{"CALLBACKS_ENABLED", []iniKey{{"defaults", "callback_whitelist"}, {"defaults", "callbacks_enabled"}}, []string{"ANSIBLE_CALLBACK_WHITELIST", "ANSIBLE_CALLBACKS_ENABLED"},
		binding{apply: func(c *Config, v string, _ origin, _ func(string) string) error {
			c.CallbacksEnabled = splitList(v)
			return nil
		}, value: func(c *Config) any { return listOf(c.CallbacksEnabled) }}},
	{"DEFAULT_LOAD_CALLBACK_PLUGINS", []iniKey{{"defaults", "bin_ansible_callbacks"}}, []string{"ANSIBLE_LOAD_CALLBACK_PLUGINS"}, setBool(func(c *Config) *bool { return &c.LoadCallbacks })},
	{"DEFAULT_STRATEGY", []iniKey{{"defaults", "strategy"}}, []string{"ANSIBLE_STRATEGY"}, setString(func(c *Config) *string { return &c.Strategy })},
	{"sort_order", []iniKey{{"callback_profile_tasks", "sort_order"}}, []string{"PROFILE_TASKS_SORT_ORDER"}, pluginOption(setString(func(c *Config) *string { return &c.ProfileTasksSortOrder }))},
	{"output_limit", []iniKey{{"callback_profile_tasks", "task_output_limit"}}, []string{"PROFILE_TASKS_TASK_OUTPUT_LIMIT"}, pluginOption(setString(func(c *Config) *string { return &c.ProfileTasksLimit }))},
	{"DEFAULT_LOG_PATH", []iniKey{{"defaults", "log_path"}}, []string{"ANSIBLE_LOG_PATH"},
		binding{apply: func(c *Config, v string, from origin, env func(string) string) error {
			c.LogPath = resolvePath(v, from.baseDir, env)
			return nil
		}, value: func(c *Config) any { return orNone(c.LogPath) }}},
	{"DEFAULT_VAULT_PASSWORD_FILE", []iniKey{{"defaults", "vault_password_file"}}, []string{"ANSIBLE_VAULT_PASSWORD_FILE"},
		binding{apply: func(c *Config, v string, from origin, env func(string) string) error {
			c.VaultPasswordFile = resolvePath(v, from.baseDir, env)
			return nil
		}, value: func(c *Config) any { return orNone(c.VaultPasswordFile) }}},
	{"DEFAULT_VAULT_IDENTITY_LIST", []iniKey{{"defaults", "vault_identity_list"}}, []string{"ANSIBLE_VAULT_IDENTITY_LIST"},
		binding{apply: func(c *Config, v string, _ origin, _ func(string) string) error {
			c.VaultIdentityList = nil
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					c.VaultIdentityList = append(c.VaultIdentityList, id)
				}
			}
			return nil
		}, value: func(c *Config) any { return listOf(c.VaultIdentityList) }}},
	{"DEFAULT_VAULT_ENCRYPT_IDENTITY", []iniKey{{"defaults", "vault_encrypt_identity"}}, []string{"ANSIBLE_VAULT_ENCRYPT_IDENTITY"}, setString(func(c *Config) *string { return &c.VaultEncryptIdentity })},
	{"ssh_args", []iniKey{{"ssh_connection", "ssh_args"}}, []string{"ANSIBLE_SSH_ARGS"}, pluginOption(setString(func(c *Config) *string { return &c.SSHArgs }))},
	{"ssh_common_args", []iniKey{{"ssh_connection", "ssh_common_args"}}, []string{"ANSIBLE_SSH_COMMON_ARGS"}, pluginOption(setString(func(c *Config) *string { return &c.SSHCommonArgs }))},
	{"ssh_extra_args", []iniKey{{"ssh_connection", "ssh_extra_args"}}, []string{"ANSIBLE_SSH_EXTRA_ARGS"}, pluginOption(setString(func(c *Config) *string { return &c.SSHExtraArgs }))},
	{"reconnection_retries", []iniKey{{"connection", "retries"}, {"ssh_connection", "retries"}}, []string{"ANSIBLE_SSH_RETRIES"}, pluginOption(setInt(func(c *Config) *int { return &c.SSHRetries }))},
	{"pipelining", []iniKey{{"defaults", "pipelining"}, {"connection", "pipelining"}, {"ssh_connection", "pipelining"}}, []string{"ANSIBLE_PIPELINING", "ANSIBLE_SSH_PIPELINING"}, pluginOption(setBool(func(c *Config) *bool { return &c.Pipelining }))},
}

// setString binds a string field; "" reads back as None, Ansible's
// default for the string settings gansible keeps as "".
func setString(field func(*Config) *string) binding {
	return binding{
		apply: func(c *Config, v string, _ origin, _ func(string) string) error {
			*field(c) = v
			return nil
		},
		value: func(c *Config) any { return orNone(*field(c)) },
	}
}

func setInt(field func(*Config) *int) binding {
	return binding{
		apply: func(c *Config, v string, _ origin, _ func(string) string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("invalid integer %q", v)
			}
			*field(c) = n
			return nil
		},
		value: func(c *Config) any { return *field(c) },
	}
}

// setBool binds a boolean; like Ansible, any spelling that is not a true
// one (yes, on, true, y, t, 1) counts as false.
func setBool(field func(*Config) *bool) binding {
	return binding{
		apply: func(c *Config, v string, _ origin, _ func(string) string) error {
			*field(c) = isTrue(v)
			return nil
		},
		value: func(c *Config) any { return *field(c) },
	}
}

// pluginOption marks a connection plugin's option.
func pluginOption(b binding) binding {
	b.plugin = true
	return b
}

// orNone is a string setting's value: None when unset.
func orNone(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// listOf is a list setting's value: [] when unset.
func listOf(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// splitList is a list setting's items: comma-separated, trimmed, empty
// ones dropped.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
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
		Inventory:                []string{"/etc/ansible/hosts"},
		InventoryEnabled:         []string{"host_list", "script", "auto", "yaml", "ini", "toml"},
		InventoryUnparsedWarning: true,
		LocalhostWarning:         true,
		Forks:                    5,
		PollInterval:             15,
		Timeout:                  10,
		RolesPath:                []string{filepath.Join(home, ".ansible/roles"), "/usr/share/ansible/roles", "/etc/ansible/roles"},
		HostKeyChecking:          true,
		ErrorOnMissingHandler:    true,
		BecomeUser:               "root",
		BecomeMethod:             "sudo",
		Gathering:                "implicit",
		StdoutCallback:           "default",
		FactCaching:              "memory",
		FactCachingTimeout:       86400,
		Strategy:                 "linear",
		ProfileTasksSortOrder:    "descending",
		ProfileTasksLimit:        "20",
		origins:                  map[string]string{},
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
					c.origins[s.name] = path
				}
			}
		}
		for _, name := range s.env {
			if v := getenv(name); v != "" {
				if err := s.apply(c, v, origin{desc: "env: " + name, baseDir: cwd}, getenv); err != nil {
					return nil, fmt.Errorf("env %s: %s: %w", name, s.name, err)
				}
				c.origins[s.name] = "env: " + name
			}
		}
	}
	return c, nil
}
