package modules

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/gansible/gansible/shell"
)

// writeRequest is one file to write on the host.
type writeRequest struct {
	Dest     string
	Content  []byte
	Attrs    fileAttrs
	Existing *remoteFile  // Dest as probed; Exists false for a new file
	Probe    *probeResult // umask and owner/group lookups
	Backup   bool         // keep a timestamped copy of the old file
	Validate string       // command checking the new file, with %s for its path
	CopyFrom string       // a host path to copy instead of Content
	FromSize int64        // CopyFrom's length, as probed
	FromSHA1 string       // CopyFrom's sha1, as probed
	Prelude  string       // sh commands run first, such as creating Dest's directory
	// DirAccess words an unwritable directory as copy's os.access check
	// of it does ("Destination DIR not writable"), not atomic_move.
	DirAccess bool
}

// writeFile writes a file atomically (see atomicWrite): the content streams
// on stdin into a temporary file beside Dest, which is checked against the
// content's length and sha1, flushed to disk, gets its owner, group and
// mode, is validated, and is then renamed over Dest; on any failure the
// temporary file is removed and Dest is untouched. An existing file keeps
// its owner, group and mode unless others are asked for, a new one gets
// 0666 minus the umask, as Ansible's atomic_move does. Dest's state afterwards is stored in
// req.Existing; the backup's path, if one was made, is returned.
func writeFile(c *Context, req writeRequest) (backup string, err error) {
	if req.Validate != "" && !strings.Contains(req.Validate, "%s") {
		return "", failf("validate must contain %%s: %s", req.Validate)
	}
	old := req.Existing
	base := 0o666 &^ req.Probe.Umask
	if old.Exists {
		base = old.Perm()
	}
	mode := base
	if req.Attrs.Mode.Set() && !req.Attrs.Mode.Preserve {
		m, err := req.Attrs.Mode.resolve(base, false, req.Probe.Umask)
		if err != nil {
			return "", failWith(map[string]any{"path": req.Dest, "details": err.Error()}, "mode must be in octal or symbolic form")
		}
		mode = m
	}
	// Resolve names first: an unknown owner fails before anything is written.
	if req.Attrs.Owner != "" {
		if _, err := req.Probe.uid(req.Attrs.Owner); err != nil {
			return "", err
		}
	}
	if req.Attrs.Group != "" {
		if _, err := req.Probe.gid(req.Attrs.Group); err != nil {
			return "", err
		}
	}

	w := atomicWrite{
		Dest: req.Dest, Size: int64(len(req.Content)), SHA1: sha1Hex(req.Content),
		CopyFrom: req.CopyFrom, Chown: ownershipStep(req.Attrs.Owner, req.Attrs.Group, old),
		Mode: mode, Validate: req.Validate, Backup: req.Backup && old.Exists, Prelude: req.Prelude,
	}
	if req.CopyFrom != "" {
		w.Size, w.SHA1 = req.FromSize, req.FromSHA1
	}
	script := w.script()
	res, err := c.Run(script, req.Content)
	if err != nil {
		return "", err
	}
	out := string(res.Stdout)
	if i := strings.Index(out, "@validate "); i >= 0 {
		rc, _ := strconv.Atoi(strings.TrimSpace(out[i+len("@validate "):]))
		return "", failWith(map[string]any{
			"exit_status": rc, "stdout": out[:i], "stderr": string(res.Stderr),
		}, "failed to validate")
	}
	if res.ExitCode != 0 {
		if err := verifyFailure(req.Dest, req.Dest+" is unchanged", out); err != nil {
			return "", err
		}
		if strings.Contains(out, "@notemp") && strings.Contains(string(res.Stderr), "Permission denied") {
			if req.DirAccess {
				return "", failf("Destination %s not writable", path.Dir(req.Dest))
			}
			return "", notWritableDir(req.Dest)
		}
		return "", failWith(map[string]any{"rc": res.ExitCode}, "Destination %s not writable or failed to write: %s", req.Dest, trimOutput(res.Stderr))
	}
	for _, line := range strings.Split(out, "\n") {
		if b, ok := strings.CutPrefix(line, "@backup "); ok {
			backup = b
		}
	}
	if err := old.readStatLine(out); err != nil {
		return backup, failf("unexpected output writing %s: %v", req.Dest, err)
	}
	old.Exists = true
	return backup, nil
}

// notWritableDir is atomic_move's failure when its temporary file cannot
// be made in dest's directory. Python's mkstemp names it
// .ansible_tmp, eight random characters and dest's name; the X's stand
// for the random part.
func notWritableDir(dest string) error {
	dir := path.Dir(dest)
	return failf("The destination directory (%s) is not writable by the current user. Error was: [Errno 13] Permission denied: b'%s'",
		dir, path.Join(dir, ".ansible_tmpXXXXXXXX"+path.Base(dest)))
}

