package inventory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTOMLSyntaxError: a .toml file that is neither INI nor TOML is
// skipped with a warning per plugin, as Ansible does (the TOML parser's
// own words differ from Python's).
func TestTOMLSyntaxError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(path, []byte("[web.hosts]\nhost1 = {}\ntomcat[2:3] = {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := Load([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	warnings := strings.Join(inv.Warnings(), "\n")
	for _, want := range []string{"with ini plugin", "with toml plugin", "Unable to parse " + path, "No inventory was parsed"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
	if hosts, _ := inv.Match("all"); len(hosts) != 0 {
		t.Errorf("hosts from a source that did not parse: %v", hosts)
	}
}
