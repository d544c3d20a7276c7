package modules

import (
	"fmt"
	"path"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("mount", mountModule{}, "ansible.posix.mount") }

// mountModule is ansible.posix.mount on Linux: the fstab is read in one
// command with the mount point's state, edited here line for line as
// the module edits it, and written back atomically; mount and umount do
// the mounting.
//
// Whether a path is mounted is decided as the module's ismount does (the
// path and its parent on different devices, or the same inode), and
// from /proc/self/mountinfo's mount points; a bind mount's source is
// taken as the mount's device field, without the module's walk up the
// parent mounts. state=ephemeral is not supported.
type mountModule struct{}

func (mountModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "boot", Type: argspec.Bool, Default: true},
			{Name: "dump", Default: "0"},
			{Name: "fstab"},
			{Name: "fstype"},
			{Name: "path", Type: argspec.Path, Required: true, Aliases: []string{"name"}},
			{Name: "opts"},
			{Name: "passno", Default: "0"},
			{Name: "src", Type: argspec.Path},
			{Name: "backup", Type: argspec.Bool, Default: false},
			{Name: "state", Required: true, Choices: []any{"absent", "absent_from_fstab", "mounted", "present", "unmounted", "remounted", "ephemeral"}},
		},
		RequiredIf: []argspec.RequiredIf{
			{Key: "state", Value: "mounted", Requires: []string{"src", "fstype"}},
			{Key: "state", Value: "present", Requires: []string{"src", "fstype"}},
			{Key: "state", Value: "ephemeral", Requires: []string{"src", "fstype"}},
		},
	}
}

