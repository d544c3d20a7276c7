package inventory

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// varsDir holds the group_vars/ and host_vars/ files of one directory,
// read once per group or host name.
type varsDir struct {
	dir    string
	groups map[string]map[string]any // nil value: no file for that name
	hosts  map[string]map[string]any
}

// varsExtensions are tried in order after the bare name; the first that
// exists is the only one read, as in Ansible's find_vars_files.
var varsExtensions = []string{"", ".yml", ".yaml", ".json"}

// loadVarsDir reads the group_vars/ and host_vars/ files under dir for
// every group and host currently in the inventory.
func (inv *Inventory) loadVarsDir(dir string) (*varsDir, error) {
	vd := &varsDir{dir: dir, groups: map[string]map[string]any{}, hosts: map[string]map[string]any{}}
	for _, sub := range []string{"group_vars", "host_vars"} {
		if info, err := os.Stat(filepath.Join(dir, sub)); err == nil && !info.IsDir() {
			inv.warnf("Found %s that is not a directory, skipping: %s", sub, filepath.Join(dir, sub))
		}
	}
	for _, g := range inv.groupOrder {
		if _, err := vd.groupVars(g.Name); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(inv.hostOrder)+len(localhostNames))
	for _, h := range inv.hostOrder {
		names = append(names, h.Name)
	}
	for name := range localhostNames {
		names = append(names, name)
	}
	for _, name := range names {
		if _, err := vd.hostVars(name); err != nil {
			return nil, err
		}
	}
	return vd, nil
}

func (vd *varsDir) groupVars(name string) (map[string]any, error) {
	return vd.cached(vd.groups, "group_vars", name)
}

func (vd *varsDir) hostVars(name string) (map[string]any, error) {
	return vd.cached(vd.hosts, "host_vars", name)
}

func (vd *varsDir) cached(cache map[string]map[string]any, sub, name string) (map[string]any, error) {
	if vars, ok := cache[name]; ok {
		return vars, nil
	}
	vars, err := readVarsFiles(filepath.Join(vd.dir, sub), name)
	if err != nil {
		return nil, err
	}
	cache[name] = vars
	return vars, nil
}

// readVarsFiles merges the vars files for name under base: base/name with
// one of varsExtensions, or every file in the directory base/name.
func readVarsFiles(base, name string) (map[string]any, error) {
	if strings.HasPrefix(name, string(filepath.Separator)) {
		return nil, nil // like Ansible, skip chroot-style host names
	}
	if info, err := os.Stat(base); err != nil || !info.IsDir() {
		return nil, nil
	}
	var files []string
	for _, ext := range varsExtensions {
		p := filepath.Join(base, name+ext)
		info, err := os.Stat(p)
		if err != nil {
			continue
		}
		if info.IsDir() {
			var err error
			if files, err = varsFilesIn(p); err != nil {
				return nil, err
			}
		} else {
			files = []string{p}
		}
		break
	}
	var merged map[string]any
	for _, f := range files {
		vars, err := readVarsFile(f)
		if err != nil {
			return nil, err
		}
		if vars == nil {
			continue
		}
		if merged == nil {
			merged = map[string]any{}
		}
		for k, v := range vars {
			merged[k] = v
		}
	}
	return merged, nil
}

// varsFilesIn lists the vars files in dir, recursively, in name order,
// skipping hidden files, backups and files with foreign extensions.
func varsFilesIn(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading vars directory: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var files []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
			continue
		}
		full, ext := filepath.Join(dir, name), filepath.Ext(name)
		info, err := os.Stat(full) // follows symlinks, as Ansible does
		if err != nil {
			continue
		}
		switch {
		case info.IsDir() && ext == "":
			sub, err := varsFilesIn(full)
			if err != nil {
				return nil, err
			}
			files = append(files, sub...)
		case info.Mode().IsRegular() && (ext == "" || yamlExtensions[ext]):
			files = append(files, full)
		}
	}
	return files, nil
}

// readVarsFile decodes one YAML or JSON vars file, which must hold a
// mapping. An empty file gives nil.
func readVarsFile(path string) (map[string]any, error) {
	node, err := yamlvalue.ParseFile(path)
	if err != nil {
		return nil, err
	}
	decoded, err := yamlvalue.Decode(path, node)
	if err != nil {
		return nil, err
	}
	switch v := decoded.(type) {
	case nil:
		return nil, nil
	case *value.Dict:
		// A set of variables, looked up by name; their values keep order.
		return v.Map(), nil
	}
	return nil, yamlvalue.Errorf(yamlvalue.At(path, node), "vars file must contain a mapping of variable names to values")
}
