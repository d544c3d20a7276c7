package modules

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("git", gitModule{}) }

// gitModule is ansible.builtin.git: the host's git does the work, run
// with the same commands, in the same order, as the module runs them, so
// that the result (before, after, remote_url_changed), the errors and
// --diff's text (git diff between before and after) are the module's.
// Each git command is one round trip.
type gitModule struct{}

func (gitModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "dest", Type: argspec.Path},
			{Name: "repo", Required: true, Aliases: []string{"name"}},
			{Name: "version", Default: "HEAD"},
			{Name: "remote", Default: "origin"},
			{Name: "refspec"},
			{Name: "reference"},
			{Name: "force", Type: argspec.Bool, Default: false},
			{Name: "depth", Type: argspec.Int},
			{Name: "clone", Type: argspec.Bool, Default: true},
			{Name: "update", Type: argspec.Bool, Default: true},
			{Name: "verify_commit", Type: argspec.Bool, Default: false, Unsupported: "GPG signatures are not verified"},
			{Name: "gpg_whitelist", Type: argspec.List, Elements: argspec.Str, Default: []any{}, Unsupported: "GPG signatures are not verified"},
			{Name: "accept_hostkey", Type: argspec.Bool, Default: false},
			{Name: "accept_newhostkey", Type: argspec.Bool, Default: false},
			{Name: "key_file", Type: argspec.Path},
			{Name: "ssh_opts"},
			{Name: "executable", Type: argspec.Path},
			{Name: "bare", Type: argspec.Bool, Default: false},
			{Name: "recursive", Type: argspec.Bool, Default: true},
			{Name: "single_branch", Type: argspec.Bool, Default: false},
			{Name: "track_submodules", Type: argspec.Bool, Default: false, Unsupported: "submodules are updated to the commit the superproject records"},
			{Name: "umask", Type: argspec.Raw},
			{Name: "archive", Type: argspec.Path, Unsupported: "git archive is not run"},
			{Name: "archive_prefix"},
			{Name: "separate_git_dir", Type: argspec.Path, Unsupported: "the repository is kept in the destination"},
		},
		MutuallyExclusive: [][]string{{"separate_git_dir", "bare"}, {"accept_hostkey", "accept_newhostkey"}},
		RequiredBy:        map[string][]string{"archive_prefix": {"archive"}},
	}
}

func (gitModule) Run(c *Context, args Args) (*Result, error) {
	g := &gitTask{c: c, res: &Result{}}
	err := g.run(args)
	if err != nil {
		// The module's fail_json calls pass only their own fields (and
		// the warnings so far), not the result being built.
		g.res = &Result{}
	}
	if len(g.warnings) > 0 {
		g.res.Set("warnings", strList(g.warnings))
	}
	return finish(g.res, err)
}

// gitTask is one run of the module on one host.
type gitTask struct {
	c        *Context
	res      *Result
	warnings []string

	git    string // the git command, a full path as get_bin_path finds it
	prefix string // the environment and umask every git command runs with
	repo   string // the repository URL, a path turned into file://
	params Args
}

// gitOut is one git command's outcome.
type gitOut struct {
	rc       int
	out, err string
	cmd      string // as the module's run_command reports it
}

// exec runs git with argv in dir (where a missing dir leaves the
// command in the login dir, as run_command ignores an invalid cwd).
func (g *gitTask) exec(dir string, argv ...string) (gitOut, error) {
	var b strings.Builder
	b.WriteString(g.prefix)
	if dir != "" {
		b.WriteString("cd " + shell.Quote(dir) + " 2>/dev/null; ")
	}
	words := append([]string{g.git}, argv...)
	b.WriteString(shell.Join(words...))
	r, err := g.c.Run(b.String(), nil)
	if err != nil {
		return gitOut{}, err
	}
	return gitOut{rc: r.ExitCode, out: string(r.Stdout), err: string(r.Stderr), cmd: shell.Join(words...)}, nil
}

