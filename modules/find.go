package modules

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gansible/gansible/fnmatch"
	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/value"
)

func init() { Register("find", findModule{}) }

// findModule is ansible.builtin.find. One command walks every path on
// the host with find and stats each entry (and, with get_checksum, sums
// the regular files); the controller rebuilds Python's os.walk order
// from it and applies the module's filters. Only contains needs a second
// command, reading the candidates' content.
type findModule struct{}

func (findModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "paths", Type: argspec.List, Elements: argspec.Str, Required: true, Aliases: []string{"name", "path"}},
		{Name: "patterns", Type: argspec.List, Elements: argspec.Str, Default: []any{}, Aliases: []string{"pattern"}},
		{Name: "excludes", Type: argspec.List, Elements: argspec.Str, Aliases: []string{"exclude"}},
		{Name: "contains"},
		{Name: "read_whole_file", Type: argspec.Bool, Default: false},
		{Name: "file_type", Default: "file", Choices: []any{"any", "directory", "file", "link"}},
		{Name: "age"},
		{Name: "age_stamp", Default: "mtime", Choices: []any{"atime", "ctime", "mtime"}},
		{Name: "size"},
		{Name: "recurse", Type: argspec.Bool, Default: false},
		{Name: "hidden", Type: argspec.Bool, Default: false},
		{Name: "follow", Type: argspec.Bool, Default: false},
		{Name: "get_checksum", Type: argspec.Bool, Default: false},
		{Name: "use_regex", Type: argspec.Bool, Default: false},
		{Name: "depth", Type: argspec.Int},
	}}
}

func (findModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runFind(c, args))
}

// findQuery is a find task's arguments, parsed.
type findQuery struct {
	patterns, excludes []func(string) bool
	contains           *pyre.Regexp
	wholeFile          bool
	fileType           string
	age                *float64
	ageStamp           string
	size               *int64
	recurse, hidden    bool
	follow, checksum   bool
	depth              int
}

var (
	findAge  = pyre.MustCompile(`^(-?\d+)(s|m|h|d|w)?$`, pyre.Flags{})
	findSize = pyre.MustCompile(`^(-?\d+)(b|k|m|g|t)?$`, pyre.Flags{})
)

