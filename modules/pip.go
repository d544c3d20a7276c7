package modules

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/shlex"
)

func init() { Register("pip", pipModule{}) }

// pipModule is ansible.builtin.pip, run with the host's pip: the one
// executable names, the virtualenv's bin/pip3 or bin/pip, or else the
// host's python3 with its pip module (what Ansible's interpreter would
// run) or pip3 on the PATH. Requirements are read and matched against
// `pip list --format=freeze` as the module does with pkg_resources
// (pip_version.go); the virtualenv is made with virtualenv_command.
type pipModule struct{}

func (pipModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "state", Default: "present", Choices: []any{"present", "absent", "latest", "forcereinstall"}},
			{Name: "name", Type: argspec.List, Elements: argspec.Str},
			{Name: "version"},
			{Name: "requirements"},
			{Name: "virtualenv", Type: argspec.Path},
			{Name: "virtualenv_site_packages", Type: argspec.Bool, Default: false},
			{Name: "virtualenv_command", Type: argspec.Path, Default: "virtualenv"},
			{Name: "virtualenv_python"},
			{Name: "extra_args"},
			{Name: "editable", Type: argspec.Bool, Default: false},
			{Name: "chdir", Type: argspec.Path},
			{Name: "executable", Type: argspec.Path},
			{Name: "umask"},
		},
		RequiredOneOf:     [][]string{{"name", "requirements"}},
		MutuallyExclusive: [][]string{{"name", "requirements"}, {"executable", "virtualenv"}},
	}
}

var pipStateArgs = map[string][]string{
	"present":        {"install"},
	"absent":         {"uninstall", "-y"},
	"latest":         {"install", "-U"},
	"forcereinstall": {"install", "-U", "--force-reinstall"},
}

var pipVCS = regexp.MustCompile(`^(svn|git|hg|bzr)\+`)

func (pipModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runPip(c, args))
}

// pipRun is one command on the host: the module's run_command.
type pipRun struct {
	rc             int
	stdout, stderr string
}

// pipHost runs commands for the module in one place: the umask, the
// working dir and the locale the module gives them.
type pipHost struct {
	c     *Context
	umask string // octal, "" for the host's
	chdir string // "" for the host's temp dir
	path  string // the host's PATH, after a lookPath that found nothing
}

func (h *pipHost) run(argv []string, pathPrefix string, parsableLocale bool) (pipRun, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	if h.umask != "" {
		b.WriteString("umask " + h.umask + "\n")
	}
	if h.chdir != "" {
		b.WriteString("cd -- " + shell.Quote(h.chdir) + " || exit 1\n")
	} else {
		b.WriteString("cd -- \"${TMPDIR:-/tmp}\" || exit 1\n")
	}
	if pathPrefix != "" {
		b.WriteString("PATH=" + shell.Quote(pathPrefix) + ":$PATH; export PATH\n")
	}
	if parsableLocale {
		b.WriteString(`loc=C
if avail=$(locale -a 2>/dev/null); then
	for p in C.utf8 C.UTF-8 en_US.utf8 en_US.UTF-8 C POSIX; do
		case "$rec_nl$avail$rec_nl" in *"$rec_nl$p$rec_nl"*) loc=$p; break ;; esac
	done
fi
export LANG="$loc" LC_ALL="$loc" LC_MESSAGES="$loc"
`)
	}
	b.WriteString(`e=$(mktemp) || exit 1
trap 'rm -f "$e"' EXIT
out=$(` + shell.Join(argv...) + ` 2>"$e" </dev/null; r=$?; echo .; exit $r); rc=$?
rec rc "$rc"; rec out "${out%.}"; rec err "$(cat "$e"; echo .)"
`)
	r, err := h.c.Run(b.String(), nil)
	if err != nil {
		return pipRun{}, err
	}
	recs := parseRecords(string(r.Stdout))
	rc, ok := recs["rc"]
	if !ok {
		return pipRun{}, failf("pip: could not run %s on the host: %s", strings.Join(argv, " "), trimOutput(r.Stderr))
	}
	n, _ := strconv.Atoi(rc)
	return pipRun{rc: n, stdout: recs["out"], stderr: strings.TrimSuffix(recs["err"], ".")}, nil
}

