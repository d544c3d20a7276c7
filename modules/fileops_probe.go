package modules

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/shell"
)

// remoteFile is what a probe learned about one path on the host.
type remoteFile struct {
	Path   string
	Exists bool

	RawMode      uint32 // st_mode: type and permission bits
	UID, GID     int
	Owner, Group string // names; "UNKNOWN" when the id has none
	Size         int64
	Nlink        int64
	Inode        int64
	Dev          int64
	Blocks       int64
	BlockSize    int64
	DevMajor     int64
	DevMinor     int64
	Mtime        float64
	Atime        float64
	Ctime        float64

	LinkTarget string // readlink, for a symbolic link
	RealPath   string // readlink -f: the path with every link resolved

	Readable, Writable, Executable bool // for the user the command ran as

	Checksum   string // hex digest of the content, when asked for
	HasContent bool
	Content    []byte // the content, when asked for
}

// File types in st_mode.
const (
	sIFMT   = 0o170000
	sIFSOCK = 0o140000
	sIFLNK  = 0o120000
	sIFREG  = 0o100000
	sIFBLK  = 0o060000
	sIFDIR  = 0o040000
	sIFCHR  = 0o020000
	sIFIFO  = 0o010000
)

func (f *remoteFile) Perm() uint32       { return f.RawMode & permBits }
func (f *remoteFile) IsDir() bool        { return f.Exists && f.RawMode&sIFMT == sIFDIR }
func (f *remoteFile) IsReg() bool        { return f.Exists && f.RawMode&sIFMT == sIFREG }
func (f *remoteFile) IsLink() bool       { return f.Exists && f.RawMode&sIFMT == sIFLNK }
func (f *remoteFile) IsChr() bool        { return f.Exists && f.RawMode&sIFMT == sIFCHR }
func (f *remoteFile) IsBlk() bool        { return f.Exists && f.RawMode&sIFMT == sIFBLK }
func (f *remoteFile) IsFifo() bool       { return f.Exists && f.RawMode&sIFMT == sIFIFO }
func (f *remoteFile) IsSock() bool       { return f.Exists && f.RawMode&sIFMT == sIFSOCK }
func (f *remoteFile) ModeString() string { return formatMode(f.RawMode) }

// fileState names the kind of file as the file module's state does.
func (f *remoteFile) fileState() string {
	switch {
	case !f.Exists:
		return "absent"
	case f.IsLink():
		return "link"
	case f.IsDir():
		return "directory"
	case f.Nlink > 1 && f.IsReg():
		return "hard"
	default:
		return "file"
	}
}

// probeRequest asks a probe about one path.
type probeRequest struct {
	Path     string
	Follow   bool   // stat what a symbolic link points to
	Checksum string // digest algorithm ("sha1", "md5", "sha256", ...), "" for none
	Content  bool   // return a regular file's content
}

// probeResult is everything one probe command learned.
type probeResult struct {
	Umask  uint32
	Users  map[string]int // resolved owner names; -1 when unknown
	Groups map[string]int // resolved group names; -1 when unknown
	Files  []remoteFile   // one per request, in order
}

// uid resolves an owner argument (name or number) to a uid, failing like
// Ansible when the name is unknown.
func (p *probeResult) uid(owner string) (int, error) {
	if isNumeric(owner) {
		return strconv.Atoi(owner)
	}
	if id, ok := p.Users[owner]; ok && id >= 0 {
		return id, nil
	}
	return 0, failf("chown failed: failed to look up user %s", owner)
}

// gid resolves a group argument to a gid.
func (p *probeResult) gid(group string) (int, error) {
	if isNumeric(group) {
		return strconv.Atoi(group)
	}
	if id, ok := p.Groups[group]; ok && id >= 0 {
		return id, nil
	}
	return 0, failf("chgrp failed: failed to look up group %s", group)
}

// probeFunctions is the sh code a probe runs: it prints, for each path, a
// "@file" line and then "key value" lines; values that may hold any byte
// (link targets, content) are length-prefixed.
const probeFunctions = `LC_ALL=C; export LC_ALL
gansible_sum() {
	if command -v "$1sum" >/dev/null 2>&1; then "$1sum" | cut -d' ' -f1
	else openssl dgst "-$1" -r | cut -d' ' -f1; fi
}
gansible_probe() {
	p=$1
	echo @file
	if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo absent; return 0; fi
	o=
	if [ "$2" = 1 ] && [ -e "$p" ]; then o=-L; fi
	stat $o -c 'stat %f %u %g %s %h %i %d %b %o %t %T
mtime %y
atime %x
ctime %z
owner %U
group %G' -- "$p" || return 1
	if [ -L "$p" ]; then t=$(readlink -- "$p"); printf 'link %d\n%s\n' "${#t}" "$t"; fi
	if r=$(readlink -f -- "$p" 2>/dev/null); then printf 'real %d\n%s\n' "${#r}" "$r"; fi
	a=
	[ -r "$p" ] && a=${a}r
	[ -w "$p" ] && a=${a}w
	[ -x "$p" ] && a=${a}x
	echo "access $a"
	reg=0
	if [ -f "$p" ] && { [ "$2" = 1 ] || [ ! -L "$p" ]; }; then reg=1; fi
	if [ -n "$3" ] && [ $reg = 1 ] && [ -r "$p" ]; then
		s=$(gansible_sum "$3" < "$p") && echo "sum $s"
	fi
	if [ "$4" = 1 ] && [ $reg = 1 ] && [ -r "$p" ]; then
		printf 'content %d\n' "$(wc -c < "$p")" && cat -- "$p" && echo
	fi
}
`

