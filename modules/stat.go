package modules

import (
	"github.com/gansible/gansible/modules/argspec"
	"strings"

	"github.com/gansible/gansible/shell"
)

func init() { Register("stat", statModule{}) }

// statModule is ansible.builtin.stat: facts about one path, in one command.
type statModule struct{}

var statArgSpec = &argspec.Spec{
	Params: []argspec.Param{
		{Name: "path", Type: argspec.Path, Required: true, Aliases: []string{"dest", "name"}},
		{Name: "follow", Type: argspec.Bool, Default: false},
		{Name: "get_md5", Type: argspec.Bool, Default: false},
		{Name: "get_checksum", Type: argspec.Bool, Default: true},
		{Name: "get_mime", Type: argspec.Bool, Default: true, Aliases: []string{"mime", "mime_type", "mime-type"}},
		{Name: "get_attributes", Type: argspec.Bool, Default: true, Aliases: []string{"attr", "attributes"}},
		{Name: "checksum_algorithm", Default: "sha1", Choices: []any{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"},
			Aliases: []string{"checksum", "checksum_algo"}},
	},
}

func (statModule) Spec() *argspec.Spec { return statArgSpec }

func (statModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runStat(c, args))
}

var checksumAlgorithms = []string{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}

// statDenied is the output for a path the user may not stat (EACCES).
const statDenied = "@denied"

// statExtras marks where the probe's output ends and the mime type and
// attributes begin.
const statExtras = "@@extras"

func runStat(c *Context, args Args) (*Result, error) {
	p := args.String("path", "dest", "name")
	if p == "" {
		return nil, failf("missing required arguments: path")
	}
	opts := map[string]bool{}
	for _, o := range []struct {
		names []string
		def   bool
	}{
		{[]string{"follow"}, false}, {[]string{"get_md5"}, false}, {[]string{"get_checksum"}, true},
		{[]string{"get_mime", "mime", "mime_type", "mime-type"}, true},
		{[]string{"get_attributes", "attr", "attributes"}, true},
	} {
		v, name := o.def, o.names[0]
		for _, n := range o.names {
			if args.Has(n) {
				b, err := args.Bool(n, o.def)
				if err != nil {
					return nil, failf("%v", err)
				}
				v = b
			}
		}
		opts[name] = v
	}
	alg := args.String("checksum_algorithm", "checksum", "checksum_algo")
	if alg == "" {
		alg = "sha1"
	}
	if !contains(checksumAlgorithms, alg) {
		return nil, failf("value of checksum_algorithm must be one of: %s, got: %s", strings.Join(checksumAlgorithms, ", "), alg)
	}
	sum := ""
	if opts["get_checksum"] {
		sum = alg
	}
	req := probeRequest{Path: p, Follow: opts["follow"], Checksum: sum}
	q := shell.Quote(p)
	// Python's os.stat fails on a path under a directory the user cannot
	// search, where the probe sees no file: stat fails with its strerror.
	follow := ""
	if opts["follow"] {
		follow = "-L "
	}
	script := `e=$(LC_ALL=C stat ` + follow + `-- ` + q + ` 2>&1 >/dev/null); case $e in *"Permission denied"*) echo ` + statDenied + `; exit 0 ;; esac` + "\n" +
		probeScript(nil, nil, []probeRequest{req}) + "echo " + statExtras + "\n"
	if opts["get_md5"] {
		script += `if [ -f ` + q + ` ] && [ -r ` + q + ` ]; then echo "md5 $(gansible_sum md5 < ` + q + `)"; fi` + "\n"
	}
	if opts["get_mime"] {
		script += `if command -v file >/dev/null 2>&1; then echo "mime $(file --mime-type --mime-encoding -- ` + q + ` 2>/dev/null)"; fi` + "\n"
	}
	if opts["get_attributes"] {
		script += `if command -v lsattr >/dev/null 2>&1; then echo "attr $(lsattr -vd -- ` + q + ` 2>/dev/null)"; fi` + "\n"
	}
	res, err := c.Run(script, nil)
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		return nil, failf("%s", trimOutput(res.Stderr))
	}
	out := string(res.Stdout)
	if strings.TrimSpace(out) == statDenied {
		return Failf("Permission denied"), nil
	}
	probed, extras, _ := strings.Cut(out, "\n"+statExtras+"\n")
	pr, err := parseProbe([]byte(probed+"\n"), nil, nil, []probeRequest{req})
	if err != nil {
		return nil, failf("unexpected stat output: %v", err)
	}
	f := &pr.Files[0]
	result := &Result{}
	if !f.Exists {
		result.Set("stat", map[string]any{"exists": false})
		return result, nil
	}
	st := statFields(f, p)
	for _, line := range strings.Split(extras, "\n") {
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "md5":
			if f.IsReg() && f.Readable {
				st["md5"] = val
			}
		case "mime":
			st["mimetype"], st["charset"] = parseMime(val)
		case "attr":
			if fields := strings.Fields(val); len(fields) >= 2 {
				flags := strings.ReplaceAll(fields[1], "-", "")
				st["version"], st["attr_flags"], st["attributes"] = fields[0], flags, attributeNames(flags)
			}
		}
	}
	if opts["get_mime"] {
		if _, ok := st["mimetype"]; !ok {
			st["mimetype"], st["charset"] = "unknown", "unknown"
		}
	}
	if opts["get_attributes"] {
		if _, ok := st["attributes"]; !ok {
			st["version"], st["attr_flags"], st["attributes"] = nil, "", []any{}
		}
	}
	result.Set("stat", st)
	return result, nil
}

