package modules

import (
	"fmt"
	"github.com/gansible/gansible/modules/argspec"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/gansible/gansible/shell"
)

func init() { Register("unarchive", unarchiveModule{}) }

// unarchiveModule is ansible.builtin.unarchive for tar (plain, gzip, bzip2,
// xz) and zip archives, with GNU tar and unzip on the host.
//
// The first command uploads the archive if it is on the controller, lists
// it, asks tar --diff whether the tree on disk already matches, and finds
// the extracted files whose owner, group or mode differ from the task's.
// A second command, only when something differs, extracts and fixes those.
type unarchiveModule struct{}

// unarchiveArgSpec: src and dest are not required and copy and
// remote_src have no default here, as the action plugin checks them first
// with its own messages, which the module's code gives.
var unarchiveArgSpec = &argspec.Spec{
	Module: "ansible.legacy.unarchive",
	Params: withFileCommon(
		argspec.Param{Name: "src", Type: argspec.Path, ControllerPath: true},
		argspec.Param{Name: "dest", Type: argspec.Path},
		argspec.Param{Name: "remote_src", Type: argspec.Bool},
		argspec.Param{Name: "creates", Type: argspec.Path},
		argspec.Param{Name: "list_files", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "keep_newer", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "exclude", Type: argspec.List, Elements: argspec.Str, Default: []any{}},
		argspec.Param{Name: "include", Type: argspec.List, Elements: argspec.Str, Default: []any{}},
		argspec.Param{Name: "extra_opts", Type: argspec.List, Elements: argspec.Str, Default: []any{}},
		argspec.Param{Name: "validate_certs", Type: argspec.Bool, Default: true,
			Unsupported: "src is a controller or host path, never a URL"},
		argspec.Param{Name: "io_buffer_size", Type: argspec.Int, Default: 65536,
			Unsupported: "archives are read by the host's tar and unzip"},
		argspec.Param{Name: "copy", Type: argspec.Bool},
		argspec.Param{Name: "decrypt", Type: argspec.Bool, Default: true,
			Unsupported: "a vaulted archive is not decrypted"},
	),
	MutuallyExclusive: [][]string{{"include", "exclude"}},
}

func (unarchiveModule) Spec() *argspec.Spec { return unarchiveArgSpec }

func (unarchiveModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runUnarchive(c, args))
}

// unarchiveJob is one unarchive task on one host.
type unarchiveJob struct {
	c        *Context
	src      string // on the controller, or on the host with remote_src
	dest     string
	remote   bool
	creates  string
	listOut  bool
	newer    bool
	exclude  []string
	include  []string
	extra    []string
	attrs    fileAttrs
	upload   []byte // the archive's bytes when it comes from the controller
	uidWant  string // resolved numeric owner, "" when not set
	gidWant  string
	modeWant string // octal digits as stat %a prints them, "" when not set
}

// Lines of tar --diff that mean the tree differs, as in Ansible.
var (
	tarOwnerDiff   = regexp.MustCompile(`: Uid differs$`)
	tarGroupDiff   = regexp.MustCompile(`: Gid differs$`)
	tarModeDiff    = regexp.MustCompile(`: Mode differs$`)
	tarTimeDiff    = regexp.MustCompile(`: Mod time differs$`)
	tarEmptyFile   = regexp.MustCompile(`: : Warning: Cannot stat: No such file or directory$`)
	tarMissing     = regexp.MustCompile(`: Warning: Cannot stat: No such file or directory$`)
	tarBadOwner    = regexp.MustCompile(`: Invalid owner`)
	tarBadGroup    = regexp.MustCompile(`: Invalid group`)
	tarSizeDiff    = regexp.MustCompile(`: Size differs$|: Contents differ$|: File type differs$|: Symlink differs$`)
	archiveHandler = map[string]string{"zip": "ZipArchive", "gz": "TgzArchive", "bz2": "TarBzipArchive", "xz": "TarXzArchive", "tar": "TarArchive"}
)

