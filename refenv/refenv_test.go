package refenv

import (
	"strings"
	"testing"
)

func TestPackagesParse(t *testing.T) {
	pins := Packages()
	for _, name := range []string{"ansible-core", "python3-passlib", "ansible", "openssh-server", "dnf", "rpm"} {
		if _, ok := Lookup(name); !ok {
			t.Errorf("%s is not pinned", name)
		}
	}
	seen := map[string]bool{}
	for _, p := range pins {
		if seen[p.Name] {
			t.Errorf("%s pinned twice", p.Name)
		}
		seen[p.Name] = true
	}
}

func TestCheck(t *testing.T) {
	versions := map[string]string{"ansible-core": "2.14.18-0+deb12u2", "python3-passlib": "", "ansible": "8.0.0", "tar": "1.34"}
	old, oldShadowed := installed, shadowed
	installed = func(name string) string { return versions[name] }
	shadowed = func(string) string { return "" }
	defer func() { installed, shadowed = old, oldShadowed }()

	if err := Check("ansible-core", "tar"); err != nil {
		t.Errorf("matching versions: %v", err)
	}
	tests := []struct{ name, want string }{
		{"python3-passlib", "reference python3-passlib 1.7.4 required, found none"},
		{"ansible", "reference ansible 7.7.0 required, found 8.0.0"},
		{"not-pinned", "not-pinned is not pinned"},
	}
	for _, tt := range tests {
		err := Check(tt.name)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check(%s) = %v, want %q", tt.name, err, tt.want)
		}
	}
	versions["ansible-core"] = "2.15.0-1"
	if err := Check("ansible-core"); err == nil || !strings.Contains(err.Error(), "reference ansible-core 2.14.x required, found 2.15.0-1") {
		t.Errorf("other ansible-core: %v", err)
	}
}

func TestCheckShadowed(t *testing.T) {
	old, oldShadowed := installed, shadowed
	installed = func(string) string { return "2.14.18-0+deb12u2" }
	shadowed = func(name string) string {
		return "reference " + name + ": $PATH finds /root/.local/bin/ansible-playbook"
	}
	defer func() { installed, shadowed = old, oldShadowed }()
	if err := Check("ansible-core"); err == nil || !strings.Contains(err.Error(), "$PATH finds /root/.local/bin/ansible-playbook") {
		t.Errorf("shadowed ansible-playbook: %v", err)
	}
}
