package modules

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/value"

	"github.com/gansible/gansible/shell"
)

func init() { Register("file", fileModule{}) }

// fileModule is ansible.builtin.file: the state of a path (file,
// directory, link, hard link, touched, absent) and its owner, group and
// mode. It probes the host once and applies the change with one command.
type fileModule struct{}

var fileArgSpec = &argspec.Spec{
	Params: withFileCommon(
		argspec.Param{Name: "state", Choices: []any{"absent", "directory", "file", "hard", "link", "touch"}},
		argspec.Param{Name: "path", Type: argspec.Path, Required: true, Aliases: []string{"dest", "name"}},
		argspec.Param{Name: "_original_basename"},
		argspec.Param{Name: "recurse", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "force", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "follow", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "_diff_peek", Type: argspec.Bool},
		argspec.Param{Name: "src", Type: argspec.Path},
		argspec.Param{Name: "modification_time"},
		argspec.Param{Name: "modification_time_format", Default: "%Y%m%d%H%M.%S"},
		argspec.Param{Name: "access_time"},
		argspec.Param{Name: "access_time_format", Default: "%Y%m%d%H%M.%S"},
	),
}

func (fileModule) Spec() *argspec.Spec { return fileArgSpec }

func (fileModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runFile(c, args))
}

// fileTask is one file task being worked out.
type fileTask struct {
	c       *Context
	path    string
	state   string
	src     string
	recurse bool
	force   bool
	follow  bool
	attrs   fileAttrs
	mtime   string // "", "now", "preserve" or a time in mtimeFmt
	atime   string

	p       *probeResult
	lstat   *remoteFile // path itself
	target  *remoteFile // path with links followed
	srcStat *remoteFile // src as a symbolic link sees it
	hardSrc *remoteFile // src as a hard link sees it

	res     *Result
	script  []string // commands that apply the change
	before  map[string]any
	after   map[string]any
	resPath string // the path whose state the result reports

	recurseChanges bool // the script reports changes made below a directory
	// noDiff: Ansible's module returned before it made its diff (touch
	// of a missing file in check mode).
	noDiff bool
}

var fileStates = []string{"absent", "directory", "file", "hard", "link", "touch"}

func runFile(c *Context, args Args) (*Result, error) {
	t := &fileTask{c: c, res: &Result{}}
	t.path = args.String("path", "dest", "name")
	if t.path == "" {
		return nil, failf("missing required arguments: path")
	}
	t.state = args.String("state")
	if t.state != "" && !contains(fileStates, t.state) {
		return nil, failf("value of state must be one of: %s, got: %s", strings.Join(fileStates, ", "), t.state)
	}
	t.src = args.String("src")
	var err error
	for _, b := range []struct {
		name string
		def  bool
		dst  *bool
	}{{"recurse", false, &t.recurse}, {"force", false, &t.force}, {"follow", true, &t.follow}} {
		if *b.dst, err = args.Bool(b.name, b.def); err != nil {
			return nil, failf("%v", err)
		}
	}
	if t.attrs, err = fileAttrsFrom(args); err != nil {
		return nil, err
	}
	if t.mtime, err = touchTime(args, "modification_time"); err != nil {
		return nil, err
	}
	if t.atime, err = touchTime(args, "access_time"); err != nil {
		return nil, err
	}

	if err := t.probe(); err != nil {
		return nil, err
	}
	// A file-ish state on an existing directory means the file inside it.
	if t.state != "link" && t.state != "absent" && t.target.IsDir() && t.src != "" {
		t.path = path.Join(t.path, path.Base(t.src))
		if err := t.probe(); err != nil {
			return nil, err
		}
	}
	prev := t.lstat.fileState()
	if t.state == "" {
		switch {
		case prev != "absent":
			t.state = prev
		case t.recurse:
			t.state = "directory"
		default:
			t.state = "file"
		}
	}
	if t.recurse && t.state != "directory" {
		return nil, failWith(map[string]any{"path": t.path}, "recurse option requires state to be 'directory'")
	}
	if t.src != "" && t.state != "link" && t.state != "hard" {
		return nil, failWith(map[string]any{"path": t.path}, "src option requires state to be 'link' or 'hard'")
	}
	t.before = map[string]any{"path": t.path}
	t.after = map[string]any{"path": t.path}
	if prev != t.state {
		t.before["state"], t.after["state"] = prev, t.state
	}

	switch t.state {
	case "absent":
		err = t.absent()
	case "file":
		err = t.file()
	case "directory":
		err = t.directory()
	case "link":
		err = t.link()
	case "hard":
		err = t.hard()
	case "touch":
		err = t.touch()
	}
	if err != nil {
		return t.res, err
	}
	return t.apply()
}

