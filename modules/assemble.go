package modules

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/shell"
)

func init() { Register("assemble", assembleModule{}) }

// assembleModule is ansible.builtin.assemble: the fragments of a
// directory, in sorted order, joined into one file. With remote_src (its
// default) the directory is on the host: one command lists and reads the
// fragments, the controller joins them as the module does (delimiter,
// regexp, ignore_hidden) and the result is written back atomically when
// its sha1 differs from dest's. With remote_src=false the directory is the
// project's (files/ searched as the action plugin's _find_needle does),
// joined as the action plugin does and written as its copy module call
// writes it.
type assembleModule struct{}

func (assembleModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: fileAttrSpec(
		argspec.Param{Name: "src", Type: argspec.Path, Required: true},
		argspec.Param{Name: "delimiter"},
		argspec.Param{Name: "dest", Type: argspec.Path, Required: true},
		argspec.Param{Name: "backup", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "remote_src", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "regexp"},
		argspec.Param{Name: "ignore_hidden", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "validate"},
		argspec.Param{Name: "decrypt", Type: argspec.Bool, Default: true},
	)}
}

func (assembleModule) Run(c *Context, args Args) (*Result, error) {
	if c.CheckMode {
		return &Result{Skipped: true, Msg: "check mode is not supported for this task."}, nil
	}
	return finish(runAssemble(c, args))
}

// fragment is one directory entry of src.
type fragment struct {
	name    string
	regular bool // os.path.isfile: a regular file, through links
	content []byte
}

// fragmentScript lists src's entries in byte order (Python's sorted
// listdir) with each regular file's content, all length-prefixed.
func fragmentScript(src string) string {
	return `LC_ALL=C; export LC_ALL
s=` + shell.Quote(src) + `
if [ ! -e "$s" ]; then echo @absent; exit 0; fi
if [ ! -d "$s" ]; then echo @notdir; exit 0; fi
echo @dir
ls -a -- "$s" >/dev/null || exit 1
for f in "$s"/* "$s"/.*; do
	n=${f##*/}
	case $n in .|..) continue ;; esac
	[ -e "$f" ] || [ -L "$f" ] || continue
	printf '@f %d\n%s\n' "${#n}" "$n"
	if [ -f "$f" ]; then
		printf '@c %d\n' "$(wc -c < "$f")" && cat -- "$f" && echo
	else echo @other; fi
done`
}

func parseFragments(out []byte) (string, []fragment, error) {
	r := bufio.NewReader(bytes.NewReader(out))
	status, err := r.ReadString('\n')
	if err != nil {
		return "", nil, fmt.Errorf("no status line")
	}
	var frags []fragment
	blob := func(n int) ([]byte, error) {
		b := make([]byte, n+1)
		_, err := io.ReadFull(r, b)
		return b[:n], err
	}
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			break
		}
		if err != nil {
			return "", nil, err
		}
		n, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "@f ")
		if !ok {
			return "", nil, fmt.Errorf("unexpected line %q", line)
		}
		size, _ := strconv.Atoi(n)
		name, err := blob(size)
		if err != nil {
			return "", nil, err
		}
		kind, err := r.ReadString('\n')
		if err != nil {
			return "", nil, err
		}
		f := fragment{name: string(name)}
		if n, ok := strings.CutPrefix(strings.TrimSuffix(kind, "\n"), "@c "); ok {
			size, _ := strconv.Atoi(strings.TrimSpace(n))
			if f.content, err = blob(size); err != nil {
				return "", nil, err
			}
			f.regular = true
		}
		frags = append(frags, f)
	}
	sortFragments(frags)
	return strings.TrimSuffix(status, "\n"), frags, nil
}

// sortFragments orders by name as Python sorts str: by code point, which
// for UTF-8 is byte order.
func sortFragments(f []fragment) {
	for i := 1; i < len(f); i++ {
		for j := i; j > 0 && f[j].name < f[j-1].name; j-- {
			f[j], f[j-1] = f[j-1], f[j]
		}
	}
}

// assembleFragments is the module's assemble_from_fragments, or with
// action the action plugin's _assemble_from_fragments (remote_src=false).
// Both decode the delimiter's escapes again at each fragment, as they
// reassign it; the action plugin always adds a newline after the
// delimiter, since on Python 3 it compares the last byte, an int, with
// b'\n'.
func assembleFragments(frags []fragment, delimiter *string, re *pyre.Regexp, ignoreHidden, action bool) []byte {
	var out bytes.Buffer
	delimitMe, addNewline := false, false
	var delim []byte
	if delimiter != nil {
		delim = []byte(*delimiter)
	}
	for _, f := range frags {
		if re != nil {
			if m, _ := re.Search(f.name); m == nil {
				continue
			}
		}
		if !f.regular || (ignoreHidden && strings.HasPrefix(f.name, ".")) {
			continue
		}
		if addNewline {
			out.WriteByte('\n')
		}
		if delimitMe && len(delim) > 0 {
			delim = pyEscapeDecode(string(delim))
			out.Write(delim)
			if action || len(delim) == 0 || delim[len(delim)-1] != '\n' {
				out.WriteByte('\n')
			}
		}
		out.Write(f.content)
		delimitMe = true
		addNewline = !bytes.HasSuffix(f.content, []byte("\n"))
	}
	return out.Bytes()
}