// escapeFstab is the module's _escape_fstab.
func escapeFstab(v string) string {
	return strings.NewReplacer(`\`, `\134`, ` `, `\040`, `&`, `\046`).Replace(v)
}

// mountArgs are the module's args dict.
type mountArgs struct {
	name, src, fstype, opts, dump, passno, fstab, boot string
	hasSrc, hasFstype                                  bool
	backup                                             bool
}

func (a *mountArgs) escaped() map[string]string {
	return map[string]string{"src": escapeFstab(a.src), "name": escapeFstab(a.name), "fstype": escapeFstab(a.fstype),
		"opts": escapeFstab(a.opts), "dump": escapeFstab(a.dump), "passno": escapeFstab(a.passno)}
}

func fstabLine(ld map[string]string) string {
	return fmt.Sprintf("%s %s %s %s %s %s\n", ld["src"], ld["name"], ld["fstype"], ld["opts"], ld["dump"], ld["passno"])
}

// setMount is the module's _set_mount_save_old on Linux: the new fstab
// text and whether it changed.
func (a *mountArgs) setMount(content string) (string, bool) {
	esc := a.escaped()
	var out strings.Builder
	exists, changed := false, false
	for _, line := range pyReadLines(content) {
		if !strings.HasSuffix(line, "\n") {
			line += "\n"
		}
		s := pyStrip(line)
		if s == "" || strings.HasPrefix(s, "#") {
			out.WriteString(line)
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || len(fields) > 6 {
			out.WriteString(line)
			continue
		}
		ld := map[string]string{"dump": "0", "passno": "0"}
		for i, f := range fields {
			ld[[]string{"src", "name", "fstype", "opts", "dump", "passno"}[i]] = f
		}
		// A missing dump or passno is the int 0 in the module, which
		// never equals an argument's string: such a line is rewritten.
		given := map[string]bool{"dump": len(fields) >= 5, "passno": len(fields) >= 6}
		if ld["name"] != esc["name"] || (a.hasSrc && ld["name"] == "none" && ld["fstype"] == "swap" && ld["src"] != a.src) {
			out.WriteString(line)
			continue
		}
		exists = true
		// The module's changed flag carries over from line to line.
		for _, k := range []string{"src", "fstype", "opts", "dump", "passno"} {
			if ld[k] != esc[k] || (k == "dump" || k == "passno") && !given[k] {
				ld[k] = esc[k]
				changed = true
			}
		}
		if changed {
			out.WriteString(fstabLine(ld))
		} else {
			out.WriteString(line)
		}
	}
	if !exists {
		out.WriteString(fstabLine(esc))
		changed = true
	}
	return out.String(), changed
}

// unsetMount is the module's unset_mount on Linux.
func (a *mountArgs) unsetMount(content string) (string, bool) {
	name := escapeFstab(a.name)
	var out strings.Builder
	changed := false
	for _, line := range pyReadLines(content) {
		s := pyStrip(line)
		fields := strings.Fields(line)
		if s == "" || strings.HasPrefix(s, "#") || len(fields) != 6 {
			out.WriteString(line)
			continue
		}
		if fields[1] != name || (a.hasSrc && fields[1] == "none" && fields[2] == "swap" && fields[0] != a.src) {
			out.WriteString(line)
			continue
		}
		changed = true
	}
	return out.String(), changed
}

func (mountModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runMount(c, args))
}

// mountState is what the probe learned.
type mountState struct {
	fstab        *remoteFile
	probed       *probeResult
	isMount      bool   // ismount(name)
	mountinfo    bool   // /proc/self/mountinfo was read
	mountedSrc   string // the device of name's mount in mountinfo
	inMountinfo  bool
	exists       bool
	mountBin     string
	umountBin    string
	fstabMissing bool
}

func lookMount(c *Context, a *mountArgs) (*mountState, error) {
	n := shell.Quote(a.name)
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString(`p=` + n + "\n")
	b.WriteString(`for t in mount umount; do x=$(command -v "$t" 2>/dev/null) && rec "bin $t" "$x"; done` + "\n")
	b.WriteString(`[ -e "$p" ] && rec exists 1` + "\n")
	// ismount: not a link, and on another device than its parent or the
	// same inode (the root).
	b.WriteString(`if [ -e "$p" ] && [ ! -L "$p" ]; then s1=$(stat -c '%d %i' -- "$p" 2>/dev/null); s2=$(stat -L -c '%d %i' -- "$p/.." 2>/dev/null)
	if [ -n "$s1" ] && [ -n "$s2" ] && { [ "${s1% *}" != "${s2% *}" ] || [ "${s1#* }" = "${s2#* }" ]; }; then rec ismount 1; fi; fi` + "\n")
	b.WriteString(`if [ -r /proc/self/mountinfo ]; then rec mountinfo 1; awk -v d="$p" '$5 == d { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i+2); exit } }' /proc/self/mountinfo | recout mounted; fi` + "\n")
	b.WriteString("rec done 1\n")
	r, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	recs := parseRecords(string(r.Stdout))
	if _, ok := recs["done"]; !ok {
		return nil, failf("failed to inspect %s on the host: %s", a.name, trimOutput(r.Stderr))
	}
	st := &mountState{mountBin: recs["bin mount"], umountBin: recs["bin umount"]}
	_, st.exists = recs["exists"]
	_, st.isMount = recs["ismount"]
	_, st.mountinfo = recs["mountinfo"]
	if m, ok := recs["mounted"]; ok && m != "" {
		st.inMountinfo, st.mountedSrc = true, strings.TrimSuffix(m, "\n")
	}
	return st, nil
}

// mounted is ismount(name) or is_bind_mounted(name[, src]).
func (st *mountState) mounted(src *string) bool {
	if st.isMount {
		return true
	}
	if src == nil {
		return st.inMountinfo
	}
	return st.inMountinfo && st.mountedSrc == *src
}

func runMount(c *Context, args Args) (*Result, error) {
	state := args.String("state")
	if state == "ephemeral" {
		return nil, failf("state=ephemeral is not supported by gansible")
	}
	a := &mountArgs{name: args.String("path"), opts: "defaults", dump: "0", passno: "0", fstab: "/etc/fstab", boot: "yes"}
	a.backup, _ = args["backup"].(bool)
	for k, p := range map[string]*string{"src": &a.src, "fstype": &a.fstype, "passno": &a.passno, "opts": &a.opts, "dump": &a.dump, "fstab": &a.fstab} {
		if v, ok := args[k]; ok && v != nil {
			*p = Stringify(v)
		}
	}
	a.hasSrc, a.hasFstype = args["src"] != nil, args["fstype"] != nil
	var warnings []any
	opts := strings.Split(a.opts, ",")
	has := func(o string) bool {
		for _, x := range opts {
			if x == o {
				return true
			}
		}
		return false
	}
	if boot, _ := args["boot"].(bool); has("noauto") {
		warnings = append(warnings, "Ignore the 'boot' due to 'opts' contains 'noauto'.")
	} else if !boot {
		a.boot = "no"
		if has("defaults") {
			warnings = append(warnings, "Ignore the 'boot' due to 'opts' contains 'defaults'.")
		} else {
			a.opts = strings.Join(append(opts, "noauto"), ",")
		}
	}

	st, err := lookMount(c, a)
	if err != nil {
		return nil, err
	}
	if !st.mountinfo {
		warnings = append(warnings, "Cannot open file /proc/self/mountinfo. Bind mounts might be misinterpreted.")
	}
	p, err := probe(c, nil, nil, probeRequest{Path: a.fstab, Follow: true, Content: true})
	if err != nil {
		return nil, err
	}
	st.probed, st.fstab = p, &p.Files[0]
	content := string(st.fstab.Content)
	if !st.fstab.Exists && !c.CheckMode {
		// The module creates a missing fstab, and its directory.
		if _, err := runChecked(c, "Failed to open "+a.fstab,
			"mkdir -p -- "+shell.Quote(path.Dir(a.fstab))+" && : >> "+shell.Quote(a.fstab), nil); err != nil {
			return nil, err
		}
		if p, err = probe(c, nil, nil, probeRequest{Path: a.fstab, Follow: true, Content: true}); err != nil {
			return nil, err
		}
		st.probed, st.fstab = p, &p.Files[0]
	}

	res := &Result{}
	backupFile := ""
	write := func(text string) error {
		if c.CheckMode {
			return nil
		}
		dest := a.fstab
		if st.fstab.RealPath != "" {
			dest = st.fstab.RealPath
		}
		b, err := writeFile(c, writeRequest{Dest: dest, Content: []byte(text), Existing: st.fstab, Probe: st.probed, Backup: a.backup})
		if b != "" {
			backupFile = b
		}
		return err
	}
	run := func(words ...string) (int, string, error) {
		r, err := c.Run(shell.Join(words...), nil)
		if err != nil {
			return 0, "", err
		}
		return r.ExitCode, string(r.Stdout) + string(r.Stderr), nil
	}
	bin := func(b, name string) (string, error) {
		if b == "" {
			return "", failf("Failed to find required executable \"%s\" in paths: /sbin:/usr/sbin:/bin:/usr/bin", name)
		}
		return b, nil
	}
	fstabArgs := func() []string {
		if a.fstab != "/etc/fstab" {
			return []string{"-T", a.fstab}
		}
		return nil
	}
	umount := func() (int, string, error) {
		u, err := bin(st.umountBin, "umount")
		if err != nil {
			return 0, "", err
		}
		return run(u, "--", a.name)
	}
	mount := func() (int, string, error) {
		m, err := bin(st.mountBin, "mount")
		if err != nil {
			return 0, "", err
		}
		return run(append(append([]string{m}, fstabArgs()...), "--", a.name)...)
	}
	remount := func() (int, string, error) {
		m, err := bin(st.mountBin, "mount")
		if err != nil {
			return 0, "", err
		}
		o := "remount"
		if state == "remounted" && a.opts != "defaults" {
			o = "remount," + a.opts
		}
		rc, msg, err := run(append(append([]string{m, "-o", o}, fstabArgs()...), "--", a.name)...)
		if err != nil || rc == 0 {
			return rc, "", err
		}
		if state == "remounted" && a.opts != "defaults" {
			return 0, "", failf("Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a \"state: unmounted\" followed by a \"state: mounted\" using the full desired mount options instead.")
		}
		if rc, msg, err = umount(); err != nil || rc != 0 {
			return rc, msg, err
		}
		return mount()
	}

	changed := false
	switch state {
	case "absent_from_fstab", "absent":
		var text string
		text, changed = a.unsetMount(content)
		if changed {
			if err := write(text); err != nil {
				return nil, err
			}
		}
		if state == "absent" && changed && !c.CheckMode {
			if st.mounted(nil) {
				rc, msg, err := umount()
				if err != nil {
					return nil, err
				}
				if rc != 0 {
					return nil, failf("Error unmounting %s: %s", a.name, msg)
				}
			}
			if st.exists {
				r, err := c.Run("LC_ALL=C rmdir -- "+shell.Quote(a.name), nil)
				if err != nil {
					return nil, err
				}
				if r.ExitCode != 0 {
					return nil, failf("Error rmdir %s: %s", a.name, rmdirReason(string(r.Stderr), a.name))
				}
			}
		}
	case "unmounted":
		if st.mounted(nil) {
			if !c.CheckMode {
				rc, msg, err := umount()
				if err != nil {
					return nil, err
				}
				if rc != 0 {
					return nil, failf("Error unmounting %s: %s", a.name, msg)
				}
			}
			changed = true
		}
	case "mounted":
		// The directories made, so that a failed mount removes them again
		// as the module does.
		var made []string
		if !st.exists && !c.CheckMode {
			out, err := runChecked(c, "Error making dir "+a.name, mkdirsScript(a.name), nil)
			if err != nil {
				return nil, err
			}
			for _, l := range strings.Split(string(out), "\n") {
				if l != "" {
					made = append(made, l)
				}
			}
		}
		var text string
		text, changed = a.setMount(content)
		if changed {
			if err := write(text); err != nil {
				return nil, err
			}
		}
		var rc int
		var msg string
		if st.mounted(&a.src) {
			if changed && !c.CheckMode {
				if rc, msg, err = remount(); err != nil {
					return nil, err
				}
			}
		} else {
			changed = true
			if !c.CheckMode {
				if rc, msg, err = mount(); err != nil {
					return nil, err
				}
			}
		}
		if rc != 0 {
			// The module puts the old fstab back.
			if text != content && !c.CheckMode {
				_ = write(content)
			}
			for i := len(made) - 1; i >= 0; i-- {
				_, _ = c.Run("rmdir -- "+shell.Quote(made[i]), nil)
			}
			return nil, failf("Error mounting %s: %s", a.name, msg)
		}
	case "present":
		var text string
		text, changed = a.setMount(content)
		if changed {
			if err := write(text); err != nil {
				return nil, err
			}
		}
	case "remounted":
		if !c.CheckMode {
			rc, msg, err := remount()
			if err != nil {
				return nil, err
			}
			if rc != 0 {
				return nil, failf("Error remounting %s: %s", a.name, msg)
			}
		}
		changed = true
	}
	res.Changed = changed
	res.Set("name", a.name)
	res.Set("opts", a.opts)
	res.Set("dump", a.dump)
	res.Set("passno", a.passno)
	res.Set("fstab", a.fstab)
	res.Set("boot", a.boot)
	res.Set("backup_file", backupFile)
	if a.hasSrc {
		res.Set("src", a.src)
	}
	if a.hasFstype {
		res.Set("fstype", a.fstype)
	}
	if len(warnings) > 0 {
		res.Set("warnings", warnings)
	}
	return res, nil
}

// mkdirsScript makes p and its missing parents one by one and prints
// each one it made, one a line.
func mkdirsScript(p string) string {
	var b strings.Builder
	cur := ""
	for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
		if cur == "" && !strings.HasPrefix(p, "/") {
			cur = part
		} else {
			cur += "/" + part
		}
		q := shell.Quote(cur)
		b.WriteString("[ -e " + q + " ] || { mkdir -- " + q + " && printf '%s\\n' " + q + "; } || exit 1\n")
	}
	return b.String()
}

// rmdirReason turns rmdir's complaint into Python's OSError text.
func rmdirReason(stderr, name string) string {
	s := strings.TrimSpace(stderr)
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	errno := map[string]string{"Directory not empty": "39", "Not a directory": "20", "Permission denied": "13", "Device or resource busy": "16"}
	if n, ok := errno[s]; ok {
		return fmt.Sprintf("[Errno %s] %s: '%s'", n, s, name)
	}
	return s
}
