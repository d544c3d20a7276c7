package inventory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
	"github.com/gansible/gansible/yamlvalue"
)

// Every source that is not a directory goes to the enabled inventory
// plugins ([inventory] enable_plugins) in their order, as ansible-core's
// inventory manager sends it: a plugin whose verify step declines the
// source is passed over, the first one that parses it wins, and only when
// none does are the failures of those that tried reported.

// DefaultPlugins is ansible-core's enable_plugins default.
var DefaultPlugins = []string{"host_list", "script", "auto", "yaml", "ini", "toml"}

// sourcePlugin is one of ansible-core's inventory plugins as the inventory
// manager drives it.
type sourcePlugin struct {
	// verify says whether the plugin wants the source.
	verify func(source string) bool
	// parse reads the source into the inventory; loadName is the name the
	// plugin was loaded by, which the configuration plugins require their
	// file's plugin key to repeat.
	parse func(inv *Inventory, source, loadName string) error
}

// builtinPlugins are ansible-core's inventory plugins, by short name.
var builtinPlugins map[string]sourcePlugin

func init() {
	builtinPlugins = map[string]sourcePlugin{
		"host_list":          {verifyHostList, parseHostListSource},
		"advanced_host_list": {verifyHostList, parseAdvancedHostList},
		"script":             {verifyScript, func(inv *Inventory, src, _ string) error { return inv.parseScript(src) }},
		"auto":               {verifyAuto, parseAutoSource},
		"yaml":               {verifyYAML, parseYAMLSource},
		"ini":                {verifyReadable, parseINISource},
		"toml":               {verifyTOML, parseTOMLSource},
		"constructed":        {verifyPluginConfig, configPluginParser("constructed", parseConstructed)},
		"generator":          {verifyPluginConfig, configPluginParser("generator", parseGenerator)},
	}
}

// builtinNames lists builtinPlugins for messages.
const builtinNames = "host_list, advanced_host_list, script, auto, yaml, ini, toml, constructed and generator"

// communityGeneralInventory are community.general's inventory plugins
// (Debian's ansible package, with its redirects): names Ansible loads,
// which gansible does not have.
var communityGeneralInventory = map[string]bool{
	"cobbler": true, "gitlab_runners": true, "icinga2": true, "linode": true, "lxd": true,
	"nmap": true, "online": true, "opennebula": true, "proxmox": true, "scaleway": true,
	"stackpath_compute": true, "virtualbox": true, "xen_orchestra": true,
	"docker_machine": true, "docker_swarm": true, "kubevirt": true,
}

// legacyPluginDirs are ansible-core's default inventory plugin paths,
// where a short name that is not a builtin would be found.
func legacyPluginDirs() []string {
	dirs := []string{"/usr/share/ansible/plugins/inventory"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append([]string{filepath.Join(home, ".ansible/plugins/inventory")}, dirs...)
	}
	return dirs
}

// enabledPlugin is a plugin of enable_plugins with the name Ansible gives
// it in its messages (its load name: the short name, or the Python module
// path for an ansible.builtin name).
type enabledPlugin struct {
	name, loadName string
	sourcePlugin
}

// lookupPlugin finds a plugin as ansible-core's plugin loader does by the
// name given: a short or ansible.legacy name is the builtin, an
// ansible.builtin name the builtin under its module path. found is false
// for a name Ansible would not find either (its warning skips it); err is
// for a name Ansible would load but gansible does not have.
func lookupPlugin(name string) (p enabledPlugin, found bool, err error) {
	short, builtinFQCN := name, false
	switch {
	case strings.HasPrefix(name, "ansible.builtin."):
		short, builtinFQCN = strings.TrimPrefix(name, "ansible.builtin."), true
	case strings.HasPrefix(name, "ansible.legacy."):
		short = strings.TrimPrefix(name, "ansible.legacy.")
	}
	if sp, ok := builtinPlugins[short]; ok {
		p = enabledPlugin{name: short, loadName: name, sourcePlugin: sp}
		if builtinFQCN {
			p.name = "ansible_collections.ansible.builtin.plugins.inventory." + short
		}
		return p, true, nil
	}
	unsupported := fmt.Errorf("inventory plugin '%s' is not supported by gansible (it has %s)", name, builtinNames)
	parts := strings.Split(name, ".")
	switch {
	case builtinFQCN:
		return p, false, nil
	case strings.HasPrefix(name, "ansible.legacy."):
		// A legacy name is looked up in the plugin paths.
	case strings.HasPrefix(name, "community.general.") && len(parts) == 3:
		if communityGeneralInventory[parts[2]] {
			return p, false, unsupported
		}
		return p, false, nil
	case len(parts) >= 3:
		// Another collection's plugin: whether Ansible would find it
		// depends on the collections installed, so it cannot be skipped
		// as Ansible skips a missing one.
		return p, false, unsupported
	}
	for _, dir := range legacyPluginDirs() {
		if _, err := os.Stat(filepath.Join(dir, short+".py")); err == nil {
			return p, false, unsupported
		}
	}
	return p, false, nil
}

