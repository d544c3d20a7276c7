package testcluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

func TestParseRecap(t *testing.T) {
	out, err := os.ReadFile("testdata/recap/fresh.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseRecap("PLAY [all] ***\n\n" + string(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Recap{
		"cent01.lab.hdlocal": {OK: 18, Changed: 17, Skipped: 5},
		"slave3.lab.hdlocal": {OK: 10, Changed: 9, Skipped: 12},
	}
	if len(got) != 6 {
		t.Errorf("got %d hosts, want 6: %v", len(got), got)
	}
	for h, w := range want {
		if got[h] != w {
			t.Errorf("%s: %+v, want %+v", h, got[h], w)
		}
	}
	if _, err := ParseRecap("no recap here"); err == nil {
		t.Error("ParseRecap accepted output without a recap")
	}
}

func TestAdaptForAnsible(t *testing.T) {
	src := MesosRepo()
	if _, err := os.Stat(filepath.Join(src, "site.yml")); err != nil {
		refenv.Unavailable(t, "mesos repo not found: %v", err)
	}
	dir := t.TempDir()
	if err := copyTree(src, dir); err != nil {
		t.Fatal(err)
	}
	if err := AdaptForAnsible(dir); err != nil {
		t.Fatal(err)
	}
	// Exactly one line changes in each file.
	for file, want := range map[string]string{"site.yml": "- import_playbook: cluster.yml", "cluster.yml": "  become: yes"} {
		before, _ := os.ReadFile(filepath.Join(src, file))
		after, _ := os.ReadFile(filepath.Join(dir, file))
		b, a := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
		if len(a) != len(b) {
			t.Fatalf("%s: %d lines, had %d", file, len(a), len(b))
		}
		var changed []string
		for i := range a {
			if a[i] != b[i] {
				changed = append(changed, a[i])
			}
		}
		if len(changed) != 1 || changed[0] != want {
			t.Errorf("%s: changed lines %q, want [%q]", file, changed, want)
		}
	}
	if err := AdaptForAnsible(dir); err == nil {
		t.Error("adapting twice did not fail")
	}
}
