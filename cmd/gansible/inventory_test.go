package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// The ansible-inventory comparisons run each case in its directory under
// ../../inventory/testdata/cases and compare exit code, stdout and stderr
// with testdata/inventory/<name>.golden, recorded from the real
// ansible-inventory 2.14. Absolute paths of the case directory read
// @CASE@ there.
//
//	go test ./cmd/gansible -run Inventory                    offline, against the goldens
//	GANSIBLE_E2E=1 go test ./cmd/gansible -run Inventory     also against a live ansible-inventory
//	GANSIBLE_RECORD=1 go test ./cmd/gansible -run Inventory  re-record the goldens from ansible-inventory

type inventoryCase struct {
	name string
	dir  string // under inventory/testdata/cases
	args []string
	env  []string // NAME=value settings for both runs
}

// knownDifferences are the ways gansible's output is known to differ from
// ansible-inventory's, as replacements applied to the recorded output
// before comparing: INI values that Python reads as tuples are lists in
// gansible, and Python's str() of a tuple has parentheses.
var knownDifferences = map[string][][2]string{
	"ini_types-graph-vars": {{"{v = (80, 443)}", "{v = [80, 443]}"}},
}

// iniHostPatternError is the ini plugin's "Invalid host pattern" failure
// in a squeezed warning: gansible's message names the file and line
// (always line 1 in these cases) where ansible-core's has neither.
var iniHostPatternError = regexp.MustCompile(`Failedtoparse(@CASE@/\S+?)with(\S*?)plugin:Invalidhostpattern`)

func withKnownDifferences(name string, want []byte) []byte {
	for _, r := range knownDifferences[name] {
		want = bytes.ReplaceAll(want, []byte(r[0]), []byte(r[1]))
	}
	return iniHostPatternError.ReplaceAll(want, []byte("Failedtoparse${1}with${2}plugin:${1}:1:Invalidhostpattern"))
}

