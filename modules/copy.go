package modules

import (
	"errors"
	"github.com/gansible/gansible/modules/argspec"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
)

func init() { Register("copy", copyModule{}) }

// copyModule is ansible.builtin.copy: a controller file, directory tree or
// literal content written to the host.
type copyModule struct{}

// copyParams are ansible-core 2.14's copy module's own parameters, and
// template's (whose action plugin runs copy). dest is not required here:
// the action plugin checks src, content and dest first, with its own
// messages, which the module's code gives.
var copyParams = []argspec.Param{
	{Name: "src", Type: argspec.Path, ControllerPath: true},
	{Name: "_original_basename"},
	// The action plugin writes a list or dict content as JSON.
	{Name: "content", Type: argspec.Raw},
	{Name: "dest", Type: argspec.Path},
	{Name: "backup", Type: argspec.Bool, Default: false},
	{Name: "force", Type: argspec.Bool, Default: true},
	{Name: "validate"},
	{Name: "directory_mode", Type: argspec.Raw},
	{Name: "remote_src", Type: argspec.Bool},
	{Name: "local_follow", Type: argspec.Bool, Unsupported: "a controller source link is always followed"},
	{Name: "checksum", Unsupported: "the source's checksum is not verified against a given one"},
	{Name: "follow", Type: argspec.Bool, Default: false},
}

var copyArgSpec = &argspec.Spec{
	Module: "ansible.legacy.copy",
	Params: withFileCommon(append(copyParams,
		// Read by the action plugin on the controller.
		argspec.Param{Name: "decrypt", Type: argspec.Bool, Default: true, ActionOnly: true})...),
}

func (copyModule) Spec() *argspec.Spec { return copyArgSpec }

func (m copyModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runCopy(c, args))
}

// copyOptions are the arguments that shape how each file is written.
type copyOptions struct {
	attrs    fileAttrs
	dirMode  modeSpec
	backup   bool
	force    bool
	follow   bool
	validate string
	// keepVaulted is decrypt=false: a vaulted source is copied as it is.
	keepVaulted bool
}

func isVaultError(err error) bool {
	var ve *vault.Error
	return errors.As(err, &ve)
}

// readSource reads a controller file to copy, decrypted when vaulted
// unless decrypt=false. The plaintext stays in memory.
func (o copyOptions) readSource(path string) ([]byte, error) {
	if o.keepVaulted {
		return os.ReadFile(path)
	}
	return vault.ReadRealFile(path)
}

func runCopy(c *Context, args Args) (*Result, error) {
	src, dest := args.String("src"), args.String("dest")
	hasContent := args.Has("content")
	switch {
	case src == "" && !hasContent:
		return nil, failf("src (or content) is required")
	case dest == "":
		return nil, failf("dest is required")
	case src != "" && hasContent:
		return nil, failf("src and content are mutually exclusive")
	case hasContent && strings.HasSuffix(dest, "/"):
		return nil, failf("can not use content with a dir as dest")
	}
	opts, err := copyOptionsFrom(args)
	if err != nil {
		return nil, err
	}
	remoteSrc, err := args.Bool("remote_src", false)
	if err != nil {
		return nil, failf("%v", err)
	}
	decrypt, err := args.Bool("decrypt", true)
	if err != nil {
		return nil, failf("%v", err)
	}
	opts.keepVaulted = !decrypt

	if hasContent {
		return copyData(c, dest, "", contentBytes(args["content"]), "", opts)
	}
	if remoteSrc {
		return copyRemote(c, src, dest, opts)
	}
	local, err := c.FindFile("files", src)
	if err != nil {
		return nil, sourceNotFound(err)
	}
	info, err := os.Stat(local)
	if err != nil {
		return nil, failf("could not find src=%s, %v", local, err)
	}
	if info.IsDir() {
		return copyTree(c, local, strings.HasSuffix(src, "/"), dest, opts)
	}
	data, err := opts.readSource(local)
	if err != nil {
		if isVaultError(err) {
			return nil, err // the action's error, as Ansible's copy action raises it
		}
		return nil, failf("Source %s not readable: %v", local, err)
	}
	if opts.attrs.Mode.Preserve {
		opts.attrs.Mode = modeSpec{Octal: uint32(info.Mode().Perm()), HasOctal: true}
	}
	return copyData(c, dest, filepath.Base(local), data, local, opts)
}

