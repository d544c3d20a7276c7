package inventory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
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

// LoadWith is Load with the inventory plugins' options. On an error the
// inventory is returned too, for the warnings that came before it.
func LoadWith(sources []string, opts Options) (*Inventory, error) {
	inv := newInventory()
	inv.opts = opts
	var err error
	if inv.plugins, err = inv.resolvePlugins(inv.enabledNames()); err != nil {
		return inv, err
	}
	parsed := false
	for _, src := range sources {
		if src == "" {
			continue
		}
		ok, err := inv.loadSource(src)
		if err != nil {
			return inv, err
		}
		parsed = parsed || ok
	}
	// Like ansible-core, what a failed source added before its error
	// stays, but groups join "all" only when some source was parsed.
	if parsed {
		inv.reconcile()
	}
	switch {
	case parsed:
	case opts.UnparsedFailed:
		return inv, errors.New("No inventory was parsed, please check your configuration and options.")
	case !opts.QuietUnparsed:
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

// loadSource reads one source and reports whether it yielded an inventory:
// a directory entry by entry, anything else with the enabled plugins.
func (inv *Inventory) loadSource(src string) (bool, error) {
	if info, err := os.Stat(src); err == nil && info.IsDir() {
		return inv.loadDir(src)
	}
	if !strings.Contains(src, ",") {
		src = absPath(src)
	}
	parsed, failures, err := inv.parseWithPlugins(src)
	if err != nil || parsed {
		return parsed, err
	}
	// Ansible is silent about its own default inventory being absent.
	if _, err := os.Stat(src); err != nil && src == defaultInventory {
		return false, nil
	}
	for _, f := range failures {
		inv.warnf(" * Failed to parse %s with %s plugin: %v", src, f.plugin, f.err)
	}
	if inv.opts.AnyUnparsedFailed {
		return false, fmt.Errorf("Completely failed to parse inventory source %s", src)
	}
	inv.warnf("Unable to parse %s as an inventory source", src)
	return false, nil
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
