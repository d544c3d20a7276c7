package testcluster

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"
)

// FileInfo describes one changed path on a host.
type FileInfo struct {
	Path string `json:"path"`
	// Type is "file", "dir", "symlink", "absent" (deleted) or "other".
	Type string `json:"type"`
	// Mode is the permission bits with setuid, setgid and sticky, in octal
	// ("0644"); empty for symlinks and absent paths.
	Mode string `json:"mode,omitempty"`
	UID  int    `json:"uid"`
	GID  int    `json:"gid"`
	Size int64  `json:"size,omitempty"`
	// SHA256 is the content's hash for files.
	SHA256 string `json:"sha256,omitempty"`
	// Content is a file's content when it is text of at most MaxContent
	// bytes, or a symlink's target.
	Content string `json:"content,omitempty"`
}

// MaxContent is the largest file whose content a FileInfo carries.
const MaxContent = 64 << 10

// Snapshot returns what changed on the host since it started, by path,
// leaving out noise (see IsNoise): the files of its upper dir, the paths it
// deleted, and the directories it created or whose mode or owner changed.
// Directories merely copied up because something inside changed are left
// out.
func (c *Cluster) Snapshot(host string) (map[string]FileInfo, error) {
	h, ok := c.byName[host]
	if !ok {
		return nil, fmt.Errorf("no host %q in the cluster", host)
	}
	lowers := []string{filepath.Join(c.hostDir(host), "layer"), c.commonDir(h), "/"}
	return snapshotUpper(c.Upper(host), lowers)
}

// SnapshotAll returns Snapshot of every host, by host name.
func (c *Cluster) SnapshotAll() (map[string]map[string]FileInfo, error) {
	all := map[string]map[string]FileInfo{}
	for _, h := range c.hosts {
		s, err := c.Snapshot(h.Name)
		if err != nil {
			return nil, err
		}
		all[h.Name] = s
	}
	return all, nil
}

func snapshotUpper(upper string, lowers []string) (map[string]FileInfo, error) {
	if _, err := os.Stat(upper); err != nil {
		return nil, fmt.Errorf("host filesystem gone (cluster stopped?): %w", err)
	}
	out := map[string]FileInfo{}
	err := filepath.WalkDir(upper, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if full == upper {
			return nil
		}
		p := "/" + filepath.ToSlash(strings.TrimPrefix(full, upper+"/"))
		if IsNoise(p) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := describe(full, p)
		if err != nil {
			return err
		}
		if fi.Type == "dir" && !opaque(full) && sameAsLower(fi, lowers) {
			return nil
		}
		out[p] = fi
		return nil
	})
	return out, err
}

// describe reads the upper dir entry full, which the host sees at p.
func describe(full, p string) (FileInfo, error) {
	st, err := os.Lstat(full)
	if err != nil {
		return FileInfo{}, err
	}
	sys := st.Sys().(*syscall.Stat_t)
	fi := FileInfo{Path: p, UID: int(sys.Uid), GID: int(sys.Gid), Mode: fmt.Sprintf("%04o", sys.Mode&0o7777)}
	switch m := st.Mode(); {
	case m&fs.ModeCharDevice != 0 && sys.Rdev == 0:
		// An overlay whiteout: the host deleted p.
		return FileInfo{Path: p, Type: "absent"}, nil
	case m.IsRegular():
		b, err := os.ReadFile(full)
		if err != nil {
			return FileInfo{}, err
		}
		sum := sha256.Sum256(b)
		fi.Type, fi.Size, fi.SHA256 = "file", int64(len(b)), hex.EncodeToString(sum[:])
		if len(b) <= MaxContent && utf8.Valid(b) {
			fi.Content = string(b)
		}
	case m.IsDir():
		fi.Type = "dir"
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(full)
		if err != nil {
			return FileInfo{}, err
		}
		fi.Type, fi.Mode, fi.Content = "symlink", "", target
	default:
		fi.Type = "other"
	}
	return fi, nil
}

// opaque reports whether the upper dir replaced a lower directory
// wholesale (it was deleted and created again).
func opaque(full string) bool {
	buf := make([]byte, 1)
	n, err := syscall.Getxattr(full, "trusted.overlay.opaque", buf)
	return err == nil && n == 1 && buf[0] == 'y'
}

// sameAsLower reports whether the topmost lower layer holding dir has it
// as a directory with the same mode and owner.
func sameAsLower(dir FileInfo, lowers []string) bool {
	for _, l := range lowers {
		st, err := os.Lstat(filepath.Join(l, dir.Path))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return false
		}
		sys := st.Sys().(*syscall.Stat_t)
		return st.IsDir() && fmt.Sprintf("%04o", sys.Mode&0o7777) == dir.Mode && int(sys.Uid) == dir.UID && int(sys.Gid) == dir.GID
	}
	return false
}

