// Package simhost is a simulated managed host for benchmarks of the
// controller alone (ansible_connection=gansible_sim): each host is an
// in-process POSIX shell (mvdan.cc/sh's interpreter) over a small
// in-memory filesystem, with the handful of commands gansible's module
// scripts use written in Go. It lets one machine drive thousands of hosts
// with no sshd, process or socket per host, so that what is measured is
// the controller's work: inventory, variables, templating, module logic,
// output. It is a benchmark tool, not a way to manage anything: the
// filesystem lives as long as the run, every command runs as root, and a
// command it does not model exits 127.
package simhost

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/gansible/gansible/connection"
)

// Host is one simulated host. It implements connection.Conn.
type Host struct {
	name string
	fs   *memFS
	// run serializes commands, as one SSH session loop would.
	run sync.Mutex
}

var (
	hostsMu sync.Mutex
	hosts   = map[string]*Host{}
)

// Dial returns the simulated host of that name, the same one for the
// whole run, so that a reconnect (meta: reset_connection) keeps its files.
func Dial(name string) *Host {
	hostsMu.Lock()
	defer hostsMu.Unlock()
	h, ok := hosts[name]
	if !ok {
		h = New(name)
		hosts[name] = h
	}
	return h
}

// New returns a fresh simulated host with the seed filesystem.
func New(name string) *Host {
	h := &Host{name: name, fs: newMemFS()}
	h.fs.seed(name)
	return h
}

// Close is a no-op: the host keeps its state for the run.
func (h *Host) Close() error { return nil }

// running bounds the scripts being interpreted at once, over all hosts:
// the interpreter takes OS pipes for stdin, pipelines and here-documents,
// and ten thousand hosts at once would run the controller out of file
// descriptors. The work is CPU in this process either way, so a bound
// well above the cores costs no throughput.
var running = make(chan struct{}, 64)

var env = expand.ListEnviron(
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/sh", "LANG=C",
)

// Run runs cmd in the host's shell. become is accepted and changes
// nothing: the simulated host runs every command as root.
func (h *Host) Run(ctx context.Context, cmd string, stdin io.Reader, become *connection.Become) (connection.Result, error) {
	h.run.Lock()
	defer h.run.Unlock()
	select {
	case running <- struct{}{}:
	case <-ctx.Done():
		return connection.Result{}, ctx.Err()
	}
	defer func() { <-running }()
	h.fs.mu.Lock()
	h.fs.umask = defaultUmask
	h.fs.mu.Unlock()
	// The stages of a pipeline run at once and may share stderr.
	var stdout, stderr lockedBuffer
	file, err := parse(cmd)
	if err != nil {
		fmt.Fprintf(&stderr, "sh: %v\n", err)
		return connection.Result{Stderr: stderr.Bytes(), ExitCode: 2}, nil
	}
	// The interpreter wants stdin as an *os.File, and never closes one:
	// the pipe is made and closed here, so that a script that leaves its
	// stdin unread does not keep two descriptors for the rest of the run.
	var in *os.File
	if stdin != nil {
		pr, pw, err := os.Pipe()
		if err != nil {
			return connection.Result{}, &connection.CommandError{Msg: "simulated host: " + err.Error()}
		}
		copied := make(chan struct{})
		go func() {
			io.Copy(pw, stdin)
			pw.Close()
			close(copied)
		}()
		defer func() {
			pr.Close() // ends a copy the script did not read to the end
			<-copied
		}()
		in = pr
	}
	r, err := interp.New(
		interp.Env(env),
		interp.StdIO(in, &stdout, &stderr),
		interp.ExecHandler(h.exec),
		interp.CallHandler(h.call),
		interp.OpenHandler(h.open),
		interp.StatHandler(h.stat),
		interp.AccessHandler(h.access),
		interp.ReadDirHandler2(h.readDir),
	)
	if err != nil {
		return connection.Result{}, &connection.UnreachableError{Host: h.name, Err: err}
	}
	r.Dir = "/root"
	code := 0
	if err := r.Run(ctx, file); err != nil {
		status, ok := interp.IsExitStatus(err)
		switch {
		case ok:
			code = int(status)
		case ctx.Err() != nil:
			return connection.Result{}, ctx.Err()
		default:
			fmt.Fprintf(&stderr, "sh: %v\n", err)
			code = 2
		}
	}
	return connection.Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), ExitCode: code}, nil
}

// parsed holds the syntax trees of recent scripts: many hosts are sent
// the same one (fact gathering's, above all), and the interpreter only
// reads a tree. It is emptied when full.
var parsed struct {
	sync.Mutex
	files map[string]*syntax.File
}

const parsedMax = 256

func parse(script string) (*syntax.File, error) {
	parsed.Lock()
	f, ok := parsed.files[script]
	parsed.Unlock()
	if ok {
		return f, nil
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(script), "")
	if err != nil {
		return nil, err
	}
	parsed.Lock()
	if len(parsed.files) >= parsedMax || parsed.files == nil {
		parsed.files = map[string]*syntax.File{}
	}
	parsed.files[script] = f
	parsed.Unlock()
	return f, nil
}

