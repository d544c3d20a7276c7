package testcluster

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// layer writes files into one overlay layer directory. Paths are
// absolute paths as the host sees them. The first error sticks and later
// calls do nothing, so a layer is built as a list of statements and
// checked once.
type layer struct {
	dir string
	err error
}

func (l *layer) path(p string) string { return filepath.Join(l.dir, p) }

// mkdir creates p and its parents (parents with mode 0755, root-owned).
func (l *layer) mkdir(p string, mode os.FileMode, uid, gid int) {
	if l.err != nil {
		return
	}
	full := l.path(p)
	if l.err = os.MkdirAll(full, 0o755); l.err != nil {
		return
	}
	l.chown(full, mode, uid, gid)
}

func (l *layer) write(p string, content []byte, mode os.FileMode, uid, gid int) {
	l.mkdir(filepath.Dir(p), 0o755, 0, 0)
	if l.err != nil {
		return
	}
	full := l.path(p)
	os.Remove(full) // replace a symlink rather than write through it
	if l.err = os.WriteFile(full, content, mode); l.err != nil {
		return
	}
	l.chown(full, mode, uid, gid)
}

func (l *layer) chown(full string, mode os.FileMode, uid, gid int) {
	if l.err = os.Chown(full, uid, gid); l.err != nil {
		return
	}
	// Chmod after chown: chown clears setuid bits, and umask must not apply.
	l.err = os.Chmod(full, mode)
}

func (l *layer) symlink(p, target string) {
	l.mkdir(filepath.Dir(p), 0o755, 0, 0)
	if l.err != nil {
		return
	}
	os.Remove(l.path(p))
	l.err = os.Symlink(target, l.path(p))
}

// hide puts an overlay whiteout at p: the host sees no such file, whatever
// the layers below hold.
func (l *layer) hide(p string) {
	l.mkdir(filepath.Dir(p), 0o755, 0, 0)
	if l.err != nil {
		return
	}
	os.Remove(l.path(p))
	if err := syscall.Mknod(l.path(p), syscall.S_IFCHR, 0); err != nil {
		l.err = fmt.Errorf("whiteout %s: %w", p, err)
	}
}

// copyFrom copies the machine's file src to p, keeping its mode and owner.
func (l *layer) copyFrom(p, src string) {
	if l.err != nil {
		return
	}
	content, err := os.ReadFile(src)
	if err != nil {
		l.err = err
		return
	}
	l.writeLike(p, src, content)
}

// writeLike writes content to p with the mode and owner of the machine's
// file src.
func (l *layer) writeLike(p, src string, content []byte) {
	if l.err != nil {
		return
	}
	fi, err := os.Stat(src)
	if err != nil {
		l.err = err
		return
	}
	st := fi.Sys().(*syscall.Stat_t)
	l.write(p, content, fi.Mode().Perm(), int(st.Uid), int(st.Gid))
}

// copyBinary copies the machine's file at src to p without loading it whole
// (the Python interpreter is several megabytes).
func (l *layer) copyBinary(p, src string) {
	l.mkdir(filepath.Dir(p), 0o755, 0, 0)
	if l.err != nil {
		return
	}
	in, err := os.Open(src)
	if err != nil {
		l.err = err
		return
	}
	defer in.Close()
	out, err := os.OpenFile(l.path(p), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		l.err = err
		return
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		l.err = err
		return
	}
	l.err = out.Close()
}
