package modules

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/shlex"
)

func init() {
	Register("command", commandModule{})
}

// commandModule runs a program on the host without a shell: the free-form
// string is split into words as Python's shlex.split does, and each word
// is only expanded for environment variables and a leading ~, as Ansible's
// run_command does. Shell syntax such as pipes or redirections is passed
// to the program as plain words.
type commandModule struct{}

// commandArgSpec is ansible-core 2.14's command module, which shell's
// action plugin runs too (_uses_shell set).
var commandArgSpec = &argspec.Spec{
	Module:       "ansible.legacy.command",
	FreeForm:     true,
	ExpandsPaths: true,
	Params: []argspec.Param{
		{Name: "_raw_params"},
		{Name: "_uses_shell", Type: argspec.Bool, Default: false},
		{Name: "argv", Type: argspec.List, Elements: argspec.Str},
		{Name: "chdir", Type: argspec.Path},
		{Name: "executable"},
		{Name: "creates", Type: argspec.Path},
		{Name: "removes", Type: argspec.Path},
		{Name: "stdin"},
		{Name: "stdin_add_newline", Type: argspec.Bool, Default: true},
		{Name: "strip_empty_ends", Type: argspec.Bool, Default: true},
	},
}

func (commandModule) Spec() *argspec.Spec { return commandArgSpec }

func (commandModule) Run(c *Context, args Args) (*Result, error) {
	return runCommand(c, args, false)
}

// commandSpec is a parsed command or shell task.
type commandSpec struct {
	useShell     bool
	raw          string   // the shell's command line
	argv         []string // the command's words
	chdir        string
	creates      string
	removes      string
	executable   string
	stdin        *string
	addNewline   bool
	stripEndings bool
}

// parseCommandArgs reads the arguments of command and shell, failing with
// Ansible's messages.
func parseCommandArgs(args Args, useShell bool) (*commandSpec, *Result) {
	spec := &commandSpec{
		useShell:   useShell,
		raw:        args.String("_raw_params", "cmd"),
		chdir:      args.String("chdir"),
		creates:    args.String("creates"),
		removes:    args.String("removes"),
		executable: args.String("executable"),
	}
	if args.Has("stdin") {
		in := args.String("stdin")
		spec.stdin = &in
	}
	var err error
	if spec.addNewline, err = args.Bool("stdin_add_newline", true); err != nil {
		return nil, Failf("%v", err)
	}
	if spec.stripEndings, err = args.Bool("strip_empty_ends", true); err != nil {
		return nil, Failf("%v", err)
	}
	argv := args.List("argv")
	if strings.TrimSpace(spec.raw) == "" && len(argv) == 0 {
		return nil, commandFailure(256, "no command given")
	}
	if spec.raw != "" && len(argv) > 0 {
		return nil, commandFailure(256, "only command or argv can be given, not both")
	}
	switch {
	case useShell && len(argv) > 0:
		// Ansible's run_command joins a list with shlex.quote for the shell.
		spec.raw = shell.Join(argv...)
	case !useShell && len(argv) > 0:
		spec.argv = argv
	case !useShell:
		if spec.argv, err = shlex.Split(spec.raw); err != nil {
			return nil, commandFailure(256, err.Error())
		}
	}
	return spec, nil
}

func commandFailure(rc int, msg string) *Result {
	r := Failf("%s", msg)
	r.Set("rc", rc)
	r.Set("cmd", nil)
	r.Set("msg", msg)
	for _, k := range []string{"stdout", "stderr"} {
		r.Set(k, "")
		r.Set(k+"_lines", []string{})
	}
	return r
}

// cmdValue is the result's cmd: the word list for command, the string for
// shell.
func (s *commandSpec) cmdValue() any {
	if s.useShell {
		return s.raw
	}
	return s.argv
}