// probe learns about the path, with and without following links, and about
// the places src may name.
func (t *fileTask) probe() error {
	users, groups := t.attrs.lookups()
	reqs := []probeRequest{{Path: t.path}, {Path: t.path, Follow: true}}
	if t.src != "" {
		reqs = append(reqs,
			probeRequest{Path: t.linkSource(path.Dir(t.path)), Follow: true},
			probeRequest{Path: t.linkSource(t.path), Follow: true},
			probeRequest{Path: t.src})
	}
	p, err := probe(t.c, users, groups, reqs...)
	if err != nil {
		return err
	}
	t.p, t.lstat, t.target = p, &p.Files[0], &p.Files[1]
	if t.src != "" {
		// A symbolic link's relative src is relative to the link's directory,
		// or to the path itself when that is a real directory.
		t.srcStat = &p.Files[2]
		if t.lstat.IsDir() {
			t.srcStat = &p.Files[3]
		}
		t.hardSrc = &p.Files[4]
	}
	return nil
}

// linkSource is src as seen from dir.
func (t *fileTask) linkSource(dir string) string {
	if path.IsAbs(t.src) {
		return t.src
	}
	return path.Join(dir, t.src)
}

func (t *fileTask) absent() error {
	t.res.Set("path", t.path)
	t.res.Set("state", "absent")
	if !t.lstat.Exists {
		t.noDiff = true // ensure_absent reports no diff for a missing path
		return nil
	}
	t.res.Changed = true
	if t.c.CheckMode {
		// The path is still there, and Ansible's exit_json reports what
		// is at a result's path: its state, mode and owner.
		t.resPath = t.path
	}
	if t.lstat.IsDir() {
		content, err := pathContent(t.c, t.path)
		if err != nil {
			return err
		}
		t.before["path_content"] = content
	}
	q := shell.Quote(t.path)
	if t.lstat.IsDir() {
		t.script = append(t.script, "rm -rf -- "+q)
	} else {
		t.script = append(t.script, "rm -f -- "+q)
	}
	return nil
}

func (t *fileTask) file() error {
	cur := t.lstat
	if t.follow && cur.IsLink() {
		cur = t.target
		t.path = cur.RealPath
	}
	state := cur.fileState()
	if state == "link" && !cur.Exists {
		state = "absent"
	}
	if !cur.Exists || (state != "file" && state != "hard") {
		if !cur.Exists {
			state = "absent"
		}
		return failWith(map[string]any{"path": t.path, "state": state}, "file (%s) is %s, cannot continue", t.path, state)
	}
	t.resPath = t.path
	t.res.Set("path", t.path)
	return t.setAttrs(cur, t.path, false)
}

