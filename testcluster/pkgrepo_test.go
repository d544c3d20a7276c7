package testcluster

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildRepos builds the repositories twice and checks that the apt
// side is byte-identical, that the indexes list every package, and that
// the rpms' names and dependencies read back with rpm.
func TestBuildRepos(t *testing.T) {
	for _, tool := range []string{"dpkg-deb", "rpmbuild", "rpmsign", "createrepo_c", "gpg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (testcluster/install-deps.sh)", tool)
		}
	}
	ctx := context.Background()
	var dirs []string
	for range 2 {
		dir := t.TempDir()
		if _, err := EnsureSigningKey(ctx, dir); err != nil {
			t.Fatal(err)
		}
		if err := BuildRepos(ctx, dir); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	apt := filepath.Join(RepoDir, aptDir)
	for _, p := range repoPackages {
		name := filepath.Join(apt, "pool", "main", p.name+"_"+p.version+"_all.deb")
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds", name)
		}
		info, err := exec.Command("dpkg-deb", "--field", filepath.Join(dirs[0], name), "Package", "Version", "Depends").Output()
		if err != nil {
			t.Fatal(err)
		}
		if want := "Package: " + p.name + "\nVersion: " + p.version + "\n"; !strings.HasPrefix(string(info), want) {
			t.Errorf("%s: fields %q, want prefix %q", name, info, want)
		}
		rpm := filepath.Join(dirs[0], RepoDir, dnfDir, p.name+"-"+p.version+"-1.noarch.rpm")
		req, err := exec.Command("rpm", "-qp", "--requires", rpm).Output()
		if err != nil {
			t.Fatalf("rpm -qp %s: %v", rpm, err)
		}
		for _, d := range p.depends {
			if !strings.Contains(string(req), d) {
				t.Errorf("%s requires %q, want %s among them", rpm, req, d)
			}
		}
	}
	release, err := os.ReadFile(filepath.Join(dirs[0], apt, "dists", RepoSuite, "Release"))
	if err != nil {
		t.Fatal(err)
	}
	release2, _ := os.ReadFile(filepath.Join(dirs[1], apt, "dists", RepoSuite, "Release"))
	if !bytes.Equal(release, release2) {
		t.Errorf("Release differs between two builds")
	}
	if !strings.Contains(string(release), "/Packages.gz\n") {
		t.Errorf("Release lists no Packages.gz:\n%s", release)
	}
	if _, err := os.Stat(filepath.Join(dirs[0], RepoDir, dnfDir, "repodata", "repomd.xml")); err != nil {
		t.Errorf("no repomd.xml: %v", err)
	}
}