// pyEscapeDecode is codecs.escape_decode of a str given as UTF-8: the
// backslash escapes of a Python bytes literal are decoded, an unknown
// one is kept as written.
func pyEscapeDecode(s string) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			out = append(out, s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case '\n':
		case '\\', '\'', '"':
			out = append(out, c)
		case 'a':
			out = append(out, 7)
		case 'b':
			out = append(out, 8)
		case 'f':
			out = append(out, 12)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, 11)
		case 'x':
			if i+2 < len(s)+0 && isHex(s[i+1]) && isHex(s[i+2]) {
				v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
				out = append(out, byte(v))
				i += 2
			} else {
				out = append(out, '\\', 'x')
			}
		default:
			if c >= '0' && c <= '7' {
				j := i
				for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(s[i:j], 8, 16)
				out = append(out, byte(v))
				i = j - 1
			} else {
				out = append(out, '\\', c)
			}
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func runAssemble(c *Context, args Args) (*Result, error) {
	src, dest := args.String("src"), args.String("dest")
	var re *pyre.Regexp
	if args.Has("regexp") {
		var err error
		if re, err = pyre.Compile(args.String("regexp"), pyre.Flags{}); err != nil {
			return nil, failf("Invalid Regexp (%v) in \"%s\"", err, args.String("regexp"))
		}
	}
	validate := args.String("validate")
	remote, err := args.Bool("remote_src", true)
	if err != nil {
		return nil, failf("%v", err)
	}
	var frags []fragment
	if remote {
		if frags, err = remoteFragments(c, src); err != nil {
			return nil, err
		}
		if validate != "" && !strings.Contains(validate, "%s") {
			return nil, failf("validate must contain %%s: %s", validate)
		}
	} else if frags, err = localFragments(c, args, src); err != nil {
		return nil, err
	}
	var delim *string
	if args.Has("delimiter") {
		d := args.String("delimiter")
		delim = &d
	}
	ignoreHidden, _ := args.Bool("ignore_hidden", false)
	content := assembleFragments(frags, delim, re, ignoreHidden, !remote)

	attrs, err := fileAttrsFrom(args)
	if err != nil {
		return nil, err
	}
	users, groups := attrs.lookups()
	p, err := probe(c, users, groups, probeRequest{Path: dest, Follow: true, Checksum: "sha1"})
	if err != nil {
		return nil, err
	}
	cur := &p.Files[0]
	res := &Result{}
	if remote {
		// The module's own result; with remote_src=false it is copy's,
		// without a msg, whose src is the action's transferred temp file
		// (gansible sends the content on stdin: no such file).
		res.Msg = "OK"
		res.Set("src", src)
	}
	res.Set("dest", dest)
	res.Set("checksum", sha1Hex(content))
	res.Set("md5sum", md5Hex(content))
	if !cur.Exists || cur.Checksum != sha1Hex(content) {
		backup, _ := args.Bool("backup", false)
		b, err := writeFile(c, writeRequest{
			Dest: dest, Content: content, Attrs: attrs, Existing: cur, Probe: p,
			Backup: backup, Validate: validate,
		})
		if err != nil && remote {
			return nil, validateFailure(err)
		}
		if err != nil {
			return nil, err // copy's own failure, as the action's copy call gives it
		}
		if b != "" {
			res.Set("backup_file", b)
		}
		res.Changed = true
	} else {
		ch, err := attrs.plan(p, cur, false)
		if err != nil {
			return nil, err
		}
		if !ch.Empty() {
			res.Changed = true
			if err := changeAttrs(c, cur, ch); err != nil {
				return nil, err
			}
		}
	}
	setFileFields(res, cur)
	return res, nil
}

// remoteFragments reads the fragments of the host's directory src.
func remoteFragments(c *Context, src string) ([]fragment, error) {
	out, err := runChecked(c, "failed to read "+src, fragmentScript(src), nil)
	if err != nil {
		return nil, err
	}
	status, frags, err := parseFragments(out)
	if err != nil {
		return nil, failf("unexpected output reading %s: %v", src, err)
	}
	switch status {
	case "@absent":
		return nil, failf("Source (%s) does not exist", src)
	case "@notdir":
		return nil, failf("Source (%s) is not a directory", src)
	}
	return frags, nil
}

// localFragments reads the fragments of the project's directory src as
// the action plugin does: found under files/, each regular file (through
// links) read and, unless decrypt=false, decrypted when vaulted.
func localFragments(c *Context, args Args, src string) ([]fragment, error) {
	dir, err := c.FindFile("files", src)
	if err != nil {
		return nil, sourceNotFound(err)
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, failf("Source (%s) is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, failf("%v", err)
	}
	decrypt, err := args.Bool("decrypt", true)
	if err != nil {
		return nil, failf("%v", err)
	}
	opts := copyOptions{keepVaulted: !decrypt}
	var frags []fragment
	for _, e := range entries {
		f := fragment{name: e.Name()}
		p := filepath.Join(dir, e.Name())
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			if f.content, err = opts.readSource(p); err != nil {
				if isVaultError(err) {
					return nil, err
				}
				return nil, failf("%v", err)
			}
			f.regular = true
		}
		frags = append(frags, f)
	}
	sortFragments(frags)
	return frags, nil
}