func findQueryFrom(args Args) (*findQuery, error) {
	q := &findQuery{fileType: args.String("file_type"), ageStamp: args.String("age_stamp")}
	q.wholeFile, _ = args.Bool("read_whole_file", false)
	q.recurse, _ = args.Bool("recurse", false)
	q.hidden, _ = args.Bool("hidden", false)
	q.follow, _ = args.Bool("follow", false)
	q.checksum, _ = args.Bool("get_checksum", false)
	q.depth, _ = args.Int("depth", 0)
	useRegex, _ := args.Bool("use_regex", false)
	patterns := args.List("patterns")
	if len(patterns) == 0 {
		patterns = []string{"*"}
		if useRegex {
			patterns = []string{".*"}
		}
	}
	compile := func(pats []string) ([]func(string) bool, error) {
		var out []func(string) bool
		for _, p := range pats {
			if useRegex {
				re, err := pyre.Compile(p, pyre.Flags{})
				if err != nil {
					return nil, failf("%v", err)
				}
				out = append(out, func(s string) bool { m, _ := re.Match(s); return m != nil })
				continue
			}
			g, err := fnmatch.Compile(p)
			if err != nil {
				return nil, failf("%v", err)
			}
			out = append(out, g.Match)
		}
		return out, nil
	}
	var err error
	if q.patterns, err = compile(patterns); err != nil {
		return nil, err
	}
	if q.excludes, err = compile(args.List("excludes")); err != nil {
		return nil, err
	}
	if args.Has("contains") {
		if q.contains, err = pyre.Compile(args.String("contains"), pyre.Flags{}); err != nil {
			return nil, failf("%v", err)
		}
	}
	if args.Has("age") {
		a := args.String("age")
		m, _ := findAge.Match(strings.ToLower(a))
		if m == nil {
			return nil, failWith(map[string]any{"age": a}, "failed to process age")
		}
		n, _ := m.Group(1)
		unit, _ := m.Group(2)
		v, _ := strconv.ParseFloat(n, 64)
		v *= map[string]float64{"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
		q.age = &v
	}
	if args.Has("size") {
		s := args.String("size")
		m, _ := findSize.Match(strings.ToLower(s))
		if m == nil {
			return nil, failWith(map[string]any{"size": s}, "failed to process size")
		}
		n, _ := m.Group(1)
		unit, _ := m.Group(2)
		v, _ := strconv.ParseInt(n, 10, 64)
		v *= map[string]int64{"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[unit]
		q.size = &v
	}
	return q, nil
}

// pfilter is the module's name filter: a pattern matches and, then, no
// exclude does.
func (q *findQuery) pfilter(name string) bool {
	for _, p := range q.patterns {
		if p(name) {
			for _, e := range q.excludes {
				if e(name) {
					return false
				}
			}
			return true
		}
	}
	return false
}

func (q *findQuery) agefilter(e *foundEntry, now float64) bool {
	if q.age == nil {
		return true
	}
	t := e.Mtime
	switch q.ageStamp {
	case "atime":
		t = e.Atime
	case "ctime":
		t = e.Ctime
	}
	if *q.age >= 0 {
		return now-t >= *q.age
	}
	return now-t <= -*q.age
}

func (q *findQuery) sizefilter(e *foundEntry) bool {
	if q.size == nil {
		return true
	}
	if *q.size >= 0 {
		return e.Size >= *q.size
	}
	return e.Size <= -*q.size
}

// foundEntry is one entry the host's find listed.
type foundEntry struct {
	remoteFile
	rel     string // path below the searched directory
	isDir   bool   // a directory, or a link to one (os.walk's dirs)
	missing bool   // gone before it could be stat'ed
}

// findEntryScript is run by find -exec for a batch of entries: for each
// the path (length-prefixed), whether it is a directory through links,
// its lstat, and with $1 = 1 a regular file's sha1.
const findEntryScript = `cs=$1; shift
for f; do
	printf '@e %d\n%s\n' "${#f}" "$f"
	d=0; [ -d "$f" ] && d=1
	if s=$(stat -c '%f %u %g %s %i %d %h
%y
%x
%z
%U
%G' -- "$f" 2>/dev/null); then printf '%s %s\n' "$d" "$s"; else echo x; continue; fi
	if [ "$cs" = 1 ] && [ -f "$f" ] && [ ! -L "$f" ] && [ -r "$f" ]; then
		if command -v sha1sum >/dev/null 2>&1; then s=$(sha1sum < "$f"); else s=$(openssl dgst -sha1 -r < "$f"); fi
		echo "sum ${s%% *}"
	else echo nosum; fi
done`

// findScript builds the host command for all paths.
func (q *findQuery) findScript(paths []string) string {
	var b strings.Builder
	b.WriteString("LC_ALL=C; export LC_ALL\ngansible_n=@\n" + expandFunctions)
	b.WriteString("echo \"@now $(date +%s)\"\n")
	opt := "-H"
	if q.follow {
		opt = "-L"
	}
	limit := ""
	switch {
	case !q.recurse:
		limit = " -maxdepth 1"
	case q.depth > 0:
		// One level more than reported: os.walk lists, and counts as
		// examined, the entries of the deepest directories it walks.
		limit = fmt.Sprintf(" -maxdepth %d", q.depth+1)
	}
	cs := "0"
	if q.checksum {
		cs = "1"
	}
	for _, p := range paths {
		if code, ok := expandInto("p", p); ok {
			b.WriteString(code)
		} else {
			b.WriteString("p=" + shell.Quote(p) + "\n")
		}
		// A path starting with - would be read as an expression by find.
		b.WriteString(`printf '@path %d\n%s\n' "${#p}" "$p"
case $p in -*) fp=./$p ;; *) fp=$p ;; esac
if [ -d "$p" ]; then
	echo @dir
	find ` + opt + ` "$fp" -mindepth 1` + limit + ` -exec sh -c ` + shell.Quote(findEntryScript) + ` sh ` + cs + ` {} + 2>&1 >&3 | sed 's/^/@err /'
fi 3>&1
`)
	}
	return b.String()
}

// foundPath is what the host reported for one of the paths.
type foundPath struct {
	given, path string
	isDir       bool
	entries     []*foundEntry
	errs        []string
}

func parseFind(out []byte) (float64, []*foundPath, error) {
	r := bufio.NewReader(bytes.NewReader(out))
	var now float64
	var paths []*foundPath
	var cur *foundPath
	readBlob := func(n int) (string, error) {
		blob := make([]byte, n+1)
		if _, err := io.ReadFull(r, blob); err != nil {
			return "", err
		}
		return string(blob[:n]), nil
	}
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			break
		}
		if err != nil && err != io.EOF {
			return 0, nil, err
		}
		line = strings.TrimSuffix(line, "\n")
		key, val, _ := strings.Cut(line, " ")
		switch {
		case key == "@now":
			now, _ = strconv.ParseFloat(val, 64)
		case key == "@path":
			n, _ := strconv.Atoi(val)
			p, err := readBlob(n)
			if err != nil {
				return 0, nil, err
			}
			cur = &foundPath{path: p}
			paths = append(paths, cur)
		case cur == nil:
			return 0, nil, fmt.Errorf("unexpected line %q", line)
		case key == "@dir":
			cur.isDir = true
		case key == "@err":
			cur.errs = append(cur.errs, val)
		case key == "@e":
			n, _ := strconv.Atoi(val)
			p, err := readBlob(n)
			if err != nil {
				return 0, nil, err
			}
			e, err := parseFoundEntry(p, r)
			if err != nil {
				return 0, nil, err
			}
			cur.entries = append(cur.entries, e)
		default:
			return 0, nil, fmt.Errorf("unexpected line %q", line)
		}
	}
	return now, paths, nil
}