// pipFail is the module's _fail.
func pipFail(cmd any, out, errText string) error {
	msg := ""
	if out != "" {
		msg += "stdout: " + out
	}
	if errText != "" {
		msg += "\n:stderr: " + errText
	}
	return failWith(map[string]any{"cmd": cmd}, "%s", msg)
}

// packages is the module's _get_packages: pip list, or pip freeze for
// a pip too old to list.
func (h *pipHost) packages(pip []string) (string, string, string, error) {
	cmd := append(append([]string{}, pip...), "list", "--format=freeze")
	r, err := h.run(cmd, "", true)
	if err != nil {
		return "", "", "", err
	}
	if r.rc != 0 {
		cmd = append(append([]string{}, pip...), "freeze")
		r, err = h.run(cmd, "", false)
		if err != nil {
			return "", "", "", err
		}
		if r.rc != 0 {
			return "", "", "", pipFail(cmd, r.stdout, r.stderr)
		}
	}
	return strings.Join(cmd, " "), r.stdout, r.stderr, nil
}

// lookPath is the module's get_bin_path: the first of dirs, then PATH
// and the sbin dirs; "" when none has an executable name, and then the
// host's PATH is kept for the message.
func (h *pipHost) lookPath(name string, dirs ...string) (string, error) {
	script := `n=$1; shift
o=$IFS; IFS=:; set -- "$@" $PATH /sbin /usr/sbin /usr/local/sbin; IFS=$o
for d do
	[ -n "$d" ] && [ -f "$d/$n" ] && [ -x "$d/$n" ] && { printf '%s\n' "$d/$n"; exit 0; }
done
printf '%s\n' "$PATH"
exit 1`
	r, err := h.c.Run("set -- "+shell.Join(append([]string{name}, dirs...)...)+"\n"+script, nil)
	if err != nil {
		return "", err
	}
	if r.ExitCode != 0 {
		h.path = strings.TrimSpace(string(r.Stdout))
		return "", nil
	}
	return strings.TrimSpace(string(r.Stdout)), nil
}

