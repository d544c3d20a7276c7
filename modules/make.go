package modules

import (
	"fmt"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/value"
)

func init() { Register("make", makeModule{}, "community.general.make") }

// makeModule is community.general.make: `make TARGET PARAMS -q` says
// whether the target is up to date; when it is not (and not in check
// mode) make runs for real. A first round trip finds make as the
// module's get_bin_path does (gmake, then make), expands the words as
// run_command does (expandvars, then expanduser, in the host's
// environment) and tells whether chdir is a directory; the commands are
// then run with those words as they are.
type makeModule struct{}

func (makeModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "target"},
			{Name: "params", Type: argspec.Dict},
			{Name: "chdir", Type: argspec.Path, Required: true},
			{Name: "file", Type: argspec.Path},
			{Name: "make", Type: argspec.Path},
			{Name: "jobs", Type: argspec.Int},
		},
	}
}

func (makeModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runMake(c, args))
}

// makeProbe is what the first round trip found.
type makeProbe struct {
	words    []string // the command's words, expanded
	chdir    string   // chdir, expanded
	file     string   // file, expanded ("" when not given)
	make     string   // the make program: found, or the make parameter
	isDir    bool     // chdir is a directory (run_command ignores it otherwise)
	notFound string   // the path list searched when make was not found
}

// probeMake finds make and expands the words. The path parameters are
// expanded once as the argument spec does, and the command's words again
// as run_command does.
func probeMake(c *Context, args Args) (*makeProbe, error) {
	var b strings.Builder
	b.WriteString("gansible_n=@unknown\n" + expandFunctions + recordFuncs)
	expand := func(v, s string) string {
		if code, ok := expandInto(v, s); ok {
			b.WriteString(code)
			return `"$` + v + `"`
		}
		return shell.Quote(s)
	}
	b.WriteString("gansible_cd=" + expand("gansible_cd", args.String("chdir")) + "\nrec chdir \"$gansible_cd\"\n")
	if args.Has("file") {
		b.WriteString("rec file " + expand("gansible_f", args.String("file")) + "\n")
	}
	if args.Has("make") {
		b.WriteString("rec make " + expand("gansible_mk", args.String("make")) + "\n")
	} else {
		// get_bin_path: PATH, then the sbin dirs it lacks.
		b.WriteString(`gansible_path=$PATH
for gansible_d in /sbin /usr/sbin /usr/local/sbin; do case :$gansible_path: in *:"$gansible_d":*) ;; *) gansible_path=$gansible_path:$gansible_d ;; esac; done
gansible_mk=
for gansible_x in gmake make; do
	IFS=:; for gansible_d in $gansible_path; do if [ -n "$gansible_d" ] && [ -f "$gansible_d/$gansible_x" ] && [ -x "$gansible_d/$gansible_x" ]; then gansible_mk=$gansible_d/$gansible_x; break; fi; done; unset IFS
	[ -n "$gansible_mk" ] && break
done
if [ -z "$gansible_mk" ]; then rec nomake "$gansible_path"; exit 0; fi
rec make "$gansible_mk"
`)
	}
	b.WriteString(`if [ -d "$gansible_cd" ]; then rec isdir; fi` + "\n")
	r, err := runChecked(c, "failed to prepare make", b.String(), nil)
	if err != nil {
		return nil, err
	}
	out := string(r)
	if name, ok := strings.CutPrefix(out, "@unknown expand "); ok {
		return nil, failf("cannot expand $%s on the host: awk, which reads the environment, failed or is missing", strings.TrimSpace(name))
	}
	recs := parseRecords(out)
	p := &makeProbe{chdir: recs["chdir"], file: recs["file"], make: recs["make"]}
	if path, ok := recs["nomake"]; ok {
		p.notFound = path
		return p, nil
	}
	_, p.isDir = recs["isdir"]
	return p, nil
}

// makeWords is the module's base_command: make, -j, -f, the target and
// the params as k=v. A target not given is None, which run_command drops
// and the reported command shows as an empty quoted word.
func makeWords(prog string, args Args, file string) (words []string, shown string) {
	words = []string{prog}
	if args.Has("jobs") {
		j, _ := args.Int("jobs", 0)
		words = append(words, "-j", fmt.Sprint(j))
	}
	if args.Has("file") {
		words = append(words, "-f", file)
	}
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, pyShlexQuote(w))
	}
	if args.Has("target") {
		words = append(words, args.String("target"))
	}
	quoted = append(quoted, pyShlexQuote(args.String("target")))
	if d, ok := args["params"].(*value.Dict); ok && d != nil {
		for k, v := range d.All() {
			w := k + "=" + value.Str(v)
			words = append(words, w)
			quoted = append(quoted, pyShlexQuote(w))
		}
	}
	return words, strings.Join(quoted, " ")
}