func parseFoundEntry(p string, r *bufio.Reader) (*foundEntry, error) {
	e := &foundEntry{remoteFile: remoteFile{Path: p}}
	next := func() (string, error) {
		l, err := r.ReadString('\n')
		return strings.TrimSuffix(l, "\n"), err
	}
	first, err := next()
	if err != nil {
		return nil, err
	}
	if first == "x" {
		e.missing = true
		return e, nil
	}
	f := strings.Fields(first)
	if len(f) != 8 {
		return nil, fmt.Errorf("stat line %q", first)
	}
	e.isDir = f[0] == "1"
	mode, err := strconv.ParseUint(f[1], 16, 32)
	if err != nil {
		return nil, fmt.Errorf("stat line %q", first)
	}
	e.Exists, e.RawMode = true, uint32(mode)
	nums := make([]int64, 6)
	for i, s := range f[2:] {
		nums[i], _ = strconv.ParseInt(s, 10, 64)
	}
	e.UID, e.GID, e.Size, e.Inode, e.Dev, e.Nlink = int(nums[0]), int(nums[1]), nums[2], nums[3], nums[4], nums[5]
	var lines [6]string
	for i := range lines {
		if lines[i], err = next(); err != nil {
			return nil, err
		}
	}
	e.Mtime, e.Atime, e.Ctime = parseStatTime(lines[0]), parseStatTime(lines[1]), parseStatTime(lines[2])
	e.Owner, e.Group = lines[3], lines[4]
	if s, ok := strings.CutPrefix(lines[5], "sum "); ok {
		e.Checksum = s
	}
	return e, nil
}

