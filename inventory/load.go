package inventory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/vault"
	"github.com/gansible/gansible/yamlvalue"
)

// ignoredInDir matches directory entries that are not inventory sources:
// hidden files, the vars directories, and Ansible's default
// inventory_ignore_extensions.
var ignoredInDir = regexp.MustCompile(`^\.|^host_vars$|^group_vars$|^vars_plugins$|` +
	`(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$`)

// defaultInventory is Ansible's inventory when none is configured.
const defaultInventory = "/etc/ansible/hosts"

// yamlExtensions are the extensions Ansible reads as YAML (besides none).
var yamlExtensions = map[string]bool{".yml": true, ".yaml": true, ".json": true}

// Load reads every source in order and merges them, as repeated -i flags
// do. A source is an INI or YAML file, a directory of them, or a
// comma-separated host list ("h1,h2,"). A source that does not exist or
// does not parse only produces warnings, as in ansible-core; with no source
// left there is only the implicit localhost. group_vars/ and
// host_vars/ beside each source are loaded too.
func Load(sources []string) (*Inventory, error) {
	return LoadWith(sources, Options{})
}

// LoadWith is Load with the inventory plugins' options.
func LoadWith(sources []string, opts Options) (*Inventory, error) {
	inv := newInventory()
	inv.opts = opts
	parsed := false
	for _, src := range sources {
		if src == "" {
			continue
		}
		ok, err := inv.loadSource(src)
		if err != nil {
			return nil, err
		}
		parsed = parsed || ok
	}
	// Like ansible-core, what a failed source added before its error
	// stays, but groups join "all" only when some source was parsed.
	if parsed {
		inv.reconcile()
	}
	if !parsed {
		inv.warnf("No inventory was parsed, only implicit localhost is available")
	}
	for _, src := range sources {
		dir, ok := varsDirFor(src)
		if !ok {
			continue
		}
		vd, err := inv.loadVarsDir(dir)
		if err != nil {
			return nil, err
		}
		inv.inventoryVars = append(inv.inventoryVars, vd)
	}
	return inv, nil
}

// varsDirFor returns the directory whose group_vars/ and host_vars/ apply to
// an inventory source: the source itself if it is a directory, else the
// directory holding it. Host lists have none.
func varsDirFor(src string) (string, bool) {
	info, err := os.Stat(src)
	if err != nil {
		return "", false
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return "", false
	}
	if info.IsDir() {
		return abs, true
	}
	return filepath.Dir(abs), true
}

// loadSource reads one source and reports whether it yielded an inventory.
func (inv *Inventory) loadSource(src string) (bool, error) {
	info, err := os.Stat(src)
	switch {
	case err != nil && strings.Contains(src, ","):
		inv.parseHostList(src)
		return true, nil
	case err != nil:
		// Ansible is silent about its own default inventory being absent.
		if src != defaultInventory {
			inv.warnf("Unable to parse %s as an inventory source", absPath(src))
		}
		return false, nil
	case info.IsDir():
		return inv.loadDir(src)
	}
	if failures := inv.loadFile(src); len(failures) > 0 {
		for _, f := range failures {
			inv.warnf(" * Failed to parse %s with %s plugin: %v", absPath(src), f.plugin, f.err)
		}
		inv.warnf("Unable to parse %s as an inventory source", absPath(src))
		return false, nil
	}
	return true, nil
}

// pluginFailure is why one of Ansible's inventory plugins could not read
// a source.
type pluginFailure struct {
	plugin string
	err    error
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// loadDir reads every non-ignored entry of dir, in name order.
func (inv *Inventory) loadDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("reading inventory directory: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !ignoredInDir.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	parsed := false
	for _, name := range names {
		ok, err := inv.loadSource(filepath.Join(dir, name))
		if err != nil {
			return false, err
		}
		parsed = parsed || ok
	}
	return parsed, nil
}

// loadFile reads an inventory file with the plugins Ansible would try,
// in its order: an executable (or #!) file is a script first; a file with
// no extension or a YAML one is tried as YAML, then as INI; a .toml file
// as INI, then as TOML. It returns why
// each plugin failed, or nothing once one succeeds.
func (inv *Inventory) loadFile(path string) []pluginFailure {
	var failures []pluginFailure
	source := absPath(path)
	if isScript(path) {
		err := inv.parseScript(source)
		if err == nil {
			return nil
		}
		failures = append(failures, pluginFailure{"script", err})
	}
	data, err := vault.ReadFile(path)
	if err != nil {
		return append(failures, pluginFailure{"ini", fmt.Errorf("reading inventory: %w", err)})
	}
	ext := filepath.Ext(path)
	if ext == ".toml" {
		// Ansible tries its ini plugin before its toml plugin, and what a
		// failed INI reading added stays, as there.
		iniErr := inv.parseINI(source, data)
		if iniErr == nil {
			return nil
		}
		failures = append(failures, pluginFailure{"ini", iniErr})
		if err := inv.parseTOML(source, data); err != nil {
			return append(failures, pluginFailure{"toml", err})
		}
		return nil
	}
	if ext == "" || yamlExtensions[ext] {
		if root, err := yamlvalue.Parse(source, data); err == nil {
			if name, ok := pluginName(root); ok {
				return inv.loadPluginConfig(source, ext, root, name, data)
			}
		}
		err := inv.parseYAML(source, data)
		var notYAML errNotYAMLInventory
		if !errors.As(err, &notYAML) {
			if err != nil {
				return append(failures, pluginFailure{"yaml", err})
			}
			return nil
		}
		if iniErr := inv.parseINI(source, data); iniErr != nil {
			if yamlExtensions[ext] {
				return append(failures, pluginFailure{"yaml", notYAML.err})
			}
			return append(failures, pluginFailure{"ini", iniErr})
		}
		return nil
	}
	if err := inv.parseINI(source, data); err != nil {
		return append(failures, pluginFailure{"ini", err})
	}
	return nil
}

// loadPluginConfig reads a YAML file that names an inventory plugin: the
// auto plugin runs that plugin (only for .yml and .yaml files, the ones
// it verifies); failing that, the yaml plugin refuses the file and the
// ini plugin tries it, as in Ansible.
func (inv *Inventory) loadPluginConfig(source, ext string, root *yaml.Node, name string, data []byte) []pluginFailure {
	var failures []pluginFailure
	if ext == ".yml" || ext == ".yaml" {
		err := inv.parseAuto(source, root, name)
		if err == nil {
			return nil
		}
		failures = append(failures, pluginFailure{"auto", err})
	}
	failures = append(failures, pluginFailure{"yaml", errors.New("Plugin configuration YAML file, not YAML inventory")})
	if err := inv.parseINI(source, data); err != nil {
		return append(failures, pluginFailure{"ini", err})
	}
	return nil
}

// parseHostList reads a comma-separated host list such as "web1,web2:2222,".
func (inv *Inventory) parseHostList(list string) {
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
		inv.addHost(name, ungroupedGroup, list, port)
	}
}