// cleanArgs is the command line run_command reports when it could not
// start the program (its _clean_args): the words it ran (for shell, the
// shell, -c and the script), a password argument's value masked, each
// word quoted by shlex.quote.
func (s *commandSpec) cleanArgs() string {
	words := s.argv
	if s.useShell {
		exe := s.executable
		if exe == "" {
			exe = "/bin/sh"
		}
		words = []string{exe, "-c", s.raw}
	}
	var out []string
	masked := false
	for _, w := range words {
		switch {
		case masked:
			masked, w = false, "********"
		case passwdArg.MatchString(w):
			if name, _, ok := strings.Cut(w, "="); ok {
				w = name + "=********"
			} else {
				masked = true
			}
		}
		out = append(out, pyShlexQuote(w))
	}
	return strings.Join(out, " ")
}

// passwdArg is run_command's PASSWD_ARG_RE: an argument naming a
// password, whose value (after "=", or the next argument) is masked.
var passwdArg = regexp.MustCompile(`^-{0,2}pass-?(?:word|wd)?`)

// pyShlexQuote is Python's shlex.quote, whose quoting of a single quote
// ('"'"') differs from package shell's.
func pyShlexQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || strings.ContainsRune("@%+=:,./-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// runCommand is the command and shell modules: one round trip that checks
// chdir, creates and removes on the host and, unless they say otherwise
// or in check mode, runs the command between two timestamps.
func runCommand(c *Context, args Args, useShell bool) (*Result, error) {
	res, err := runCommandSpec(c, args, useShell)
	if res != nil && !useShell && args.Has("executable") {
		// command has no shell to change; Ansible warns and goes on.
		res.Set("warnings", []any{"As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '" + args.String("executable") + "'."})
	}
	return res, err
}

func runCommandSpec(c *Context, args Args, useShell bool) (*Result, error) {
	spec, failed := parseCommandArgs(args, useShell)
	if failed != nil {
		return failed, nil
	}
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	var stdin []byte
	if spec.stdin != nil && *spec.stdin != "" {
		in := *spec.stdin
		if spec.addNewline {
			in += "\n"
		}
		stdin = []byte(in)
	}
	res, err := c.Run(spec.script(nonce, c.CheckMode), stdin)
	if err != nil {
		return nil, err
	}
	return spec.result(nonce, string(res.Stdout), string(res.Stderr), res.ExitCode, c.CheckMode), nil
}

// newNonce returns a random marker that separates the script's own
// reports from the command's output.
func newNonce() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating output marker: %w", err)
	}
	return "gansible-" + hex.EncodeToString(b), nil
}

// timestampCmd prints the host's local time as Python's str(datetime)
// needs it, the nanoseconds apart.
const timestampCmd = `"$(date '+%Y-%m-%d %H:%M:%S %N' 2>/dev/null)"`

