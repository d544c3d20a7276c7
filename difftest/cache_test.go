package difftest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// envCache names a directory where ansible-playbook's runs are kept,
// keyed by the case's content. It is off by default, so the suite runs
// the reference live; set it to iterate on gansible quickly.
const envCache = "GANSIBLE_DIFF_CACHE"

// cachedAnsibleRun returns ansible-playbook's run of c from the cache,
// running and storing it on a miss.
func cachedAnsibleRun(t *testing.T, c *Case) run {
	t.Helper()
	dir := os.Getenv(envCache)
	if dir == "" {
		return runCase(t, c, "ansible-playbook", true)
	}
	key, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(key)
	path := filepath.Join(dir, c.Name+"-"+hex.EncodeToString(sum[:8])+".json")
	if data, err := os.ReadFile(path); err == nil {
		var r run
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("cache %s: %v", path, err)
		}
		return r
	}
	r := runCase(t, c, "ansible-playbook", true)
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}