// checked is exec with run_command's check_rc: a failure fails the task
// with git's stderr.
func (g *gitTask) checked(dir string, argv ...string) (gitOut, error) {
	o, err := g.exec(dir, argv...)
	if err != nil {
		return o, err
	}
	if o.rc != 0 {
		return o, g.failOut(o, strings.TrimRight(o.err, " \t\r\n"))
	}
	return o, nil
}

// failOut fails the task with a command's rc, stdout and stderr.
func (g *gitTask) failOut(o gitOut, msg string) error {
	return failWith(map[string]any{"cmd": o.cmd, "rc": o.rc, "stdout": o.out, "stderr": o.err}, "%s", msg)
}

// failRC fails with rc, stdout and stderr but no cmd, as the module's
// own fail_json calls after a command.
func (g *gitTask) failRC(o gitOut, msg string) error {
	return failWith(map[string]any{"rc": o.rc, "stdout": o.out, "stderr": o.err}, "%s", msg)
}

func (g *gitTask) run(args Args) error {
	c := g.c
	g.params = args
	dest := args.String("dest")
	g.repo = args.String("repo")
	version := args.String("version")
	remote := args.String("remote")
	refspec := args.String("refspec")
	force, _ := args["force"].(bool)
	depth, hasDepth := 0, args.Has("depth")
	if hasDepth {
		depth, _ = args.Int("depth", 0)
	}
	update, _ := args["update"].(bool)
	allowClone, _ := args["clone"].(bool)
	bare, _ := args["bare"].(bool)
	recursive, _ := args["recursive"].(bool)

	sshOpts, hasSSHOpts := args.String("ssh_opts"), args.Has("ssh_opts")
	if b, _ := args["accept_hostkey"].(bool); b {
		if hasSSHOpts {
			if !strings.Contains(sshOpts, "-o StrictHostKeyChecking=no") && !strings.Contains(sshOpts, "-o StrictHostKeyChecking=accept-new") {
				sshOpts += " -o StrictHostKeyChecking=no"
			}
		} else {
			sshOpts, hasSSHOpts = "-o StrictHostKeyChecking=no", true
		}
	}

	// The module's first look: git, its version, the login dir (for a
	// relative dest) and whether ssh takes accept-new.
	probe := recordFuncs
	if x := args.String("executable"); x != "" {
		probe += "g=" + shell.Quote(x) + "\n"
	} else {
		// get_bin_path: PATH, then the sbin dirs it lacks.
		probe += `p=$PATH; for d in /sbin /usr/sbin /usr/local/sbin; do case :$p: in *:$d:*) ;; *) p=$p:$d ;; esac; done
g=$(IFS=:; for d in $p; do [ -n "$d" ] && [ -f "$d/git" ] && [ -x "$d/git" ] && { printf '%s\n' "$d/git"; break; }; done)
[ -n "$g" ] || { rec nogit "$p"; exit 0; }
`
	}
	probe += `rec git "$g"; rec version "$(LC_ALL=C "$g" --version 2>/dev/null)"` + "\n"
	probe += `rec pwd "$(pwd)"` + "\n"
	if b, _ := args["accept_newhostkey"].(bool); b {
		probe += `if command -v ssh >/dev/null 2>&1; then ssh -o StrictHostKeyChecking=accept-new -V >/dev/null 2>&1; rec acceptnew $?; else rec nossh; fi` + "\n"
	}
	r, err := c.Run(probe, nil)
	if err != nil {
		return err
	}
	recs := parseRecords(string(r.Stdout))
	if p, ok := recs["nogit"]; ok {
		return failf("Failed to find required executable \"git\" in paths: %s", p)
	}
	g.git = recs["git"]
	gitVersion := ""
	if m := regexp.MustCompile(`git version (.*)$`).FindStringSubmatch(recs["version"]); m != nil {
		gitVersion = m[1]
	}

	if b, _ := args["accept_newhostkey"].(bool); b {
		if _, ok := recs["nossh"]; ok {
			return failf("Remote host is missing ssh command, so you cannot use acceptnewhostkey option.")
		}
		if recs["acceptnew"] != "0" {
			g.warnings = append(g.warnings, "Your ssh client does not support accept_newhostkey option, therefore it cannot be used.")
		} else if hasSSHOpts {
			if !strings.Contains(sshOpts, "-o StrictHostKeyChecking=no") && !strings.Contains(sshOpts, "-o StrictHostKeyChecking=accept-new") {
				sshOpts += " -o StrictHostKeyChecking=accept-new"
			}
		} else {
			sshOpts, hasSSHOpts = "-o StrictHostKeyChecking=accept-new", true
		}
	}

	var env strings.Builder
	if args.Has("umask") {
		s, ok := args["umask"].(string)
		if !ok {
			return failf("umask must be defined as a quoted octal integer")
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 8, 32)
		if err != nil {
			return failWith(map[string]any{"details": "invalid literal for int() with base 8: '" + s + "'"}, "umask must be an octal integer")
		}
		env.WriteString("umask " + strconv.FormatInt(n, 8) + "; ")
	}
	env.WriteString("LANG=C; LC_ALL=C; LC_MESSAGES=C; LC_CTYPE=C; export LANG LC_ALL LC_MESSAGES LC_CTYPE; ")
	env.WriteString(`GIT_SSH_COMMAND="${GIT_SSH:-${GIT_SSH_COMMAND:-ssh}}"` + shell.Quote(" "+gitSSHOpts(sshOpts, args)) + "; export GIT_SSH_COMMAND; ")
	g.prefix = env.String()

	if strings.HasPrefix(g.repo, "/") {
		g.repo = "file://" + g.repo
	}

	if dest == "" && allowClone {
		return failf("the destination directory must be specified unless clone=no")
	}
	gitconfigExists := false
	if dest != "" {
		if !path.IsAbs(dest) {
			dest = path.Join(recs["pwd"], dest)
		}
		dest = path.Clean(dest)
		repoPath, err := g.repoPath(dest, bare)
		if err != nil {
			return err
		}
		ok, err := g.exists(path.Join(repoPath, "config"))
		if err != nil {
			return err
		}
		gitconfigExists = ok
	}
	if hasDepth && gitVersion != "" && versionLess(gitVersion, "1.9.1") {
		g.warnings = append(g.warnings, "git version is too old to fully support the depth argument. Falling back to full checkouts.")
		hasDepth, depth = false, 0
	}
	if !hasDepth {
		depth = 0
	}
	g.res.Set("before", nil)

	localMods, remoteURLChanged := false, false
	var remoteHead string
	switch {
	case (dest != "" && !gitconfigExists) || (dest == "" && !allowClone):
		if c.CheckMode || !allowClone {
			head, err := g.remoteHead(dest, version, g.repo, bare)
			if err != nil {
				return err
			}
			g.res.Changed = true
			g.res.Set("after", head)
			if c.DiffMode {
				return g.diff(dest, remote, depth, bare, nil, head)
			}
			return nil
		}
		if err := g.clone(dest, remote, depth, version, bare, refspec); err != nil {
			return err
		}
	case !update:
		before, err := g.version(dest, "HEAD")
		if err != nil {
			return err
		}
		g.res.Set("before", before)
		g.res.Set("after", before)
		return nil
	default:
		localMods, err = g.hasLocalMods(dest, bare)
		if err != nil {
			return err
		}
		before, err := g.version(dest, "HEAD")
		if err != nil {
			return err
		}
		g.res.Set("before", before)
		if localMods {
			if !force {
				return failWith(map[string]any{"before": before}, "Local modifications exist in the destination: %s (force=no).", dest)
			}
			if !c.CheckMode {
				if _, err := g.checked(dest, "reset", "--hard", "HEAD"); err != nil {
					return err
				}
				g.res.Changed = true
				g.res.Msg = "Local modifications exist in the destination: " + dest
			}
		}
		if c.CheckMode {
			url, ok, err := g.remoteURL(dest, remote)
			if err != nil {
				return err
			}
			remoteURLChanged = ok && url != "" && url != g.repo && unfrackGitPath(url) != unfrackGitPath(g.repo)
		} else if remoteURLChanged, err = g.setRemoteURL(dest, remote); err != nil {
			return err
		}
		g.res.Set("remote_url_changed", remoteURLChanged)
		if c.CheckMode {
			remoteHead, err = g.remoteHead(dest, version, remote, bare)
			if err != nil {
				return err
			}
			g.res.Changed = before != remoteHead || remoteURLChanged
			g.res.Set("after", remoteHead)
			if c.DiffMode {
				b := before
				if err := g.diff(dest, remote, depth, bare, &b, remoteHead); err != nil {
					return err
				}
			}
			return nil
		}
		if err := g.fetch(dest, version, remote, depth, bare, refspec, force); err != nil {
			return err
		}
		after, err := g.version(dest, "HEAD")
		if err != nil {
			return err
		}
		g.res.Set("after", after)
	}

	if !bare {
		if err := g.switchVersion(dest, remote, version, depth); err != nil {
			return err
		}
	}
	submodulesUpdated := false
	if recursive && !bare {
		submodulesUpdated, err = g.submodulesFetch(dest)
		if err != nil {
			return err
		}
		if submodulesUpdated {
			g.res.Set("submodules_changed", true)
			if c.CheckMode {
				g.res.Changed = true
				g.res.Set("after", remoteHead)
				return nil
			}
			if err := g.submoduleUpdate(dest, force); err != nil {
				return err
			}
		}
	}
	after, err := g.version(dest, "HEAD")
	if err != nil {
		return err
	}
	g.res.Set("after", after)
	before, _ := g.res.Fields["before"].(string)
	if g.res.Fields["before"] == nil || before != after || localMods || submodulesUpdated || remoteURLChanged {
		g.res.Changed = true
		if c.DiffMode {
			var bp *string
			if g.res.Fields["before"] != nil {
				bp = &before
			}
			if err := g.diff(dest, remote, depth, bare, bp, after); err != nil {
				return err
			}
		}
	}
	return nil
}

