package modules

import (
	_ "embed"
	"strings"
	"sync"
)

// ansibleModules lists every module name the reference ansible-core
// (2.14, with Debian's collections) resolves, written by
// scripts/gen-ansible-modules.sh; its first line names the version.
//
//go:embed ansible_modules.txt
var ansibleModules string

var (
	knownOnce sync.Once
	known     map[string]bool
)

// KnownToAnsible reports whether Ansible resolves name as a module: a
// fully qualified name of its collections, or a short name it routes. A
// playbook naming such a module loads; a task using it fails when it runs
// if gansible does not have the module (see Lookup), so that roles written
// for several platforms run where their other branches are skipped.
func KnownToAnsible(name string) bool {
	knownOnce.Do(func() {
		lines := strings.Split(ansibleModules, "\n")
		known = make(map[string]bool, len(lines))
		for _, l := range lines {
			if l != "" && !strings.HasPrefix(l, "#") {
				known[l] = true
			}
		}
	})
	return known[name]
}

// AnsibleModulesVersion is the ansible-core whose modules KnownToAnsible
// lists.
func AnsibleModulesVersion() string {
	first, _, _ := strings.Cut(ansibleModules, "\n")
	return strings.TrimPrefix(first, "# ansible-core ")
}