func (t *fileTask) directory() error {
	cur := t.lstat
	if t.follow && cur.IsLink() && t.target.Exists {
		cur = t.target
		t.path = cur.RealPath
	}
	t.resPath = t.path
	t.res.Set("path", t.path)
	switch state := cur.fileState(); {
	case !cur.Exists:
		t.res.Changed = true
		t.script = append(t.script, mkdirScript(t.path, t.attrs, t.attrs.Mode))
		if m := t.attrs.Mode; m.Set() && !m.Preserve && !t.c.CheckMode {
			// Ansible makes the directory with the umask's mode, then
			// sets the mode, which its diff records.
			made := 0o777 &^ t.p.Umask
			if want, err := m.resolve(made, true, t.p.Umask); err == nil && want != made {
				t.before["mode"], t.after["mode"] = fmt.Sprintf("%04o", made), fmt.Sprintf("%04o", want)
			}
		}
		return nil
	case state != "directory":
		return failWith(map[string]any{"path": t.path}, "%s already exists as a %s", t.path, state)
	}
	if err := t.setAttrs(cur, t.path, false); err != nil {
		return err
	}
	if t.recurse {
		t.recurseAttrs()
	}
	return nil
}

// recurseAttrs applies owner, group and mode below the directory. Each
// step prints "@changed" when it finds something to change; in check mode
// only the finding runs.
func (t *fileTask) recurseAttrs() {
	// find reads a starting point that starts with "-" as an expression.
	q := shell.Quote(operandPath(t.path))
	// Each step: a find that lists what differs, and the command fixing it.
	type step struct{ find, fix string }
	var steps []step
	if t.attrs.Owner != "" {
		uid, _ := t.p.uid(t.attrs.Owner)
		steps = append(steps, step{fmt.Sprintf("find %s ! -uid %d", q, uid), fmt.Sprintf("chown -R -h %d -- %s", uid, q)})
	}
	if t.attrs.Group != "" {
		gid, _ := t.p.gid(t.attrs.Group)
		steps = append(steps, step{fmt.Sprintf("find %s ! -gid %d", q, gid), fmt.Sprintf("chgrp -R -h %d -- %s", gid, q)})
	}
	if m := t.attrs.Mode; m.HasOctal {
		mode := fmt.Sprintf("%04o", m.Octal)
		steps = append(steps, step{
			fmt.Sprintf("find %s ! -type l ! -perm %s", q, mode),
			fmt.Sprintf("find %s ! -type l -exec chmod -- %s {} +", q, mode)})
	}
	for _, s := range steps {
		cmd := `if [ -n "$(` + s.find + ` -print | head -n 1)" ]; then echo @changed`
		if !t.c.CheckMode {
			cmd += "; " + s.fix
		}
		t.script = append(t.script, cmd+"; fi")
	}
	if m := t.attrs.Mode; m.Symbolic != "" && !t.c.CheckMode {
		// A symbolic mode's result depends on each file: compare before and after.
		list := fmt.Sprintf(`find %s ! -type l -exec stat -c '%%a %%n' {} + | cksum`, q)
		t.script = append(t.script, fmt.Sprintf(`b=$(%s) && find %s ! -type l -exec chmod -- %s {} + && { [ "$b" = "$(%s)" ] || echo @changed; }`,
			list, q, shell.Quote(m.Symbolic), list))
	}
	t.recurseChanges = len(t.script) > 0
}

