package difftest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// Environment switches of the end-to-end tests.
const (
	envE2E         = "GANSIBLE_E2E"               // "1" runs the end-to-end tests
	envBinary      = "GANSIBLE_BIN"               // a prebuilt gansible to test instead of building one
	envAnsibleOnly = "GANSIBLE_DIFF_ANSIBLE_ONLY" // "1" checks the cases against ansible-playbook alone
)

// maxParallelCases bounds how many cases run at once: each run of
// ansible-playbook keeps a core busy.
const maxParallelCases = 2

func requireE2E(t *testing.T) {
	t.Helper()
	if os.Getenv(envE2E) != "1" {
		t.Skipf("set %s=1 to run the end-to-end tests", envE2E)
	}
	refenv.Require(t, "ansible-core", "python3-jinja2", "python3-yaml", "python3-passlib")
	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		t.Fatalf("ansible-playbook is needed as the reference: %v", err)
	}
}

func ansibleOnly() bool { return os.Getenv(envAnsibleOnly) == "1" }

var (
	buildOnce sync.Once
	buildDir  string
	buildPath string
	buildErr  error
)

// gansibleBinary builds ./cmd/gansible once per test binary and returns
// its path.
func gansibleBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv(envBinary); bin != "" {
		return bin
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "gansible-difftest-")
		if buildErr != nil {
			return
		}
		buildPath = filepath.Join(buildDir, "gansible")
		cmd := exec.Command("go", "build", "-o", buildPath, "./cmd/gansible")
		cmd.Dir = ".." // the repository root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/gansible: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