// statLine returns a command printing what a module reports about a file
// after changing it, read back by readStatLine.
func statLine(p string) string {
	return `stat -c '@stat %f %u %g %s %h %U %G' -- ` + shell.Quote(p)
}

// readStatLine updates f from the "@stat" line in out.
func (f *remoteFile) readStatLine(out string) error {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "@stat ")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 7 {
			return fmt.Errorf("stat line %q", line)
		}
		mode, err := strconv.ParseUint(fields[0], 16, 32)
		if err != nil {
			return fmt.Errorf("stat line %q: %w", line, err)
		}
		f.RawMode = uint32(mode)
		f.UID, _ = strconv.Atoi(fields[1])
		f.GID, _ = strconv.Atoi(fields[2])
		f.Size, _ = strconv.ParseInt(fields[3], 10, 64)
		// The link count tells a hard-linked file ("hard") from a file.
		f.Nlink, _ = strconv.ParseInt(fields[4], 10, 64)
		f.Owner, f.Group = fields[5], fields[6]
		f.nameIDs()
		return nil
	}
	return fmt.Errorf("no stat line")
}

// nameIDs shows an id without a name as the number, as Ansible does.
func (f *remoteFile) nameIDs() {
	if f.Owner == "UNKNOWN" {
		f.Owner = strconv.Itoa(f.UID)
	}
	if f.Group == "UNKNOWN" {
		f.Group = strconv.Itoa(f.GID)
	}
}

// dictDiff is --diff output for a change described by key/value pairs,
// rendered as Ansible's callback renders a dict: indented, sorted JSON.
func dictDiff(before, after map[string]any) Diff {
	b, _ := json.MarshalIndent(before, "", "    ")
	a, _ := json.MarshalIndent(after, "", "    ")
	return Diff{Before: string(b) + "\n", After: string(a) + "\n"}
}

// changeAttrs applies ch to f's path and reads the resulting state back into
// f, in one command.
func changeAttrs(c *Context, f *remoteFile, ch attrChange) error {
	out, err := runChecked(c, "failed to set attributes of "+f.Path, ch.script(f.Path)+" && "+statLine(f.Path), nil)
	if err != nil {
		return err
	}
	return f.readStatLine(string(out))
}

// sha1Hex and md5Hex are the digests Ansible reports as checksum and md5sum.
func sha1Hex(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// setFileFields records the file-common return values of a file.
func setFileFields(res *Result, f *remoteFile) {
	if !f.Exists {
		return
	}
	res.Set("mode", f.ModeString())
	res.Set("uid", f.UID)
	res.Set("gid", f.GID)
	res.Set("owner", f.Owner)
	res.Set("group", f.Group)
	res.Set("size", f.Size)
	res.Set("state", f.fileState())
}

// contentDiff is the --diff output for replacing a file's content. As
// Ansible's _get_diff_data, the before side is named only when the file
// exists.
func contentDiff(dest string, before *remoteFile, after []byte, afterHeader string) Diff {
	d := Diff{AfterHeader: afterHeader, After: string(after)}
	if before.Exists {
		d.BeforeHeader, d.Before = dest, string(before.Content)
	}
	return d
}

// ownershipStep gives the temporary file "$t" its owner and group in as
// few commands as it can: the ones asked for must take, while the old
// file's, kept as atomic_move keeps them, are kept where permitted.
func ownershipStep(owner, group string, old *remoteFile) string {
	keepOwner, keepGroup := owner == "" && old.Exists, group == "" && old.Exists
	if !old.Exists && owner == "" && group == "" {
		return ""
	}
	spec := func(name string, keep bool, id int) string {
		switch {
		case name != "":
			return name
		case keep:
			return strconv.Itoa(id)
		}
		return ""
	}
	full := spec(owner, keepOwner, old.UID) + ":" + spec(group, keepGroup, old.GID)
	full = strings.TrimSuffix(full, ":")
	if !keepOwner && !keepGroup {
		// Only what was asked for: it must take.
		return `chown -h -- ` + shell.Quote(full) + ` "$t"`
	}
	var strict []string
	if owner != "" {
		strict = append(strict, `chown -h -- `+shell.Quote(owner)+` "$t"`)
	}
	if group != "" {
		strict = append(strict, `chgrp -h -- `+shell.Quote(group)+` "$t"`)
	}
	if len(strict) == 0 {
		strict = []string{":"}
	}
	return `{ chown -h -- ` + shell.Quote(full) + ` "$t" 2>/dev/null || { ` + strings.Join(strict, " && ") + `; }; }`
}
