package simhost

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"
)

// cmd is one modelled command's run: its arguments (without the name)
// and streams. It returns the exit status.
type cmd struct {
	h      *Host
	name   string
	args   []string
	dir    string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command func(c *cmd) int

// commands are the programs a simulated host has, each the part of the
// coreutils behaviour gansible's module scripts rely on. An option a
// command does not model is an error (exit 1), never ignored.
var commands map[string]command

func init() {
	commands = map[string]command{
		"cat": catCmd, "chmod": chmodCmd, "chown": chownCmd, "chgrp": chgrpCmd,
		"cut": cutCmd, "date": dateCmd, "dirname": dirnameCmd, "basename": basenameCmd,
		"getent": getentCmd, "hostname": hostnameCmd, "id": idCmd, "kill": killCmd,
		"ln": lnCmd, "mkdir": mkdirCmd, "mktemp": mktempCmd, "mv": mvCmd,
		"readlink": readlinkCmd, "rm": rmCmd, "rmdir": rmdirCmd, "sleep": sleepCmd,
		"stat": statCmd, "sync": syncCmd, "touch": touchCmd, "uname": unameCmd,
		"wc": wcCmd, "nproc": nprocCmd,
		"sha1sum": sumCmd(sha1.New), "md5sum": sumCmd(md5.New), "sha256sum": sumCmd(sha256.New),
		"true": func(*cmd) int { return 0 }, "false": func(*cmd) int { return 1 },
	}
}

// exec runs a command that is not a shell builtin.
func (h *Host) exec(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	var stdin io.Reader = strings.NewReader("")
	if f, ok := hc.Stdin.(*os.File); ok && f != nil {
		stdin = f
	}
	c := &cmd{h: h, name: path.Base(args[0]), args: args[1:], dir: hc.Dir, stdin: stdin, stdout: hc.Stdout, stderr: hc.Stderr}
	switch args[0] {
	case "gansible-sim-command-v":
		return status(c.commandV())
	case "gansible-sim-umask":
		c.name = "umask"
		return status(c.umask())
	}
	run, ok := commands[c.name]
	if ok && strings.Contains(args[0], "/") {
		_, ok = h.lookPath(args[0])
	}
	if !ok {
		fmt.Fprintf(c.stderr, "sh: 1: %s: not found\n", args[0])
		return interp.NewExitStatus(127)
	}
	return status(run(c))
}

func status(code int) error {
	if code == 0 {
		return nil
	}
	return interp.NewExitStatus(uint8(code))
}

// builtins are the names command -v reports as themselves.
var builtins = map[string]bool{
	"echo": true, "printf": true, "test": true, "[": true, "read": true, "cd": true, "exit": true,
	"export": true, "set": true, "unset": true, "trap": true, "shift": true, "eval": true, "exec": true,
	"command": true, "type": true, "umask": true, "wait": true, "return": true, "break": true, "continue": true,
	":": true, ".": true, "alias": true, "readonly": true, "local": true, "getopts": true, "pwd": true,
}

func (c *cmd) commandV() int {
	code := 0
	for _, a := range c.args {
		if builtins[a] {
			fmt.Fprintln(c.stdout, a)
			continue
		}
		if p, ok := c.h.lookPath(a); ok {
			fmt.Fprintln(c.stdout, p)
			continue
		}
		code = 127 // dash's status for a name it cannot find
	}
	return code
}

func (c *cmd) umask() int {
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	switch len(c.args) {
	case 0:
		fmt.Fprintf(c.stdout, "%04o\n", uint32(m.umask))
		return 0
	case 1:
		v, err := strconv.ParseUint(c.args[0], 8, 32)
		if err != nil || v > 0o777 {
			return c.fail("invalid mode '%s' (only octal modes are modelled)", c.args[0])
		}
		m.umask = fs.FileMode(v)
		return 0
	}
	return c.fail("too many arguments")
}

func (c *cmd) fail(format string, a ...any) int {
	fmt.Fprintf(c.stderr, c.name+": "+format+"\n", a...)
	return 1
}

// errText words err as strerror does.
func errText(err error) string {
	var e syscall.Errno
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.As(err, &e) {
		s := e.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}

// flags splits leading single-letter options (grouped, as -rf) from the
// operands, stopping at -- or the first operand. Letters not in allowed
// are an error; those in withArg take the next word as their value.
func (c *cmd) flags(allowed, withArg string) (map[byte]string, []string, bool) {
	opts := map[byte]string{}
	args := c.args
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		args = args[1:]
		for i := 1; i < len(a); i++ {
			l := a[i]
			if !strings.ContainsRune(allowed+withArg, rune(l)) {
				c.fail("invalid option -- '%c' (not modelled by the simulated host)", l)
				return nil, nil, false
			}
			if strings.ContainsRune(withArg, rune(l)) {
				v := a[i+1:]
				if v == "" {
					if len(args) == 0 {
						c.fail("option requires an argument -- '%c'", l)
						return nil, nil, false
					}
					v, args = args[0], args[1:]
				}
				opts[l] = v
				break
			}
			opts[l] = ""
		}
	}
	return opts, args, true
}

func (c *cmd) abs(p string) string { return abs(c.dir, p) }

func catCmd(c *cmd) int {
	_, files, ok := c.flags("", "")
	if !ok {
		return 1
	}
	if len(files) == 0 {
		io.Copy(c.stdout, c.stdin)
		return 0
	}
	code := 0
	for _, f := range files {
		if f == "-" {
			io.Copy(c.stdout, c.stdin)
			continue
		}
		data, err := c.h.readFile(c.abs(f))
		if err != nil {
			code = c.fail("%s: %s", f, errText(err))
			continue
		}
		c.stdout.Write(data)
	}
	return code
}

func (h *Host) readFile(p string) ([]byte, error) {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	_, n, err := h.fs.lookup(p, true)
	if err != nil {
		return nil, err
	}
	if n.mode.IsDir() {
		return nil, syscall.EISDIR
	}
	return append([]byte(nil), n.data...), nil
}

// parseMode reads an octal mode; symbolic modes are not modelled.
func parseMode(s string) (fs.FileMode, bool) {
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o7777 {
		return 0, false
	}
	m := fs.FileMode(v & 0o777)
	if v&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if v&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if v&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m, true
}

const permBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

func chmodCmd(c *cmd) int {
	opts, args, ok := c.flags("R", "")
	if !ok {
		return 1
	}
	if len(args) < 2 {
		return c.fail("missing operand")
	}
	mode, ok := parseMode(args[0])
	if !ok {
		return c.fail("invalid mode: '%s' (only octal modes are modelled)", args[0])
	}
	_, recursive := opts['R']
	code := 0
	c.h.fs.mu.Lock()
	defer c.h.fs.mu.Unlock()
	for _, f := range args[1:] {
		err := c.h.fs.walk(c.abs(f), recursive, func(_ string, n *node) {
			if n.mode&fs.ModeSymlink == 0 {
				n.mode = n.mode&^permBits | mode
			}
		})
		if err != nil {
			code = c.fail("cannot access '%s': %s", f, errText(err))
		}
	}
	return code
}

// walk calls fn on p (following a last symlink) and, when recursive, on
// everything under it; the caller holds m.mu.
func (m *memFS) walk(p string, recursive bool, fn func(string, *node)) error {
	r, n, err := m.lookup(p, true)
	if err != nil {
		return err
	}
	fn(r, n)
	if recursive && n.mode.IsDir() {
		for _, k := range m.children(r) {
			kp := path.Join(r, k)
			kn := m.nodes[kp]
			if kn.mode&fs.ModeSymlink != 0 {
				fn(kp, kn)
				continue
			}
			if err := m.walk(kp, true, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// ids reads /etc/passwd or /etc/group of the host: name to id and back.
func (h *Host) ids(file string) (byName map[string]int, byID map[int]string) {
	byName, byID = map[string]int{}, map[int]string{}
	data, _ := h.readFile(file)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 3 {
			continue
		}
		if id, err := strconv.Atoi(f[2]); err == nil {
			byName[f[0]] = id
			if _, ok := byID[id]; !ok {
				byID[id] = f[0]
			}
		}
	}
	return byName, byID
}

func (h *Host) resolveID(file, s string) (int, bool) {
	if id, err := strconv.Atoi(s); err == nil && id >= 0 {
		return id, true
	}
	byName, _ := h.ids(file)
	id, ok := byName[s]
	return id, ok
}

func chownCmd(c *cmd) int { return c.chown(true) }
func chgrpCmd(c *cmd) int { return c.chown(false) }

func (c *cmd) chown(owner bool) int {
	opts, args, ok := c.flags("hR", "")
	if !ok {
		return 1
	}
	if len(args) < 2 {
		return c.fail("missing operand")
	}
	uid, gid := -1, -1
	spec := args[0]
	if owner {
		u, g, _ := strings.Cut(spec, ":")
		if u != "" {
			if uid, ok = c.h.resolveID("/etc/passwd", u); !ok {
				return c.fail("invalid user: '%s'", spec)
			}
		}
		spec = g
	}
	if spec != "" {
		if gid, ok = c.h.resolveID("/etc/group", spec); !ok {
			return c.fail("invalid group: '%s'", args[0])
		}
	}
	_, recursive := opts['R']
	_, noDeref := opts['h']
	code := 0
	c.h.fs.mu.Lock()
	defer c.h.fs.mu.Unlock()
	set := func(_ string, n *node) {
		if uid >= 0 {
			n.uid = uid
		}
		if gid >= 0 {
			n.gid = gid
		}
	}
	for _, f := range args[1:] {
		var err error
		if noDeref && !recursive {
			var n *node
			if _, n, err = c.h.fs.lookup(c.abs(f), false); err == nil {
				set("", n)
			}
		} else {
			err = c.h.fs.walk(c.abs(f), recursive, set)
		}
		if err != nil {
			code = c.fail("cannot access '%s': %s", f, errText(err))
		}
	}
	return code
}

// cutCmd models cut -d CHAR -f N (one field) and -c N-M.
func cutCmd(c *cmd) int {
	opts, files, ok := c.flags("", "df")
	if !ok {
		return 1
	}
	delim, field := "\t", opts['f']
	if d, ok := opts['d']; ok {
		delim = d
	}
	n, err := strconv.Atoi(field)
	if err != nil || n < 1 || len(delim) != 1 || len(files) > 0 {
		return c.fail("only -d CHAR -f N on stdin is modelled")
	}
	data, _ := io.ReadAll(c.stdin)
	for _, line := range splitLines(string(data)) {
		f := strings.Split(line, delim)
		if len(f) == 1 {
			fmt.Fprintln(c.stdout, line)
		} else if n <= len(f) {
			fmt.Fprintln(c.stdout, f[n-1])
		} else {
			fmt.Fprintln(c.stdout)
		}
	}
	return 0
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func dirnameCmd(c *cmd) int {
	_, args, ok := c.flags("", "")
	if !ok || len(args) == 0 {
		return c.fail("missing operand")
	}
	for _, a := range args {
		d := path.Dir(strings.TrimRight(a, "/"))
		if strings.HasPrefix(a, "/") && strings.Trim(a, "/") == "" {
			d = "/"
		}
		fmt.Fprintln(c.stdout, d)
	}
	return 0
}

func basenameCmd(c *cmd) int {
	_, args, ok := c.flags("", "")
	if !ok || len(args) == 0 || len(args) > 2 {
		return c.fail("missing operand")
	}
	b := path.Base(args[0])
	if len(args) == 2 && b != args[1] {
		b = strings.TrimSuffix(b, args[1])
	}
	fmt.Fprintln(c.stdout, b)
	return 0
}

func getentCmd(c *cmd) int {
	_, args, ok := c.flags("", "")
	if !ok || len(args) < 1 {
		return c.fail("missing database")
	}
	file := map[string]string{"passwd": "/etc/passwd", "group": "/etc/group"}[args[0]]
	if file == "" {
		return c.fail("Unknown database: %s (not modelled)", args[0])
	}
	data, _ := c.h.readFile(file)
	lines := splitLines(string(data))
	if len(args) == 1 {
		for _, l := range lines {
			fmt.Fprintln(c.stdout, l)
		}
		return 0
	}
	code := 0
	for _, key := range args[1:] {
		found := false
		for _, l := range lines {
			f := strings.Split(l, ":")
			if len(f) > 2 && (f[0] == key || f[2] == key) {
				fmt.Fprintln(c.stdout, l)
				found = true
				break
			}
		}
		if !found {
			code = 2
		}
	}
	return code
}

func hostnameCmd(c *cmd) int {
	if len(c.args) > 0 {
		return c.fail("setting the name is not modelled")
	}
	fmt.Fprintln(c.stdout, c.h.name)
	return 0
}

func idCmd(c *cmd) int {
	opts, args, ok := c.flags("ugrn", "")
	if !ok {
		return 1
	}
	if len(args) > 0 && args[0] != "root" && args[0] != "0" {
		return c.fail("'%s': no such user", args[0])
	}
	_, u := opts['u']
	_, g := opts['g']
	_, n := opts['n']
	switch {
	case u && n, g && n:
		fmt.Fprintln(c.stdout, "root")
	case u, g:
		fmt.Fprintln(c.stdout, "0")
	default:
		fmt.Fprintln(c.stdout, "uid=0(root) gid=0(root) groups=0(root)")
	}
	return 0
}

// killCmd: the host runs no processes but the shell, so no pid is alive.
func killCmd(c *cmd) int {
	return c.fail("No such process")
}

func lnCmd(c *cmd) int {
	opts, args, ok := c.flags("sfnT", "")
	if !ok {
		return 1
	}
	if _, sym := opts['s']; !sym {
		return c.fail("hard links are not modelled")
	}
	if len(args) != 2 {
		return c.fail("missing operand")
	}
	target, link := args[0], c.abs(args[1])
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	_, force := opts['f']
	if _, n, err := m.lookup(link, false); err == nil {
		if !force || n.mode.IsDir() {
			return c.fail("failed to create symbolic link '%s': File exists", args[1])
		}
		m.remove(link, false)
	}
	_, n, err := m.create(link, fs.ModeSymlink|0o777)
	if err != nil {
		return c.fail("failed to create symbolic link '%s': %s", args[1], errText(err))
	}
	n.target = target
	return 0
}

func mkdirCmd(c *cmd) int {
	opts, args, ok := c.flags("p", "m")
	if !ok {
		return 1
	}
	c.h.fs.mu.Lock()
	mode := 0o777 &^ c.h.fs.umask
	c.h.fs.mu.Unlock()
	if s, ok := opts['m']; ok {
		if mode, ok = parseMode(s); !ok {
			return c.fail("invalid mode '%s'", s)
		}
	}
	_, parents := opts['p']
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	code := 0
	for _, a := range args {
		p := c.abs(a)
		if parents {
			if err := m.mkdirParents(p, mode); err != nil {
				code = c.fail("cannot create directory '%s': %s", a, errText(err))
			}
			continue
		}
		if _, _, err := m.create(p, fs.ModeDir|mode); err != nil {
			code = c.fail("cannot create directory '%s': %s", a, errText(err))
		}
	}
	return code
}

// mkdirParents is mkdir -p: existing directories are fine, and only the
// last gets mode; the caller holds m.mu.
func (m *memFS) mkdirParents(p string, mode fs.FileMode) error {
	if p == "/" {
		return nil
	}
	if _, n, err := m.lookup(p, true); err == nil {
		if !n.mode.IsDir() {
			return syscall.EEXIST
		}
		return nil
	}
	if err := m.mkdirParents(path.Dir(p), (0o777&^m.umask)|0o300); err != nil {
		return err
	}
	_, _, err := m.create(p, fs.ModeDir|mode)
	return err
}

func mktempCmd(c *cmd) int {
	opts, args, ok := c.flags("d", "")
	if !ok {
		return 1
	}
	tmpl := "/tmp/tmp.XXXXXXXXXX"
	if len(args) > 0 {
		tmpl = args[0]
	}
	base := strings.TrimRight(tmpl, "X")
	nx := len(tmpl) - len(base)
	if nx < 3 {
		return c.fail("too few X's in template '%s'", tmpl)
	}
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	_, dir := opts['d']
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	for range 100 {
		b := []byte(base)
		for range nx {
			b = append(b, letters[rand.IntN(len(letters))])
		}
		mode := fs.FileMode(0o600)
		if dir {
			mode = fs.ModeDir | 0o700
		}
		if _, _, err := m.create(c.abs(string(b)), mode); err == nil {
			fmt.Fprintln(c.stdout, string(b))
			return 0
		} else if !errors.Is(err, syscall.EEXIST) {
			return c.fail("failed to create file via template '%s': %s", tmpl, errText(err))
		}
	}
	return c.fail("failed to create file via template '%s': File exists", tmpl)
}

func mvCmd(c *cmd) int {
	_, args, ok := c.flags("f", "")
	if !ok {
		return 1
	}
	if len(args) != 2 {
		return c.fail("only mv SOURCE DEST is modelled")
	}
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.rename(c.abs(args[0]), c.abs(args[1])); err != nil {
		return c.fail("cannot move '%s' to '%s': %s", args[0], args[1], errText(err))
	}
	return 0
}

func readlinkCmd(c *cmd) int {
	opts, args, ok := c.flags("fen", "")
	if !ok {
		return 1
	}
	_, canon := opts['f']
	if _, e := opts['e']; e {
		canon = true
	}
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	code := 0
	for _, a := range args {
		p := c.abs(a)
		if canon {
			r, err := m.resolve(p, true)
			if err != nil {
				code = 1
				continue
			}
			if _, ok := m.nodes[path.Dir(r)]; !ok {
				code = 1
				continue
			}
			if _, e := opts['e']; e {
				if _, ok := m.nodes[r]; !ok {
					code = 1
					continue
				}
			}
			fmt.Fprintln(c.stdout, r)
			continue
		}
		_, n, err := m.lookup(p, false)
		if err != nil || n.mode&fs.ModeSymlink == 0 {
			code = 1
			continue
		}
		fmt.Fprintln(c.stdout, n.target)
	}
	return code
}

func rmCmd(c *cmd) int {
	opts, args, ok := c.flags("frRd", "")
	if !ok {
		return 1
	}
	_, force := opts['f']
	_, r1 := opts['r']
	_, r2 := opts['R']
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	code := 0
	for _, a := range args {
		p := c.abs(a)
		_, n, err := m.lookup(p, false)
		if err != nil {
			if !force {
				code = c.fail("cannot remove '%s': %s", a, errText(err))
			}
			continue
		}
		if n.mode.IsDir() && !r1 && !r2 {
			code = c.fail("cannot remove '%s': Is a directory", a)
			continue
		}
		if err := m.remove(p, true); err != nil {
			code = c.fail("cannot remove '%s': %s", a, errText(err))
		}
	}
	return code
}

func rmdirCmd(c *cmd) int {
	_, args, ok := c.flags("", "")
	if !ok {
		return 1
	}
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	code := 0
	for _, a := range args {
		_, n, err := m.lookup(c.abs(a), false)
		if err == nil && !n.mode.IsDir() {
			err = syscall.ENOTDIR
		}
		if err == nil {
			err = m.remove(c.abs(a), false)
		}
		if err != nil {
			code = c.fail("failed to remove '%s': %s", a, errText(err))
		}
	}
	return code
}

// sleepCmd returns at once: simulated time costs nothing.
func sleepCmd(c *cmd) int { return 0 }

func syncCmd(c *cmd) int { return 0 }

func nprocCmd(c *cmd) int {
	fmt.Fprintln(c.stdout, "1")
	return 0
}

func touchCmd(c *cmd) int {
	opts, args, ok := c.flags("c", "")
	if !ok {
		return 1
	}
	_, noCreate := opts['c']
	m := c.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	code := 0
	for _, a := range args {
		p := c.abs(a)
		if _, n, err := m.lookup(p, true); err == nil {
			n.mtime = m.now()
			continue
		}
		if noCreate {
			continue
		}
		r, err := m.resolve(p, true)
		if err == nil {
			_, _, err = m.create(r, 0o666&^m.umask)
		}
		if err != nil {
			code = c.fail("cannot touch '%s': %s", a, errText(err))
		}
	}
	return code
}

func unameCmd(c *cmd) int {
	opts, args, ok := c.flags("snrmvoa", "")
	if !ok || len(args) > 0 {
		return 1
	}
	fields := []struct {
		l byte
		v string
	}{{'s', "Linux"}, {'n', c.h.name}, {'r', "6.1.0-sim"}, {'v', "#1 SMP gansible simulated host"}, {'m', "x86_64"}, {'o', "GNU/Linux"}}
	_, all := opts['a']
	if len(opts) == 0 {
		opts['s'] = ""
	}
	var out []string
	for _, f := range fields {
		if _, ok := opts[f.l]; ok || all {
			out = append(out, f.v)
		}
	}
	fmt.Fprintln(c.stdout, strings.Join(out, " "))
	return 0
}

func wcCmd(c *cmd) int {
	opts, files, ok := c.flags("c", "")
	if _, bytes := opts['c']; !ok || !bytes {
		return c.fail("only wc -c is modelled")
	}
	if len(files) == 0 {
		n, _ := io.Copy(io.Discard, c.stdin)
		fmt.Fprintln(c.stdout, n)
		return 0
	}
	code := 0
	for _, f := range files {
		data, err := c.h.readFile(c.abs(f))
		if err != nil {
			code = c.fail("%s: %s", f, errText(err))
			continue
		}
		fmt.Fprintf(c.stdout, "%d %s\n", len(data), f)
	}
	return code
}

func sumCmd(newHash func() hash.Hash) command {
	return func(c *cmd) int {
		_, files, ok := c.flags("", "")
		if !ok {
			return 1
		}
		if len(files) == 0 {
			files = []string{"-"}
		}
		code := 0
		for _, f := range files {
			h := newHash()
			if f == "-" {
				io.Copy(h, c.stdin)
			} else {
				data, err := c.h.readFile(c.abs(f))
				if err != nil {
					code = c.fail("%s: %s", f, errText(err))
					continue
				}
				h.Write(data)
			}
			fmt.Fprintf(c.stdout, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), f)
		}
		return code
	}
}

// dateCmd prints the time, in UTC (the simulated hosts' zone), in the
// +FORMAT given, of the conversions listed in strftime below.
func dateCmd(c *cmd) int {
	now := time.Now().UTC()
	format := "+%a %b %e %H:%M:%S %Z %Y"
	for _, a := range c.args {
		if !strings.HasPrefix(a, "+") {
			return c.fail("only date +FORMAT is modelled")
		}
		format = a
	}
	out, err := strftime(format[1:], now)
	if err != nil {
		return c.fail("%v", err)
	}
	fmt.Fprintln(c.stdout, out)
	return 0
}

func strftime(f string, t time.Time) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'N':
			fmt.Fprintf(&b, "%09d", t.Nanosecond())
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'b':
			b.WriteString(t.Month().String()[:3])
		case 'w':
			fmt.Fprintf(&b, "%d", int(t.Weekday()))
		case 'W':
			yd := t.YearDay() - 1
			wd := (int(t.Weekday()) + 6) % 7
			fmt.Fprintf(&b, "%02d", (yd+7-wd)/7)
		case '%':
			b.WriteByte('%')
		default:
			return "", fmt.Errorf("the conversion %%%c is not modelled", f[i])
		}
	}
	return b.String(), nil
}
