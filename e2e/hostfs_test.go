package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxSymlinks is how many links resolveOnHost follows, as Linux's ELOOP
// limit.
const maxSymlinks = 40

// resolveOnHost returns where the machine sees the host path p of a host
// whose root is root. Symlinks resolve inside root, as they would on the
// host: an absolute link target never reaches the machine's own files. The
// last element is followed only with followLast. Missing paths resolve as
// they are, for the caller's stat to report.
func resolveOnHost(root, p string, followLast bool) (string, error) {
	rest := strings.Split(p, "/")
	cur := "/"
	hops := 0
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, name)
		if len(rest) == 0 && !followLast {
			cur = next
			break
		}
		full := filepath.Join(root, next)
		fi, err := os.Lstat(full)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > maxSymlinks {
			return "", fmt.Errorf("%s: too many levels of symbolic links", p)
		}
		target, err := os.Readlink(full)
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) {
			cur = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return filepath.Join(root, cur), nil
}