// resolvePlugins turns enable_plugins into the plugins to try, with
// Ansible's warning for each name it cannot load.
func (inv *Inventory) resolvePlugins(names []string) ([]enabledPlugin, error) {
	var plugins []enabledPlugin
	for _, name := range names {
		p, found, err := lookupPlugin(name)
		if err != nil {
			switch from := inv.opts.EnabledFrom; {
			case strings.HasPrefix(from, "env: "):
				return nil, fmt.Errorf("%s: %w", strings.TrimPrefix(from, "env: "), err)
			case from != "":
				return nil, fmt.Errorf("%s: enable_plugins: %w", from, err)
			}
			return nil, err
		}
		if found {
			plugins = append(plugins, p)
		}
	}
	return plugins, nil
}

// fileSourcePlugins are the plugins a file or string source goes through.
// Ansible looks them up for each such source, so their warnings (printed
// once) and the error for none come with the first one.
func (inv *Inventory) fileSourcePlugins() ([]enabledPlugin, error) {
	if !inv.pluginsChecked {
		inv.pluginsChecked = true
		for _, name := range inv.enabledNames() {
			if _, found, _ := lookupPlugin(name); !found {
				inv.warnf("Failed to load inventory plugin, skipping %s", name)
			}
		}
	}
	if len(inv.plugins) == 0 {
		return nil, errors.New("No inventory plugins available to generate inventory, make sure you have at least one enabled.")
	}
	return inv.plugins, nil
}

func (inv *Inventory) enabledNames() []string {
	if inv.opts.Enabled == nil {
		return DefaultPlugins
	}
	return inv.opts.Enabled
}

// parseWithPlugins tries source with each enabled plugin and reports
// whether one parsed it, with the failures of those that tried otherwise.
func (inv *Inventory) parseWithPlugins(source string) (bool, []pluginFailure, error) {
	plugins, err := inv.fileSourcePlugins()
	if err != nil {
		return false, nil, err
	}
	var failures []pluginFailure
	for _, p := range plugins {
		if !p.verify(source) {
			continue
		}
		// What a failed plugin added before its error stays, as in
		// Ansible.
		if err := p.parse(inv, source, p.loadName); err != nil {
			failures = append(failures, pluginFailure{p.name, err})
			continue
		}
		return true, nil, nil
	}
	return false, failures, nil
}

// verifyReadable is the base plugin's check: the source is a path that
// exists and can be read.
func verifyReadable(source string) bool {
	if _, err := os.Stat(source); err != nil {
		return false
	}
	return syscall.Access(source, 4 /* R_OK */) == nil
}

func verifyHostList(source string) bool {
	_, err := os.Stat(source)
	return err != nil && strings.Contains(source, ",")
}

// verifyScript wants a readable file that is executable or starts with
// "#!".
func verifyScript(source string) bool {
	return verifyReadable(source) && isScript(source)
}

func verifyAuto(source string) bool {
	return (strings.HasSuffix(source, ".yml") || strings.HasSuffix(source, ".yaml")) && verifyReadable(source)
}

func verifyYAML(source string) bool {
	ext := filepath.Ext(source)
	return verifyReadable(source) && (ext == "" || yamlExtensions[ext])
}

func verifyTOML(source string) bool {
	return verifyReadable(source) && filepath.Ext(source) == ".toml"
}

// verifyPluginConfig is constructed's and generator's check: no
// extension, .config, or a YAML one.
func verifyPluginConfig(source string) bool {
	return verifyReadable(source) && pluginConfigExtensions[filepath.Ext(source)]
}

func readSource(source string) ([]byte, error) {
	data, err := vault.ReadFile(source)
	if err != nil {
		return nil, fmt.Errorf("reading inventory: %w", err)
	}
	return data, nil
}

func parseINISource(inv *Inventory, source, _ string) error {
	data, err := readSource(source)
	if err != nil {
		return err
	}
	return inv.parseINI(source, data)
}

func parseTOMLSource(inv *Inventory, source, _ string) error {
	data, err := readSource(source)
	if err != nil {
		return err
	}
	return inv.parseTOML(source, data)
}

