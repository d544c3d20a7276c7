package modules

import (
	"bytes"
	"encoding/base64"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("slurp", slurpModule{}) }

// slurpModule is ansible.builtin.slurp: a file's content, base64-encoded.
// The host only cats the file; the encoding is done on the controller, so
// no base64 program is needed there.
type slurpModule struct{}

func (slurpModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "src", Type: argspec.Path, Required: true, Aliases: []string{"path"}},
	}}
}

// slurpScript prints one status line, then the file's bytes.
func slurpScript(src string) string {
	q := shell.Quote(src)
	return `p=` + q + `
if [ -d "$p" ]; then echo @isdir
elif [ ! -e "$p" ]; then
	# open() fails with ENOTDIR when a leading component is no directory.
	d=$p r=@absent
	while case $d in */*) true ;; *) false ;; esac; do
		d=${d%/*}
		[ -n "$d" ] || break
		if [ -e "$d" ]; then [ -d "$d" ] || r=@notdir; break; fi
	done
	echo $r
elif [ ! -r "$p" ]; then echo @unreadable
else echo @content && exec cat -- "$p"; fi`
}

// slurp reads a host file; a failure is a taskFailure with Ansible's
// message.
func slurp(c *Context, src string) ([]byte, error) {
	res, err := c.Run(slurpScript(src), nil)
	if err != nil {
		return nil, err
	}
	status, content, _ := bytes.Cut(res.Stdout, []byte("\n"))
	switch string(status) {
	case "@content":
		if res.ExitCode == 0 {
			return content, nil
		}
	case "@isdir":
		return nil, failf("source is a directory and must be a file: %s", src)
	case "@absent":
		return nil, failf("file not found: %s", src)
	case "@notdir":
		return nil, failf("unable to slurp file: [Errno 20] Not a directory: '%s'", src)
	case "@unreadable":
		return nil, failf("file is not readable: %s", src)
	}
	return nil, failf("unable to slurp file: %s", trimOutput(res.Stderr))
}

func (slurpModule) Run(c *Context, args Args) (*Result, error) {
	src := args.String("src")
	content, err := slurp(c, src)
	if err != nil {
		return finish(nil, err)
	}
	res := &Result{}
	res.Set("content", base64.StdEncoding.EncodeToString(content))
	res.Set("source", src)
	res.Set("encoding", "base64")
	return res, nil
}
