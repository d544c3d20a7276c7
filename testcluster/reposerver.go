package testcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The repository server is a small HTTP file server over StandinDir/RepoDir,
// run as a process of its own (this same executable, started again with
// repoServerEnv set) so that it outlives the process that started the
// cluster, as the hosts do, and Stop from any process can end it.
const (
	repoServerEnv = "GANSIBLE_TESTCLUSTER_REPO_SERVER"
	repoServerArg = "serve-package-repos"
	// The server listens on repoAddr, a test host address no cluster
	// gives a host before its 254th, on the first free port from
	// repoFirstPort: each cluster has its own.
	repoAddr      = "127.0.1.254"
	repoFirstPort = 8180
	repoPorts     = 100
)

// The repository server's process runs nothing but the server: it takes
// over before main (or a test binary's flag parsing) runs.
func init() {
	if os.Getenv(repoServerEnv) == "1" && len(os.Args) == 4 && os.Args[1] == repoServerArg {
		os.Exit(serveRepos(os.Args[2]))
	}
}

// serveRepos serves dir, and the fixed HTTP endpoints under /http/
// (httpHandler), over the listener inherited as fd 3 until killed.
func serveRepos(dir string) int {
	l, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "repository server:", err)
		return 1
	}
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(dir)))
	mux.Handle("/"+HTTPDir+"/", httpHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintln(os.Stderr, "repository server:", srv.Serve(l))
	return 1
}

// startRepoServer listens on the first free port of repoAddr (the
// caller holds the allocation lock) and starts the server process on it.
func (c *Cluster) startRepoServer() error {
	var l *net.TCPListener
	for port := repoFirstPort; port < repoFirstPort+repoPorts && l == nil; port++ {
		if ln, err := net.Listen("tcp", net.JoinHostPort(repoAddr, strconv.Itoa(port))); err == nil {
			l = ln.(*net.TCPListener)
		}
	}
	if l == nil {
		return fmt.Errorf("no free port on %s for the package repositories (clusters left running? gansible-testcluster stop --state DIR)", repoAddr)
	}
	defer l.Close()
	f, err := l.File()
	if err != nil {
		return err
	}
	defer f.Close()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	log, err := os.OpenFile(filepath.Join(c.logDir(), "repo-server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(exe, repoServerArg, filepath.Join(c.standinDir, RepoDir), c.stateDir)
	cmd.Env = append(os.Environ(), repoServerEnv+"=1")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.ExtraFiles = []*os.File{f}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("repository server: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	c.mu.Lock()
	c.repo = &repoServer{PID: cmd.Process.Pid, Addr: l.Addr().String()}
	c.repoExited = exited
	c.mu.Unlock()
	return nil
}

// repoServer is the running repository server, as cluster.json records it.
type repoServer struct {
	PID  int    `json:"pid"`
	Addr string `json:"addr"` // host:port
}

// stopRepoServer kills the repository server if it is still the process
// this cluster started.
func (c *Cluster) stopRepoServer() error {
	c.mu.Lock()
	r, exited := c.repo, c.repoExited
	c.mu.Unlock()
	if r == nil || r.PID == 0 {
		return nil
	}
	if c.ownsRepoServer(r.PID) {
		if err := syscall.Kill(r.PID, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("repository server: kill %d: %w", r.PID, err)
		}
		if err := waitGone(r.PID, exited); err != nil {
			return fmt.Errorf("repository server: %w", err)
		}
	}
	c.mu.Lock()
	r.PID = 0
	c.mu.Unlock()
	return nil
}

func (c *Cluster) ownsRepoServer(pid int) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	args := strings.Split(string(cmdline), "\x00")
	return slices.Contains(args, repoServerArg) && slices.Contains(args, c.stateDir)
}

// RepoURL returns the base URL of the cluster's package repositories
// ("http://127.0.1.254:PORT"), or "" when none is served.
func (c *Cluster) RepoURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.repo == nil || c.repo.Addr == "" {
		return ""
	}
	return "http://" + c.repo.Addr
}

// AptRepoURL is the URL of the apt repository: a sources.list line
// "deb [trusted=yes] URL gansible main" reaches it.
func (c *Cluster) AptRepoURL() string { return c.repoURL(aptDir) }

// DnfRepoURL is the baseurl of the dnf repository (its packages are
// signed with the stand-in key the hosts trust).
func (c *Cluster) DnfRepoURL() string { return c.repoURL(dnfDir) }

func (c *Cluster) repoURL(sub string) string {
	if u := c.RepoURL(); u != "" {
		return u + "/" + sub
	}
	return ""
}

// Where ListRepo puts the repository on a host.
const (
	AptSourcesFile = "/etc/apt/sources.list.d/gansible.list"
	DnfRepoFile    = "/etc/yum.repos.d/gansible.repo"
)

// ListRepo makes host list the cluster's package repository of its
// flavour: a sources.list.d entry and a fresh apt cache on Debian hosts,
// a yum.repos.d entry (repo id "gansible", signatures checked against
// the stand-in key the hosts trust) on CentOS hosts.
func (c *Cluster) ListRepo(ctx context.Context, host string) error {
	h, ok := c.byName[host]
	if !ok {
		return fmt.Errorf("no host %q in the cluster", host)
	}
	if c.RepoURL() == "" {
		return errors.New("the cluster serves no package repository")
	}
	var script string
	if h.Flavour == FlavourDebian {
		script = fmt.Sprintf("printf '%%s\\n' 'deb [trusted=yes] %s %s main' >%s && apt-get update -q",
			c.AptRepoURL(), RepoSuite, AptSourcesFile)
	} else {
		script = fmt.Sprintf("printf '%%s\\n' '[gansible]' 'name=gansible stand-in packages' 'baseurl=%s' 'enabled=1' 'gpgcheck=1' >%s",
			c.DnfRepoURL(), DnfRepoFile)
	}
	cmd, err := c.RootCommand(ctx, host, "/bin/sh", "-c", script)
	if err != nil {
		return err
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("host %s: listing the package repository: %w\n%s", host, err, out)
	}
	return nil
}
