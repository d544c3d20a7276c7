package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/modules"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/simhost"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

// hostVar templates a host variable, trying each name in turn (a current
// name and its legacy ansible_ssh_* spelling).
func (r *run) hostVar(vars template.Vars, names ...string) (string, bool) {
	for _, n := range names {
		raw, ok := vars.Lookup(n)
		if !ok || raw == nil {
			continue
		}
		v, err := r.opts.Engine.Template(raw, vars)
		if err != nil {
			continue
		}
		return template.Str(unwrapUnsafe(v)), true
	}
	return "", false
}

// localConn is the local connection, running in the playbook's directory.
func (r *run) localConn() connection.Conn {
	return &localInPlaybookDir{Conn: connection.Local{}, r: r}
}

// localInPlaybookDir runs the local connection's commands in the directory
// of the playbook being run, as ansible-core's action plugins set the local
// connection's cwd to the loader's base directory.
type localInPlaybookDir struct {
	connection.Conn
	r *run
}

func (l *localInPlaybookDir) Run(ctx context.Context, cmd string, stdin io.Reader, become *connection.Become) (connection.Result, error) {
	return connection.Local{Dir: l.r.playbookDir}.Run(ctx, cmd, stdin, become)
}

// connectionKind is the connection plugin a task uses on a host. As in
// Ansible, variables beat keywords and keywords beat the command line: the
// host's ansible_connection, then the connection keyword of the task and
// its blocks (innermost wins), then the play's, then -c and ansible.cfg.
func (r *run) connectionKind(name string, t *playbook.Task, vars template.Vars) string {
	if kind, ok := r.hostVar(vars, "ansible_connection"); ok {
		return r.smartConnection(name, kind)
	}
	kind := r.opts.Connection
	if c := r.keywordString(t, "connection"); c != "" {
		kind = c
	}
	if k, err := r.opts.Engine.Template(kind, vars); err == nil {
		kind = template.Str(unwrapUnsafe(k))
	}
	return r.smartConnection(name, kind)
}

// remoteUser is the user a task logs in as, "" for the SSH default: the
// host's ansible_user, then the remote_user keyword of the task and its
// blocks, then the play's, then -u and ansible.cfg.
func (r *run) remoteUser(t *playbook.Task, vars template.Vars) string {
	if v, ok := r.hostVar(vars, "ansible_user", "ansible_ssh_user"); ok {
		return v
	}
	user := r.opts.RemoteUser
	if u := r.keywordString(t, "remote_user"); u != "" {
		user = u
	}
	if u, err := r.opts.Engine.Template(user, vars); err == nil {
		user = template.Str(unwrapUnsafe(u))
	}
	return user
}

// portKeyword is the port keyword of t (its blocks', the play's), 0 when
// unset; the host's ansible_port still overrides it when dialling, as
// Ansible's connection variables override keywords.
func (r *run) portKeyword(t *playbook.Task, vars template.Vars) (int, error) {
	var v any
	var ok bool
	if t != nil {
		v, ok = r.chain(t).Value("port")
	} else if r.play != nil {
		v, ok = playbook.Chain{&r.play.Keywords}.Value("port")
	}
	if !ok {
		return 0, nil
	}
	out, err := r.opts.Engine.Template(v, vars)
	if err != nil {
		return 0, err
	}
	port := intValue(unwrapUnsafe(out), 0)
	if port <= 0 || port > 65535 {
		return 0, fmt.Errorf("the port keyword must be a port number, got %s", template.Repr(out))
	}
	return port, nil
}

// keywordString is a string keyword of t (or of the play alone when t is
// nil), "" when unset.
func (r *run) keywordString(t *playbook.Task, name string) string {
	if t == nil {
		if r.play == nil {
			return ""
		}
		return playbook.Chain{&r.play.Keywords}.String(name)
	}
	return r.chain(t).String(name)
}

// smartConnection resolves "smart" (and no choice at all): ssh, but local
// for a localhost that the inventory does not name, as Ansible's implicit
// localhost.
func (r *run) smartConnection(name, kind string) string {
	if kind == "" || kind == "smart" {
		kind = "ssh"
		if isLocalName(name) {
			if _, inInventory := r.opts.Inventory.Host(name); !inInventory {
				kind = "local"
			}
		}
	}
	return kind
}

