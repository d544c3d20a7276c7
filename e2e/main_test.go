package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/testcluster"
)

// needE2E skips the test unless end-to-end tests were asked for and can
// run here.
func needE2E(t *testing.T) {
	t.Helper()
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to run (needs root and the test cluster's packages)")
	}
	if os.Geteuid() != 0 {
		refenv.Unavailable(t, "needs root")
	}
	refenv.Require(t)
}

// fixture is what every test of the package shares: built once per test
// binary, on first use, and removed when the binary exits.
type fixture struct {
	// gansible is the binary under test.
	gansible string
	// standins holds the stand-in mesos rpm and zookeeper tarball and the
	// key that signs the rpm. Every cluster trusts it, so runs of gansible
	// and ansible-playbook install byte-identical packages.
	standins string
	// repo is the unmodified mesos-ansible repo.
	repo string
}

var (
	sharedOnce    sync.Once
	sharedFixture fixture
	sharedErr     error
	sharedDir     string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// shared returns the package's fixture, building it on first use.
func shared(t *testing.T) fixture {
	t.Helper()
	needE2E(t)
	sharedOnce.Do(func() { sharedFixture, sharedErr = buildFixture() })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedFixture
}

func buildFixture() (fixture, error) {
	root, err := moduleRoot()
	if err != nil {
		return fixture{}, err
	}
	repo := filepath.Join(filepath.Dir(root), "shared", "mesos-ansible")
	if _, err := os.Stat(filepath.Join(repo, "site.yml")); err != nil {
		return fixture{}, fmt.Errorf("mesos-ansible repo beside the module: %w", err)
	}
	if sharedDir, err = os.MkdirTemp("", "gansible-e2e"); err != nil {
		return fixture{}, err
	}
	f := fixture{
		gansible: filepath.Join(sharedDir, "gansible"),
		standins: filepath.Join(sharedDir, "standins"),
		repo:     repo,
	}
	build := exec.Command("go", "build", "-o", f.gansible, "./cmd/gansible")
	build.Dir = root
	build.Env = os.Environ()
	if !strings.Contains(os.Getenv("GOFLAGS"), "-race") {
		// A static binary, as make build makes; the race detector
		// (make e2e sets GOFLAGS=-race) needs cgo.
		build.Env = append(build.Env, "CGO_ENABLED=0")
	}
	if out, err := build.CombinedOutput(); err != nil {
		return fixture{}, fmt.Errorf("go build ./cmd/gansible: %w\n%s", err, out)
	}
	if err := testcluster.BuildStandins(context.Background(), f.standins); err != nil {
		return fixture{}, fmt.Errorf("stand-ins: %w", err)
	}
	return f, nil
}

// moduleRoot walks up from the working dir to the directory of go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working dir")
		}
		dir = parent
	}
}
