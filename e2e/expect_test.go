package e2e

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/testcluster"
)

// siteExpectations is testdata/site.yaml: what site.yml leaves on each
// host of the inventory.
type siteExpectations struct {
	Hosts  map[string]hostFacts       `yaml:"hosts"`
	Groups map[string]hostExpectation `yaml:"groups"`
}

// hostFacts are the inventory facts the expected contents depend on.
type hostFacts struct {
	Group string `yaml:"group"`
	IP    string `yaml:"ip"`
	MyID  string `yaml:"myid"`
}

// hostExpectation is the state a run leaves on the hosts of one group.
type hostExpectation struct {
	Recap       *testcluster.Recap   `yaml:"recap"`
	SecondRecap *testcluster.Recap   `yaml:"second_recap"`
	Paths       []pathExpectation    `yaml:"paths"`
	Commands    []commandExpectation `yaml:"commands"`
	// Running, Stopped and Enabled name services as the hosts' init
	// stand-ins record them.
	Running []string `yaml:"running"`
	Stopped []string `yaml:"stopped"`
	Enabled []string `yaml:"enabled"`
	// InitRequests must each be a line of the init stand-ins' log.
	InitRequests []string `yaml:"init_requests"`
}

// pathExpectation describes one path; empty fields are not checked.
type pathExpectation struct {
	Path string `yaml:"path"`
	// Type is "file", "dir", "symlink" or "absent".
	Type    string  `yaml:"type"`
	Mode    string  `yaml:"mode"`
	Owner   string  `yaml:"owner"` // "uid:gid"
	Content *string `yaml:"content"`
	// Lines must each be a whole line of the file.
	Lines  []string `yaml:"lines"`
	Target string   `yaml:"target"`
}

// commandExpectation is a command run on the host as the cluster's user.
type commandExpectation struct {
	Run    string `yaml:"run"`
	Stdout string `yaml:"stdout"`
}

func loadSiteExpectations(t *testing.T) siteExpectations {
	t.Helper()
	const file = "testdata/site.yaml"
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var e siteExpectations
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return e
}

// group returns the expectations for host: those of "all" and of its group.
func (e siteExpectations) group(t *testing.T, host string) (hostFacts, []hostExpectation) {
	t.Helper()
	facts, ok := e.Hosts[host]
	if !ok {
		t.Fatalf("testdata/site.yaml: no host %s", host)
	}
	return facts, []hostExpectation{e.Groups["all"], e.Groups[facts.Group]}
}

// recap returns the expected recap of host for the nth run (1 or 2).
func (e siteExpectations) recap(t *testing.T, host string, run int) testcluster.Recap {
	t.Helper()
	facts := e.Hosts[host]
	g := e.Groups[facts.Group]
	r := g.Recap
	if run == 2 {
		r = g.SecondRecap
	}
	if r == nil {
		t.Fatalf("testdata/site.yaml: no recap of run %d for group %q", run, facts.Group)
	}
	return *r
}

// checkHost reports every way host differs from what a run of site.yml
// must leave on it.
func (e siteExpectations) checkHost(t *testing.T, c *testcluster.Cluster, host string) {
	t.Helper()
	facts, groups := e.group(t, host)
	expand := strings.NewReplacer("{host}", host, "{ip}", facts.IP, "{myid}", facts.MyID).Replace
	root := c.Root(host)
	for _, g := range groups {
		for _, p := range g.Paths {
			if err := checkPath(root, p, expand); err != nil {
				t.Errorf("%s: %v", host, err)
			}
		}
		for _, cmd := range g.Commands {
			stdout, stderr, err := onHost(c, host, cmd.Run)
			if err != nil {
				t.Errorf("%s: %s: %v\n%s", host, cmd.Run, err, stderr)
			} else if stdout != expand(cmd.Stdout) {
				t.Errorf("%s: %s printed %q, want %q", host, cmd.Run, stdout, expand(cmd.Stdout))
			}
		}
		for _, svc := range g.Running {
			if got := serviceState(root, svc); got != "running" {
				t.Errorf("%s: service %s is %s, want running (init log:\n%s)", host, svc, got, initLog(root))
			}
		}
		for _, svc := range g.Stopped {
			if got := serviceState(root, svc); got != "stopped" {
				t.Errorf("%s: service %s is %s, want stopped (init log:\n%s)", host, svc, got, initLog(root))
			}
		}
		requests := strings.Split(initLog(root), "\n")
		for _, req := range g.InitRequests {
			if !slices.Contains(requests, req) {
				t.Errorf("%s: init never asked %q; it was asked:\n%s", host, req, initLog(root))
			}
		}
		for _, svc := range g.Enabled {
			levels, err := os.ReadFile(filepath.Join(root, "var/lib/init-standin/chkconfig", svc))
			if err != nil || !strings.Contains(string(levels), "3") {
				t.Errorf("%s: service %s not enabled in runlevel 3 (chkconfig levels %q, %v)", host, svc, levels, err)
			}
		}
	}
}

