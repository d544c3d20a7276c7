package testcluster

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MaxHosts is the largest cluster Start accepts; BatchHosts the size the
// test suites keep their clusters to, which boot within seconds here.
const (
	MaxHosts   = 1000
	BatchHosts = 30
)

// User is the account the hosts accept logins for, with password-less sudo.
const User = "ansible"

// Options configure a cluster.
type Options struct {
	// Hosts are the inventory names, in the order addresses are given out.
	Hosts []string
	// StateDir holds everything the cluster writes: keys, inventory, logs
	// and, on a tmpfs mounted at StateDir/fs, the hosts' filesystems.
	StateDir string
	// Python leaves the machine's Python visible on the hosts (for
	// ansible-playbook runs). By default every python is hidden.
	Python bool
	// StandinDir is where the stand-in packages and their signing key live
	// (see BuildStandins); the hosts trust that key. Default StateDir/standins.
	StandinDir string
	// ServiceManager is what Ansible's service_mgr fact reads on the hosts:
	// "upstart" (the default, as on CentOS 6: initctl and the SysV
	// stand-ins) or "systemd" (PID 1 named systemd, /run/systemd/system,
	// and the systemctl stand-in).
	ServiceManager string
	// ServiceManagers give hosts, by name, another service manager than
	// ServiceManager.
	ServiceManagers map[string]string
	// Flavours give hosts another look than FlavourCentOS, by host name.
	Flavours map[string]string
	// Pythons name hosts that show the machine's Python though Python
	// is false: the hosts a test of gansible's Python-driving modules
	// (pip) gives a Python on both sides.
	Pythons map[string]bool
}

// Flavours of host: what the hosts' release files and tools say they are.
const (
	// FlavourCentOS is the default: CentOS 8 release files, rpm and dnf
	// set up as on RHEL, the machine's Debian release files hidden.
	FlavourCentOS = "centos"
	// FlavourDebian leaves the machine's own Debian release files, apt
	// and dpkg as they are, with no CentOS files. The init stand-ins and
	// the user are those of every host.
	FlavourDebian = "debian"
)

// Service managers a cluster's hosts can have.
const (
	Upstart = "upstart"
	Systemd = "systemd"
)

// Host is one host of a running cluster.
type Host struct {
	Name string `json:"name"`
	Addr string `json:"addr"`
	// Port is sshd's port on Addr: 22, or 2201 and on for the hosts of a
	// cluster beyond the 254th (see freeEndpoints).
	Port int `json:"port,omitempty"`
	// PID is the host's init as the machine sees it; 0 once stopped.
	PID int `json:"pid,omitempty"`
	// Flavour is the host's look (FlavourCentOS when empty).
	Flavour string `json:"flavour,omitempty"`
	// ServiceMgr is the host's service manager (Upstart when empty).
	ServiceMgr string `json:"service_manager,omitempty"`
	// Python: the host shows the machine's Python (Options.Pythons).
	Python bool `json:"python,omitempty"`
}

// Cluster is a set of running test hosts.
type Cluster struct {
	stateDir   string
	standinDir string
	python     bool
	user       user

	mu     sync.Mutex
	hosts  []*Host
	byName map[string]*Host
	exited map[string]chan struct{} // closed when a host's init is reaped; only for hosts this process started

	repo       *repoServer   // the package repository server; nil before Start runs it
	repoExited chan struct{} // closed when the server is reaped; only if this process started it
}

//go:embed assets/init.sh
var initScript []byte

var hostNameRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})$`)

// Start boots one host per name in o.Hosts and returns once every sshd
// answers. On error everything already started is stopped again.
func Start(ctx context.Context, o Options) (c *Cluster, err error) {
	if len(o.Hosts) == 0 || len(o.Hosts) > MaxHosts {
		return nil, fmt.Errorf("want 1 to %d hosts, got %d", MaxHosts, len(o.Hosts))
	}
	seen := map[string]bool{}
	for _, h := range o.Hosts {
		if !hostNameRE.MatchString(h) || strings.Contains(h, "..") {
			return nil, fmt.Errorf("host name %q: want letters, digits, dots and dashes", h)
		}
		if seen[h] {
			return nil, fmt.Errorf("host %q listed twice", h)
		}
		seen[h] = true
	}
	for h, f := range o.Flavours {
		if !seen[h] {
			return nil, fmt.Errorf("flavour for %q, which is not a host of the cluster", h)
		}
		if f != FlavourCentOS && f != FlavourDebian {
			return nil, fmt.Errorf("host %s: flavour %q: want %s or %s", h, f, FlavourCentOS, FlavourDebian)
		}
	}
	if o.StateDir == "" {
		return nil, errors.New("no state dir")
	}
	checkMgr := func(m string) error {
		if m != "" && m != Upstart && m != Systemd {
			return fmt.Errorf("service manager %q: want %s or %s", m, Upstart, Systemd)
		}
		return nil
	}
	if err := checkMgr(o.ServiceManager); err != nil {
		return nil, err
	}
	for h, m := range o.ServiceManagers {
		if !seen[h] {
			return nil, fmt.Errorf("service manager for %q, which is not a host of the cluster", h)
		}
		if err := checkMgr(m); err != nil {
			return nil, fmt.Errorf("host %s: %w", h, err)
		}
	}
	for h := range o.Pythons {
		if !seen[h] {
			return nil, fmt.Errorf("python for %q, which is not a host of the cluster", h)
		}
	}
	stateDir, err := filepath.Abs(o.StateDir)
	if err != nil {
		return nil, err
	}
	if old, err := Load(stateDir); err == nil && old.running() {
		return nil, fmt.Errorf("a cluster is already running in %s (gansible-testcluster stop --state %s)", stateDir, stateDir)
	}
	// Mounts left by a cluster that died without Stop would be stacked on.
	if err := unmountAll(filepath.Join(stateDir, "fs")); err != nil {
		return nil, fmt.Errorf("cleaning up an earlier cluster: %w", err)
	}
	standinDir := o.StandinDir
	if standinDir == "" {
		standinDir = filepath.Join(stateDir, "standins")
	}
	if standinDir, err = filepath.Abs(standinDir); err != nil {
		return nil, err
	}
	u, err := pickUser(User)
	if err != nil {
		return nil, err
	}
	c = &Cluster{
		stateDir:   stateDir,
		standinDir: standinDir,
		python:     o.Python,
		user:       u,
		byName:     map[string]*Host{},
		exited:     map[string]chan struct{}{},
	}
	for _, name := range o.Hosts {
		h := &Host{Name: name, Flavour: o.Flavours[name], ServiceMgr: o.ServiceManager, Python: o.Pythons[name] && !o.Python}
		if m, ok := o.ServiceManagers[name]; ok {
			h.ServiceMgr = m
		}
		if h.Flavour == FlavourCentOS {
			h.Flavour = ""
		}
		if h.ServiceMgr == Upstart {
			h.ServiceMgr = ""
		}
		c.hosts = append(c.hosts, h)
		c.byName[name] = h
	}
	for _, dir := range []string{stateDir, c.logDir(), c.fsDir()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	if err := c.save(); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			if serr := c.Stop(); serr != nil {
				err = errors.Join(err, fmt.Errorf("cleaning up: %w", serr))
			}
			c = nil
		}
	}()

	clientKey, err := newKeyPair(User + "@gansible-testcluster")
	if err != nil {
		return c, err
	}
	if err := os.WriteFile(c.KeyFile(), clientKey.private, 0o600); err != nil {
		return c, err
	}
	if err := os.WriteFile(c.KeyFile()+".pub", clientKey.authorized, 0o644); err != nil {
		return c, err
	}
	for _, mgr := range []string{"", Systemd} {
		if err := os.WriteFile(c.initPath(&Host{ServiceMgr: mgr}), initScript, 0o755); err != nil {
			return c, err
		}
	}
	rpmKey, err := EnsureSigningKey(ctx, standinDir)
	if err != nil {
		return c, err
	}
	// The source index is the repositories' newest part: a stand-in
	// dir from before it is rebuilt.
	if !fileExists(filepath.Join(standinDir, RepoDir, aptDir, "dists", RepoSuite, "main", "source", "Sources")) {
		if err := BuildRepos(ctx, standinDir); err != nil {
			return c, err
		}
	}

	if err := mountTmpfs(c.fsDir()); err != nil {
		return c, err
	}
	built := map[string]bool{}
	for _, h := range c.hosts {
		if built[c.commonDir(h)] {
			continue
		}
		built[c.commonDir(h)] = true
		if err := buildCommonLayer(ctx, c.commonDir(h), u, clientKey, rpmKey, o.Python || h.Python, h.Flavour, h.ServiceMgr); err != nil {
			return c, fmt.Errorf("common layer: %w", err)
		}
	}

	unlock, err := lockAllocation(ctx)
	if err != nil {
		return c, err
	}
	defer unlock()
	endpoints, err := freeEndpoints(len(c.hosts))
	if err != nil {
		return c, err
	}
	if err := c.startRepoServer(); err != nil {
		return c, err
	}
	hostKeys := map[string]keyPair{}
	for i, h := range c.hosts {
		h.Addr, h.Port = endpoints[i].addr, endpoints[i].port
		if hostKeys[h.Name], err = newKeyPair("root@" + h.Name); err != nil {
			return c, err
		}
	}
	for _, h := range c.hosts {
		if err := c.prepareHost(h, c.commonDir(h), hostKeys[h.Name]); err != nil {
			return c, fmt.Errorf("host %s: %w", h.Name, err)
		}
	}
	for _, h := range c.hosts {
		if err := c.boot(h); err != nil {
			return c, fmt.Errorf("host %s: %w", h.Name, err)
		}
	}
	if err := c.save(); err != nil {
		return c, err
	}
	if err := c.waitReady(ctx); err != nil {
		return c, err
	}
	if err := c.writeClientFiles(hostKeys); err != nil {
		return c, err
	}
	return c, nil
}

// prepareHost builds the host's own layer and mounts its root.
func (c *Cluster) prepareHost(h *Host, common string, hostKey keyPair) error {
	dir := c.hostDir(h.Name)
	for _, sub := range []string{"layer", "upper", "work", "root"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	if err := buildHostLayer(filepath.Join(dir, "layer"), h, c.hosts, c.user, hostKey); err != nil {
		return err
	}
	return mountOverlay(c.Root(h.Name), c.Upper(h.Name), filepath.Join(dir, "work"),
		filepath.Join(dir, "layer"), common, "/")
}

// boot starts the host's init as PID 1 of new namespaces. It runs in its
// own session so that it outlives the process that started it.
func (c *Cluster) boot(h *Host) error {
	log, err := os.OpenFile(filepath.Join(c.logDir(), h.Name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	mgr := h.ServiceMgr
	if mgr == "" {
		mgr = Upstart
	}
	cmd := exec.Command(c.initPath(h), c.Root(h.Name), h.Name, mgr)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setsid:     true,
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC,
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	c.mu.Lock()
	h.PID = cmd.Process.Pid
	c.exited[h.Name] = exited
	c.mu.Unlock()
	go func() {
		cmd.Wait()
		close(exited)
	}()
	return nil
}

// waitReady waits for every sshd to answer, failing early with the
// host's log if its init dies.
func (c *Cluster) waitReady(ctx context.Context) error {
	// 30 s for a test-sized cluster; booting hundreds of sshds on two
	// cores takes longer, about proportionally.
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second+time.Duration(len(c.hosts))*100*time.Millisecond)
	defer cancel()
	errs := make([]error, len(c.hosts))
	var wg sync.WaitGroup
	for i, h := range c.hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hctx, hcancel := context.WithCancel(ctx)
			defer hcancel()
			go func() {
				select {
				case <-c.exited[h.Name]:
					hcancel()
				case <-hctx.Done():
				}
			}()
			if err := waitSSH(hctx, h.Addr, h.SSHPort()); err != nil {
				log, _ := os.ReadFile(filepath.Join(c.logDir(), h.Name+".log"))
				errs[i] = fmt.Errorf("host %s: %w\n%s", h.Name, err, strings.TrimSpace(string(log)))
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Stop kills every host's init (and with it the host's processes) and the
// package repository server, then unmounts everything the cluster mounted. The state dir keeps the keys,
// logs and inventory.
func (c *Cluster) Stop() error {
	var errs []error
	for _, h := range c.hosts {
		errs = append(errs, c.stopHost(h))
	}
	errs = append(errs, c.stopRepoServer())
	if err := unmountAll(c.fsDir()); err != nil {
		errs = append(errs, err)
	} else {
		os.Remove(c.fsDir())
	}
	errs = append(errs, c.save())
	return errors.Join(errs...)
}

// StopHost stops one host: its sshd and all its processes. Its files stay
// readable through Root and Upper until Stop.
func (c *Cluster) StopHost(host string) error {
	h, ok := c.byName[host]
	if !ok {
		return fmt.Errorf("no host %q in the cluster", host)
	}
	return errors.Join(c.stopHost(h), c.save())
}

func (c *Cluster) stopHost(h *Host) error {
	c.mu.Lock()
	pid, exited := h.PID, c.exited[h.Name]
	c.mu.Unlock()
	if pid == 0 {
		return nil
	}
	if c.owns(h, pid) {
		// SIGKILL to a pid namespace's init kills every process in it.
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("host %s: kill %d: %w", h.Name, pid, err)
		}
		if err := waitGone(pid, exited); err != nil {
			return fmt.Errorf("host %s: %w", h.Name, err)
		}
	}
	c.mu.Lock()
	h.PID = 0
	c.mu.Unlock()
	return nil
}

// owns reports whether pid is still the init this cluster started for h,
// and not a process that reused the number.
func (c *Cluster) owns(h *Host, pid int) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	args := strings.Split(string(cmdline), "\x00")
	return slices.Contains(args, c.initPath(h)) && slices.Contains(args, c.Root(h.Name))
}

// waitGone waits for pid to exit: through exited when this process is its
// parent, else by watching /proc (its parent is then whoever adopted it).
func waitGone(pid int, exited chan struct{}) error {
	deadline := time.After(15 * time.Second)
	if exited != nil {
		select {
		case <-exited:
			return nil
		case <-deadline:
			return fmt.Errorf("init %d did not exit", pid)
		}
	}
	for {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return nil
		}
		// The state follows the parenthesized command name.
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && strings.HasPrefix(string(stat[i:]), ") Z") {
			return nil
		}
		select {
		case <-deadline:
			return fmt.Errorf("init %d did not exit", pid)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// running reports whether any host's init is still alive.
func (c *Cluster) running() bool {
	for _, h := range c.hosts {
		if h.PID != 0 && c.owns(h, h.PID) {
			return true
		}
	}
	return c.repo != nil && c.repo.PID != 0 && c.ownsRepoServer(c.repo.PID)
}

// Hosts returns the inventory names of the hosts, in start order.
func (c *Cluster) Hosts() []string {
	names := make([]string, len(c.hosts))
	for i, h := range c.hosts {
		names[i] = h.Name
	}
	return names
}

// SSHPort is the port the host's sshd listens on.
func (h *Host) SSHPort() int {
	if h.Port == 0 {
		return sshPort
	}
	return h.Port
}

// Port returns the host's sshd port (22 for all but the hosts of a
// cluster beyond its 254th), or 0 for an unknown host.
func (c *Cluster) Port(host string) int {
	if h, ok := c.byName[host]; ok {
		return h.SSHPort()
	}
	return 0
}

// Addr returns the host's address ("127.0.1.N"), or "" for an unknown host.
func (c *Cluster) Addr(host string) string {
	if h, ok := c.byName[host]; ok {
		return h.Addr
	}
	return ""
}

// UserIDs returns the uid and gid of User on the hosts: the first ids
// from 2000 on that the machine does not use.
func (c *Cluster) UserIDs() (uid, gid int) { return c.user.uid, c.user.gid }

// Python reports whether the hosts show the machine's Python.
func (c *Cluster) Python() bool { return c.python }

// StateDir returns the cluster's state dir.
func (c *Cluster) StateDir() string { return c.stateDir }

// StandinDir returns where the stand-in packages the hosts trust belong.
func (c *Cluster) StandinDir() string { return c.standinDir }

// KeyFile returns the private key that logs in as User on every host.
func (c *Cluster) KeyFile() string { return filepath.Join(c.stateDir, "id_ed25519") }

// InventoryFile returns the YAML inventory that points the host names at
// their addresses, for use beside the playbook's own inventory.
func (c *Cluster) InventoryFile() string { return filepath.Join(c.stateDir, "cluster-hosts.yml") }

// SSHConfigFile returns an ssh_config for reaching the hosts by name
// (ssh -F FILE cent01.lab.hdlocal).
func (c *Cluster) SSHConfigFile() string { return filepath.Join(c.stateDir, "ssh_config") }

// KnownHostsFile returns a known_hosts file with every host's key, under
// its name and its address.
func (c *Cluster) KnownHostsFile() string { return filepath.Join(c.stateDir, "known_hosts") }

// Root returns the host's root as the host sees it, to read files from.
func (c *Cluster) Root(host string) string { return filepath.Join(c.hostDir(host), "root") }

// Upper returns the host's overlay upper dir: exactly what changed on the
// host since it started.
func (c *Cluster) Upper(host string) string { return filepath.Join(c.hostDir(host), "upper") }

func (c *Cluster) fsDir() string { return filepath.Join(c.stateDir, "fs") }

// commonDir is the layer the hosts of h's flavour and service manager
// share.
func (c *Cluster) commonDir(h *Host) string {
	name := "common"
	if h.Flavour != "" {
		name += "-" + h.Flavour
	}
	if h.ServiceMgr != "" {
		name += "-" + h.ServiceMgr
	}
	if h.Python {
		name += "-python"
	}
	return filepath.Join(c.fsDir(), name)
}
func (c *Cluster) hostDir(host string) string { return filepath.Join(c.fsDir(), "hosts", host) }
func (c *Cluster) logDir() string             { return filepath.Join(c.stateDir, "logs") }

// initPath is h's init; its file name is what /proc/1/comm reads:
// "init", or "systemd" on systemd hosts.
func (c *Cluster) initPath(h *Host) string {
	if h.ServiceMgr == Systemd {
		return filepath.Join(c.stateDir, "systemd")
	}
	return filepath.Join(c.stateDir, "init")
}