// dial opens a connection of the given kind to a host from its connection
// variables.
func (r *run) dial(ctx context.Context, name, kind, user string, port int, vars template.Vars) (connection.Conn, error) {
	switch kind {
	case "local":
		return r.localConn(), nil
	case "gansible_sim":
		// A simulated host, for benchmarks of the controller alone.
		return simhost.Dial(name), nil
	case "ssh", "paramiko", "paramiko_ssh":
	default:
		return nil, fmt.Errorf("the connection plugin '%s' is not supported by gansible", kind)
	}
	o := connection.SSHOptions{
		Host:            name,
		InventoryName:   name,
		HostKeyChecking: r.opts.HostKeyChecking,
		Timeout:         r.opts.Timeout,
		SSHConfigFile:   sshConfigPath(),
		User:            user,
		Password:        r.opts.Password,
		Retries:         r.opts.SSHRetries,
		Port:            port,
	}
	if v, ok := r.hostVar(vars, "ansible_ssh_retries"); ok {
		fmt.Sscanf(v, "%d", &o.Retries)
	}
	if v, ok := r.hostVar(vars, "ansible_host", "ansible_ssh_host"); ok {
		o.Host = v
	}
	if v, ok := r.hostVar(vars, "ansible_port", "ansible_ssh_port"); ok {
		fmt.Sscanf(v, "%d", &o.Port)
	}
	if v, ok := r.hostVar(vars, "ansible_password", "ansible_ssh_pass"); ok {
		o.Password = v
	}
	if v, ok := r.hostVar(vars, "ansible_ssh_private_key_file", "ansible_private_key_file"); ok {
		o.PrivateKeyFiles = append(o.PrivateKeyFiles, expandHome(v))
	}
	if r.opts.PrivateKeyFile != "" {
		o.PrivateKeyFiles = append(o.PrivateKeyFiles, expandHome(r.opts.PrivateKeyFile))
	}
	if v, ok := r.hostVar(vars, "ansible_host_key_checking", "ansible_ssh_host_key_checking"); ok {
		b, err := value.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("ansible_host_key_checking: %w", err)
		}
		o.HostKeyChecking = b
	}
	// The ssh arguments Ansible passes: ssh_args before the options it
	// sets itself (so they win, as ssh keeps the first value), the common
	// and extra ones after them.
	sshArgs := r.opts.SSHArgs
	if v, ok := r.hostVar(vars, "ansible_ssh_args"); ok {
		sshArgs = v
	}
	common, extra := r.opts.SSHCommonArgs, r.opts.SSHExtraArgs
	if v, ok := r.hostVar(vars, "ansible_ssh_common_args"); ok {
		common = v
	}
	if v, ok := r.hostVar(vars, "ansible_ssh_extra_args"); ok {
		extra = v
	}
	for _, a := range []struct {
		name, args string
		first      bool
	}{{"ssh_args", sshArgs, true}, {"ssh_common_args", common, false}, {"ssh_extra_args", extra, false}} {
		if err := applySSHArgs(&o, a.args, a.first); err != nil {
			return nil, fmt.Errorf("%s: %w", a.name, err)
		}
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	return connection.DialSSH(ctx, o)
}

func isLocalName(name string) bool {
	return name == "localhost" || name == "127.0.0.1" || name == "::1"
}

func sshConfigPath() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return home + "/.ssh/config"
}

func expandHome(p string) string {
	if len(p) > 1 && p[0] == '~' && p[1] == '/' {
		if home, err := os.UserHomeDir(); err == nil {
			return home + p[1:]
		}
	}
	return p
}

// implicitHost is a host named by delegate_to that is not in the inventory.
func (r *run) implicitHost(name string) *hostState {
	h := &inventory.Host{Name: name, Vars: map[string]any{}}
	if isLocalName(name) {
		h.Vars["ansible_connection"] = "local"
	}
	hs := newHostState(r.opts.Inventory, h)
	hs.inventoryVars = h.Vars
	return hs
}

// become resolves the task's privilege escalation: task and blocks, then
// the play, then the command line and ansible.cfg.
func (r *run) become(t *playbook.Task, vars template.Vars) (*connection.Become, error) {
	chain := r.chain(t)
	enabled := r.opts.Become
	switch v, _ := chain.Value("become"); v := v.(type) {
	case bool:
		enabled = v
	case string: // a templated become is decided with the task's variables
		out, err := r.opts.Engine.Template(v, vars)
		if err != nil {
			return nil, err
		}
		// Ansible sets an omitted keyword back to its default: for
		// become, the command line's.
		if unwrapUnsafe(out) != r.opts.Engine.Omit() {
			if enabled, err = modules.ParseBool(unwrapUnsafe(out)); err != nil {
				return nil, fmt.Errorf("become: %w", err)
			}
		}
	}
	user, method := r.opts.BecomeUser, r.opts.BecomeMethod
	if u := chain.String("become_user"); u != "" {
		user = u
	}
	if m := chain.String("become_method"); m != "" {
		method = m
	}
	flags := chain.String("become_flags")
	if v, ok := r.hostVar(vars, "ansible_become"); ok {
		b, err := value.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("ansible_become: %w", err)
		}
		enabled = b
	}
	if !enabled {
		return nil, nil
	}
	if v, ok := r.hostVar(vars, "ansible_become_user", "ansible_sudo_user"); ok {
		user = v
	}
	if v, ok := r.hostVar(vars, "ansible_become_method"); ok {
		method = v
	}
	b := &connection.Become{Method: method, User: user, Exe: r.opts.BecomeExe, Flags: flags, Password: r.opts.BecomePassword}
	if exe := chain.String("become_exe"); exe != "" {
		b.Exe = exe
	}
	if v, ok := r.hostVar(vars, "ansible_become_password", "ansible_become_pass", "ansible_sudo_pass", "ansible_sudo_password"); ok {
		b.Password = v
	}
	if v, ok := r.hostVar(vars, "ansible_become_exe", "ansible_sudo_exe"); ok {
		b.Exe = v
	}
	if b.User == "" {
		b.User = "root"
	}
	if b.Method == "" {
		b.Method = "sudo"
	}
	return b, nil
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}