func copyOptionsFrom(args Args) (copyOptions, error) {
	var o copyOptions
	var err error
	if o.attrs, err = fileAttrsFrom(args); err != nil {
		return o, err
	}
	if o.dirMode, err = parseMode(args["directory_mode"]); err != nil {
		return o, err
	}
	for _, b := range []struct {
		name string
		def  bool
		dst  *bool
	}{{"backup", false, &o.backup}, {"force", true, &o.force}, {"follow", false, &o.follow}} {
		if *b.dst, err = args.Bool(b.name, b.def); err != nil {
			return o, failf("%v", err)
		}
	}
	o.validate = args.String("validate")
	return o, nil
}

// contentBytes is the content argument as Ansible writes it: a string
// as is, a list or mapping as JSON.
func contentBytes(v any) []byte {
	switch v.(type) {
	case *value.Dict, map[string]any, []any:
		if s, err := template.JSONDumps(v); err == nil {
			return []byte(s)
		}
	}
	return []byte(Stringify(v))
}

// copyData writes data to dest (or inside dest, under basename, when dest
// is a directory) with two commands at most: one probe, one write.
func copyData(c *Context, dest, basename string, data []byte, srcPath string, opts copyOptions) (*Result, error) {
	users, groups := opts.attrs.lookups()
	reqs := []probeRequest{{Path: dest, Follow: true, Checksum: "sha1", Content: c.DiffMode}}
	if basename != "" {
		reqs = append(reqs, probeRequest{Path: path.Join(dest, basename), Follow: true, Checksum: "sha1", Content: c.DiffMode})
	}
	reqs = append(reqs, probeRequest{Path: path.Dir(strings.TrimSuffix(dest, "/")), Follow: true})
	p, err := probe(c, users, groups, reqs...)
	if err != nil {
		return nil, err
	}
	target, cur := dest, &p.Files[0]
	parent := &p.Files[len(p.Files)-1]
	var mkParent string
	if basename != "" && (cur.IsDir() || strings.HasSuffix(dest, "/")) {
		target, cur = path.Join(dest, basename), &p.Files[1]
		if !p.Files[0].IsDir() {
			// dest ends in "/" and does not exist: Ansible creates it.
			mkParent = mkdirScript(dest, opts.attrs, opts.dirMode)
		}
	} else if !parent.IsDir() && !c.CheckMode {
		// In check mode Ansible's action reports the change without
		// looking further: an earlier task would have created the
		// directory.
		return nil, failf("Destination directory %s does not exist", path.Dir(dest))
	}
	if cur.IsDir() {
		return nil, failf("Destination %s is a directory", target)
	}
	return writeCopy(c, target, cur, p, data, srcPath, mkParent, opts)
}

// writeCopy writes one file whose destination has been probed.
func writeCopy(c *Context, target string, cur *remoteFile, p *probeResult, data []byte, srcPath, prelude string, opts copyOptions) (*Result, error) {
	res := &Result{}
	sum := sha1Hex(data)
	res.Set("dest", target)
	if cur.Exists && !opts.force {
		// Ansible's copy action skips the file without running the
		// module: no checksum in the result.
		res.Set("src", srcPath)
		return res, nil
	}
	res.Set("checksum", sum)
	if cur.Exists && cur.Checksum == sum {
		// Ansible's copy action runs the file module on a file whose
		// content is right: its diff (path, and what the attributes
		// change) is the result's.
		ch, changed, err := applyAttrChange(c, opts.attrs, p, cur, false)
		if err != nil {
			setFileFields(res, cur)
			res.Set("path", target)
			return res, err
		}
		res.Changed = changed
		res.Set("diff", attrChangeDiff(target, ch))
		if !c.CheckMode || !changed {
			setFileFields(res, cur)
			res.Set("path", target)
		}
		return res, nil
	}

	res.Changed = true
	// The copy action's list of content diffs: empty without --diff.
	diffs := []any{}
	if c.DiffMode {
		// Ansible names the source file by the absolute path it found.
		after := srcPath
		if after == "" {
			after = "dynamically generated"
		} else if abs, err := filepath.Abs(after); err == nil {
			after = abs
		}
		d := contentDiff(target, cur, data, after)
		res.Diff = append(res.Diff, d)
		diffs = append(diffs, registeredContentDiff(d, cur.Exists))
	}
	res.Set("diff", diffs)
	if c.CheckMode {
		check := &Result{Changed: true, Diff: res.Diff}
		check.Set("diff", diffs)
		return check, nil
	}
	if opts.follow && cur.RealPath != "" {
		target = cur.RealPath
	}
	backup, err := writeFile(c, writeRequest{
		Dest: target, Content: data, Attrs: opts.attrs, Existing: cur, Probe: p,
		Backup: opts.backup, Validate: opts.validate, Prelude: prelude, DirAccess: true,
	})
	if err != nil {
		// The module's failure, to which the action adds only the
		// source's checksum.
		failed := &Result{}
		failed.Set("checksum", sum)
		return failed, err
	}
	if backup != "" {
		res.Set("backup_file", backup)
	}
	res.Set("md5sum", md5Hex(data))
	if srcPath != "" {
		res.Set("src", srcPath)
	}
	setFileFields(res, cur)
	return res, nil
}