// script builds the sh script run on the host. Before the command runs it
// may print one report, "NONCE what [detail]", and exit; otherwise the
// command's stdout is framed by "NONCE start-time\n" and
// "NONCE rc end-time\n".
//
// The expansions of the command's words and of chdir, creates and removes
// come first, and every variable of the script starts with gansible_, so
// that the command sees the environment it was given.
func (s *commandSpec) script(nonce string, check bool) string {
	var b strings.Builder
	b.WriteString("gansible_n=" + nonce + "\n" + expandFunctions)
	// word is the sh word for value, expanded as Ansible expands it on the
	// host, through the variable v when it needs expanding.
	word := func(v, value string) string {
		code, ok := expandInto(v, value)
		if !ok {
			return shell.Quote(value)
		}
		b.WriteString(code)
		return `"$` + v + `"`
	}
	var chdir, creates, removes string
	if s.chdir != "" {
		chdir = word("gansible_d", s.chdir)
	}
	if s.creates != "" {
		creates = word("gansible_c", s.creates)
	}
	if s.removes != "" {
		removes = word("gansible_r", s.removes)
	}
	var words []string
	if s.useShell {
		exe := s.executable
		if exe == "" {
			exe = "/bin/sh"
		}
		words = []string{shell.Quote(exe), "-c", shell.Quote(s.raw)}
	} else {
		for i, w := range s.argv {
			words = append(words, word(fmt.Sprintf("gansible_a%d", i), w))
		}
	}
	if chdir != "" {
		b.WriteString("gansible_d=" + chdir + "\n")
		b.WriteString(`if [ ! -e "$gansible_d" ]; then printf '%s chdir 2 %s\n' "$gansible_n" "$gansible_d"; exit 0; fi
if [ ! -d "$gansible_d" ]; then printf '%s chdir 20 %s\n' "$gansible_n" "$gansible_d"; exit 0; fi
cd -- "$gansible_d" 2>/dev/null || { printf '%s chdir 13 %s\n' "$gansible_n" "$gansible_d"; exit 0; }
`)
	}
	// creates and removes are globbed as a whole, as Python's glob.glob
	// does with the expanded path: unquoted, but never split.
	if creates != "" {
		b.WriteString("gansible_c=" + creates + "\n")
		b.WriteString(`IFS=; for gansible_f in $gansible_c; do if [ -e "$gansible_f" ] || [ -L "$gansible_f" ]; then printf '%s creates %s\n' "$gansible_n" "$gansible_c"; exit 0; fi; done; unset IFS` + "\n")
	}
	if removes != "" {
		b.WriteString("gansible_r=" + removes + "\n")
		b.WriteString(`gansible_m=; IFS=; for gansible_f in $gansible_r; do if [ -e "$gansible_f" ] || [ -L "$gansible_f" ]; then gansible_m=1; break; fi; done; unset IFS` + "\n")
		b.WriteString(`[ -n "$gansible_m" ] || { printf '%s removes %s\n' "$gansible_n" "$gansible_r"; exit 0; }` + "\n")
	}
	if check {
		b.WriteString(`printf '%s check\n' "$gansible_n"; exit 0` + "\n")
		return b.String()
	}
	b.WriteString("set -- " + strings.Join(words, " ") + "\n")
	// Find the program as execvp would, to fail as Python's Popen does
	// rather than with the shell's "not found". A program name that starts
	// with "-" is run by its path, which bash's exec cannot take for one
	// of its options.
	b.WriteString(`gansible_p=
case $1 in
*/*) gansible_p=$1 ;;
*) set -f; IFS=:; for gansible_dir in $PATH; do if [ -f "${gansible_dir:-.}/$1" ]; then gansible_p=${gansible_dir:-.}/$1; [ -x "$gansible_p" ] && break; fi; done; unset IFS; set +f ;;
esac
if [ -z "$gansible_p" ] || [ ! -e "$gansible_p" ]; then printf '%s exec 2 %s\n' "$gansible_n" "$1"; exit 0; fi
if [ -d "$gansible_p" ] || [ ! -x "$gansible_p" ]; then printf '%s exec 13 %s\n' "$gansible_n" "$1"; exit 0; fi
case $1 in -*) case $gansible_p in -*) gansible_p=./$gansible_p ;; esac; shift; set -- "$gansible_p" "$@" ;; esac
`)
	b.WriteString(`printf '%s %s\n' "$gansible_n" ` + timestampCmd + "\n")
	b.WriteString(`(exec "$@")` + "\n")
	b.WriteString(`gansible_rc=$?` + "\n")
	b.WriteString(`printf '%s %s %s\n' "$gansible_n" "$gansible_rc" ` + timestampCmd + "\n")
	b.WriteString(`exit "$gansible_rc"` + "\n")
	return b.String()
}

// scriptReports are the reports the script may print instead of running
// the command.
var scriptReports = map[string]bool{"chdir": true, "exec": true, "creates": true, "removes": true, "check": true, "expand": true}