func (t *fileTask) link() error {
	src := t.src
	if src == "" && t.follow && t.lstat.IsLink() {
		src = t.lstat.LinkTarget
	}
	// This failure comes before Ansible's module has a result: it names
	// path and src only.
	if !t.force && t.src != "" && !t.srcStat.Exists {
		return failWith(map[string]any{"path": t.path, "src": t.src},
			`src file does not exist, use "force=yes" if you really want to create the link: %s`, t.srcStat.Path)
	}
	t.res.Set("dest", t.path)
	t.res.Set("src", src)
	t.resPath = t.path
	prev := t.lstat.fileState()
	switch {
	case prev == "directory" && !t.force, (prev == "file" || prev == "hard") && !t.force:
		return failWith(map[string]any{"path": t.path}, "refusing to convert from %s to symlink for %s", prev, t.path)
	}
	q := shell.Quote(t.path)
	switch prev {
	case "link":
		if src != "" && t.lstat.LinkTarget != src {
			t.before["src"], t.after["src"] = t.lstat.LinkTarget, src
			t.res.Changed = true
		}
	default:
		if src == "" {
			return failf("src is required for creating new symlinks")
		}
		t.res.Changed = true
	}
	if t.res.Changed {
		if prev == "directory" {
			t.script = append(t.script, "rmdir -- "+q)
		}
		t.script = append(t.script, "ln -sfn -- "+shell.Join(src, t.path))
	}
	if t.c.CheckMode && !t.lstat.Exists {
		return nil
	}
	// Owner, group and mode go to what the link points to, unless follow=no.
	if t.follow {
		if t.srcStat != nil && t.res.Changed {
			if t.srcStat.Exists {
				return t.setAttrs(t.srcStat, t.srcStat.Path, false)
			}
			return nil
		}
		if t.target.Exists {
			return t.setAttrs(t.target, t.target.RealPath, false)
		}
		return nil
	}
	if prev != "link" {
		// A new link belongs to whoever made it: set what was asked.
		ch := attrChange{Owner: t.attrs.Owner, Group: t.attrs.Group}
		if !ch.Empty() {
			t.script = append(t.script, ch.script(t.path))
		}
		return nil
	}
	return t.setAttrs(t.lstat, t.path, true)
}

func (t *fileTask) hard() error {
	prev := t.lstat.fileState()
	t.res.Set("dest", t.path)
	t.res.Set("src", t.src)
	t.resPath = t.path
	if prev != "hard" && t.src == "" {
		return failf("src is required for creating new hardlinks")
	}
	srcStat := t.hardSrc
	if t.src != "" {
		if !srcStat.Exists {
			return failWith(map[string]any{"dest": t.path, "src": t.src}, "src does not exist")
		}
	}
	sameInode := srcStat != nil && t.lstat.Exists && t.lstat.Inode == srcStat.Inode && t.lstat.Dev == srcStat.Dev
	switch prev {
	case "absent":
		t.res.Changed = true
	case "link":
		if t.lstat.LinkTarget != t.src {
			t.res.Changed = true
		}
	case "hard":
		if srcStat != nil && !sameInode {
			if !t.force {
				return failWith(map[string]any{"dest": t.path, "src": t.src}, "Cannot link, different hard link exists at destination")
			}
			t.res.Changed = true
		}
	case "file":
		if !t.force {
			return failWith(map[string]any{"dest": t.path, "src": t.src}, "Cannot link, file exists at destination")
		}
		t.res.Changed = true
	case "directory":
		return failWith(map[string]any{"dest": t.path, "src": t.src}, "Cannot link: different hard link exists at destination")
	}
	if t.res.Changed {
		t.script = append(t.script, "ln -f -- "+shell.Join(t.src, t.path))
	}
	if t.c.CheckMode && !t.lstat.Exists {
		return nil
	}
	cur := t.lstat
	if srcStat != nil {
		cur = srcStat // after linking, path is src's inode
		cur.Path = t.path
	}
	return t.setAttrs(cur, t.path, false)
}

func (t *fileTask) touch() error {
	t.res.Set("dest", t.path)
	t.resPath = t.path
	if !t.lstat.Exists && t.c.CheckMode {
		t.noDiff = true
	}
	if t.lstat.Exists {
		// An existing file changes when its owner, group or mode does,
		// or its times: always for "now" (the default), never when both
		// are preserved, for a given time when it differs.
		cur := t.lstat
		if t.follow && cur.IsLink() && t.target.Exists {
			cur = t.target
		}
		if err := t.setAttrs(cur, t.path, cur.IsLink()); err != nil {
			return err
		}
		now := func(v string) bool { return v == "" || v == "now" }
		switch {
		case t.mtime == "preserve" && t.atime == "preserve":
			return nil
		case now(t.mtime) || now(t.atime) || timesDiffer(cur, t.mtime, t.atime):
			t.res.Changed = true
			t.script = append(t.script, touchCommand(t.mtime, t.atime, t.path))
		}
		return nil
	}
	t.res.Changed = true
	t.script = append(t.script, ": >> "+shell.Quote(t.path))
	if ch := (attrChange{Owner: t.attrs.Owner, Group: t.attrs.Group}); !ch.Empty() {
		t.script = append(t.script, ch.script(t.path))
	}
	if t.attrs.Mode.Set() {
		t.script = append(t.script, chmodCommand(t.attrs.Mode, t.path))
	}
	t.script = append(t.script, touchCommand(t.mtime, t.atime, t.path))
	return nil
}