func runPip(c *Context, args Args) (*Result, error) {
	state := args.String("state")
	names := args.List("name")
	version, hasVersion := args["version"].(string)
	requirements := args.String("requirements")
	extraArgs := args.String("extra_args")
	chdir := args.String("chdir")
	env := args.String("virtualenv")
	executable, hasExecutable := args["executable"].(string)
	h := &pipHost{c: c}

	if env != "" && chdir != "" {
		env = pyJoin(chdir, env)
	}
	if u, ok := args["umask"].(string); ok {
		n, err := strconv.ParseInt(u, 8, 32)
		if err != nil {
			return nil, failWith(map[string]any{"details": fmt.Sprintf("invalid literal for int() with base 8: '%s'", u)}, "umask must be an octal integer")
		}
		h.umask = fmt.Sprintf("%04o", n)
	}
	if state == "latest" && hasVersion {
		return nil, failf("version is incompatible with state=latest")
	}
	h.chdir = chdir

	out, errText := "", ""
	venvCreated := false
	if env != "" {
		r, err := c.Run("test -e "+shell.Quote(pyJoin(env, "bin", "activate")), nil)
		if err != nil {
			return nil, err
		}
		if r.ExitCode != 0 {
			venvCreated = true
			if c.CheckMode {
				return &Result{Changed: true}, nil
			}
			o, e, err := setupVirtualenv(h, args, env)
			if err != nil {
				return nil, err
			}
			out, errText = out+o, errText+e
		}
	}

	pip, err := findPip(h, env, executable, hasExecutable)
	if err != nil {
		return nil, err
	}
	cmd := append(append([]string{}, pip...), pipStateArgs[state]...)
	pathPrefix := ""
	if env != "" {
		pathPrefix = pyJoin(env, "bin")
	}

	hasVCS := false
	var packages []pipPackage
	if len(names) > 0 {
		for _, n := range names {
			if n != "" && pipVCS.MatchString(n) {
				hasVCS = true
				break
			}
		}
		for _, n := range recoverPipNames(names) {
			packages = append(packages, parsePipPackage(n, ""))
		}
		if hasVersion {
			if len(packages) > 1 {
				return nil, failf("'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument.")
			}
			if packages[0].hasVersionSpecifier() {
				return nil, failf("The 'version' argument conflicts with any version specifier provided along with a package name. Please keep the version specifier, but remove the 'version' argument.")
			}
			packages[0] = parsePipPackage(packages[0].String(), version)
		}
	}
	if editable, _ := args["editable"].(bool); editable {
		var list []string
		if extraArgs != "" {
			list = strings.Split(extraArgs, " ")
		}
		found := false
		for _, a := range list {
			found = found || a == "-e"
		}
		if !found {
			list = append(list, "-e")
			extraArgs = strings.Join(list, " ")
		}
	}
	if extraArgs != "" {
		words, err := shlex.Split(extraArgs)
		if err != nil {
			return nil, failf("pip: extra_args: %v", err)
		}
		cmd = append(cmd, words...)
	}
	switch {
	case len(names) > 0:
		for _, p := range packages {
			cmd = append(cmd, p.String())
		}
	case requirements != "":
		cmd = append(cmd, "-r", requirements)
	default:
		res := &Result{}
		res.Set("warnings", []any{"No valid name or requirements file found."})
		return res, nil
	}

	if c.CheckMode {
		if extraArgs != "" || requirements != "" || state == "latest" || len(names) == 0 {
			return &Result{Changed: true}, nil
		}
		pkgCmd, o, e, err := h.packages(pip)
		if err != nil {
			return nil, err
		}
		out, errText = out+o, errText+e
		var list []string
		for _, p := range strings.Split(out, "\n") {
			if p != "" && !strings.HasPrefix(p, "You are using") && !strings.HasPrefix(p, "You should consider") {
				list = append(list, p)
			}
		}
		if strings.HasSuffix(pkgCmd, " freeze") && (containsString(names, "pip") || containsString(names, "setuptools")) {
			return nil, failf("pip: checking pip or setuptools with a pip that has no \"pip list\" is not supported")
		}
		changed := false
		for _, p := range packages {
			present, err := p.presentIn(list)
			if err != nil {
				return nil, err
			}
			if (state == "present" && !present) || (state == "absent" && present) {
				changed = true
				break
			}
		}
		res := &Result{Changed: changed}
		res.Set("cmd", pkgCmd)
		res.Set("stdout", out)
		res.Set("stderr", errText)
		return res, nil
	}

	var freezeBefore *string
	if requirements != "" || hasVCS {
		_, o, _, err := h.packages(pip)
		if err != nil {
			return nil, err
		}
		freezeBefore = &o
	}
	r, err := h.run(cmd, pathPrefix, false)
	if err != nil {
		return nil, err
	}
	out, errText = out+r.stdout, errText+r.stderr
	cmdList := stringsToAny(cmd)
	switch {
	case r.rc == 1 && state == "absent" && (strings.Contains(r.stdout, "not installed") || strings.Contains(r.stderr, "not installed")):
	case r.rc != 0:
		return nil, pipFail(cmdList, out, errText)
	}
	var changed bool
	switch {
	case state == "absent":
		changed = strings.Contains(r.stdout, "Successfully uninstalled")
	case freezeBefore == nil:
		changed = strings.Contains(r.stdout, "Successfully installed")
	default:
		_, after, _, err := h.packages(pip)
		if err != nil {
			return nil, err
		}
		changed = *freezeBefore != after
	}
	res := &Result{Changed: changed || venvCreated}
	res.Set("cmd", cmdList)
	if len(names) > 0 {
		res.Set("name", stringsToAny(names))
	} else {
		res.Set("name", nil)
	}
	res.Set("version", nilIfEmpty(version, hasVersion))
	res.Set("state", state)
	res.Set("requirements", nilIfEmpty(requirements, requirements != ""))
	res.Set("virtualenv", nilIfEmpty(env, env != ""))
	res.Set("stdout", out)
	res.Set("stderr", errText)
	return res, nil
}

