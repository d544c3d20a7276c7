package inventory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Sources that name an inventory plugin and fail: the auto plugin's
// warning for each. The constructed messages are ansible-inventory
// 2.14's for the same files (testdata/cases/constructed, whose success
// cases the ansible-inventory goldens of cmd/gansible compare).
func TestPluginConfigFailures(t *testing.T) {
	dir, err := filepath.Abs("testdata/cases/constructed")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name, source, want string
	}{
		{"strict compose", filepath.Join(dir, "strict.yml"), "failed to parse " + filepath.Join(dir, "strict.yml") +
			": Could not set label for host d2: 'os' is undefined. 'os' is undefined . Could not set label for host d2: 'os' is undefined. 'os' is undefined"},
		{"keyed group of an int", filepath.Join(dir, "keyed_int.yml"), "failed to parse " + filepath.Join(dir, "keyed_int.yml") +
			": Invalid group name format, expected a string or a list of them or dictionary, got: <class 'int'> . " +
			"Invalid group name format, expected a string or a list of them or dictionary, got: <class 'int'>"},
		{"a cloud plugin", write("aws_ec2.yml", "plugin: amazon.aws.aws_ec2\nregions: [us-east-1]\n"),
			"specifies the inventory plugin 'amazon.aws.aws_ec2', which gansible does not support"},
		{"vars plugins", write("vp.yml", "plugin: constructed\nuse_vars_plugins: true\n"),
			"the constructed option use_vars_plugins is not supported by gansible"},
		{"a list as config", write("list.yml", "plugin: generator\nlayers: [a]\nhosts: {name: x}\n"),
			"'list' object has no attribute 'values'"},
		{"a parent without a name", write("gen.yml", "plugin: generator\nlayers: {a: [1]}\nhosts:\n  name: h{{ a }}\n  parents: [{vars: {x: 1}}]\n"),
			"Element h{{ a }} has a parent with no name element"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := Load([]string{filepath.Join(dir, "01-hosts.ini"), tc.source})
			if err != nil {
				t.Fatal(err)
			}
			prefix := " * Failed to parse " + tc.source + " with auto plugin: "
			var got string
			for _, w := range inv.Warnings() {
				if strings.HasPrefix(w, prefix) {
					got = strings.TrimPrefix(w, prefix)
				}
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("auto plugin warning %q, want one containing %q (warnings: %q)", got, tc.want, inv.Warnings())
			}
		})
	}
}

// The template of a constructed expression cannot use lookups.
func TestConstructedLookupsDisabled(t *testing.T) {
	tmp := t.TempDir()
	os.WriteFile(filepath.Join(tmp, "hosts"), []byte("h1\n"), 0o644)
	os.WriteFile(filepath.Join(tmp, "c.yml"), []byte("plugin: constructed\nstrict: true\ncompose:\n  home: lookup('env', 'HOME')\n"), 0o644)
	inv, err := Load([]string{filepath.Join(tmp, "hosts"), filepath.Join(tmp, "c.yml")})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(inv.Warnings(), "\n"); !strings.Contains(w, "The lookup `env` was found, however lookups were disabled from templating") {
		t.Errorf("warnings: %s", w)
	}
}
