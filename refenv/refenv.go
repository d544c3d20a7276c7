// Package refenv pins the reference environment: the Debian packages, and
// their versions, that gansible's comparisons with real Ansible and its
// test cluster run against. The list is packages.txt, which
// testcluster/install-deps.sh installs; tests call Require before they
// compare, so that a machine with another ansible-core (or none) fails
// with a clear message rather than with differences that are not bugs.
package refenv

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed packages.txt
var packagesTxt string

// Package is one pinned package.
type Package struct {
	Name string
	// Version is a prefix of the Debian version, or "*" for any.
	Version string
}

// Packages returns the pinned list, in file order.
func Packages() []Package {
	var out []Package
	for _, line := range strings.Split(packagesTxt, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 2 {
			panic(fmt.Sprintf("refenv/packages.txt: malformed line %q", line))
		}
		out = append(out, Package{Name: f[0], Version: f[1]})
	}
	return out
}

// Lookup returns the pin of the named package.
func Lookup(name string) (Package, bool) {
	for _, p := range Packages() {
		if p.Name == name {
			return p, true
		}
	}
	return Package{}, false
}

// Matches reports whether the Debian version v satisfies the pin.
func (p Package) Matches(v string) bool {
	return v != "" && (p.Version == "*" || strings.HasPrefix(v, p.Version))
}

// Want describes the pinned version for messages: "2.14.x", "any".
func (p Package) Want() string {
	switch {
	case p.Version == "*":
		return "any version"
	case strings.HasSuffix(p.Version, "."):
		return p.Version + "x"
	}
	return p.Version
}

// installed returns the installed Debian version of name, "" if none.
// It is a variable for the tests.
var installed = func(name string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}\t${Version}", name).Output()
	if err != nil {
		return ""
	}
	status, version, _ := strings.Cut(string(out), "\t")
	if status != "install ok installed" {
		return ""
	}
	return version
}

// commands are the programs of a pinned package that the tests run from
// $PATH, with the path the package installs them at.
var commands = map[string][]string{
	"ansible-core": {"/usr/bin/ansible-playbook", "/usr/bin/ansible"},
}

// shadowed reports a program of the package that $PATH finds elsewhere
// (a pip-installed ansible-playbook, say) than where the package puts it.
// It is a variable for the tests.
var shadowed = func(name string) string {
	for _, path := range commands[name] {
		found, err := exec.LookPath(filepath.Base(path))
		if err != nil {
			return fmt.Sprintf("reference %s: %s not on $PATH", name, filepath.Base(path))
		}
		if found != path {
			return fmt.Sprintf("reference %s: $PATH finds %s, not %s", name, found, path)
		}
	}
	return ""
}

// Check returns an error naming each of the given packages (all pinned
// ones when none are given) that is missing or at another version.
func Check(names ...string) error {
	var pins []Package
	if len(names) == 0 {
		pins = Packages()
	}
	for _, n := range names {
		p, ok := Lookup(n)
		if !ok {
			return fmt.Errorf("refenv: %s is not pinned in refenv/packages.txt", n)
		}
		pins = append(pins, p)
	}
	var bad []string
	for _, p := range pins {
		v := installed(p.Name)
		if p.Matches(v) {
			if msg := shadowed(p.Name); msg != "" {
				bad = append(bad, msg)
			}
			continue
		}
		if v == "" {
			v = "none"
		}
		bad = append(bad, fmt.Sprintf("reference %s %s required, found %s", p.Name, p.Want(), v))
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s (install the reference environment with testcluster/install-deps.sh)", strings.Join(bad, "; "))
	}
	return nil
}

// Require fails t unless the named packages are installed at their pinned
// versions. Comparison tests call it first.
func Require(t testing.TB, names ...string) {
	t.Helper()
	if err := Check(names...); err != nil {
		t.Fatal(err)
	}
}

// E2E reports whether the end-to-end suites were asked for
// (GANSIBLE_E2E=1, as make test sets it).
func E2E() bool { return os.Getenv("GANSIBLE_E2E") == "1" }

// Unavailable reports that t cannot run here (no root, no sshd, no
// shared data). With GANSIBLE_E2E=1, which promises everything
// testcluster/install-deps.sh and .ci/run provide, that is a failure;
// otherwise, in a plain offline `go test`, the test is skipped.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if E2E() {
		t.Fatalf("%s; GANSIBLE_E2E=1 requires it", msg)
	}
	t.Skip(msg)
}
