package config

import (
	"path/filepath"
	"regexp"
	"strings"
)

// resolvePath expands $VARS and a leading ~ in p, and makes it absolute
// against baseDir, as Ansible's unfrackpath does (without following
// symlinks).
func resolvePath(p, baseDir string, getenv func(string) string) string {
	p = expandVars(p, getenv)
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home := getenv("HOME"); home != "" {
			p = home + p[1:]
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(baseDir, p)
	}
	return filepath.Clean(p)
}

// ResolvePath is resolvePath for paths given on the command line, which
// ansible-playbook expands the same way (its unfrack_path option type).
func ResolvePath(p, baseDir string, getenv func(string) string) string {
	return resolvePath(p, baseDir, getenv)
}

// resolvePathList splits a list of paths on sep and resolves each one.
func resolvePathList(list, sep, baseDir string, getenv func(string) string) []string {
	var paths []string
	for _, p := range strings.Split(list, sep) {
		if p = strings.TrimSpace(p); p != "" {
			paths = append(paths, resolvePath(p, baseDir, getenv))
		}
	}
	return paths
}

// envRef matches $NAME and ${NAME}, as Python's os.path.expandvars does.
var envRef = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// expandVars replaces references to set environment variables with their
// values and leaves the others as they are.
func expandVars(s string, getenv func(string) string) string {
	return envRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := strings.Trim(ref[1:], "{}")
		if v := getenv(name); v != "" {
			return v
		}
		return ref
	})
}
