package config

import (
	"os"
	"path/filepath"
)

// systemConfigFile is the last place Ansible looks for a configuration.
var systemConfigFile = "/etc/ansible/ansible.cfg"

// findConfigFile returns the ansible.cfg to use, or "" for none, and a
// warning when ./ansible.cfg was ignored because the working directory is
// world-writable (anyone could plant one there).
func findConfigFile(getenv func(string) string, cwd, home string) (path, warning string) {
	var candidates []string
	fromEnv := ""
	if env := getenv("ANSIBLE_CONFIG"); env != "" {
		fromEnv = resolvePath(env, cwd, getenv)
		if info, err := os.Stat(fromEnv); err == nil && info.IsDir() {
			fromEnv = filepath.Join(fromEnv, "ansible.cfg")
		}
		candidates = append(candidates, fromEnv)
	}
	worldWritableCfg := false
	if info, err := os.Stat(cwd); err == nil {
		cwdCfg := filepath.Join(cwd, "ansible.cfg")
		if info.Mode().Perm()&0o002 != 0 {
			worldWritableCfg = exists(cwdCfg)
		} else {
			candidates = append(candidates, cwdCfg)
		}
	}
	candidates = append(candidates, filepath.Join(home, ".ansible.cfg"), systemConfigFile)

	for _, c := range candidates {
		if readable(c) {
			path = c
			break
		}
	}
	if worldWritableCfg && (fromEnv == "" || path != fromEnv) {
		warning = "Ansible is being run in a world writable directory (" + cwd + "), ignoring it as an ansible.cfg source. " +
			"For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir"
	}
	return path, warning
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func readable(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