// walk replays os.walk over one path's entries: each directory's
// entries as the host listed them, files before directories, and then
// each subdirectory in turn. visit gets each entry and its depth below
// the path; it returns false to stop descending into the directory's
// subdirectories, as the module's depth check does. It returns how many
// entries it listed (the module's examined) and, when it reached a
// directory find could not read, Python's error: os.walk's onerror
// stops the module's walk of the path there, keeping what it found.
func (fp *foundPath) walk(follow bool, visit func(e *foundEntry, depth int) bool) (int, string) {
	unreadable := map[string]bool{}
	for _, e := range fp.errs {
		if m := findDenied.FindStringSubmatch(e); m != nil {
			unreadable[strings.TrimPrefix(strings.TrimPrefix(m[1], fp.findRoot()), "/")] = true
		}
	}
	var walkErr string
	children := map[string][]*foundEntry{}
	for _, e := range fp.entries {
		rel := strings.TrimPrefix(strings.TrimPrefix(e.Path, fp.findRoot()), "/")
		e.rel = rel
		parent := path.Dir(rel)
		if parent == "." {
			parent = ""
		}
		children[parent] = append(children[parent], e)
	}
	looked := 0
	var walkDir func(rel string, depth int)
	walkDir = func(rel string, depth int) {
		if walkErr != "" {
			return
		}
		if unreadable[rel] {
			p := fp.path
			if rel != "" {
				p = strings.TrimSuffix(fp.path, "/") + "/" + rel
			}
			walkErr = fmt.Sprintf("[Errno 13] Permission denied: '%s'", p)
			return
		}
		entries := children[rel]
		looked += len(entries)
		var files, dirs []*foundEntry
		for _, e := range entries {
			if e.isDir {
				dirs = append(dirs, e)
			} else {
				files = append(files, e)
			}
		}
		descend := true
		for _, e := range append(files, dirs...) {
			if !visit(e, depth+1) {
				descend = false
			}
		}
		if !descend {
			return
		}
		for _, d := range dirs {
			if follow || !d.IsLink() {
				walkDir(d.rel, depth+1)
			}
		}
	}
	walkDir("", 0)
	return looked, walkErr
}

// findDenied is find's message for a directory it cannot read.
var findDenied = regexp.MustCompile(`^find: ['‘](.*)['’]: Permission denied$`)

// findRoot is the path as find printed it.
func (fp *foundPath) findRoot() string {
	if strings.HasPrefix(fp.path, "-") {
		return "./" + fp.path
	}
	return fp.path
}

func runFind(c *Context, args Args) (*Result, error) {
	q, err := findQueryFrom(args)
	if err != nil {
		return nil, err
	}
	given := args.List("paths")
	res, err := c.Run(q.findScript(given), nil)
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		return nil, failWith(map[string]any{"rc": res.ExitCode}, "failed to search the host: %s", trimOutput(res.Stderr))
	}
	now, paths, err := parseFind(res.Stdout)
	if err != nil || len(paths) != len(given) {
		return nil, failf("unexpected output of the search: %v", err)
	}
	skipped := value.NewDict(0)
	var found []*foundEntry
	examined := 0
	for _, fp := range paths {
		if !fp.isDir {
			skipped.Set(fp.path, fmt.Sprintf("'%s' is not a directory", fp.path))
			continue
		}
		looked, walkErr := fp.walk(q.follow, func(e *foundEntry, depth int) bool {
			if q.depth > 0 && depth > q.depth {
				return false
			}
			name := path.Base(e.rel)
			if strings.HasPrefix(name, ".") && !q.hidden {
				return true
			}
			if e.missing {
				skipped.Set(e.Path, fmt.Sprintf("[Errno 2] No such file or directory: '%s'", e.Path))
				return true
			}
			e.Path = path.Clean(fp.path + "/" + e.rel)
			if !q.pfilter(name) || !q.agefilter(e, now) {
				return true
			}
			switch {
			case q.fileType == "any":
				if !e.IsReg() || q.sizefilter(e) {
					found = append(found, e)
				}
			case q.fileType == "directory" && e.IsDir():
				found = append(found, e)
			case q.fileType == "file" && e.IsReg():
				if q.sizefilter(e) {
					found = append(found, e)
				}
			case q.fileType == "link" && e.IsLink():
				found = append(found, e)
			}
			return true
		})
		examined += looked
		switch {
		case walkErr != "":
			skipped.Set(fp.path, walkErr)
		case len(fp.errs) > 0:
			skipped.Set(fp.path, strings.Join(fp.errs, "\n"))
		}
	}
	if q.contains != nil && q.fileType == "file" {
		if found, err = q.filterContent(c, found); err != nil {
			return nil, err
		}
	}
	files := make([]any, len(found))
	for i, e := range found {
		files[i] = e.statinfo(q.checksum)
	}
	out := &Result{}
	out.Msg = "All paths examined"
	if skipped.Len() > 0 {
		out.Msg = "Not all paths examined, check warnings for details"
	}
	out.Set("files", files)
	out.Set("matched", len(files))
	out.Set("examined", examined)
	out.Set("skipped_paths", skipped)
	return out, nil
}