func runUnarchive(c *Context, args Args) (*Result, error) {
	j := &unarchiveJob{c: c, src: args.String("src"), dest: args.String("dest"), creates: args.String("creates")}
	if args.Has("copy") && args.Has("remote_src") {
		return nil, failf("parameters are mutually exclusive: ('copy', 'remote_src')")
	}
	var err error
	if args.Has("copy") {
		cp, err := args.Bool("copy", true)
		if err != nil {
			return nil, failf("%v", err)
		}
		j.remote = !cp
	} else if j.remote, err = args.Bool("remote_src", false); err != nil {
		return nil, failf("%v", err)
	}
	if j.src == "" || j.dest == "" {
		return nil, failf("src (or content) and dest are required")
	}
	if j.listOut, err = args.Bool("list_files", false); err != nil {
		return nil, failf("%v", err)
	}
	if j.newer, err = args.Bool("keep_newer", false); err != nil {
		return nil, failf("%v", err)
	}
	j.exclude, j.include, j.extra = args.List("exclude"), args.List("include"), args.List("extra_opts")
	if len(j.exclude) > 0 && len(j.include) > 0 {
		return nil, failf("parameters are mutually exclusive: include|exclude")
	}
	if j.attrs, err = fileAttrsFrom(args); err != nil {
		return nil, err
	}
	if j.attrs.Mode.Symbolic != "" || j.attrs.Mode.Preserve {
		return nil, failf("unarchive supports only octal modes, got %s", Stringify(args["mode"]))
	}
	if j.attrs.Mode.HasOctal {
		j.modeWant = fmt.Sprintf("%o", j.attrs.Mode.Octal)
	}
	if !j.remote {
		local, err := c.FindFile("files", j.src)
		if err != nil {
			return nil, sourceNotFound(err)
		}
		if j.upload, err = os.ReadFile(local); err != nil {
			return nil, failf("Source '%s' not readable, %v", local, err)
		}
		j.src = local
	}
	return j.run()
}

// inspection is what the first command learned.
type inspection struct {
	uploaded string // the archive's temporary path on the host
	kind     string // "zip", "gz", "bz2", "xz" or "tar"
	files    []string
	diff     []string // tar --diff output, or zip's list of differing files
	diffRC   int
	attrsOff bool // some extracted path has another owner, group or mode
	dest     remoteFile
}

func (j *unarchiveJob) run() (*Result, error) {
	res := &Result{}
	p := &probeResult{}
	if users, groups := j.attrs.lookups(); len(users)+len(groups) > 0 {
		var err error
		if p, err = probe(j.c, users, groups); err != nil {
			return nil, err
		}
	}
	if j.attrs.Owner != "" {
		uid, err := p.uid(j.attrs.Owner)
		if err != nil {
			return nil, err
		}
		j.uidWant = fmt.Sprint(uid)
	}
	if j.attrs.Group != "" {
		gid, err := p.gid(j.attrs.Group)
		if err != nil {
			return nil, err
		}
		j.gidWant = fmt.Sprint(gid)
	}

	in, skip, err := j.inspect()
	if err != nil || skip != nil {
		return skip, err
	}
	if in.kind == "zip" {
		// unzip reads each word after -x as a pattern until one starts
		// with "-", and has no "--".
		for _, e := range j.exclude {
			if strings.HasPrefix(e, "-") {
				return nil, failf("exclude pattern %q starts with \"-\": refused, unzip would read it as an option", e)
			}
		}
	}
	res.Set("dest", j.dest)
	res.Set("src", j.src)
	res.Set("handler", archiveHandler[in.kind])
	setFileFields(res, &in.dest)
	if j.listOut {
		files := make([]any, len(in.files))
		for i, f := range in.files {
			files[i] = f
		}
		res.Set("files", files)
	}
	unarchived := j.unarchived(in)
	res.Changed = !unarchived || in.attrsOff
	if j.c.CheckMode || !res.Changed {
		if in.uploaded != "" {
			if _, err := j.c.Run("rm -rf -- "+shell.Quote(path.Dir(in.uploaded)), nil); err != nil {
				return nil, err
			}
		}
		return res, nil
	}

	script, extractCmd := j.applyScript(in, unarchived)
	out, err := j.c.Run(script, nil)
	if err != nil {
		return nil, err
	}
	if !unarchived {
		res.Set("extract_results", map[string]any{
			"cmd": extractCmd, "rc": out.ExitCode, "out": string(out.Stdout), "err": string(out.Stderr),
		})
	}
	if out.ExitCode != 0 {
		return res, failf("failed to unpack %s to %s", j.src, j.dest)
	}
	return res, nil
}