// noisyPrefixes are paths (and everything below them) that change with
// every login or package transaction whatever the playbook does.
var noisyPrefixes = []string{
	"/run", "/var/run", "/tmp/.X11-unix",
	"/var/log/lastlog", "/var/log/wtmp", "/var/log/btmp", "/var/log/faillog", "/var/log/auth.log",
	"/var/lib/sudo", "/var/db/sudo",
	"/var/lib/rpm", "/usr/lib/sysimage/rpm", "/var/lib/rpm-state", "/root/.rpmdb",
	"/var/lib/dnf", "/var/cache/dnf", "/var/lib/yum", "/var/cache/yum",
	"/var/lib/dpkg", "/var/lib/apt", "/var/cache/apt", "/var/log/apt", "/var/log/dpkg.log", "/var/log/alternatives.log",
	// gpg's home, made by apt_key's key reading: its keybox and trustdb
	// hold their creation times
	"/root/.gnupg",
	// appstream's apt hook, run by apt-get update
	"/var/cache/swcatalog", "/var/lib/swcatalog", "/var/cache/app-info",
	"/var/log/dnf.log", "/var/log/dnf.librepo.log", "/var/log/dnf.rpm.log", "/var/log/hawkey.log", "/var/log/yum.log",
}

// IsNoise reports whether a change at path p (as the host sees it) is
// noise for comparisons: login records, sudo timestamps, package manager
// databases and caches, the temporary dirs of ansible and gansible,
// ~/.cache, Python bytecode and the inside of git repositories.
func IsNoise(p string) bool {
	for _, n := range noisyPrefixes {
		if p == n || strings.HasPrefix(p, n+"/") {
			return true
		}
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		// What git keeps inside a repository (the index's stat data, the
		// reflogs' times, packs) differs from clone to clone; cases
		// compare a repository's state through git's own answers, and
		// the dir itself and the work tree in the files.
		if i < len(parts)-1 && (part == ".git" || strings.HasSuffix(part, ".git")) {
			return true
		}
		switch {
		case part == "__pycache__", part == ".cache", strings.HasSuffix(part, ".pyc"),
			strings.HasPrefix(part, ".ansible"), strings.HasPrefix(part, "ansible-tmp-"),
			strings.HasPrefix(part, "ansible-moduletmp-"), strings.HasPrefix(part, "ansible_"),
			strings.HasPrefix(part, ".gansible"), strings.HasPrefix(part, "gansible-tmp-"):
			return true
		}
	}
	return false
}

// Diff lists, one line per difference, how got differs from want. It is
// empty when they are equal.
func Diff(want, got map[string]FileInfo) []string {
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var diffs []string
	for _, p := range paths {
		w, inWant := want[p]
		g, inGot := got[p]
		switch {
		case !inGot:
			diffs = append(diffs, fmt.Sprintf("%s: missing (want %s)", p, w.short()))
		case !inWant:
			diffs = append(diffs, fmt.Sprintf("%s: unexpected %s", p, g.short()))
		default:
			if d := w.diff(g); d != "" {
				diffs = append(diffs, p+": "+d)
			}
		}
	}
	return diffs
}

// DiffAll is Diff for the snapshots of several hosts; lines start with the
// host's name.
func DiffAll(want, got map[string]map[string]FileInfo) []string {
	hosts := map[string]bool{}
	for h := range want {
		hosts[h] = true
	}
	for h := range got {
		hosts[h] = true
	}
	var names []string
	for h := range hosts {
		names = append(names, h)
	}
	sort.Strings(names)
	var diffs []string
	for _, h := range names {
		for _, d := range Diff(want[h], got[h]) {
			diffs = append(diffs, h+": "+d)
		}
	}
	return diffs
}

func (f FileInfo) short() string {
	s := f.Type
	if f.Mode != "" {
		s += " " + f.Mode
	}
	if f.Type != "absent" {
		s += fmt.Sprintf(" %d:%d", f.UID, f.GID)
	}
	if f.Content != "" && len(f.Content) <= 80 {
		s += fmt.Sprintf(" %q", f.Content)
	}
	return s
}

func (f FileInfo) diff(g FileInfo) string {
	var d []string
	if f.Type != g.Type {
		d = append(d, fmt.Sprintf("type %s, want %s", g.Type, f.Type))
	}
	if f.Mode != g.Mode {
		d = append(d, fmt.Sprintf("mode %s, want %s", g.Mode, f.Mode))
	}
	if f.UID != g.UID || f.GID != g.GID {
		d = append(d, fmt.Sprintf("owner %d:%d, want %d:%d", g.UID, g.GID, f.UID, f.GID))
	}
	// Where both keep the content, it decides: a comparison may have
	// normalized it (a run's address in a file), the sum is of the bytes.
	differs := f.Content != g.Content
	if f.Content == "" || g.Content == "" {
		differs = differs || f.SHA256 != g.SHA256
	}
	if differs {
		if f.Content != "" || g.Content != "" {
			d = append(d, fmt.Sprintf("content %q, want %q", g.Content, f.Content))
		} else {
			d = append(d, fmt.Sprintf("content sha256 %s, want %s", g.SHA256, f.SHA256))
		}
	}
	return strings.Join(d, "; ")
}