func inventoryCases() []inventoryCase {
	var cases []inventoryCase
	for _, c := range []struct {
		dir, source, host string
		extra             []string
	}{
		{"children", "hosts", "b1", nil},
		{"ini_types", "hosts", "h1", nil},
		{"mesos", "inventory", "cent01.lab.hdlocal", nil},
		{"yaml_inv", "hosts.yml", "db2", nil},
		{"dir_src", "inv", "w1", nil},
		{"hostlist", "h1,h2:2222, localhost ,web[1:2]", "h2", nil},
		{"multi", "inv1/hosts", "x1", []string{"-i", "inv2/hosts", "--playbook-dir", "play"}},
		{"script", "inventory.sh", "w1", nil},
		{"toml", "hosts.toml", "host2", nil},
		{"constructed", "01-hosts.ini", "w2", []string{"-i", "02-constructed.yml", "-i", "gen.yml"}},
	} {
		base := append([]string{"-i", c.source}, c.extra...)
		for _, action := range []struct {
			suffix string
			args   []string
		}{
			{"list", []string{"--list"}},
			{"list-export", []string{"--list", "--export"}},
			{"graph", []string{"--graph"}},
			{"graph-vars", []string{"--graph", "--vars"}},
			{"list-yaml", []string{"--list", "-y"}},
			{"list-yaml-export", []string{"--list", "-y", "--export"}},
			{"host", []string{"--host", c.host}},
			{"host-yaml", []string{"--host", c.host, "--yaml"}},
		} {
			cases = append(cases, inventoryCase{c.dir + "-" + action.suffix, c.dir, append(append([]string(nil), base...), action.args...), nil})
		}
	}
	cases = append(cases,
		inventoryCase{"children-graph-group", "children", []string{"-i", "hosts", "--graph", "c", "--vars"}, nil},
		inventoryCase{"children-extra-vars", "children", []string{"-i", "hosts", "--list", "-e", "lvl=cli", "-e", `{"x": [1, 2]}`}, nil},
		inventoryCase{"children-extra-vars-export", "children", []string{"-i", "hosts", "--list", "--export", "-e", "lvl=cli"}, nil},
		inventoryCase{"children-extra-vars-yaml", "children", []string{"-i", "hosts", "--list", "-y", "-e", `{"x": [1, 2]}`}, nil},
		inventoryCase{"multi-no-playbook-dir", "multi", []string{"-i", "inv1/hosts", "-i", "inv2/hosts", "--list"}, nil},
		inventoryCase{"multi-graph-export-playbook-dir", "multi", []string{"-i", "inv1/hosts", "-i", "inv2/hosts", "--playbook-dir", "play", "--graph", "--vars", "--export"}, nil},
		inventoryCase{"script-no-meta", "script", []string{"-i", "nometa.sh", "--list"}, nil},
		inventoryCase{"script-no-meta-host", "script", []string{"-i", "nometa.sh", "--host", "b"}, nil},
		inventoryCase{"script-failing", "script", []string{"-i", "failing.sh", "--graph"}, nil},
		inventoryCase{"script-not-executable", "script", []string{"-i", "noexec.sh", "--graph"}, nil},
		inventoryCase{"script-with-ini", "script", []string{"-i", "inventory.sh", "-i", "../children/hosts", "--graph"}, nil},
		inventoryCase{"toml-bad-hosts", "toml", []string{"-i", "badhosts.toml", "--graph"}, nil},
		inventoryCase{"constructed-extra-vars", "constructed", []string{"-i", "01-hosts.ini", "-i", "extra.yml", "-e", "stage=prod", "--list"}, nil},
		inventoryCase{"constructed-no-extra-vars", "constructed", []string{"-i", "01-hosts.ini", "-i", "extra.yml", "--graph"}, nil},
		inventoryCase{"host-pattern", "children", []string{"-i", "hosts", "--host", "d*"}, nil},
		inventoryCase{"host-localhost", "children", []string{"-i", "hosts", "--host", "localhost"}, nil},
		inventoryCase{"verbose", "children", []string{"-i", "hosts", "--graph", "-v"}, nil},
		inventoryCase{"positional-ignored-by-list", "children", []string{"-i", "hosts", "--list", "a"}, nil},
		inventoryCase{"host-ambiguous", "children", []string{"-i", "hosts", "--host", "a"}, nil},
		inventoryCase{"warning-wrapped", "children", []string{"-i", "/nonexistent/a-rather-long-directory-name/to-wrap-the-warning/inventory-hosts", "--graph"}, nil},
		inventoryCase{"warning-duplicate-localhost", "children", []string{"-i", "localhost,127.0.0.1,::1", "--list"}, nil},
		inventoryCase{"warning-missing-source", "children", []string{"-i", "/nonexistent/hosts", "--list"}, nil},
		inventoryCase{"error-no-action", "children", []string{"-i", "hosts"}, nil},
		inventoryCase{"error-two-actions", "children", []string{"-i", "hosts", "--list", "--graph"}, nil},
		inventoryCase{"error-unknown-host", "children", []string{"-i", "hosts", "--host", "nope"}, nil},
		inventoryCase{"error-unknown-group", "children", []string{"-i", "hosts", "--graph", "nope"}, nil},
		inventoryCase{"error-limit", "children", []string{"-i", "hosts", "-l", "a1", "--list"}, nil},
		inventoryCase{"error-unknown-option", "children", []string{"-i", "hosts", "--bogus", "--list"}, nil},
		inventoryCase{"error-output-directory", "children", []string{"-i", "hosts", "--list", "--output", "/"}, nil},
		inventoryCase{"abbreviated-options", "children", []string{"--inv", "hosts", "--gra", "--va"}, nil},
		inventoryCase{"abbreviated-with-value", "children", []string{"-i", "hosts", "--ho=b1", "--ya"}, nil},
		inventoryCase{"error-ambiguous-option", "children", []string{"-i", "hosts", "--li"}, nil},
		inventoryCase{"error-option-as-value", "children", []string{"-i", "hosts", "-e", "--list"}, nil},
		inventoryCase{"error-missing-value", "children", []string{"-i", "hosts", "--list", "--output"}, nil},
		inventoryCase{"error-output", "children", []string{"-i", "hosts", "--list", "--output", "/nonexistent/out.json"}, nil},
	)
	return append(cases, enablePluginsCases()...)
}