// inspect runs the first command. A non-nil Result means the task ends
// there (creates exists).
func (j *unarchiveJob) inspect() (*inspection, *Result, error) {
	var b strings.Builder
	b.WriteString("LC_ALL=C; export LC_ALL\n")
	if j.creates != "" {
		fmt.Fprintf(&b, "if [ -e %s ]; then echo @creates; exit 0; fi\n", shell.Quote(j.creates))
	}
	fmt.Fprintf(&b, "[ -d %s ] || { echo @nodest; exit 0; }\n", shell.Quote(j.dest))
	b.WriteString(statLine(j.dest) + "\n")
	if j.upload != nil {
		// The archive is kept for the second command only when this one
		// gets to its end; a leftover of a killed run of the same task is
		// removed first.
		key := sha1Hex([]byte(j.dest + "\x00" + sha1Hex(j.upload)))[:16]
		b.WriteString(uploadScript(key, int64(len(j.upload)), sha1Hex(j.upload)))
		b.WriteString(`echo "@uploaded $src"` + "\n")
	} else {
		fmt.Fprintf(&b, "src=%s\n", shell.Quote(operandPath(j.src)))
		b.WriteString(`[ -e "$src" ] || { echo @nosrc; exit 0; }; [ -r "$src" ] || { echo @unreadable; exit 0; }` + "\n")
	}
	b.WriteString(`[ -s "$src" ] || { echo @empty; exit 0; }` + "\n")
	fmt.Fprintf(&b, "cd -- %s || exit 1\n", shell.Quote(j.dest))
	b.WriteString(`m=$(od -An -tx1 -N6 "$src" | tr -d ' \n')
case $m in
504b0304*) k=zip ;; 1f8b*) k=gz ;; 425a68*) k=bz2 ;; fd377a585a00) k=xz ;; *) k=tar ;;
esac
echo "@kind $k"
l=$(mktemp) || exit 1
`)
	b.WriteString(`if [ $k = zip ]; then unzip -Z1 "$src" > "$l" || { rm -f "$l"; echo @nolist; exit 0; }
else tar -t -f "$src"` + j.tarFilters() + ` > "$l" || { rm -f "$l"; echo @nolist; exit 0; }; fi
echo @list; cat "$l"; echo @endlist
`)
	b.WriteString(`if [ $k = zip ]; then ` + zipDiffScript + `
else tar -d -f "$src"` + j.tarFilters() + ` 2>&1; echo "@diffrc $?"; fi
`)
	b.WriteString(j.attrCheckScript(false))
	b.WriteString(`rm -f "$l"; up=` + "\n")

	out, err := j.c.Run(b.String(), j.upload)
	if err != nil {
		return nil, nil, err
	}
	if out.ExitCode != 0 {
		if err := verifyFailure("the archive "+j.src+" to the host", "nothing was extracted", string(out.Stdout)); err != nil {
			return nil, nil, err
		}
		return nil, nil, failf("failed to inspect %s on the host: %s", j.src, trimOutput(out.Stderr))
	}
	in := &inspection{}
	section := ""
	for _, line := range strings.Split(strings.TrimSuffix(string(out.Stdout), "\n"), "\n") {
		key, val, _ := strings.Cut(line, " ")
		switch {
		case section == "list" && line != "@endlist":
			f := strings.TrimPrefix(line, "/")
			if !j.excluded(f) {
				in.files = append(in.files, f)
			}
			continue
		case key == "@creates":
			return nil, &Result{Skipped: true, Msg: "skipped, since " + j.creates + " exists"}, nil
		case key == "@nodest":
			return nil, nil, failf("dest '%s' must be an existing dir", j.dest)
		case key == "@nosrc":
			return nil, nil, failf("Source '%s' does not exist", j.src)
		case key == "@unreadable":
			return nil, nil, failf("Source '%s' not readable", j.src)
		case key == "@empty":
			return nil, nil, failf("Invalid archive '%s', the file is 0 bytes", j.src)
		case key == "@nolist":
			return nil, nil, failf("Failed to find handler for \"%s\". Make sure the required command to extract the file is installed.", j.src)
		case key == "@uploaded":
			in.uploaded = val
		case key == "@kind":
			in.kind = val
		case key == "@list":
			section = "list"
		case key == "@endlist":
			section = ""
		case key == "@diffrc":
			fmt.Sscan(val, &in.diffRC)
		case key == "@attrs":
			in.attrsOff = true
		case key == "@stat":
			in.dest = remoteFile{Path: j.dest}
			if err := in.dest.readStatLine(line); err != nil {
				return nil, nil, failf("unexpected output inspecting %s: %v", j.dest, err)
			}
			in.dest.Exists = true
		default:
			in.diff = append(in.diff, line)
		}
	}
	return in, nil, nil
}

// zipDiffScript extracts a zip into a scratch directory and reports the
// files that are missing or different under dest, one per line.
const zipDiffScript = `z=$(mktemp -d) && unzip -qq -o "$src" -d "$z" >/dev/null 2>&1 && (cd "$z" && find . ! -type d) | while IFS= read -r f; do cmp -s "$z/$f" "$f" || echo "$f: Contents differ"; done; rm -rf "$z"`

// tarFilters are the --exclude options, extra options and include
// members common to listing, diffing and extracting.
func (j *unarchiveJob) tarFilters() string {
	var b strings.Builder
	for _, o := range j.extra {
		b.WriteString(" " + shell.Quote(o))
	}
	for _, e := range j.exclude {
		b.WriteString(" " + shell.Quote("--exclude="+strings.TrimSuffix(e, "/")))
	}
	if len(j.include) > 0 {
		// Members are names, never options.
		b.WriteString(" --")
	}
	for _, i := range j.include {
		b.WriteString(" " + shell.Quote(i))
	}
	return b.String()
}

