package testcluster

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRepoServer checks that a cluster serves its package repositories
// from start to stop, that a Debian host listing them installs from
// them, and that Stop from another process (Load) ends the server.
func TestRepoServer(t *testing.T) {
	needE2E(t)
	c := startForTest(t, Options{Hosts: []string{"repo-deb"}, Flavours: map[string]string{"repo-deb": FlavourDebian}})
	get := func(url string) (int, string, error) {
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Get(url)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	if !strings.HasPrefix(c.RepoURL(), "http://127.0.1.254:") {
		t.Fatalf("RepoURL %q, want http://127.0.1.254:PORT", c.RepoURL())
	}
	code, body, err := get(c.AptRepoURL() + "/dists/" + RepoSuite + "/Release")
	if err != nil || code != 200 || !strings.Contains(body, "Suite: "+RepoSuite) {
		t.Fatalf("Release: %d %v\n%s", code, err, body)
	}
	if code, _, err := get(c.DnfRepoURL() + "/repodata/repomd.xml"); err != nil || code != 200 {
		t.Fatalf("repomd.xml: %d %v", code, err)
	}
	if err := c.ListRepo(context.Background(), "repo-deb"); err != nil {
		t.Fatal(err)
	}
	cmd, err := c.RootCommand(context.Background(), "repo-deb", "/bin/sh", "-c",
		"DEBIAN_FRONTEND=noninteractive apt-get install -y -q gansible-app >/dev/null 2>&1 && gansible-app")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "gansible-app 2.0" {
		t.Fatalf("installing from the repository: %v\n%s", err, out)
	}
	loaded, err := Load(c.StateDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.stopRepoServer(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(c.AptRepoURL() + "/dists/" + RepoSuite + "/Release"); err == nil {
		t.Errorf("the repository server still answers after Stop")
	}
}