// gitSSHOpts is set_git_ssh_env's option string for git >= 2.3.
func gitSSHOpts(opts string, args Args) string {
	if b, _ := args["accept_hostkey"].(bool); b && !strings.Contains(opts, "StrictHostKeyChecking=no") {
		opts += " -o StrictHostKeyChecking=no"
	}
	if !strings.Contains(opts, "BatchMode=yes") {
		opts += " -o BatchMode=yes"
	}
	if k := args.String("key_file"); k != "" {
		if !strings.Contains(opts, "-i "+k) {
			opts += "  -i " + k
		}
		if !strings.Contains(opts, "IdentitiesOnly=yes") {
			opts += " -o IdentitiesOnly=yes"
		}
	}
	// os.environ's GIT_SSH_OPTS comes first, joined with a space.
	return strings.TrimPrefix(" "+opts, " ")
}

// exists tests a path on the host.
func (g *gitTask) exists(p string) (bool, error) {
	r, err := g.c.Run("test -e "+shell.Quote(p), nil)
	if err != nil {
		return false, err
	}
	return r.ExitCode == 0, nil
}

// readFirstLine is the first line of a host file; ok is false when the
// file does not exist.
func (g *gitTask) readFirstLine(p string) (string, bool, error) {
	r, err := g.c.Run("test -f "+shell.Quote(p)+" || exit 3; IFS= read -r l < "+shell.Quote(p)+"; printf '%s\\n' \"$l\"", nil)
	if err != nil {
		return "", false, err
	}
	if r.ExitCode == 3 {
		return "", false, nil
	}
	return strings.TrimSuffix(string(r.Stdout), "\n"), true, nil
}