// call routes `command -v NAME` to the simulated PATH lookup (the
// interpreter's own looks at the controller's filesystem) and umask to
// the host's.
func (h *Host) call(ctx context.Context, args []string) ([]string, error) {
	switch {
	case len(args) >= 3 && args[0] == "command" && (args[1] == "-v" || args[1] == "-V"):
		return append([]string{"gansible-sim-command-v"}, args[2:]...), nil
	case args[0] == "umask":
		// The interpreter has no umask of its own.
		return append([]string{"gansible-sim-umask"}, args[1:]...), nil
	}
	return args, nil
}

// lookPath finds a command on the host's PATH.
func (h *Host) lookPath(name string) (string, bool) {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if strings.Contains(name, "/") {
		_, n, err := h.fs.lookup(name, true)
		return name, err == nil && !n.mode.IsDir() && n.mode&0o111 != 0
	}
	for _, dir := range strings.Split(env.Get("PATH").String(), ":") {
		p := dir + "/" + name
		if _, n, err := h.fs.lookup(p, true); err == nil && !n.mode.IsDir() && n.mode&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

func (h *Host) stat(ctx context.Context, name string, follow bool) (fs.FileInfo, error) {
	hc := interp.HandlerCtx(ctx)
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	p := abs(hc.Dir, name)
	_, n, err := h.fs.lookup(p, follow)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return fileInfo{name: path.Base(p), n: n}, nil
}

// access: root may read and write anything; it may execute what has an
// execute bit, and search any directory.
func (h *Host) access(ctx context.Context, name string, mode interp.AccessMode) error {
	hc := interp.HandlerCtx(ctx)
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	_, n, err := h.fs.lookup(abs(hc.Dir, name), true)
	if err != nil {
		return &fs.PathError{Op: "access", Path: name, Err: err}
	}
	if mode&interp.AccessExec != 0 && !n.mode.IsDir() && n.mode&0o111 == 0 {
		return &fs.PathError{Op: "access", Path: name, Err: syscall.EACCES}
	}
	return nil
}

func (h *Host) readDir(ctx context.Context, name string) ([]fs.DirEntry, error) {
	hc := interp.HandlerCtx(ctx)
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	r, n, err := h.fs.lookup(abs(hc.Dir, name), true)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if !n.mode.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOTDIR}
	}
	var out []fs.DirEntry
	for _, k := range h.fs.children(r) {
		out = append(out, fs.FileInfoToDirEntry(fileInfo{name: k, n: h.fs.nodes[path.Join(r, k)]}))
	}
	return out, nil
}

// open serves redirections (< > >> <>) from the in-memory filesystem.
func (h *Host) open(ctx context.Context, name string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	if name == "/dev/null" {
		return devNull{}, nil
	}
	hc := interp.HandlerCtx(ctx)
	f, err := h.fs.openFile(abs(hc.Dir, name), flag, perm)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f, nil
}

// lockedBuffer is a bytes.Buffer several goroutines may write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte { return l.b.Bytes() }

type devNull struct{}

func (devNull) Read([]byte) (int, error)    { return 0, io.EOF }
func (devNull) Write(p []byte) (int, error) { return len(p), nil }
func (devNull) Close() error                { return nil }

// handle is an open file of the in-memory filesystem.
type handle struct {
	m      *memFS
	n      *node
	off    int
	append bool
}

func (m *memFS) openFile(p string, flag int, perm fs.FileMode) (*handle, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, n, err := m.lookup(p, true)
	if errors.Is(err, syscall.ENOENT) && flag&os.O_CREATE != 0 {
		r, rerr := m.resolve(p, true)
		if rerr != nil {
			return nil, rerr
		}
		_, n, err = m.create(r, perm.Perm()&^m.umask)
	}
	if err != nil {
		return nil, err
	}
	if n.mode.IsDir() {
		return nil, errno(syscall.EISDIR)
	}
	if flag&os.O_TRUNC != 0 {
		n.data = nil
		n.mtime = m.now()
	}
	return &handle{m: m, n: n, append: flag&os.O_APPEND != 0}, nil
}

func (f *handle) Read(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.off >= len(f.n.data) {
		return 0, io.EOF
	}
	k := copy(p, f.n.data[f.off:])
	f.off += k
	return k, nil
}

func (f *handle) Write(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.append {
		f.off = len(f.n.data)
	}
	if end := f.off + len(p); end > len(f.n.data) {
		f.n.data = append(f.n.data[:f.off:f.off], p...)
	} else {
		copy(f.n.data[f.off:], p)
	}
	f.off += len(p)
	f.n.mtime = f.m.now()
	return len(p), nil
}

func (f *handle) Close() error { return nil }
