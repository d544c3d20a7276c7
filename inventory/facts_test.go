package inventory

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// Each directory under testdata/cases is an inventory with the answers
// ansible-core 2.14 gives for it in want.json, produced by
// testdata/ansible_facts.py (run with GANSIBLE_E2E=1 to check them against
// a live ansible-core, and GANSIBLE_UPDATE=1 to rewrite them).
//
//	sources       one -i source per line, relative to the case directory
//	playbook_dir  optional: the playbook directory for LoadPlaybookVars
//	patterns      host patterns to match

// caseFacts computes, with this package, the same document as
// ansible_facts.py.
func caseFacts(t *testing.T, dir string) []byte {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, s := range readLines(t, filepath.Join(dir, "sources")) {
		if strings.Contains(s, ",") {
			if _, err := os.Stat(filepath.Join(abs, s)); err != nil {
				sources = append(sources, s)
				continue
			}
		}
		sources = append(sources, filepath.Join(abs, s))
	}
	inv, err := Load(sources)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if pb := readLines(t, filepath.Join(dir, "playbook_dir")); len(pb) > 0 {
		if err := inv.LoadPlaybookVars(filepath.Join(abs, pb[0])); err != nil {
			t.Fatalf("LoadPlaybookVars: %v", err)
		}
	}

	doc := map[string]any{}
	doc["hosts"] = map[string]any{"all": hostNames(inv.Hosts())}
	patterns := map[string]any{}
	for _, p := range readLines(t, filepath.Join(dir, "patterns")) {
		hosts, err := inv.Match(p)
		if err != nil {
			patterns[p] = "ERROR: " + err.Error()
			continue
		}
		patterns[p] = hostNames(hosts)
	}
	doc["patterns"] = patterns
	doc["groups"] = inv.GroupsMap()
	groupNames, hostVars := map[string]any{}, map[string]any{}
	for _, h := range inv.Hosts() {
		groupNames[h.Name] = inv.GroupNames(h)
		hostVars[h.Name] = inv.HostVars(h)
	}
	doc["group_names"] = groupNames
	doc["hostvars"] = hostVars

	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(out), abs+"/", "@CASE@/")
	return []byte(strings.ReplaceAll(text, abs, "@CASE@"))
}

func hostNames(hosts []*Host) []string {
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.Name
	}
	return names
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

// sameJSON compares two JSON documents as values.
func sameJSON(t *testing.T, got, want []byte) bool {
	t.Helper()
	return len(jsonDiff(t, got, want)) == 0
}

// jsonDiff lists the second-level entries ("patterns/web*") on which two
// facts documents differ.
func jsonDiff(t *testing.T, got, want []byte) []string {
	t.Helper()
	var g, w map[string]map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("decoding our facts: %v", err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("decoding wanted facts: %v", err)
	}
	var diffs []string
	for section := range mergedKeys(g, w) {
		for key := range mergedKeys(g[section], w[section]) {
			gv, wv := g[section][key], w[section][key]
			if !reflect.DeepEqual(gv, wv) {
				gj, _ := json.Marshal(gv)
				wj, _ := json.Marshal(wv)
				diffs = append(diffs, fmt.Sprintf("%s[%q]:\n  got  %s\n  want %s", section, key, gj, wj))
			}
		}
	}
	sort.Strings(diffs)
	return diffs
}

func mergedKeys[V any](a, b map[string]V) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func caseDirs(t *testing.T) []string {
	dirs, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	return dirs
}

func TestCasesMatchAnsible(t *testing.T) {
	for _, dir := range caseDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, "want.json"))
			if err != nil {
				t.Fatal(err)
			}
			got := caseFacts(t, dir)
			for _, d := range jsonDiff(t, got, want) {
				t.Error(d)
			}
		})
	}
}

// TestCasesLiveAnsible checks the golden files against the installed
// ansible-core.
func TestCasesLiveAnsible(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to compare with a live ansible-core")
	}
	refenv.Require(t, "ansible-core", "python3-yaml")
	for _, dir := range caseDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cmd := exec.Command("/usr/bin/python3", "testdata/ansible_facts.py", dir)
			live, err := cmd.Output()
			if err != nil {
				t.Fatalf("ansible_facts.py: %v", err)
			}
			golden := filepath.Join(dir, "want.json")
			if os.Getenv("GANSIBLE_UPDATE") == "1" {
				if err := os.WriteFile(golden, live, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, live, want) {
				t.Errorf("%s is stale; rerun with GANSIBLE_UPDATE=1", golden)
			}
			for _, d := range jsonDiff(t, caseFacts(t, dir), live) {
				t.Error(d)
			}
		})
	}
}