// registeredContentDiff is a content diff as the copy action registers
// it: no before_header for a file that did not exist.
func registeredContentDiff(d Diff, existed bool) *value.Dict {
	if !existed {
		return value.DictOf("before", "", "after_header", d.AfterHeader, "after", d.After)
	}
	return value.DictOf("before_header", d.BeforeHeader, "before", d.Before, "after_header", d.AfterHeader, "after", d.After)
}

// attrChangeDiff is the file module's diff of a file it only changes
// the attributes of.
func attrChangeDiff(target string, ch attrChange) *value.Dict {
	before, after := map[string]any{"path": target}, map[string]any{"path": target}
	for k, v := range ch.Before {
		before[k] = v
	}
	for k, v := range ch.After {
		after[k] = v
	}
	return value.DictOf("before", fileDiffSide(before), "after", fileDiffSide(after))
}

// mkdirScript creates dir and its missing parents, giving the directories
// it creates the task's owner and group and directory_mode, as Ansible's
// copy does for a destination ending in "/".
func mkdirScript(dir string, attrs fileAttrs, dirMode modeSpec) string {
	q := shell.Quote(strings.TrimSuffix(dir, "/"))
	var set []string
	if attrs.Owner != "" {
		set = append(set, `chown -- `+shell.Quote(attrs.Owner)+` "$d"`)
	}
	if attrs.Group != "" {
		set = append(set, `chgrp -- `+shell.Quote(attrs.Group)+` "$d"`)
	}
	if dirMode.HasOctal {
		set = append(set, `chmod -- `+formatMode(dirMode.Octal)+` "$d"`)
	} else if dirMode.Symbolic != "" {
		set = append(set, `chmod -- `+shell.Quote(dirMode.Symbolic)+` "$d"`)
	}
	if len(set) == 0 {
		return "mkdir -p -- " + q
	}
	// Walk up to the first existing directory, then create downwards.
	return `d=` + q + `; todo=; while [ ! -d "$d" ]; do todo="$d
$todo"; d=$(dirname -- "$d"); done
mkdir -p -- ` + q + ` && printf '%s' "$todo" | while IFS= read -r d; do [ -z "$d" ] || { ` + strings.Join(set, " && ") + `; } || exit 1; done`
}