// findPip is the module's _get_pip.
func findPip(h *pipHost, env, executable string, hasExecutable bool) ([]string, error) {
	candidates := []string{"pip3"}
	switch {
	case hasExecutable && path.IsAbs(executable):
		return []string{executable}, nil
	case hasExecutable:
		candidates = []string{executable}
	case env == "":
		// Ansible runs the pip module of the Python that runs the
		// module; on the host that is its python3, when it has pip.
		if py, err := h.lookPath("python3"); err != nil {
			return nil, err
		} else if py != "" {
			r, err := h.c.Run(shell.Join(py, "-c", "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('pip') else 1)")+" >/dev/null 2>&1", nil)
			if err != nil {
				return nil, err
			}
			if r.ExitCode == 0 {
				return []string{py, "-m", "pip.__main__"}, nil
			}
		}
	}
	if env == "" {
		for _, n := range candidates {
			p, err := h.lookPath(n)
			if err != nil {
				return nil, err
			}
			if p != "" {
				return []string{p}, nil
			}
		}
		return nil, failf("Unable to find any of %s to use.  pip needs to be installed.", strings.Join(candidates, ", "))
	}
	candidates = []string{candidates[0], "pip"}
	for _, n := range candidates {
		p := pyJoin(env, "bin", n)
		r, err := h.c.Run("[ -e "+shell.Quote(p)+" ] && [ -x "+shell.Quote(p)+" ]", nil)
		if err != nil {
			return nil, err
		}
		if r.ExitCode == 0 {
			return []string{p}, nil
		}
	}
	return nil, failf("Unable to find pip in the virtualenv, %s, under any of these names: %s. Make sure pip is present in the virtualenv.", env, strings.Join(candidates, ", "))
}

// setupVirtualenv is the module's setup_virtualenv.
func setupVirtualenv(h *pipHost, args Args, env string) (string, string, error) {
	command := args.String("virtualenv_command")
	cmd, err := shlex.Split(command)
	if err != nil || len(cmd) == 0 {
		return "", "", failf("pip: virtualenv_command %q cannot be split into words", command)
	}
	if path.Base(cmd[0]) == cmd[0] {
		p, err := h.lookPath(cmd[0])
		if err != nil {
			return "", "", err
		}
		if p == "" {
			return "", "", failf("Failed to find required executable \"%s\" in paths: %s", cmd[0], withSbin(h.path))
		}
		cmd[0] = p
	}
	if site, _ := args["virtualenv_site_packages"].(bool); site {
		cmd = append(cmd, "--system-site-packages")
	} else {
		help := cmd[0] + " --help"
		r, err := h.run([]string{cmd[0], "--help"}, "", false)
		if err != nil {
			return "", "", err
		}
		if r.rc != 0 {
			return "", "", failf("Could not get output from %s: %s", help, r.stdout+r.stderr)
		}
		for _, w := range strings.Fields(r.stdout) {
			if w == "--no-site-packages" {
				cmd = append(cmd, "--no-site-packages")
				break
			}
		}
	}
	python := args.String("virtualenv_python")
	if !strings.Contains(command, "pyvenv") && !strings.Contains(command, "-m venv") {
		if python == "" {
			// Ansible passes the Python that runs the module.
			return "", "", failf("pip: virtualenv_command %s without virtualenv_python is not supported: no Python runs the module on the host to pass with -p", command)
		}
		cmd = append(cmd, "-p"+python)
	} else if python != "" {
		return "", "", failf("virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command")
	}
	cmd = append(cmd, env)
	r, err := h.run(cmd, "", false)
	if err != nil {
		return "", "", err
	}
	if r.rc != 0 {
		return "", "", pipFail(stringsToAny(cmd), r.stdout, r.stderr)
	}
	return r.stdout, r.stderr, nil
}

// recoverPipNames is the module's _recover_package_name: names split at
// commas and joined again where a part is a version specifier or inside
// extras brackets.
func recoverPipNames(names []string) []string {
	var parts []string
	for _, n := range names {
		parts = append(parts, strings.Split(n, ",")...)
	}
	var out, cur []string
	inBrackets := false
	for _, n := range parts {
		if isPipPackageName(n) && !inBrackets {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, ","))
			}
			cur = nil
		}
		if strings.Contains(n, "[") {
			inBrackets = true
		}
		if inBrackets && strings.Contains(n, "]") {
			inBrackets = false
		}
		cur = append(cur, n)
	}
	return append(out, strings.Join(cur, ","))
}