// errnoText is Python's strerror for the errors the script reports.
var errnoText = map[string]string{
	"2":  "No such file or directory",
	"13": "Permission denied",
	"20": "Not a directory",
}

// result turns the script's output into Ansible's return values.
func (s *commandSpec) result(nonce, stdout, stderr string, exitCode int, check bool) *Result {
	r := &Result{}
	r.Set("cmd", s.cmdValue())
	for _, k := range []string{"start", "end", "delta"} {
		r.Set(k, nil)
	}
	r.Set("rc", 0)
	if report, ok := strings.CutPrefix(stdout, nonce+" "); ok {
		what, _, _ := strings.Cut(report, " ")
		if scriptReports[strings.TrimSpace(what)] {
			return s.reportResult(r, strings.TrimSuffix(report, "\n"), check)
		}
	}
	r.Changed = true
	body, start, end, ok := unframe(stdout, nonce)
	if ok {
		// Python's datetime has microseconds: the delta is of those.
		start, end = start.Truncate(time.Microsecond), end.Truncate(time.Microsecond)
		r.Set("start", pyDatetime(start))
		r.Set("end", pyDatetime(end))
		r.Set("delta", pyTimedelta(end.Sub(start)))
	}
	if s.stripEndings {
		body = strings.TrimRight(body, "\r\n")
		stderr = strings.TrimRight(stderr, "\r\n")
	}
	r.Set("rc", exitCode)
	r.Msg = ""
	if exitCode != 0 {
		r.Failed = true
		r.Msg = "non-zero return code"
	}
	r.Set("msg", r.Msg)
	setOutput(r, body, stderr)
	return r
}

// reportResult is the result when the script stopped before running the
// command: a failed chdir or lookup, creates/removes, or check mode.
func (s *commandSpec) reportResult(r *Result, report string, check bool) *Result {
	what, detail, _ := strings.Cut(report, " ")
	stdout := ""
	would := "Did"
	if check {
		would = "Would"
	}
	switch what {
	case "chdir", "exec":
		errno, path, _ := strings.Cut(detail, " ")
		r.Failed = true
		if what == "chdir" {
			r.Set("rc", nil)
			r.Msg = fmt.Sprintf("Unable to change directory before execution: [Errno %s] %s: b'%s'", errno, errnoText[errno], path)
		} else {
			// Python's Popen failed: Ansible reports the command line
			// as a string and no timings.
			r.Set("rc", 2)
			r.Set("cmd", s.cleanArgs())
			for _, k := range []string{"start", "end", "delta"} {
				delete(r.Fields, k)
			}
			r.Msg = fmt.Sprintf("[Errno %s] %s: b'%s'", errno, errnoText[errno], path)
		}
	case "expand":
		r.Failed = true
		r.Set("rc", nil)
		r.Msg = fmt.Sprintf("cannot expand $%s on the host: awk, which reads the environment, failed or is missing", detail)
	case "creates":
		// detail is the path as expanded on the host.
		r.Msg = fmt.Sprintf("%s not run command since '%s' exists", would, detail)
		stdout = fmt.Sprintf("skipped, since %s exists", detail)
	case "removes":
		r.Msg = fmt.Sprintf("%s not run command since '%s' does not exist", would, detail)
		stdout = fmt.Sprintf("skipped, since %s does not exist", detail)
	case "check":
		r.Msg = "Command would have run if not in check mode"
		if s.creates == "" && s.removes == "" {
			r.Skipped = true
		} else {
			r.Changed = true
		}
	}
	r.Set("msg", r.Msg)
	setOutput(r, stdout, "")
	return r
}

// setOutput records stdout and stderr with their _lines lists.
func setOutput(r *Result, stdout, stderr string) {
	r.Set("stdout", stdout)
	r.Set("stderr", stderr)
	r.Set("stdout_lines", splitLines(stdout))
	r.Set("stderr_lines", splitLines(stderr))
}