func parseYAMLSource(inv *Inventory, source, _ string) error {
	data, err := readSource(source)
	if err != nil {
		return err
	}
	return inv.parseYAML(source, data)
}

// parseAutoSource is Ansible's auto plugin: the file's plugin key names
// the plugin that reads it, loaded by that name whether it is enabled or
// not.
func parseAutoSource(inv *Inventory, source, _ string) error {
	data, err := readSource(source)
	if err != nil {
		return err
	}
	root, err := yamlvalue.Parse(source, data)
	if err != nil {
		return err
	}
	name, _ := pluginName(root)
	if name == "" {
		return fmt.Errorf("no root 'plugin' key found, '%s' is not a valid YAML inventory plugin config file", source)
	}
	p, found, err := lookupPlugin(name)
	if err != nil || !found {
		return fmt.Errorf("inventory config '%s' specifies the inventory plugin '%s', which gansible does not support (it has %s)", source, name, builtinNames)
	}
	if !p.verify(source) {
		return fmt.Errorf("inventory source '%s' could not be verified by inventory plugin '%s'", source, name)
	}
	return p.parse(inv, source, name)
}

// configPluginParser reads a configuration plugin's file (constructed,
// generator) as ansible-core's _read_config_data does: its plugin key
// must be the exact name the plugin was loaded by, and one of the names
// the plugin's documentation allows (so never an ansible.legacy one).
func configPluginParser(short string, plugin configPlugin) func(inv *Inventory, source, loadName string) error {
	return func(inv *Inventory, source, loadName string) error {
		data, err := readSource(source)
		if err != nil {
			return err
		}
		root, err := yamlvalue.Parse(source, data)
		if err != nil {
			return err
		}
		v, err := yamlvalue.Decode(source, root)
		if err != nil {
			return err
		}
		if !value.Truthy(v) {
			return fmt.Errorf("%s is empty", source)
		}
		cfg, ok := v.(*value.Dict)
		if !ok {
			return fmt.Errorf("'%s' object has no attribute 'get'", ansibleYAMLClass(v))
		}
		name, ok := cfg.Get("plugin")
		if !ok {
			return errors.New("Incorrect plugin name in file: none found")
		}
		if s, isStr := name.(string); !isStr || s != loadName {
			return fmt.Errorf("Incorrect plugin name in file: %s", value.Str(name))
		}
		if loadName != short && loadName != "ansible.builtin."+short {
			return fmt.Errorf(`Invalid value "%s" for configuration option "plugin_type: inventory plugin: %s setting: plugin ", valid values are: ansible.builtin.%s, %s`, loadName, short, short, short)
		}
		return plugin(inv, source, cfg)
	}
}

// ansibleYAMLClass is the class name of a value Ansible's YAML loader
// returns.
func ansibleYAMLClass(v any) string {
	switch v.(type) {
	case []any:
		return "AnsibleSequence"
	case string:
		return "AnsibleUnicode"
	case *value.Dict:
		return "AnsibleMapping"
	}
	return strings.TrimSuffix(strings.TrimPrefix(pyTypeName(v), "<class '"), "'>")
}

// parseHostListSource is the host_list plugin: "h1,h2:2222," names hosts,
// with an optional port and no ranges.
func parseHostListSource(inv *Inventory, list, _ string) error {
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, port := splitHostPort(entry)
		if strings.Contains(name, "[") {
			// Ranges are not expanded in host lists.
			name, port = entry, 0
		}
		inv.addListedHost(name, list, port)
	}
	return nil
}

// parseAdvancedHostList is the advanced_host_list plugin: a host list
// whose entries may hold ranges ("web[1:3],db:2222"). An entry whose
// range Ansible cannot expand stays a host of that name; one whose bounds
// are not numbers fails the source, as Python's int() does there.
func parseAdvancedHostList(inv *Inventory, list, _ string) error {
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		names, port, err := expandHostPattern(entry)
		var intErr rangeIntError
		switch {
		case errors.As(err, &intErr):
			return fmt.Errorf("Invalid data from string, could not parse: invalid literal for int() with base 10: '%s'", intErr.literal)
		case err != nil && strings.Contains(err.Error(), "expands to more than"):
			return err
		case err != nil:
			names, port = []string{entry}, 0
		}
		for _, name := range names {
			inv.addListedHost(name, list, port)
		}
	}
	return nil
}

// addListedHost adds a host of a host list to ungrouped unless some
// source already has it, as both host list plugins do.
func (inv *Inventory) addListedHost(name, source string, port int) {
	if _, ok := inv.hosts[name]; ok {
		return
	}
	inv.addHost(name, ungroupedGroup, source, port)
}
