package simhost

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// statCmd models stat [-L] -c FORMAT -- FILE...: GNU stat's conversions
// that gansible's modules read (see statField); -f and other options are
// refused.
func statCmd(c *cmd) int {
	opts, files, ok := c.flags("L", "c")
	if !ok {
		return 1
	}
	format, ok := opts['c']
	if !ok {
		return c.fail("only stat -c FORMAT is modelled")
	}
	_, follow := opts['L']
	m := c.h.fs
	_, users := c.h.ids("/etc/passwd")
	_, groups := c.h.ids("/etc/group")
	code := 0
	for _, f := range files {
		m.mu.Lock()
		r, n, err := m.lookup(c.abs(f), follow)
		var out string
		if err == nil {
			nlink := 1
			if n.mode.IsDir() {
				nlink = 2
				for _, k := range m.children(r) {
					if m.nodes[path.Join(r, k)].mode.IsDir() {
						nlink++
					}
				}
			}
			out, err = statFormat(format, f, n, nlink, users, groups)
		}
		m.mu.Unlock()
		if err != nil {
			code = c.fail("cannot statx '%s': %s", f, errText(err))
			continue
		}
		fmt.Fprintln(c.stdout, out)
	}
	return code
}

// rawMode is st_mode as the kernel has it.
func rawMode(m fs.FileMode) uint32 {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	switch {
	case m.IsDir():
		v |= 0o040000
	case m&fs.ModeSymlink != 0:
		v |= 0o120000
	default:
		v |= 0o100000
	}
	return v
}

func fileType(n *node) string {
	switch {
	case n.mode.IsDir():
		return "directory"
	case n.mode&fs.ModeSymlink != 0:
		return "symbolic link"
	case len(n.data) == 0:
		return "regular empty file"
	}
	return "regular file"
}

func statTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.000000000 -0700")
}

func statFormat(format, name string, n *node, nlink int, users, groups map[int]string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'f':
			b.WriteString(strconv.FormatUint(uint64(rawMode(n.mode)), 16))
		case 'a':
			b.WriteString(strconv.FormatUint(uint64(rawMode(n.mode)&0o7777), 8))
		case 'A':
			b.WriteString(lsMode(n.mode))
		case 'F':
			b.WriteString(fileType(n))
		case 'u':
			b.WriteString(strconv.Itoa(n.uid))
		case 'g':
			b.WriteString(strconv.Itoa(n.gid))
		case 'U':
			b.WriteString(nameOr(users, n.uid))
		case 'G':
			b.WriteString(nameOr(groups, n.gid))
		case 's':
			b.WriteString(strconv.FormatInt(n.size(), 10))
		case 'h':
			b.WriteString(strconv.Itoa(nlink))
		case 'i':
			b.WriteString(strconv.FormatUint(n.ino, 10))
		case 'd':
			b.WriteString("2049")
		case 'b':
			b.WriteString(strconv.FormatInt((n.size()+4095)/4096*8, 10))
		case 'o':
			b.WriteString("4096")
		case 't', 'T':
			b.WriteString("0")
		case 'y', 'x', 'z':
			b.WriteString(statTime(n.mtime))
		case 'Y', 'X', 'Z':
			b.WriteString(strconv.FormatInt(n.mtime.Unix(), 10))
		case 'n':
			b.WriteString(name)
		case '%':
			b.WriteByte('%')
		default:
			return "", fmt.Errorf("the conversion %%%c is not modelled", format[i])
		}
	}
	return b.String(), nil
}

func nameOr(names map[int]string, id int) string {
	if s, ok := names[id]; ok {
		return s
	}
	return "UNKNOWN"
}

func lsMode(m fs.FileMode) string {
	b := []byte("-rwxrwxrwx")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	}
	for i := 0; i < 9; i++ {
		if m.Perm()&(1<<(8-i)) == 0 {
			b[i+1] = '-'
		}
	}
	return string(b)
}