// excluded reports whether a listed name matches an exclude pattern.
func (j *unarchiveJob) excluded(name string) bool {
	for _, e := range j.exclude {
		if ok, _ := path.Match(strings.TrimSuffix(e, "/"), name); ok {
			return true
		}
	}
	return false
}

// unarchived reads tar --diff's verdict as Ansible does: differences in
// what the task sets anyway (owner, group, mode) do not count.
func (j *unarchiveJob) unarchived(in *inspection) bool {
	root := os.Geteuid() == 0 || j.c.Become != nil
	for _, line := range in.diff {
		switch {
		case tarEmptyFile.MatchString(line):
		case root && j.uidWant == "" && tarOwnerDiff.MatchString(line),
			root && j.gidWant == "" && tarGroupDiff.MatchString(line),
			j.modeWant == "" && tarModeDiff.MatchString(line),
			tarTimeDiff.MatchString(line), tarMissing.MatchString(line),
			tarBadOwner.MatchString(line), tarBadGroup.MatchString(line),
			tarSizeDiff.MatchString(line):
			return false
		}
	}
	return true
}

// attrCheckScript lists the archive's paths (and their top folders) whose
// owner, group or mode differ from the task's, printing "@attrs" when there
// are any; with fix, it also corrects them. It runs in dest with the
// archive's listing in "$l".
func (j *unarchiveJob) attrCheckScript(fix bool) string {
	if j.uidWant == "" && j.gidWant == "" && j.modeWant == "" {
		return ""
	}
	s := `d=$(mktemp) && { cat "$l"; sed -n 's,^/*\([^/]*\)/.*,\1,p' "$l" | sort -u; } | tr '\n' '\0' |
xargs -0 stat -c '%u %g %a %f %n' -- 2>/dev/null |
awk -v u=` + shell.Quote(j.uidWant) + ` -v g=` + shell.Quote(j.gidWant) + ` -v m=` + shell.Quote(j.modeWant) + ` '{
	link = substr($4, 1, 1) == "a"
	if ((u != "" && $1 != u) || (g != "" && $2 != g) || (m != "" && !link && $3 != m)) {
		sub(/^[^ ]* [^ ]* [^ ]* [^ ]* /, ""); print
	}
}' > "$d"
if [ -s "$d" ]; then echo @attrs`
	if fix {
		if j.uidWant != "" {
			s += `; tr '\n' '\0' < "$d" | xargs -0 chown -h ` + j.uidWant + ` --`
		}
		if j.gidWant != "" {
			s += `; tr '\n' '\0' < "$d" | xargs -0 chgrp -h ` + j.gidWant + ` --`
		}
		if j.modeWant != "" {
			s += `; while IFS= read -r f; do [ -L "$f" ] || chmod ` + shell.Quote("0"+j.modeWant) + ` -- "$f" || exit 1; done < "$d"`
		}
	}
	return s + "; fi; rm -f \"$d\"\n"
}

// applyScript extracts the archive (unless it is already there) and fixes
// owner, group and mode; it also removes an uploaded archive. It returns
// the extraction command, reported as extract_results.cmd.
func (j *unarchiveJob) applyScript(in *inspection, unarchived bool) (string, string) {
	src := j.src
	if in.uploaded != "" {
		src = in.uploaded
	}
	// unzip and tar read a path that starts with "-" as an option, and
	// unzip has no "--".
	src, dest := operandPath(src), operandPath(j.dest)
	var extract string
	if in.kind == "zip" {
		extract = "unzip -o " + shell.Quote(src) + " -d " + shell.Quote(dest)
		for _, e := range j.exclude {
			extract += " -x " + shell.Quote(e)
		}
	} else {
		extract = "tar --extract -C " + shell.Quote(dest)
		if j.newer {
			extract += " --keep-newer-files"
		}
		extract += " -f " + shell.Quote(src) + j.tarFilters()
	}
	var b strings.Builder
	b.WriteString("LC_ALL=C; export LC_ALL\ncd -- " + shell.Quote(j.dest) + " || exit 1\nrc=0\n")
	if !unarchived {
		b.WriteString(extract + " || rc=$?\n")
	}
	if j.attrCheckScript(true) != "" {
		b.WriteString("l=$(mktemp) || exit 1\n")
		if in.kind == "zip" {
			b.WriteString("unzip -Z1 " + shell.Quote(src) + " > \"$l\"\n")
		} else {
			b.WriteString("tar -t -f " + shell.Quote(src) + j.tarFilters() + " > \"$l\"\n")
		}
		b.WriteString(j.attrCheckScript(true))
		b.WriteString("rm -f \"$l\"\n")
	}
	if in.uploaded != "" {
		b.WriteString("rm -rf -- " + shell.Quote(path.Dir(in.uploaded)) + "\n")
	}
	b.WriteString("exit $rc\n")
	return b.String(), extract
}