// enablePluginsCases run the sources of enable_plugins/ through the
// plugins that enable_plugins (or ANSIBLE_INVENTORY_ENABLED) names: each
// source goes to them in order, the first that parses it wins, and the
// failures of the others show only when none does.
func enablePluginsCases() []inventoryCase {
	all := []string{"-i", "hosts.ini", "-i", "hosts.yml", "-i", "hosts.toml", "-i", "gen.yml", "-i", "a[1:2],b", "-i", "nofile", "--graph"}
	configs := []string{"-i", "hosts.ini", "-i", "c_constructed.yml", "-i", "c_ansible.builtin.constructed.yml",
		"-i", "c_ansible.legacy.constructed.yml", "-i", "c_generator.yml", "-i", "list.yml", "-i", "empty.yml", "--graph"}
	cases := []inventoryCase{
		{"enable-default", "enable_plugins", all, nil},
		{"enable-default-yaml-failures", "enable_plugins", []string{"-i", "list.yml", "-i", "listnoext", "-i", "empty.yml", "--graph"}, nil},
		{"enable-auto-legacy-name", "enable_plugins", []string{"-i", "hosts.ini", "-i", "c_ansible.legacy.constructed.yml", "--graph"}, nil},
		{"enable-config-file", "enable_plugins/cfg", []string{"-i", "hosts.toml", "-i", "gen.yml", "-i", "hosts.ini", "--graph"}, nil},
		{"enable-none-loadable", "enable_plugins", all, []string{"ANSIBLE_INVENTORY_ENABLED=nosuch"}},
		{"enable-skip-unknown", "enable_plugins", all, []string{"ANSIBLE_INVENTORY_ENABLED=nosuch,community.general.nosuch,ansible.builtin.nosuch,yaml"}},
		{"enable-advanced-host-list", "enable_plugins", []string{"-i", "a[1:3],b:22,c[a:c]:2222,e[01:03],d[3:1],x[c:a],[::1]:22,10.0.0.[1:2],g[1:2:2],h[1:2]j[1:2],b", "-i", "f[1:x],y", "--list"},
			[]string{"ANSIBLE_INVENTORY_ENABLED=advanced_host_list"}},
		{"enable-host-list-keeps-ranges", "enable_plugins", []string{"-i", "a[1:3],b", "--graph"}, []string{"ANSIBLE_INVENTORY_ENABLED=host_list,advanced_host_list"}},
		{"unparsed-failed", "enable_plugins", []string{"-i", "nofile", "--graph"}, []string{"ANSIBLE_INVENTORY_UNPARSED_FAILED=true"}},
		{"unparsed-failed-one-parsed", "enable_plugins", []string{"-i", "nofile", "-i", "hosts.ini", "--graph"}, []string{"ANSIBLE_INVENTORY_UNPARSED_FAILED=true"}},
		{"any-unparsed-failed", "enable_plugins", []string{"-i", "hosts.ini", "-i", "nofile", "--graph"}, []string{"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true"}},
		{"unparsed-warning-off", "enable_plugins", []string{"-i", "nofile", "--graph"}, []string{"ANSIBLE_INVENTORY_UNPARSED_WARNING=false"}},
	}
	for _, name := range []string{"ini", "yaml", "auto", "toml", "script", "host_list", "ansible.builtin.ini,ansible.builtin.yaml", "ansible.legacy.ini,yaml", "ini,toml"} {
		cases = append(cases, inventoryCase{"enable-only-" + strings.ReplaceAll(name, ",", "+"), "enable_plugins", all, []string{"ANSIBLE_INVENTORY_ENABLED=" + name}})
	}
	for _, name := range []string{"constructed", "ansible.builtin.constructed", "ansible.legacy.constructed"} {
		cases = append(cases, inventoryCase{"enable-direct-" + name, "enable_plugins", configs, []string{"ANSIBLE_INVENTORY_ENABLED=ini," + name}})
	}
	return cases
}

