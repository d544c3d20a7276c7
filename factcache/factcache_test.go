package factcache

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestJSONFile(t *testing.T) {
	dir := t.TempDir()
	c, err := New(Settings{Plugin: "jsonfile", Connection: dir, Prefix: "facts_", Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	facts := map[string]any{"ansible_hostname": "web1", "gather_subset": []any{"all"}, "_ansible_facts_gathered": true}
	if err := c.Set("web1", facts); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "facts_web1"))
	if err != nil {
		t.Fatal(err)
	}
	// json.dumps(sort_keys=True, indent=4), as Ansible's jsonfile writes.
	want := "{\n    \"_ansible_facts_gathered\": true,\n    \"ansible_hostname\": \"web1\",\n    \"gather_subset\": [\n        \"all\"\n    ]\n}"
	if string(data) != want {
		t.Errorf("file:\n%s\nwant:\n%s", data, want)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "facts_web1")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	got, ok, err := c.Get("web1")
	if err != nil || !ok || !reflect.DeepEqual(got, facts) {
		t.Errorf("Get = %v, %v, %v; want %v", got, ok, err, facts)
	}
	if _, ok, _ := c.Get("web2"); ok {
		t.Error("facts for a host never cached")
	}

	// Older than the timeout: not there.
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "facts_web1"), old, old); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := c.Get("web1"); ok {
		t.Error("expired facts returned")
	}

	// Flush removes the cache's files, not others in the directory.
	if err := os.WriteFile(filepath.Join(dir, "other"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "other" {
		t.Errorf("after Flush: %v", entries)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Settings{Plugin: "jsonfile"}); err == nil || !strings.Contains(err.Error(), "fact_caching_connection") {
		t.Errorf("jsonfile without a directory: %v", err)
	}
	if _, err := New(Settings{Plugin: "redis"}); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("redis: %v", err)
	}
	if c, err := New(Settings{Plugin: "memory"}); err != nil || c == nil {
		t.Errorf("memory: %v", err)
	}
}