// statFields is the stat dictionary Ansible returns for an existing path.
func statFields(f *remoteFile, p string) map[string]any {
	m := f.RawMode
	st := map[string]any{
		"exists": true, "path": p, "mode": fmt4o(m & permBits),
		"isdir": f.IsDir(), "ischr": f.IsChr(), "isblk": f.IsBlk(), "isreg": f.IsReg(),
		"isfifo": f.IsFifo(), "islnk": f.IsLink(), "issock": f.IsSock(),
		"uid": f.UID, "gid": f.GID, "size": f.Size, "inode": f.Inode, "dev": f.Dev,
		"nlink": f.Nlink, "atime": f.Atime, "mtime": f.Mtime, "ctime": f.Ctime,
		"wusr": m&0o200 != 0, "rusr": m&0o400 != 0, "xusr": m&0o100 != 0,
		"wgrp": m&0o020 != 0, "rgrp": m&0o040 != 0, "xgrp": m&0o010 != 0,
		"woth": m&0o002 != 0, "roth": m&0o004 != 0, "xoth": m&0o001 != 0,
		"isuid": m&sISUID != 0, "isgid": m&sISGID != 0,
		"blocks": f.Blocks, "block_size": f.BlockSize,
		"device_type": makedev(f.DevMajor, f.DevMinor),
		"readable":    f.Readable, "writeable": f.Writable, "executable": f.Executable,
	}
	if f.IsLink() {
		st["lnk_source"] = f.RealPath
		st["lnk_target"] = f.LinkTarget
	}
	if f.Owner != "" && !isNumeric(f.Owner) {
		st["pw_name"] = f.Owner
	}
	if f.Group != "" && !isNumeric(f.Group) {
		st["gr_name"] = f.Group
	}
	if f.Checksum != "" && f.Readable {
		st["checksum"] = f.Checksum
	}
	return st
}

// fmt4o renders a mode as stat does: "0644", "4755".
func fmt4o(m uint32) string {
	s := "000" + strings.TrimLeft(formatMode(m), "0")
	return s[len(s)-4:]
}

// makedev combines a device's major and minor numbers as glibc does.
func makedev(major, minor int64) int64 {
	return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor &^ 0xff) << 12) | ((major &^ 0xfff) << 32)
}

// parseMime reads `file --mime-type --mime-encoding` output.
func parseMime(out string) (mimetype, charset string) {
	i := strings.LastIndex(out, ":")
	if i < 0 {
		return "unknown", "unknown"
	}
	mt, cs, ok := strings.Cut(out[i+1:], ";")
	_, cs, ok2 := strings.Cut(cs, "=")
	if !ok || !ok2 {
		return "unknown", "unknown"
	}
	return strings.TrimSpace(mt), strings.TrimSpace(cs)
}

// fileAttributeNames are lsattr's flags as Ansible names them.
var fileAttributeNames = map[rune]string{
	'A': "noatime", 'a': "append", 'c': "compressed", 'C': "nocow", 'd': "nodump",
	'D': "dirsync", 'e': "extents", 'E': "encrypted", 'h': "blocksize", 'i': "immutable",
	'I': "indexed", 'j': "journalled", 'N': "inline", 's': "zero", 'S': "synchronous",
	't': "notail", 'T': "blockroot", 'u': "undelete", 'X': "compressedraw", 'Z': "compresseddirty",
}

func attributeNames(flags string) []any {
	names := []any{}
	for _, r := range flags {
		if n, ok := fileAttributeNames[r]; ok {
			names = append(names, n)
		}
	}
	return names
}