// transcript is what a run shows, with the case directory made relative.
// Warnings are kept without their white space (see squeezeWarnings): a
// warning that names the case directory wraps at places that depend on
// where the checkout is, even inside the path.
func transcript(dir string, code int, stdout, stderr []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "exit: %d\n--- stdout\n%s--- stderr\n%s", code, stdout, squeezeWarnings(stderr))
	return bytes.ReplaceAll(b.Bytes(), []byte(dir), []byte("@CASE@"))
}

func caseDir(t *testing.T, c inventoryCase) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "inventory", "testdata", "cases", c.dir))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func runOurInventory(t *testing.T, c inventoryCase) []byte {
	t.Helper()
	dir := caseDir(t, c)
	t.Chdir(dir)
	for _, kv := range c.env {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	var stdout, stderr bytes.Buffer
	code := inventoryCmd(c.args, strings.NewReader(""), &stdout, &stderr)
	return transcript(dir, code, stdout.Bytes(), stderr.Bytes())
}

func runAnsibleInventory(t *testing.T, c inventoryCase) []byte {
	t.Helper()
	dir := caseDir(t, c)
	cmd := exec.Command("ansible-inventory", c.args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0"), c.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("ansible-inventory: %v", err)
		}
		code = exit.ExitCode()
	}
	return transcript(dir, code, stdout.Bytes(), stderr.Bytes())
}

func goldenPath(c inventoryCase) string {
	return filepath.Join("testdata", "inventory", c.name+".golden")
}

func TestInventoryMatchesGoldens(t *testing.T) {
	record := recording(t)
	for _, c := range inventoryCases() {
		t.Run(c.name, func(t *testing.T) {
			golden, err := filepath.Abs(goldenPath(c))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, golden, "ansible-inventory "+strings.Join(c.args, " "), record,
				func(t *testing.T) []byte { return runOurInventory(t, c) },
				func(t *testing.T) []byte { return runAnsibleInventory(t, c) },
				func(b []byte) []byte { return withKnownDifferences(c.name, b) })
		})
	}
}

// TestInventoryLiveAnsible re-runs the real ansible-inventory on every
// case and compares byte for byte.
func TestInventoryLiveAnsible(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to compare with a live ansible-inventory")
	}
	refenv.Require(t, "ansible-core")
	for _, c := range inventoryCases() {
		t.Run(c.name, func(t *testing.T) {
			checkLive(t, "ansible-inventory "+strings.Join(c.args, " "),
				func(t *testing.T) []byte { return runOurInventory(t, c) },
				func(t *testing.T) []byte { return runAnsibleInventory(t, c) },
				func(b []byte) []byte { return withKnownDifferences(c.name, b) })
		})
	}
}

// lineDiff shows the first differing line of want and got, with context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, wl, gl)
		}
	}
	return "(identical lines, different bytes)"
}

// TestInventoryDispatch: the binary is ansible-inventory by name or as
// "gansible inventory".
func TestInventoryDispatch(t *testing.T) {
	for _, call := range []struct {
		argv0 string
		args  []string
	}{
		{"/usr/local/bin/ansible-inventory", []string{"--help"}},
		{"gansible", []string{"inventory", "--help"}},
	} {
		var out bytes.Buffer
		if code := dispatch(call.argv0, call.args, nil, &out, io.Discard); code != 0 || out.String() != inventoryHelp {
			t.Errorf("dispatch(%q, %q) = %d, %.60q...; want ansible-inventory's help", call.argv0, call.args, code, out.String())
		}
	}
}