// copyTree copies a controller directory. With contentsOnly (src ended in
// "/") its contents go into dest, otherwise the directory itself does.
func copyTree(c *Context, local string, contentsOnly bool, dest string, opts copyOptions) (*Result, error) {
	root := strings.TrimSuffix(dest, "/")
	if !contentsOnly {
		root = path.Join(root, filepath.Base(local))
	}
	var dirs, files []string
	err := filepath.WalkDir(local, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(local, p)
		if d.IsDir() {
			dirs = append(dirs, filepath.ToSlash(rel))
		} else {
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, failf("could not read src=%s: %v", local, err)
	}
	sort.Strings(dirs)
	users, groups := opts.attrs.lookups()
	var reqs []probeRequest
	for _, d := range dirs {
		reqs = append(reqs, probeRequest{Path: path.Join(root, d), Follow: true})
	}
	for _, f := range files {
		reqs = append(reqs, probeRequest{Path: path.Join(root, f), Follow: true, Checksum: "sha1", Content: c.DiffMode})
	}
	p, err := probe(c, users, groups, reqs...)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	res.Set("dest", dest)
	res.Set("src", local)

	// Missing directories first, in one command.
	var mk []string
	for i, d := range dirs {
		if !p.Files[i].Exists {
			mk = append(mk, mkdirScript(path.Join(root, d), opts.attrs, opts.dirMode))
		}
	}
	if len(mk) > 0 {
		res.Changed = true
		if !c.CheckMode {
			if _, err := runChecked(c, "failed to create directories", strings.Join(mk, "\n"), nil); err != nil {
				return res, err
			}
		}
	}
	for i, f := range files {
		cur := &p.Files[len(dirs)+i]
		data, err := opts.readSource(filepath.Join(local, filepath.FromSlash(f)))
		if err != nil {
			if isVaultError(err) {
				return res, err
			}
			return res, failf("Source %s not readable: %v", f, err)
		}
		fopts := opts
		if fopts.attrs.Mode.Preserve {
			info, err := os.Stat(filepath.Join(local, filepath.FromSlash(f)))
			if err != nil {
				return res, failf("Source %s not readable: %v", f, err)
			}
			fopts.attrs.Mode = modeSpec{Octal: uint32(info.Mode().Perm()), HasOctal: true}
		}
		if c.CheckMode && !cur.Exists {
			res.Changed = true
			continue
		}
		one, err := writeCopy(c, path.Join(root, f), cur, p, data, filepath.Join(local, filepath.FromSlash(f)), "", fopts)
		if err != nil {
			return res, err
		}
		res.Changed = res.Changed || one.Changed
		if len(files) == 1 {
			// Ansible's copy action returns the one file's result, diff
			// included; of several files it returns no diff, so --diff
			// shows none.
			if d, ok := one.Fields["diff"]; ok {
				res.Set("diff", d)
			}
		}
	}
	return res, nil
}

// copyRemote copies a file that is already on the host (remote_src).
func copyRemote(c *Context, src, dest string, opts copyOptions) (*Result, error) {
	users, groups := opts.attrs.lookups()
	p, err := probe(c, users, groups,
		probeRequest{Path: src, Follow: true, Checksum: "sha1"},
		probeRequest{Path: dest, Follow: true, Checksum: "sha1"},
		probeRequest{Path: path.Join(dest, path.Base(src)), Follow: true, Checksum: "sha1"},
		probeRequest{Path: path.Dir(dest), Follow: true},
	)
	if err != nil {
		return nil, err
	}
	s := &p.Files[0]
	switch {
	case !s.Exists:
		return nil, failf("Source %s not found", src)
	case s.IsDir():
		return copyRemoteTree(c, src, dest, opts)
	case !s.Readable:
		return nil, failf("Source %s not readable", src)
	}
	target, cur := dest, &p.Files[1]
	if cur.IsDir() {
		target, cur = path.Join(dest, path.Base(src)), &p.Files[2]
	} else if !cur.Exists && !p.Files[3].IsDir() {
		// The module itself checks, in check mode too.
		return nil, failf("Destination directory %s does not exist", path.Dir(dest))
	}
	if opts.attrs.Mode.Preserve {
		opts.attrs.Mode = modeSpec{Octal: s.Perm(), HasOctal: true}
	}
	res := &Result{}
	res.Set("dest", target)
	res.Set("src", src)
	if cur.Exists && !opts.force {
		// The module stops before checksumming: "file already exists",
		// with the existing file's attributes and no checksum.
		res.Msg = "file already exists"
		setFileFields(res, cur)
		return res, nil
	}
	res.Set("checksum", s.Checksum)
	if cur.Exists && cur.Checksum == s.Checksum {
		changed, err := applyAttrs(c, opts.attrs, p, cur, false)
		res.Changed = changed
		setFileFields(res, cur)
		return res, err
	}
	res.Changed = true
	if c.CheckMode {
		return res, nil
	}
	backup, err := writeFile(c, writeRequest{
		Dest: target, CopyFrom: src, FromSize: s.Size, FromSHA1: s.Checksum,
		Attrs: opts.attrs, Existing: cur, Probe: p, Backup: opts.backup, Validate: opts.validate,
	})
	if err != nil {
		return nil, err // the module's failure, without the result's fields
	}
	if backup != "" {
		res.Set("backup_file", backup)
	}
	setFileFields(res, cur)
	return res, nil
}

// copyRemoteTree copies a directory that is already on the host; it
// reports a change unless diff finds both trees identical.
func copyRemoteTree(c *Context, src, dest string, opts copyOptions) (*Result, error) {
	to := path.Join(dest, path.Base(src))
	from := src
	if strings.HasSuffix(src, "/") {
		to = dest
	}
	res := &Result{}
	res.Set("dest", dest)
	res.Set("src", src)
	same, err := c.Run("diff -r -- "+shell.Join(from, to)+" >/dev/null 2>&1", nil)
	if err != nil {
		return nil, err
	}
	if same.ExitCode == 0 {
		return res, nil
	}
	res.Changed = true
	if c.CheckMode {
		return res, nil
	}
	cmd := "mkdir -p -- " + shell.Quote(to) + " && cp -R -p -- " + shell.Quote(strings.TrimSuffix(from, "/")) + "/. " + shell.Quote(to)
	if opts.attrs.Owner != "" {
		cmd += " && chown -R -- " + shell.Quote(opts.attrs.Owner) + " " + shell.Quote(to)
	}
	if opts.attrs.Group != "" {
		cmd += " && chgrp -R -- " + shell.Quote(opts.attrs.Group) + " " + shell.Quote(to)
	}
	_, err = runChecked(c, "failed to copy "+src+" to "+dest, cmd, nil)
	return res, err
}