func isPipPackageName(n string) bool {
	n = strings.TrimLeft(n, " \t\n\r\v\f")
	for _, op := range []string{">=", "<=", ">", "<", "==", "!=", "~="} {
		if strings.HasPrefix(n, op) {
			return false
		}
	}
	return true
}

// pipPackage is the module's Package: a requirement pkg_resources can
// read (name, extras, specifiers, marker), or any other string (a path,
// a URL) kept as given.
type pipPackage struct {
	raw    string
	plain  bool
	name   string // canonical (PEP 503)
	orig   string // the name as given, which str(Requirement) shows
	extras []string
	specs  []pySpecifier
	marker string
}

var (
	pipReqRe  = regexp.MustCompile(`^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*?)\s*(?:;\s*(.*?))?\s*$`)
	pipSpecRe = regexp.MustCompile(`^\s*(===|==|!=|<=|>=|~=|<|>)\s*([^\s,;]+)\s*$`)
	pipCanon  = regexp.MustCompile(`[-_.]+`)
	pipSafe   = regexp.MustCompile(`[^A-Za-z0-9.]+`)
)

func parsePipPackage(name, version string) pipPackage {
	if version != "" {
		version = strings.TrimLeft(version, " \t\n\r\v\f")
		sep := " "
		if version[0] >= '0' && version[0] <= '9' {
			sep = "=="
		}
		name = name + sep + version
	}
	p := pipPackage{raw: name, name: name}
	m := pipReqRe.FindStringSubmatch(name)
	if m == nil {
		return p
	}
	if m[3] != "" {
		for _, s := range strings.Split(m[3], ",") {
			sm := pipSpecRe.FindStringSubmatch(s)
			if sm == nil {
				return p
			}
			p.specs = append(p.specs, pySpecifier{op: sm[1], version: sm[2]})
		}
	}
	if m[2] != "" {
		for _, e := range strings.Split(m[2], ",") {
			if e = strings.TrimSpace(e); e != "" {
				p.extras = append(p.extras, e)
			}
		}
	}
	p.plain = true
	p.orig = m[1]
	p.name = strings.ToLower(pipCanon.ReplaceAllString(pipSafe.ReplaceAllString(m[1], "-"), "-"))
	p.marker = m[4]
	return p
}

func (p pipPackage) hasVersionSpecifier() bool { return p.plain && len(p.specs) > 0 }

// String is str(Requirement): name, sorted extras, the specifiers sorted
// and joined with commas, the marker.
func (p pipPackage) String() string {
	if !p.plain {
		return p.raw
	}
	s := p.orig
	if len(p.extras) > 0 {
		e := append([]string{}, p.extras...)
		sort.Strings(e)
		s += "[" + strings.Join(e, ",") + "]"
	}
	specs := make([]string, len(p.specs))
	for i, sp := range p.specs {
		specs[i] = sp.String()
	}
	sort.Strings(specs)
	s += strings.Join(specs, ",")
	if p.marker != "" {
		s += "; " + p.marker
	}
	return s
}

// presentIn is the module's _is_present over pip's freeze lines.
func (p pipPackage) presentIn(list []string) (bool, error) {
	for _, line := range list {
		name, ver, ok := strings.Cut(line, "==")
		if !ok || strings.Contains(ver, "==") {
			continue
		}
		if strings.ToLower(pipCanon.ReplaceAllString(name, "-")) != p.name || !p.plain {
			continue
		}
		all := true
		for _, s := range p.specs {
			ok, err := s.contains(ver)
			if err != nil {
				return false, err
			}
			all = all && ok
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

// pyJoin is os.path.join: a later absolute part starts the path again.
func pyJoin(parts ...string) string {
	out := ""
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p, "/"), out == "":
			out = p
		case strings.HasSuffix(out, "/"):
			out += p
		default:
			out += "/" + p
		}
	}
	return out
}

func stringsToAny(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}