func runMake(c *Context, args Args) (*Result, error) {
	// The path parameters as the argument spec expands them.
	p, err := probeMake(c, args)
	if err != nil {
		return nil, err
	}
	if p.notFound != "" {
		return nil, failf(`Failed to find required executable "make" in paths: %s`, p.notFound)
	}
	words, shown := makeWords(p.make, args, p.file)
	// run_command expands every word again.
	expanded, err := expandWords(c, words)
	if err != nil {
		return nil, err
	}
	run := func(extra ...string) (makeOut, error) {
		var b strings.Builder
		if p.isDir {
			b.WriteString("cd -- " + shell.Quote(p.chdir) + " || exit 127\n")
		}
		argv := append(append([]string{}, expanded...), extra...)
		// Popen's failure when the program cannot be run.
		b.WriteString(`if [ ! -e ` + shell.Quote(argv[0]) + ` ]; then printf '@exec 2'; exit 0; fi
if [ -d ` + shell.Quote(argv[0]) + ` ] || [ ! -x ` + shell.Quote(argv[0]) + ` ]; then printf '@exec 13'; exit 0; fi
`)
		b.WriteString("printf '@run\\n'\nexec " + shell.Join(argv...) + "\n")
		r, err := c.Run(b.String(), nil)
		if err != nil {
			return makeOut{}, err
		}
		out := string(r.Stdout)
		cmd := cleanArgsOf(argv)
		if e, ok := strings.CutPrefix(out, "@exec "); ok {
			return makeOut{}, failWith(map[string]any{"rc": 2, "stdout": "", "stderr": "", "cmd": cmd},
				"[Errno %s] %s: b'%s'", e, errnoText[e], argv[0])
		}
		out, ok := strings.CutPrefix(out, "@run\n")
		if !ok {
			return makeOut{}, failWith(map[string]any{"rc": r.ExitCode, "stderr": string(r.Stderr)}, "cannot change to %s: %s", p.chdir, strings.TrimSpace(string(r.Stderr)))
		}
		return makeOut{rc: r.ExitCode, out: out, err: string(r.Stderr), cmd: cmd}, nil
	}

	o, err := run("-q")
	if err != nil {
		return nil, err
	}
	changed := o.rc != 0
	if changed && !c.CheckMode {
		if o, err = run(); err != nil {
			return nil, err
		}
		if o.rc != 0 {
			// run_command's check_rc.
			return nil, failWith(map[string]any{"cmd": o.cmd, "rc": o.rc, "stdout": o.out, "stderr": o.err,
				"stdout_lines": splitLines(o.out), "stderr_lines": splitLines(o.err)},
				"%s", strings.TrimRight(o.err, " \t\r\n\v\f"))
		}
	}
	res := &Result{Changed: changed}
	setOutput(res, strings.TrimRight(o.out, "\r\n"), strings.TrimRight(o.err, "\r\n"))
	res.Set("target", args["target"])
	res.Set("params", args["params"])
	res.Set("chdir", p.chdir)
	if args.Has("file") {
		res.Set("file", p.file)
	} else {
		res.Set("file", nil)
	}
	res.Set("jobs", args["jobs"])
	res.Set("command", shown)
	return res, nil
}

// makeOut is one make command's outcome.
type makeOut struct {
	rc       int
	out, err string
	cmd      string // as run_command reports it
}

// cleanArgsOf is run_command's _clean_args of an argument list: the
// words shell-quoted and joined.
func cleanArgsOf(argv []string) string {
	q := make([]string, len(argv))
	for i, w := range argv {
		q[i] = pyShlexQuote(w)
	}
	return strings.Join(q, " ")
}

// expandWords expands each word as run_command does (expandvars, then
// expanduser) in the host's environment, in one round trip when any
// word needs it.
func expandWords(c *Context, words []string) ([]string, error) {
	var b strings.Builder
	need := false
	for i, w := range words {
		code, ok := expandInto("gansible_w"+fmt.Sprint(i), w)
		if ok {
			need = true
			b.WriteString(code)
			b.WriteString(`rec w "$gansible_w` + fmt.Sprint(i) + `"` + "\n")
		} else {
			b.WriteString("rec w " + shell.Quote(w) + "\n")
		}
	}
	if !need {
		return words, nil
	}
	out, err := runChecked(c, "failed to expand the command", "gansible_n=@unknown\n"+expandFunctions+recordFuncs+b.String(), nil)
	if err != nil {
		return nil, err
	}
	if name, ok := strings.CutPrefix(string(out), "@unknown expand "); ok {
		return nil, failf("cannot expand $%s on the host: awk, which reads the environment, failed or is missing", strings.TrimSpace(name))
	}
	// Every record has the key w: read them in order.
	var got []string
	var cur []string
	in := false
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case line == "@w":
			if in {
				got = append(got, strings.Join(cur, "\n"))
			}
			in, cur = true, nil
		case strings.HasPrefix(line, "|") && in:
			cur = append(cur, line[1:])
		}
	}
	if in {
		got = append(got, strings.Join(cur, "\n"))
	}
	if len(got) != len(words) {
		return nil, failf("unexpected output expanding the command: %q", out)
	}
	return got, nil
}