// repoPath is get_repo_path: dest/.git, dest for a bare repository, or
// the dir a .git file names.
func (g *gitTask) repoPath(dest string, bare bool) (string, error) {
	if bare {
		return dest, nil
	}
	p := path.Join(dest, ".git")
	r, err := g.c.Run("test -f "+shell.Quote(p)+" || exit 3; cat -- "+shell.Quote(p), nil)
	if err != nil {
		return "", err
	}
	if r.ExitCode == 3 {
		return p, nil
	}
	invalid := func(details string) error {
		return failWith(map[string]any{"details": details}, "Current repo does not have a valid reference to a separate Git dir or it refers to the invalid path")
	}
	prefix, gitdir, ok := strings.Cut(strings.TrimRight(string(r.Stdout), " \t\r\n"), "gitdir: ")
	if !ok {
		return "", invalid("not enough values to unpack (expected 2, got 1)")
	}
	if prefix != "" {
		return "", invalid(".git file has invalid git dir reference format")
	}
	if !path.IsAbs(gitdir) {
		gitdir = path.Join(dest, gitdir)
	}
	r, err = g.c.Run("test -d "+shell.Quote(gitdir), nil)
	if err != nil {
		return "", err
	}
	if r.ExitCode != 0 {
		return "", invalid(gitdir + " is not a directory")
	}
	return gitdir, nil
}

