package modules

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("tempfile", tempfileModule{}) }

// tempfileModule is ansible.builtin.tempfile: a new file (0600) or
// directory (0700) with a random name, as Python's mkstemp and mkdtemp
// make them. The names are drawn on the controller; the host creates the
// first that does not exist yet, exclusively (noclobber, mkdir), so an
// existing file is never reused.
type tempfileModule struct{}

func (tempfileModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "state", Default: "file", Choices: []any{"file", "directory"}},
		{Name: "path", Type: argspec.Path},
		{Name: "prefix", Default: "ansible."},
		{Name: "suffix", Default: ""},
	}}
}

// tempNameChars are the characters of Python's tempfile names.
const tempNameChars = "abcdefghijklmnopqrstuvwxyz0123456789_"

// tempNames draws n candidate names of eight characters.
func tempNames(n int) ([]string, error) {
	out := make([]string, n)
	buf := make([]byte, 8*n)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	for i := range out {
		var b strings.Builder
		for _, c := range buf[8*i : 8*i+8] {
			b.WriteByte(tempNameChars[int(c)%len(tempNameChars)])
		}
		out[i] = b.String()
	}
	return out, nil
}

// tempfileScript picks the directory as Python's gettempdir does when
// none is given, then creates the first free candidate; it prints the
// directory and "@made NAME", or "@errno N NAME".
func tempfileScript(dir *string, dirState bool, prefix, suffix string, names []string) string {
	var b strings.Builder
	if dir != nil {
		b.WriteString("d=" + shell.Quote(*dir) + "\n")
	} else {
		b.WriteString(`d=
for c in "$TMPDIR" "$TEMP" "$TMP" /tmp /var/tmp /usr/tmp "$(pwd)"; do
	if [ -n "$c" ] && [ -d "$c" ] && [ -w "$c" ]; then d=$c; break; fi
done
`)
	}
	b.WriteString(`case $d in /*) ;; *) d=$(pwd)/$d ;; esac
printf '@dir %s\n' "$d"
`)
	create := `( umask 077; set -C; : > "$d/$f" )`
	if dirState {
		create = `mkdir -m 0700 -- "$d/$f"`
	}
	b.WriteString(`if [ ! -e "$d" ]; then echo "@errno 2 $1"; exit 0; fi
if [ ! -d "$d" ]; then echo "@errno 20 $1"; exit 0; fi
if [ ! -w "$d" ]; then echo "@errno 13 $1"; exit 0; fi
for f; do
	if [ -e "$d/$f" ] || [ -L "$d/$f" ]; then continue; fi
	if ` + create + ` 2>/dev/null; then printf '@made %s\n' "$f"; ` + statOf(`"$d/$f"`) + `; exit 0; fi
	[ -e "$d/$f" ] || [ -L "$d/$f" ] && continue
	# Not made and not there: the prefix's own directory is the trouble.
	q=$(dirname -- "$d/$f")
	if [ ! -e "$q" ]; then echo "@errno 2 $f"
	elif [ ! -d "$q" ]; then echo "@errno 20 $f"
	else echo "@errno 13 $f"; fi
	exit 0
done
echo "@errno 17 $1"
`)
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = prefix + n + suffix
	}
	return "set -- " + shell.Join(quoted...) + "\n" + b.String()
}

var tempErrno = map[string]string{
	"2": "[Errno 2] No such file or directory", "13": "[Errno 13] Permission denied",
	"17": "[Errno 17] No usable temporary file name found", "20": "[Errno 20] Not a directory",
}

func (tempfileModule) Run(c *Context, args Args) (*Result, error) {
	if c.CheckMode {
		return &Result{Skipped: true, Msg: "remote module (tempfile) does not support check mode"}, nil
	}
	names, err := tempNames(10)
	if err != nil {
		return nil, err
	}
	var dir *string
	if args.Has("path") {
		d := args.String("path")
		dir = &d
	}
	script := tempfileScript(dir, args.String("state") == "directory", args.String("prefix"), args.String("suffix"), names)
	out, err := runChecked(c, "failed to create a temporary file", script, nil)
	if err != nil {
		return finish(nil, err)
	}
	var d string
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "@dir "):
			d = strings.TrimPrefix(line, "@dir ")
		case strings.HasPrefix(line, "@made "):
			res := &Result{Changed: true}
			f := &remoteFile{Path: strings.TrimSuffix(d, "/") + "/" + strings.TrimPrefix(line, "@made ")}
			res.Set("path", f.Path)
			// Ansible adds the file's attributes to a result with a path.
			if err := f.readStatLine(string(out)); err != nil {
				return Failf("unexpected output creating %s: %v", f.Path, err), nil
			}
			f.Exists = true
			setFileFields(res, f)
			return res, nil
		case strings.HasPrefix(line, "@errno "):
			code, name, _ := strings.Cut(strings.TrimPrefix(line, "@errno "), " ")
			return Failf("%s: '%s'", tempErrno[code], strings.TrimSuffix(d, "/")+"/"+name), nil
		}
	}
	return Failf("unexpected output creating a temporary file: %s", fmt.Sprint(trimOutput(out))), nil
}

// statOf is statLine for a path the script holds in sh words (such as
// "$d/$f"), read back by readStatLine.
func statOf(words string) string {
	return strings.Replace(statLine("X"), " -- "+shell.Quote("X"), " -- "+words, 1)
}