// probeScript builds the command for a probe.
func probeScript(users, groups []string, reqs []probeRequest) string {
	var b strings.Builder
	b.WriteString(probeFunctions)
	b.WriteString("echo \"umask $(umask)\"\n")
	for _, u := range users {
		fmt.Fprintf(&b, "echo \"user $(id -u -- %s 2>/dev/null || echo -1)\"\n", shell.Quote(u))
	}
	for _, g := range groups {
		q := shell.Quote(g)
		fmt.Fprintf(&b, "g=$( (getent group -- %s || awk -F: -v n=%s '$1==n' /etc/group) 2>/dev/null | head -n 1 | cut -d: -f3)\n", q, q)
		b.WriteString("echo \"group ${g:--1}\"\n")
	}
	for _, r := range reqs {
		follow, content := "0", "0"
		if r.Follow {
			follow = "1"
		}
		if r.Content {
			content = "1"
		}
		fmt.Fprintf(&b, "gansible_probe %s || exit 1\n", shell.Join(r.Path, follow, r.Checksum, content))
	}
	return b.String()
}

// probe learns about paths on the host, and resolves owner and group names,
// in a single command.
func probe(c *Context, users, groups []string, reqs ...probeRequest) (*probeResult, error) {
	out, err := runChecked(c, "failed to inspect the host's files", probeScript(users, groups, reqs), nil)
	if err != nil {
		return nil, err
	}
	p, err := parseProbe(out, users, groups, reqs)
	if err != nil {
		return nil, failf("unexpected probe output: %v", err)
	}
	return p, nil
}

// parseProbe reads a probe's output.
func parseProbe(out []byte, users, groups []string, reqs []probeRequest) (*probeResult, error) {
	p := &probeResult{Users: map[string]int{}, Groups: map[string]int{}}
	r := bufio.NewReader(bytes.NewReader(out))
	var cur *remoteFile
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			break
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		line = strings.TrimSuffix(line, "\n")
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "umask":
			m, err := strconv.ParseUint(val, 8, 32)
			if err != nil {
				return nil, fmt.Errorf("umask %q: %w", val, err)
			}
			p.Umask = uint32(m)
		case "user":
			if len(p.Users) >= len(users) {
				return nil, fmt.Errorf("unexpected user line")
			}
			p.Users[users[len(p.Users)]], _ = strconv.Atoi(val)
		case "group":
			if cur == nil {
				if len(p.Groups) >= len(groups) {
					return nil, fmt.Errorf("unexpected group line")
				}
				p.Groups[groups[len(p.Groups)]], _ = strconv.Atoi(strings.TrimSpace(val))
			} else {
				cur.Group = val
			}
		case "@file":
			if len(p.Files) >= len(reqs) {
				return nil, fmt.Errorf("more files than asked for")
			}
			p.Files = append(p.Files, remoteFile{Path: reqs[len(p.Files)].Path})
			cur = &p.Files[len(p.Files)-1]
		default:
			if cur == nil {
				return nil, fmt.Errorf("unexpected line %q", line)
			}
			if err := cur.parseLine(key, val, r); err != nil {
				return nil, err
			}
		}
	}
	for i := range p.Files {
		p.Files[i].nameIDs()
	}
	if len(p.Files) != len(reqs) {
		return nil, fmt.Errorf("%d files described, %d asked for", len(p.Files), len(reqs))
	}
	return p, nil
}

// parseLine reads one "key value" line of a file's description; blob
// values are read from r.
func (f *remoteFile) parseLine(key, val string, r *bufio.Reader) error {
	switch key {
	case "absent":
		f.Exists = false
	case "stat":
		f.Exists = true
		fields := strings.Fields(val)
		if len(fields) != 11 {
			return fmt.Errorf("stat line %q", val)
		}
		mode, err := strconv.ParseUint(fields[0], 16, 32)
		if err != nil {
			return fmt.Errorf("stat mode %q: %w", fields[0], err)
		}
		f.RawMode = uint32(mode)
		nums := make([]int64, 10)
		for i, s := range fields[1:] {
			base := 10
			if i >= 8 { // device major and minor are hex
				base = 16
			}
			nums[i], _ = strconv.ParseInt(s, base, 64)
		}
		f.UID, f.GID = int(nums[0]), int(nums[1])
		f.Size, f.Nlink, f.Inode, f.Dev = nums[2], nums[3], nums[4], nums[5]
		f.Blocks, f.BlockSize, f.DevMajor, f.DevMinor = nums[6], nums[7], nums[8], nums[9]
	case "mtime":
		f.Mtime = parseStatTime(val)
	case "atime":
		f.Atime = parseStatTime(val)
	case "ctime":
		f.Ctime = parseStatTime(val)
	case "owner":
		f.Owner = val
	case "access":
		f.Readable = strings.Contains(val, "r")
		f.Writable = strings.Contains(val, "w")
		f.Executable = strings.Contains(val, "x")
	case "sum":
		f.Checksum = val
	case "link", "real", "content":
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil {
			return fmt.Errorf("%s length %q", key, val)
		}
		blob := make([]byte, n+1) // the value and its closing newline
		if _, err := io.ReadFull(r, blob); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		switch key {
		case "link":
			f.LinkTarget = string(blob[:n])
		case "real":
			f.RealPath = string(blob[:n])
		default:
			f.Content, f.HasContent = blob[:n], true
		}
	default:
		return fmt.Errorf("unexpected line %q", key+" "+val)
	}
	return nil
}

// parseStatTime reads stat's %y format into seconds since the epoch.
func parseStatTime(s string) float64 {
	t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700", s)
	if err != nil {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
