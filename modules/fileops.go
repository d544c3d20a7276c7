package modules

// Shared machinery of the file modules (copy, template, file, lineinfile,
// unarchive, stat): running a command whose failure fails the task, and the
// file-common arguments owner, group and mode.

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/gansible/gansible/modules/argspec"
	"strings"

	"github.com/gansible/gansible/shell"
)

// taskFailure is a problem with the host or the arguments: it fails the task
// but, unlike a connection error, not the host.
type taskFailure struct {
	msg    string
	fields map[string]any
}

func (f *taskFailure) Error() string { return f.msg }

// failf returns a taskFailure with Ansible's message.
func failf(format string, args ...any) error {
	return &taskFailure{msg: fmt.Sprintf(format, args...)}
}

// failWith returns a taskFailure that also carries return values
// (rc, stdout, stderr of a failed validation, for example).
func failWith(fields map[string]any, format string, args ...any) error {
	return &taskFailure{msg: fmt.Sprintf(format, args...), fields: fields}
}

// finish turns the outcome of a module's work into Run's return values: a
// taskFailure becomes a failed Result, any other error (a broken connection
// or a refused become) is passed on.
func finish(res *Result, err error) (*Result, error) {
	var tf *taskFailure
	if errors.As(err, &tf) {
		out := &Result{Failed: true, Msg: tf.msg}
		for k, v := range tf.fields {
			out.Set(k, v)
		}
		if res != nil {
			for k, v := range res.Fields {
				if _, ok := out.Fields[k]; !ok {
					out.Set(k, v)
				}
			}
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// runChecked runs cmd and fails the task, with the command's stderr, when it
// exits non-zero. what names the operation for the message.
func runChecked(c *Context, what, cmd string, stdin []byte) ([]byte, error) {
	res, err := c.Run(cmd, stdin)
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		msg := strings.TrimSpace(string(res.Stderr))
		if msg == "" {
			msg = strings.TrimSpace(string(res.Stdout))
		}
		return res.Stdout, failWith(map[string]any{"rc": res.ExitCode}, "%s: %s", what, msg)
	}
	return res.Stdout, nil
}

// fileAttrs are the file-common arguments owner, group and mode.
type fileAttrs struct {
	Owner string
	Group string
	Mode  modeSpec
}

// fileCommonParams are the parameters every file-writing module accepts
// besides its own (Ansible's add_file_common_args).
var fileCommonParams = []argspec.Param{
	{Name: "mode", Type: argspec.Raw},
	{Name: "owner"},
	{Name: "group"},
	{Name: "seuser", Unsupported: noSELinux},
	{Name: "serole", Unsupported: noSELinux},
	{Name: "selevel", Unsupported: noSELinux},
	{Name: "setype", Unsupported: noSELinux},
	{Name: "attributes", Aliases: []string{"attr"}, Unsupported: "file attributes (chattr) are not managed"},
	{Name: "unsafe_writes", Type: argspec.Bool, Default: false,
		Unsupported: "files are always written atomically, beside the target and renamed"},
}

const noSELinux = "SELinux contexts are not managed"

// withFileCommon joins a module's own parameters with the file-common ones.
func withFileCommon(own ...argspec.Param) []argspec.Param {
	return append(own, fileCommonParams...)
}

// fileAttrsFrom reads owner, group and mode from a task's arguments.
func fileAttrsFrom(args Args) (fileAttrs, error) {
	mode, err := parseMode(args["mode"])
	if err != nil {
		return fileAttrs{}, err
	}
	return fileAttrs{Owner: args.String("owner"), Group: args.String("group"), Mode: mode}, nil
}

// lookups returns the owner and group names that must be resolved on the
// host to compare them with a file's uid and gid.
func (a fileAttrs) lookups() (users, groups []string) {
	if a.Owner != "" && !isNumeric(a.Owner) {
		users = append(users, a.Owner)
	}
	if a.Group != "" && !isNumeric(a.Group) {
		groups = append(groups, a.Group)
	}
	return users, groups
}

// attrChange is the part of fileAttrs that differs from a file's state.
type attrChange struct {
	Owner, Group string // "" when unchanged
	Mode         uint32
	SetMode      bool
	Before       map[string]any // diff of what changes, Ansible's keys
	After        map[string]any
}

// Empty reports whether nothing needs changing.
func (ch attrChange) Empty() bool { return ch.Owner == "" && ch.Group == "" && !ch.SetMode }

// plan compares the wanted attributes with a probed file. cur must exist.
// link says whether cur is a symbolic link that is itself being managed:
// Linux cannot chmod a link, so its mode is left alone as Ansible does.
func (a fileAttrs) plan(p *probeResult, cur *remoteFile, link bool) (attrChange, error) {
	ch := attrChange{Before: map[string]any{}, After: map[string]any{}}
	if a.Owner != "" {
		uid, err := p.uid(a.Owner)
		if err != nil {
			return ch, err
		}
		if uid != cur.UID {
			ch.Owner = a.Owner
			ch.Before["owner"], ch.After["owner"] = cur.UID, uid
		}
	}
	if a.Group != "" {
		gid, err := p.gid(a.Group)
		if err != nil {
			return ch, err
		}
		if gid != cur.GID {
			ch.Group = a.Group
			ch.Before["group"], ch.After["group"] = cur.GID, gid
		}
	}
	if a.Mode.Set() && !a.Mode.Preserve && !link {
		m, err := a.Mode.resolve(cur.Perm(), cur.IsDir(), p.Umask)
		if err != nil {
			return ch, failWith(map[string]any{"path": cur.Path, "details": err.Error()}, "mode must be in octal or symbolic form")
		}
		if m != cur.Perm() {
			ch.Mode, ch.SetMode = m, true
			ch.Before["mode"], ch.After["mode"] = fmt.Sprintf("0%03o", cur.Perm()), fmt.Sprintf("0%03o", m)
		}
	}
	return ch, nil
}

// script returns the sh commands that apply ch to path; "" when ch is empty.
func (ch attrChange) script(path string) string {
	var cmds []string
	q := shell.Quote(path)
	if ch.Owner != "" {
		cmds = append(cmds, "chown -h -- "+shell.Quote(ch.Owner)+" "+q)
	}
	if ch.Group != "" {
		cmds = append(cmds, "chgrp -h -- "+shell.Quote(ch.Group)+" "+q)
	}
	if ch.SetMode {
		cmds = append(cmds, fmt.Sprintf("chmod %04o -- %s", ch.Mode, q))
	}
	return strings.Join(cmds, " && ")
}

// applyAttrs brings cur's owner, group and mode to the wanted ones in one
// command and reads the result back into cur; it reports whether anything
// changed. In check mode it only compares.
func applyAttrs(c *Context, a fileAttrs, p *probeResult, cur *remoteFile, link bool) (bool, error) {
	_, changed, err := applyAttrChange(c, a, p, cur, link)
	return changed, err
}

// applyAttrChange is applyAttrs that also returns the change, for the
// file module's diff of it.
func applyAttrChange(c *Context, a fileAttrs, p *probeResult, cur *remoteFile, link bool) (attrChange, bool, error) {
	ch, err := a.plan(p, cur, link)
	if err != nil || ch.Empty() {
		return ch, false, err
	}
	if c.CheckMode {
		return ch, true, nil
	}
	return ch, true, changeAttrs(c, cur, ch)
}

// isNumeric reports whether s is a non-empty string of decimal digits.
func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// trimOutput returns a command's output as Ansible shows it in messages.
func trimOutput(b []byte) string { return string(bytes.TrimSpace(b)) }
