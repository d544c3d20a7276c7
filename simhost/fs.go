package simhost

import (
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// node is one file, directory or symlink of a simulated host.
type node struct {
	mode     fs.FileMode // type bits and permissions
	uid, gid int
	data     []byte
	target   string // a symlink's target
	mtime    time.Time
	ino      uint64
}

// memFS is a simulated host's filesystem: a map from clean absolute path
// to node, each parent directory present. One mutex guards it; a host
// runs one command at a time, whose pipelines may touch it concurrently.
type memFS struct {
	mu      sync.Mutex
	nodes   map[string]*node
	nextIno uint64
	now     func() time.Time
	// umask is the running command's, reset for each command.
	umask fs.FileMode
}

const defaultUmask fs.FileMode = 0o022

func newMemFS() *memFS {
	m := &memFS{nodes: map[string]*node{}, now: time.Now, umask: defaultUmask}
	m.nodes["/"] = m.newNode(fs.ModeDir | 0o755)
	return m
}

func (m *memFS) newNode(mode fs.FileMode) *node {
	m.nextIno++
	return &node{mode: mode, mtime: m.now(), ino: m.nextIno}
}

// errno is what a failed operation reports, as the C library words it.
func errno(e syscall.Errno) error { return e }

// abs makes p absolute against dir and cleans it.
func abs(dir, p string) string {
	if !strings.HasPrefix(p, "/") {
		p = dir + "/" + p
	}
	return path.Clean(p)
}

// resolve returns the clean path that p names once symlinks in its
// directories (and in its last element, when follow) are followed.
func (m *memFS) resolve(p string, follow bool) (string, error) {
	for hops := 0; hops < 40; hops++ {
		p = path.Clean(p)
		if p == "/" {
			return p, nil
		}
		parts := strings.Split(p[1:], "/")
		cur := ""
		restart := false
		for i, part := range parts {
			next := cur + "/" + part
			n, ok := m.nodes[next]
			last := i == len(parts)-1
			if !ok {
				if last {
					return next, nil
				}
				return "", errno(syscall.ENOENT)
			}
			if n.mode&fs.ModeSymlink != 0 && (!last || follow) {
				t := n.target
				if !strings.HasPrefix(t, "/") {
					t = cur + "/" + t
				}
				p = t + "/" + strings.Join(parts[i+1:], "/")
				restart = true
				break
			}
			if !last && !n.mode.IsDir() {
				return "", errno(syscall.ENOTDIR)
			}
			cur = next
		}
		if !restart {
			return cur, nil
		}
	}
	return "", errno(syscall.ELOOP)
}

// lookup returns the node p names.
func (m *memFS) lookup(p string, follow bool) (string, *node, error) {
	r, err := m.resolve(p, follow)
	if err != nil {
		return "", nil, err
	}
	n, ok := m.nodes[r]
	if !ok {
		return r, nil, errno(syscall.ENOENT)
	}
	return r, n, nil
}

// create makes a node at p (whose parent must be a directory); it fails
// when p exists.
func (m *memFS) create(p string, mode fs.FileMode) (string, *node, error) {
	r, err := m.resolve(p, false)
	if err != nil {
		return "", nil, err
	}
	if _, ok := m.nodes[r]; ok {
		return r, nil, errno(syscall.EEXIST)
	}
	parent, ok := m.nodes[path.Dir(r)]
	if !ok {
		return "", nil, errno(syscall.ENOENT)
	}
	if !parent.mode.IsDir() {
		return "", nil, errno(syscall.ENOTDIR)
	}
	n := m.newNode(mode)
	m.nodes[r] = n
	parent.mtime = m.now()
	return r, n, nil
}

// children returns the names in directory dir, sorted.
func (m *memFS) children(dir string) []string {
	prefix := dir + "/"
	if dir == "/" {
		prefix = "/"
	}
	var names []string
	for p := range m.nodes {
		if p != "/" && strings.HasPrefix(p, prefix) && !strings.Contains(p[len(prefix):], "/") {
			names = append(names, p[len(prefix):])
		}
	}
	sort.Strings(names)
	return names
}

// remove deletes p (not following a last symlink); a directory only when
// empty unless recursive.
func (m *memFS) remove(p string, recursive bool) error {
	r, n, err := m.lookup(p, false)
	if err != nil {
		return err
	}
	if r == "/" {
		return errno(syscall.EBUSY)
	}
	if n.mode.IsDir() {
		kids := m.children(r)
		if len(kids) > 0 && !recursive {
			return errno(syscall.ENOTEMPTY)
		}
		for _, k := range kids {
			if err := m.remove(r+"/"+k, true); err != nil {
				return err
			}
		}
	}
	delete(m.nodes, r)
	if parent, ok := m.nodes[path.Dir(r)]; ok {
		parent.mtime = m.now()
	}
	return nil
}

// rename moves from to to, replacing a file at to.
func (m *memFS) rename(from, to string) error {
	rf, n, err := m.lookup(from, false)
	if err != nil {
		return err
	}
	rt, err := m.resolve(to, true)
	if err != nil {
		return err
	}
	if dst, ok := m.nodes[rt]; ok && dst.mode.IsDir() {
		rt = rt + "/" + path.Base(rf)
	}
	if rt == rf {
		return nil
	}
	parent, ok := m.nodes[path.Dir(rt)]
	if !ok || !parent.mode.IsDir() {
		return errno(syscall.ENOENT)
	}
	if n.mode.IsDir() {
		for _, k := range m.children(rf) {
			if err := m.rename(rf+"/"+k, rt+"/"+k); err != nil {
				return err
			}
		}
	}
	delete(m.nodes, rf)
	m.nodes[rt] = n
	parent.mtime = m.now()
	return nil
}

// fileInfo is a node seen through fs.FileInfo, for the interpreter's
// tests ([ -e ], [ -d ], ...).
type fileInfo struct {
	name string
	n    *node
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return int64(len(i.n.data)) }
func (i fileInfo) Mode() fs.FileMode  { return i.n.mode }
func (i fileInfo) ModTime() time.Time { return i.n.mtime }
func (i fileInfo) IsDir() bool        { return i.n.mode.IsDir() }
func (i fileInfo) Sys() any           { return nil }

// size is what stat reports: a directory's block, a symlink's target
// length, a file's bytes.
func (n *node) size() int64 {
	switch {
	case n.mode.IsDir():
		return 4096
	case n.mode&fs.ModeSymlink != 0:
		return int64(len(n.target))
	}
	return int64(len(n.data))
}