// version is get_version: rev-parse, whatever it prints.
func (g *gitTask) version(dest, ref string) (string, error) {
	o, err := g.exec(dest, "rev-parse", ref)
	return strings.TrimRight(o.out, "\n"), err
}

func (g *gitTask) isRemoteBranch(dest, remote, version string) (bool, error) {
	o, err := g.checked(dest, "ls-remote", remote, "-h", "refs/heads/"+version)
	return err == nil && strings.Contains(o.out, version), err
}

func (g *gitTask) isRemoteTag(dest, remote, version string) (bool, error) {
	o, err := g.checked(dest, "ls-remote", remote, "-t", "refs/tags/"+version)
	return err == nil && strings.Contains(o.out, version), err
}

func (g *gitTask) branches(dest string) ([]string, error) {
	o, err := g.exec(dest, "branch", "--no-color", "-a")
	if err != nil {
		return nil, err
	}
	if o.rc != 0 {
		return nil, failWith(map[string]any{"stdout": o.out, "stderr": o.err}, "Could not determine branch data - received %s", o.out)
	}
	var out []string
	for _, l := range strings.Split(o.out, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out, nil
}

func (g *gitTask) isLocalBranch(dest, branch string) (bool, error) {
	bs, err := g.branches(dest)
	for _, b := range bs {
		if b == branch || b == "* "+branch {
			return true, err
		}
	}
	return false, err
}

func (g *gitTask) isNotABranch(dest string) (bool, error) {
	bs, err := g.branches(dest)
	for _, b := range bs {
		if strings.HasPrefix(b, "* ") && (strings.Contains(b, "no branch") || strings.Contains(b, "detached from") || strings.Contains(b, "detached at")) {
			return true, err
		}
	}
	return false, err
}

// headBranch is get_head_branch: the branch HEAD names, or, detached,
// the one the remote's HEAD names. ok is false where the module's
// head_splitter returns None.
func (g *gitTask) headBranch(dest, remote string, bare bool) (string, bool, error) {
	repoPath, err := g.repoPath(dest, bare)
	if err != nil {
		return "", false, err
	}
	headfile := path.Join(repoPath, "HEAD")
	detached, err := g.isNotABranch(dest)
	if err != nil {
		return "", false, err
	}
	if detached {
		headfile = path.Join(repoPath, "refs", "remotes", remote, "HEAD")
	}
	line, ok, err := g.readFirstLine(headfile)
	if err != nil || !ok || line == "" {
		return "", false, err
	}
	line = strings.Replace(line, "refs/remotes/"+remote, "", 1)
	parts := strings.Split(line, " ")
	ref := strings.SplitN(parts[len(parts)-1], "/", 3)
	return strings.TrimRight(ref[len(ref)-1], "\n"), true, nil
}

// remoteHead is get_remote_head: the commit version names on remote.
func (g *gitTask) remoteHead(dest, version, remote string, bare bool) (string, error) {
	cloning := remote == g.params.String("repo") || remote == "file://"+g.params.String("repo")
	cwd := dest
	if cloning {
		cwd = ""
	}
	var argv []string
	tag := false
	if version == "HEAD" {
		if cloning {
			argv = []string{"ls-remote", remote, "-h", "HEAD"}
		} else {
			b, _, err := g.headBranch(dest, remote, bare)
			if err != nil {
				return "", err
			}
			argv = []string{"ls-remote", remote, "-h", "refs/heads/" + b}
		}
	} else if ok, err := g.isRemoteBranch(dest, remote, version); err != nil {
		return "", err
	} else if ok {
		argv = []string{"ls-remote", remote, "-h", "refs/heads/" + version}
	} else if ok, err := g.isRemoteTag(dest, remote, version); err != nil {
		return "", err
	} else if ok {
		tag = true
		argv = []string{"ls-remote", remote, "-t", "refs/tags/" + version + "*"}
	} else {
		// A sha1, which cannot be checked on the remote.
		return version, nil
	}
	o, err := g.checked(cwd, argv...)
	if err != nil {
		return "", err
	}
	out := o.out
	if out == "" {
		return "", g.failRC(o, "Could not determine remote revision for "+version)
	}
	if tag {
		for _, t := range strings.Split(out, "\n") {
			if strings.HasSuffix(t, version+"^{}") {
				out = t
				break
			} else if strings.HasSuffix(t, version) {
				out = t
			}
		}
	}
	return strings.Fields(out)[0], nil
}

func (g *gitTask) clone(dest, remote string, depth int, version string, bare bool, refspec string) error {
	dir := path.Dir(dest)
	if _, err := g.c.Run("mkdir -p -- "+shell.Quote(dir)+" 2>/dev/null", nil); err != nil {
		return err
	}
	argv := []string{"clone"}
	if bare {
		argv = append(argv, "--bare")
	} else {
		argv = append(argv, "--origin", remote)
	}
	isBranchOrTag, err := g.isRemoteBranch(dest, g.repo, version)
	if err == nil && !isBranchOrTag {
		isBranchOrTag, err = g.isRemoteTag(dest, g.repo, version)
	}
	if err != nil {
		return err
	}
	if depth != 0 {
		switch {
		case version == "HEAD" || refspec != "":
			argv = append(argv, "--depth", strconv.Itoa(depth))
		case isBranchOrTag:
			argv = append(argv, "--depth", strconv.Itoa(depth), "--branch", version)
		default:
			g.warnings = append(g.warnings, "Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec.")
		}
	}
	if ref := g.params.String("reference"); ref != "" {
		argv = append(argv, "--reference", ref)
	}
	if b, _ := g.params["single_branch"].(bool); b {
		argv = append(argv, "--single-branch")
		if isBranchOrTag {
			argv = append(argv, "--branch", version)
		}
	}
	argv = append(argv, g.repo, dest)
	if _, err := g.checked(dir, argv...); err != nil {
		return err
	}
	if bare && remote != "origin" {
		if _, err := g.checked(dest, "remote", "add", remote, g.repo); err != nil {
			return err
		}
	}
	if refspec != "" {
		argv := []string{"fetch"}
		if depth != 0 {
			argv = append(argv, "--depth", strconv.Itoa(depth))
		}
		if _, err := g.checked(dest, append(argv, remote, refspec)...); err != nil {
			return err
		}
	}
	return nil
}

func (g *gitTask) hasLocalMods(dest string, bare bool) (bool, error) {
	if bare {
		return false, nil
	}
	o, err := g.exec(dest, "status", "--porcelain")
	if err != nil {
		return false, err
	}
	for _, l := range splitLines(o.out) {
		if !strings.HasPrefix(l, "??") {
			return true, nil
		}
	}
	return false, nil
}

// remoteURL is get_remote_url; ok is false when git could not tell.
func (g *gitTask) remoteURL(dest, remote string) (string, bool, error) {
	o, err := g.exec(dest, "ls-remote", "--get-url", remote)
	if err != nil || o.rc != 0 {
		return "", false, err
	}
	return strings.TrimRight(o.out, "\n"), true, nil
}

// unfrackGitPath is the module's unfrackgitpath on a URL: for anything
// but a plain path, normpath alone changes it (realpath of a relative
// name joins the login dir, which both sides share).
func unfrackGitPath(p string) string { return path.Clean(p) }

func (g *gitTask) setRemoteURL(dest, remote string) (bool, error) {
	url, ok, err := g.remoteURL(dest, remote)
	if err != nil {
		return false, err
	}
	if ok && (url == g.repo || unfrackGitPath(url) == unfrackGitPath(g.repo)) {
		return false, nil
	}
	o, err := g.exec(dest, "remote", "set-url", remote, g.repo)
	if err != nil {
		return false, err
	}
	if o.rc != 0 {
		return false, failf("Failed to set a new url %s for %s: %s %s", g.repo, remote, o.out, o.err)
	}
	return ok, nil
}

func (g *gitTask) fetch(dest, version, remote string, depth int, bare bool, refspec string, force bool) error {
	if _, err := g.setRemoteURL(dest, remote); err != nil {
		return err
	}
	argv := []string{"fetch"}
	var refspecs []string
	if depth != 0 {
		current, _, err := g.headBranch(dest, remote, false)
		if err != nil {
			return err
		}
		if refspec != "" {
			refspecs = append(refspecs, refspec)
		} else if version == "HEAD" {
			refspecs = append(refspecs, current)
		} else if ok, err := g.isRemoteBranch(dest, g.repo, version); err != nil {
			return err
		} else if ok {
			if current != version {
				refspecs = append(refspecs, "+refs/heads/"+version+":refs/heads/"+version)
			}
			refspecs = append(refspecs, "+refs/heads/"+version+":refs/remotes/"+remote+"/"+version)
		} else if ok, err := g.isRemoteTag(dest, g.repo, version); err != nil {
			return err
		} else if ok {
			refspecs = append(refspecs, "+refs/tags/"+version+":refs/tags/"+version)
		}
		if len(refspecs) > 0 {
			argv = append(argv, "--depth", strconv.Itoa(depth))
		}
	}
	if depth == 0 || len(refspecs) == 0 {
		if bare {
			refspecs = []string{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}
		} else {
			argv = append(argv, "--tags")
		}
		if refspec != "" {
			refspecs = append(refspecs, refspec)
		}
	}
	if force {
		argv = append(argv, "--force")
	}
	argv = append(append(argv, remote), refspecs...)
	o, err := g.exec(dest, argv...)
	if err != nil {
		return err
	}
	if o.rc != 0 {
		return failWith(map[string]any{"cmd": append([]string{g.git}, argv...)}, "Failed to download remote objects and refs: %s %s", o.out, o.err)
	}
	return nil
}

func (g *gitTask) switchVersion(dest, remote, version string, depth int) error {
	var argv []string
	var branch string
	if version == "HEAD" {
		b, _, err := g.headBranch(dest, remote, false)
		if err != nil {
			return err
		}
		branch = b
		o, err := g.exec(dest, "checkout", "--force", branch)
		if err != nil {
			return err
		}
		if o.rc != 0 {
			return g.failRC(o, "Failed to checkout branch "+branch)
		}
		argv = []string{"reset", "--hard", remote + "/" + branch, "--"}
	} else if ok, err := g.isRemoteBranch(dest, remote, version); err != nil {
		return err
	} else if ok {
		local, err := g.isLocalBranch(dest, version)
		if err != nil {
			return err
		}
		if depth != 0 && !local {
			o, err := g.exec(dest, "fetch", "--depth="+strconv.Itoa(depth), remote,
				"+refs/heads/"+version+":refs/heads/"+version, "+refs/heads/"+version+":refs/remotes/"+remote+"/"+version)
			if err != nil {
				return err
			}
			if o.rc != 0 {
				return g.failRC(o, "Failed to fetch branch from remote: "+version)
			}
			if local, err = g.isLocalBranch(dest, version); err != nil {
				return err
			}
		}
		if !local {
			argv = []string{"checkout", "--track", "-b", version, remote + "/" + version}
		} else {
			o, err := g.exec(dest, "checkout", "--force", version)
			if err != nil {
				return err
			}
			if o.rc != 0 {
				return g.failRC(o, "Failed to checkout branch "+version)
			}
			argv = []string{"reset", "--hard", remote + "/" + version}
		}
	} else {
		argv = []string{"checkout", "--force", version}
	}
	o, err := g.exec(dest, argv...)
	if err != nil {
		return err
	}
	if o.rc != 0 {
		fields := map[string]any{"rc": o.rc, "stdout": o.out, "stderr": o.err, "cmd": strings.Join(append([]string{g.git}, argv...), " ")}
		if version != "HEAD" {
			return failWith(fields, "Failed to checkout %s", version)
		}
		return failWith(fields, "Failed to checkout branch %s", branch)
	}
	return nil
}

// submodulesFetch is the module's submodules_fetch without
// track_submodules: whether a submodule is new or not at the commit the
// superproject records.
func (g *gitTask) submodulesFetch(dest string) (bool, error) {
	r, err := g.c.Run("test -f "+shell.Quote(path.Join(dest, ".gitmodules"))+" || exit 3; cat -- "+shell.Quote(path.Join(dest, ".gitmodules")), nil)
	if err != nil || r.ExitCode == 3 {
		return false, err
	}
	for _, l := range strings.Split(string(r.Stdout), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "path") {
			_, p, _ := strings.Cut(l, "=")
			ok, err := g.exists(path.Join(dest, strings.TrimSpace(p), ".git"))
			if err != nil {
				return false, err
			}
			if !ok {
				return true, nil
			}
		}
	}
	o, err := g.exec(dest, "submodule", "foreach", g.git, "rev-parse", "HEAD")
	if err != nil {
		return false, err
	}
	if o.rc != 0 {
		return false, failWith(map[string]any{"stdout": o.out, "stderr": o.err, "rc": o.rc}, "Unable to determine hashes of submodules")
	}
	if _, err := g.checked(dest, "submodule", "foreach", g.git, "fetch"); err != nil {
		return false, err
	}
	o, err = g.checked(dest, "submodule", "status")
	if err != nil {
		return false, err
	}
	for _, l := range splitLines(o.out) {
		if l != "" && l[0] != ' ' {
			return true, nil
		}
	}
	return false, nil
}