// setAttrs adds the commands that bring cur's owner, group and mode to the
// wanted ones, applied to target.
func (t *fileTask) setAttrs(cur *remoteFile, target string, link bool) error {
	ch, err := t.attrs.plan(t.p, cur, link)
	if err != nil {
		return err
	}
	if !ch.Empty() {
		t.res.Changed = true
		for k, v := range ch.Before {
			t.before[k] = v
		}
		for k, v := range ch.After {
			t.after[k] = v
		}
		t.script = append(t.script, ch.script(target))
	}
	if t.state != "touch" && (t.mtime != "" && t.mtime != "preserve" || t.atime != "" && t.atime != "preserve") {
		if timesDiffer(cur, t.mtime, t.atime) {
			t.res.Changed = true
			t.script = append(t.script, touchCommand(t.mtime, t.atime, target))
		}
	}
	return nil
}

// apply runs the planned commands (unless in check mode) and reports the
// resulting state of the path.
func (t *fileTask) apply() (*Result, error) {
	res := t.res
	if !t.noDiff {
		// The module's diff is part of its result, changed or not, as
		// Ansible's file module returns it; --diff shows it when changed.
		res.Set("diff", value.DictOf("before", fileDiffSide(t.before), "after", fileDiffSide(t.after)))
	}
	if t.c.CheckMode || len(t.script) == 0 {
		if t.resPath != "" {
			setFileFields(res, t.lstatOf(t.resPath))
		}
		return res, nil
	}
	cmd := strings.Join(t.script, " &&\n")
	if t.resPath != "" {
		cmd = "{ " + cmd + "\n} && " + statLine(t.resPath)
	}
	out, err := runChecked(t.c, "failed to apply file state to "+t.path, cmd, nil)
	if err != nil {
		return res, err
	}
	if t.recurseChanges && !t.res.Changed {
		res.Changed = strings.Contains(string(out), "@changed")
	}
	if t.resPath != "" {
		f := &remoteFile{Path: t.resPath, Exists: true}
		if err := f.readStatLine(string(out)); err != nil {
			return res, failf("unexpected output for %s: %v", t.resPath, err)
		}
		setFileFields(res, f)
	}
	return res, nil
}

// fileDiffOrder is the order the file module's diff keys are set in:
// initial_diff's, then set_fs_attributes_if_different's.
var fileDiffOrder = []string{"path", "state", "path_content", "src", "owner", "group", "mode", "attributes"}