// filterContent keeps the files one of whose lines (or, with
// read_whole_file, whose text) matches contains, reading them all in one
// command. A file that is unreadable or not valid UTF-8 does not match,
// as Python's failed read is taken as no match.
func (q *findQuery) filterContent(c *Context, files []*foundEntry) ([]*foundEntry, error) {
	if len(files) == 0 {
		return nil, nil
	}
	var b strings.Builder
	b.WriteString(`for f; do if [ -r "$f" ] && n=$(wc -c < "$f"); then printf '@c %d\n' $n; cat -- "$f"; echo; else echo @u; fi; done`)
	argv := []string{"sh", "-c", b.String(), "sh"}
	for _, f := range files {
		argv = append(argv, f.Path)
	}
	out, err := runChecked(c, "failed to read the files to search", shell.Join(argv...), nil)
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(bytes.NewReader(out))
	var kept []*foundEntry
	for _, f := range files {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, failf("unexpected output reading %s", f.Path)
		}
		n, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "@c ")
		if !ok {
			continue
		}
		size, _ := strconv.Atoi(strings.TrimSpace(n))
		blob := make([]byte, size+1)
		if _, err := io.ReadFull(r, blob); err != nil {
			return nil, failf("unexpected output reading %s", f.Path)
		}
		if q.matches(blob[:size]) {
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// matches is contentfilter on a file's bytes, read as Python reads text:
// UTF-8, universal newlines.
func (q *findQuery) matches(content []byte) bool {
	if !utf8.Valid(content) {
		return false
	}
	text := strings.ReplaceAll(strings.ReplaceAll(string(content), "\r\n", "\n"), "\r", "\n")
	if q.wholeFile {
		m, _ := q.contains.Search(text)
		return m != nil
	}
	for _, l := range splitTextLines(text) {
		if m, _ := q.contains.Match(l); m != nil {
			return true
		}
	}
	return false
}

// statinfo is the module's description of a file, in its key order.
func (e *foundEntry) statinfo(checksum bool) *value.Dict {
	m := e.RawMode
	bit := func(b uint32) bool { return m&b != 0 }
	name := func(n string) string {
		if n == "UNKNOWN" {
			return ""
		}
		return n
	}
	d := value.DictOf(
		"path", e.Path,
		"mode", fmt.Sprintf("%04o", m&0o7777),
		"isdir", e.IsDir(), "ischr", e.IsChr(), "isblk", e.IsBlk(), "isreg", e.IsReg(),
		"isfifo", e.IsFifo(), "islnk", e.IsLink(), "issock", e.IsSock(),
		"uid", e.UID, "gid", e.GID, "size", e.Size, "inode", e.Inode, "dev", e.Dev,
		"nlink", e.Nlink, "atime", e.Atime, "mtime", e.Mtime, "ctime", e.Ctime,
		"gr_name", name(e.Group), "pw_name", name(e.Owner),
		"wusr", bit(0o200), "rusr", bit(0o400), "xusr", bit(0o100),
		"wgrp", bit(0o020), "rgrp", bit(0o040), "xgrp", bit(0o010),
		"woth", bit(0o002), "roth", bit(0o004), "xoth", bit(0o001),
		"isuid", bit(0o4000), "isgid", bit(0o2000),
	)
	if checksum && e.IsReg() && e.Checksum != "" {
		d.Set("checksum", e.Checksum)
	}
	return d
}