func (g *gitTask) submoduleUpdate(dest string, force bool) error {
	if _, err := g.checked(dest, "submodule", "sync"); err != nil {
		return err
	}
	argv := []string{"submodule", "update", "--init", "--recursive"}
	if force {
		argv = append(argv, "--force")
	}
	o, err := g.exec(dest, argv...)
	if err != nil {
		return err
	}
	if o.rc != 0 {
		return failf("Failed to init/update submodules: %s", o.out+o.err)
	}
	return nil
}

// diff is get_diff, registered as the module registers it (a dict with
// "prepared", which the callback prints as it is).
func (g *gitTask) diff(dest, remote string, depth int, bare bool, before *string, after string) error {
	var text string
	switch {
	case before == nil:
		text = ">> Newly checked out " + after
	case *before != after:
		if err := g.fetch(dest, after, remote, depth, bare, "", false); err != nil {
			return err
		}
		o, err := g.exec(dest, "diff", *before, after)
		if err != nil {
			return err
		}
		switch {
		case o.rc == 0 && o.out != "":
			text = o.out
		case o.rc == 0:
			text = ">> No visual differences between " + *before + " and " + after
		case o.err != "":
			text = ">> Failed to get proper diff between " + *before + " and " + after + ":\n>> " + o.err
		default:
			text = ">> Failed to get proper diff between " + *before + " and " + after
		}
	default:
		return nil
	}
	g.res.Set("diff", map[string]any{"prepared": text})
	return nil
}