// checkPath compares the host path p.Path under root with p.
func checkPath(root string, p pathExpectation, expand func(string) string) error {
	full, err := resolveOnHost(root, p.Path, false)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		if p.Type == "absent" {
			return nil
		}
		return fmt.Errorf("%s: missing, want a %s", p.Path, p.Type)
	}
	if err != nil {
		return err
	}
	var problems []string
	got := fileType(fi)
	if got != p.Type {
		return fmt.Errorf("%s: a %s, want a %s", p.Path, got, p.Type)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if mode := fmt.Sprintf("%04o", st.Mode&0o7777); p.Mode != "" && mode != p.Mode {
		problems = append(problems, fmt.Sprintf("mode %s, want %s", mode, p.Mode))
	}
	if owner := fmt.Sprintf("%d:%d", st.Uid, st.Gid); p.Owner != "" && owner != p.Owner {
		problems = append(problems, fmt.Sprintf("owner %s, want %s", owner, p.Owner))
	}
	if p.Target != "" {
		target, err := os.Readlink(full)
		if err != nil {
			return err
		}
		if target != p.Target {
			problems = append(problems, fmt.Sprintf("points to %q, want %q", target, p.Target))
		}
	}
	if p.Content != nil || len(p.Lines) > 0 {
		b, err := os.ReadFile(full)
		if err != nil {
			return err
		}
		content := string(b)
		if p.Content != nil && content != expand(*p.Content) {
			problems = append(problems, fmt.Sprintf("content %q, want %q", content, expand(*p.Content)))
		}
		lines := strings.Split(content, "\n")
		for _, l := range p.Lines {
			if !slices.Contains(lines, expand(l)) {
				problems = append(problems, fmt.Sprintf("no line %q in:\n%s", expand(l), content))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", p.Path, strings.Join(problems, "; "))
	}
	return nil
}

func fileType(fi fs.FileInfo) string {
	switch m := fi.Mode(); {
	case m.IsRegular():
		return "file"
	case m.IsDir():
		return "dir"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	default:
		return "other"
	}
}

// serviceState is "running" or "stopped" as the host's init stand-ins
// keep it.
func serviceState(root, svc string) string {
	b, err := os.ReadFile(filepath.Join(root, "var/lib/init-standin", svc))
	if err != nil {
		return "stopped"
	}
	return strings.TrimSpace(string(b))
}

// initLog is what the host's init stand-ins were asked to do.
func initLog(root string) string {
	b, _ := os.ReadFile(filepath.Join(root, "var/log/gansible-init.log"))
	return string(b)
}

// checkRecap compares the recap of r with want, by host.
func checkRecap(t *testing.T, r result, want map[string]testcluster.Recap) {
	t.Helper()
	if r.recap == nil {
		t.Errorf("no PLAY RECAP in output:\n%s", r.output)
		return
	}
	for host, w := range want {
		if g, ok := r.recap[host]; !ok {
			t.Errorf("recap: no line for %s", host)
		} else if g != w {
			t.Errorf("recap: %s: %s, want %s", host, formatRecap(g), formatRecap(w))
		}
	}
	for host, g := range r.recap {
		if _, ok := want[host]; !ok {
			t.Errorf("recap: unexpected host %s: %s", host, formatRecap(g))
		}
	}
}

func formatRecap(r testcluster.Recap) string {
	return fmt.Sprintf("ok=%d changed=%d unreachable=%d failed=%d skipped=%d rescued=%d ignored=%d",
		r.OK, r.Changed, r.Unreachable, r.Failed, r.Skipped, r.Rescued, r.Ignored)
}
