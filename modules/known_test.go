package modules

import (
	"os"
	"os/exec"
	"testing"

	"github.com/gansible/gansible/refenv"
)

func TestKnownToAnsible(t *testing.T) {
	for name, want := range map[string]bool{
		"copy": true, "ansible.builtin.copy": true, "apt": true,
		"community.general.ufw": true, "ufw": true, "ansible.posix.firewalld": true, "firewalld": true,
		"no_such_module": false, "community.general.no_such": false, "": false,
	} {
		if got := KnownToAnsible(name); got != want {
			t.Errorf("KnownToAnsible(%q) = %v, want %v", name, got, want)
		}
	}
	if v := AnsibleModulesVersion(); v == "" {
		t.Error("ansible_modules.txt names no ansible-core version")
	}
}

// TestKnownModulesCurrent regenerates the list from the installed
// ansible-core and checks that the embedded one is the same.
func TestKnownModulesCurrent(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to compare with the installed ansible-core")
	}
	refenv.Require(t, "ansible-core", "ansible")
	want, err := os.ReadFile("ansible_modules.txt")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("../scripts/gen-ansible-modules.sh")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen-ansible-modules.sh: %v\n%s", err, out)
	}
	got, err := os.ReadFile("ansible_modules.txt")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		os.WriteFile("ansible_modules.txt", want, 0o644)
		t.Errorf("modules/ansible_modules.txt is stale for the installed ansible-core; run scripts/gen-ansible-modules.sh")
	}
}
