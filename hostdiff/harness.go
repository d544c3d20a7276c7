package hostdiff

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gansible/gansible/difftest"
	"github.com/gansible/gansible/testcluster"
)

// Batches splits cases into groups whose hosts fit in one cluster.
func Batches(cases []*Case) [][]*Case {
	var out [][]*Case
	var cur []*Case
	n := 0
	for _, c := range cases {
		if n+c.Hosts > testcluster.BatchHosts {
			out, cur, n = append(out, cur), nil, 0
		}
		cur, n = append(cur, c), n+c.Hosts
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// ClusterHosts lists the cluster hosts the cases need, one fresh host per
// host of each case.
func ClusterHosts(cases []*Case) []string {
	var hosts []string
	for _, c := range cases {
		for _, h := range c.HostNames() {
			hosts = append(hosts, c.ClusterHost(h))
		}
	}
	return hosts
}

// ClusterServiceManagers gives the cluster hosts of the cases their
// service manager.
func ClusterServiceManagers(cases []*Case) map[string]string {
	out := map[string]string{}
	for _, c := range cases {
		for _, h := range c.HostNames() {
			out[c.ClusterHost(h)] = c.ServiceManager
		}
	}
	return out
}

// ClusterPythons names the cluster hosts of the cases that show Python
// whatever the cluster's Options.Python.
func ClusterPythons(cases []*Case) map[string]bool {
	out := map[string]bool{}
	for _, c := range cases {
		for _, h := range c.HostNames() {
			if c.Python {
				out[c.ClusterHost(h)] = true
			}
		}
	}
	return out
}

// ClusterFlavours gives the cluster hosts of the cases their flavour.
func ClusterFlavours(cases []*Case) map[string]string {
	out := map[string]string{}
	for _, c := range cases {
		for _, h := range c.HostNames() {
			out[c.ClusterHost(h)] = c.Flavour
		}
	}
	return out
}

// A Harness runs cases on a cluster that has the hosts of ClusterHosts.
type Harness struct {
	Cluster *testcluster.Cluster
	// Standins is the cluster's stand-in dir, substituted for @STANDINS@.
	Standins string
	// Work is where each case's project and state go.
	Work string
	// Tool is the playbook command: "ansible-playbook" or a gansible binary.
	Tool string
}

// Outcome is what the runs of a case gave, with each run's output for
// the test log.
type Outcome struct {
	Runs    []Run
	Outputs []string
}

// RunCase runs every run of c, in order, on the case's hosts, and
// collects each run's outcome. A failing playbook is an outcome; failing
// to run it at all is an error.
func (h *Harness) RunCase(ctx context.Context, c *Case) (*Outcome, error) {
	dir := filepath.Join(h.Work, c.Name)
	project := filepath.Join(dir, "project")
	home := filepath.Join(dir, "home")
	for _, d := range []string{project, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	// ansible.cfg is ignored in a world-writable directory; keep every
	// dir of the run private.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	subst := map[string]string{
		standinsPlaceholder: h.Standins,
		aptRepoPlaceholder:  h.Cluster.AptRepoURL(),
		dnfRepoPlaceholder:  h.Cluster.DnfRepoURL(),
		httpPlaceholder:     h.Cluster.HTTPURL(),
	}
	if err := c.Unpack(project, subst); err != nil {
		return nil, err
	}
	if err := h.writeInventory(c, filepath.Join(project, "inventory")); err != nil {
		return nil, err
	}
	if c.Repo {
		for _, name := range c.HostNames() {
			if err := h.Cluster.ListRepo(ctx, c.ClusterHost(name)); err != nil {
				return nil, err
			}
		}
	}
	// ssh's control sockets need a short path.
	cp, err := os.MkdirTemp("", "hdcp")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(cp)
	env := append(os.Environ(),
		"HOME="+home,
		"ANSIBLE_HOME="+filepath.Join(home, ".ansible"),
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(home, ".ansible", "tmp"),
		"ANSIBLE_SSH_CONTROL_PATH_DIR="+cp,
		"ANSIBLE_RETRY_FILES_ENABLED=0",
		"ANSIBLE_NOCOLOR=1",
		"ANSIBLE_FORCE_COLOR=0",
		"ANSIBLE_STDOUT_CALLBACK=default",
		// A fixed interpreter spares the discovery and its warning.
		"ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3",
	)
	norm := h.normalizer(c, dir)
	out := &Outcome{}
	for i, kind := range c.Runs {
		args := append([]string{"-v", "-i", "inventory", "site.yml"}, c.Args...)
		args = append(args, runKinds[kind]...)
		res, err := runTool(ctx, project, env, h.Tool, args)
		if err != nil {
			return out, fmt.Errorf("run %d (%s): %w", i+1, kind, err)
		}
		text := norm.text(res.Output)
		out.Outputs = append(out.Outputs, text)
		run := Run{Kind: kind, Exit: res.Exit, Recap: difftest.ParseRecap(text), Files: map[string]map[string]testcluster.FileInfo{}}
		if run.Recap == nil {
			run.Recap = difftest.Recap{}
		}
		if run.Tasks, err = ParseOutput(text, c.Fields); err != nil {
			return out, fmt.Errorf("run %d (%s): %w", i+1, kind, err)
		}
		for _, t := range run.Tasks {
			for k, v := range t.Fields {
				// A dotted field is named by its last key.
				t.Fields[k] = norm.field(k[strings.LastIndex(k, ".")+1:], v)
			}
		}
		sortResults(run.Tasks)
		for _, name := range c.HostNames() {
			snap, err := h.Cluster.Snapshot(c.ClusterHost(name))
			if err != nil {
				return out, err
			}
			run.Files[name] = norm.snapshot(snap)
		}
		out.Runs = append(out.Runs, run)
	}
	return out, nil
}

// sortResults orders results by task and host, keeping the order of a
// host's loop items: hosts of one task finish in any order.
func sortResults(rs []TaskResult) {
	slices.SortStableFunc(rs, func(a, b TaskResult) int {
		return cmp.Or(cmp.Compare(a.Task, b.Task), cmp.Compare(a.Host, b.Host))
	})
}

// aptListName is the name apt_repository gives the sources file of a
// line of the apt repository at url (its _suggest_filename, without
// ".list"): the URL's host, port and path, each run of other characters
// made one _. It holds the repository's port, which differs from cluster
// to cluster.
func aptListName(url string) string {
	if url == "" {
		return ""
	}
	_, rest, _ := strings.Cut(url, "://")
	return strings.Join(strings.FieldsFunc(rest, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}), "_")
}

// normalizer replaces the run's own dirs and the hosts' addresses.
func (h *Harness) normalizer(c *Case, dir string) normalizer {
	pairs := [][2]string{
		{filepath.Join(dir, "project"), "@PROJECT@"},
		{filepath.Join(dir, "home"), "@HOME@"},
		{h.Standins, standinsPlaceholder},
		{h.Cluster.AptRepoURL(), aptRepoPlaceholder},
		{h.Cluster.DnfRepoURL(), dnfRepoPlaceholder},
		{h.Cluster.HTTPURL(), httpPlaceholder},
		{aptListName(h.Cluster.AptRepoURL()), aptListPlaceholder},
		{h.Cluster.StateDir(), "@STATE@"},
	}
	for _, name := range c.HostNames() {
		pairs = append(pairs, [2]string{h.Cluster.Addr(c.ClusterHost(name)), "@ADDR_" + name + "@"})
	}
	// Longer first, so that 127.0.1.10 is not taken for 127.0.1.1.
	slices.SortStableFunc(pairs, func(a, b [2]string) int { return cmp.Compare(len(b[0]), len(a[0])) })
	var flat []string
	for _, p := range pairs {
		if p[0] != "" {
			flat = append(flat, p[0], p[1])
		}
	}
	n := newNormalizer(flat...)
	n.uid, n.gid = h.Cluster.UserIDs()
	return n
}

// writeInventory points h1..hN of group targets at the case's hosts.
func (h *Harness) writeInventory(c *Case, path string) error {
	var b strings.Builder
	b.WriteString("[targets]\n")
	for _, name := range c.HostNames() {
		addr := h.Cluster.Addr(c.ClusterHost(name))
		if addr == "" {
			return fmt.Errorf("no cluster host %s for %s", c.ClusterHost(name), name)
		}
		fmt.Fprintf(&b, "%s ansible_host=%s\n", name, addr)
	}
	fmt.Fprintf(&b, "\n[all:vars]\nansible_port=22\nansible_user=%s\nansible_ssh_private_key_file=%s\nansible_ssh_common_args='-o UserKnownHostsFile=%s'\n",
		testcluster.User, h.Cluster.KeyFile(), h.Cluster.KnownHostsFile())
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// toolResult is one run's exit code and output.
type toolResult = difftest.Result

// runTool runs the playbook command; a non-zero exit is not an error.
func runTool(ctx context.Context, dir string, env []string, tool string, args []string) (toolResult, error) {
	return difftest.RunTool(ctx, dir, env, tool, args...)
}
