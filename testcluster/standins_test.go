package testcluster

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

func TestZookeeperTarball(t *testing.T) {
	a, err := zookeeperTarball()
	if err != nil {
		t.Fatal(err)
	}
	b, err := zookeeperTarball()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the tarball differ")
	}
	gz, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, time %v; want neither", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Uid != 1000 || hdr.Gid != 1000 {
			t.Errorf("%s owned %d:%d, want 1000:1000", hdr.Name, hdr.Uid, hdr.Gid)
		}
		names = append(names, hdr.Name)
	}
	for _, want := range []string{"zookeeper-3.4.6/bin/zkServer.sh", "zookeeper-3.4.6/bin/zkEnv.sh", "zookeeper-3.4.6/conf/"} {
		if !slices.Contains(names, want) {
			t.Errorf("tarball lacks %s; has %v", want, names)
		}
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] > names[i] {
			t.Errorf("entries not sorted: %s before %s", names[i-1], names[i])
		}
	}
}

func TestBuildStandinsReproducible(t *testing.T) {
	// Key generation and two rpm builds take seconds, many on a busy machine.
	needE2E(t)
	for _, tool := range []string{"rpmbuild", "rpmsign", "gpg", "rpm"} {
		if _, err := exec.LookPath(tool); err != nil {
			refenv.Unavailable(t, "%s not installed (testcluster/install-deps.sh)", tool)
		}
	}
	ctx := context.Background()
	first, second := t.TempDir(), t.TempDir()
	if err := BuildStandins(ctx, first); err != nil {
		t.Fatal(err)
	}
	// The second build reuses the first one's key, as a rebuild would.
	for _, name := range []string{SigningPublicKey, signingSecretKey} {
		copyFileForTest(t, filepath.Join(first, name), filepath.Join(second, name))
	}
	if err := BuildStandins(ctx, second); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{MesosRPM, ZookeeperTGZ} {
		a, _ := os.ReadFile(filepath.Join(first, name))
		b, _ := os.ReadFile(filepath.Join(second, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: builds differ (%d and %d bytes)", name, len(a), len(b))
		}
	}

	rpmPath := filepath.Join(first, MesosRPM)
	out, err := exec.Command("rpm", "-qp", "--qf", "%{NAME}-%{VERSION}-%{RELEASE} %{ARCH}\n", rpmPath).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "mesos-0.21.0-1.0 noarch" {
		t.Errorf("rpm identifies as %q", got)
	}
	out, err = exec.Command("rpm", "-qpl", rpmPath).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/usr/bin/mesos-init-wrapper", "/etc/mesos", "/etc/mesos-master", "/etc/mesos-slave"} {
		if !slices.Contains(strings.Fields(string(out)), want) {
			t.Errorf("rpm lacks %s; lists %s", want, out)
		}
	}

	// The signature must verify against the public key, in a private db.
	db := t.TempDir()
	if out, err := exec.Command("rpm", "--dbpath", db, "--import", filepath.Join(first, SigningPublicKey)).CombinedOutput(); err != nil {
		t.Fatalf("rpm --import: %v\n%s", err, out)
	}
	out, err = exec.Command("rpm", "--dbpath", db, "-K", rpmPath).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "signatures OK") {
		t.Errorf("rpm -K: %v\n%s", err, out)
	}
}

func copyFileForTest(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