// fileDiffSide is one side of the file module's diff, in Ansible's order.
func fileDiffSide(side map[string]any) *value.Dict {
	d := value.NewDict(len(side))
	for _, k := range fileDiffOrder {
		if v, ok := side[k]; ok {
			d.Set(k, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(side)) {
		if _, ok := d.Get(k); !ok {
			d.Set(k, side[k])
		}
	}
	return d
}

// lstatOf returns the probed, unfollowed state of p when it was probed.
func (t *fileTask) lstatOf(p string) *remoteFile {
	switch {
	case p == t.lstat.Path:
		return t.lstat
	case t.target.Exists && p == t.target.RealPath:
		f := *t.target
		return &f
	}
	return &remoteFile{}
}

// touchTime reads modification_time or access_time: "now", "preserve", or
// a time in the matching _format (only Ansible's default format, which is
// touch -t's, is supported).
func touchTime(args Args, name string) (string, error) {
	v := args.String(name)
	if v == "" || v == "now" || v == "preserve" {
		return v, nil
	}
	if f := args.String(name + "_format"); f != "" && f != "%Y%m%d%H%M.%S" {
		return "", failf("%s_format %s is not supported, only %%Y%%m%%d%%H%%M.%%S", name, f)
	}
	if _, err := time.ParseInLocation("200601021504.05", v, time.Local); err != nil {
		return "", failf("Error while obtaining timestamp for time %s using format %%Y%%m%%d%%H%%M.%%S: %v", v, err)
	}
	return v, nil
}

// timesDiffer reports whether explicit times differ from the file's.
func timesDiffer(f *remoteFile, mtime, atime string) bool {
	differs := func(want string, have float64) bool {
		switch want {
		case "", "preserve":
			return false
		case "now":
			return true
		}
		tm, _ := time.ParseInLocation("200601021504.05", want, time.Local)
		return float64(tm.Unix()) != have
	}
	return differs(mtime, f.Mtime) || differs(atime, f.Atime)
}

// touchCommand sets a file's times: to now by default, or as asked.
func touchCommand(mtime, atime, p string) string {
	q := shell.Quote(p)
	if (mtime == "" || mtime == "now") && (atime == "" || atime == "now") {
		return "touch -- " + q
	}
	var cmds []string
	for _, x := range []struct{ flag, v string }{{"-m", mtime}, {"-a", atime}} {
		switch x.v {
		case "", "preserve":
		case "now":
			cmds = append(cmds, "touch "+x.flag+" -- "+q)
		default:
			cmds = append(cmds, "touch "+x.flag+" -t "+shell.Quote(x.v)+" -- "+q)
		}
	}
	if len(cmds) == 0 {
		return ":"
	}
	return strings.Join(cmds, " && ")
}

// chmodCommand sets a mode, octal or symbolic, with chmod.
func chmodCommand(m modeSpec, p string) string {
	if m.HasOctal {
		return fmt.Sprintf("chmod %04o -- %s", m.Octal, shell.Quote(p))
	}
	return "chmod -- " + shell.Quote(m.Symbolic) + " " + shell.Quote(p)
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// pathContent lists what is below dir as the diff of Ansible's
// state=absent shows it: the directories and the files, each in the
// order os.walk meets them (top down; a directory's entries in the order
// the directory lists them, its subdirectories after).
func pathContent(c *Context, dir string) (map[string]any, error) {
	start := dir
	if !strings.HasPrefix(start, "/") {
		start = "./" + start // never an option of find
	}
	// %Y follows symbolic links, as os.walk's is_dir does; find does not
	// descend into them, nor does os.walk.
	out, err := runChecked(c, "failed to list "+dir, "find "+shell.Quote(start)+` -mindepth 1 -printf '%Y %p\0'`, nil)
	if err != nil {
		return nil, err
	}
	type entry struct {
		dir  bool
		path string
	}
	children := map[string][]entry{}
	for _, rec := range strings.Split(string(out), "\x00") {
		kind, p, ok := strings.Cut(rec, " ")
		if !ok {
			continue
		}
		if start != dir {
			p = strings.TrimPrefix(p, "./")
		}
		children[path.Dir(p)] = append(children[path.Dir(p)], entry{kind == "d", p})
	}
	dirs, files := []any{}, []any{}
	var walk func(d string)
	walk = func(d string) {
		var sub []string
		for _, e := range children[d] {
			if e.dir {
				dirs, sub = append(dirs, e.path), append(sub, e.path)
			} else {
				files = append(files, e.path)
			}
		}
		for _, s := range sub {
			walk(s)
		}
	}
	walk(path.Clean(dir))
	return map[string]any{"directories": dirs, "files": files}, nil
}
