package modules

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
)

func init() { Register("fetch", fetchModule{}) }

// fetchModule is ansible.builtin.fetch, an action on the controller: the
// host file is read with one command (its sha1 and its bytes), and
// written on the controller atomically (a temporary file beside the
// destination, renamed over it) under dest/HOST/SRC, or dest itself with
// flat.
type fetchModule struct{}

func (fetchModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		// Required, but the action checks that itself, with its own words.
		{Name: "src"},
		{Name: "dest"},
		{Name: "flat", Type: argspec.Bool, Default: false},
		{Name: "fail_on_missing", Type: argspec.Bool, Default: true},
		{Name: "validate_checksum", Type: argspec.Bool, Default: true},
	}}
}

func (fetchModule) Run(c *Context, args Args) (*Result, error) {
	if c.CheckMode {
		return &Result{Skipped: true, Msg: "check mode not (yet) supported for this module"}, nil
	}
	if !args.Has("src") || !args.Has("dest") {
		return Failf("src and dest are required"), nil
	}
	return runFetch(c, args)
}

// tildeUser is a ~ or ~user prefix the host's shell may expand.
var tildeUser = regexp.MustCompile(`^~[A-Za-z0-9._-]*$`)

// expandRemoteUser is Ansible's _remote_expand_user: a leading ~ or
// ~user is the home directory of the user the task runs as on the host.
func expandRemoteUser(c *Context, p string) (string, error) {
	head, rest, _ := strings.Cut(p, "/")
	if !tildeUser.MatchString(head) {
		return p, nil
	}
	// head is ~ and name characters only: the shell expands it, and
	// nothing else in it is special.
	out, err := runChecked(c, "failed to expand "+head, "printf '%s\\n' "+head, nil)
	if err != nil {
		return "", err
	}
	home := strings.TrimSuffix(string(out), "\n")
	if home == head {
		return p, nil
	}
	if rest == "" && !strings.Contains(p, "/") {
		return home, nil
	}
	return strings.TrimSuffix(home, "/") + "/" + rest, nil
}

func runFetch(c *Context, args Args) (*Result, error) {
	failOnMissing, _ := args.Bool("fail_on_missing", true)
	flat, _ := args.Bool("flat", false)
	validate, _ := args.Bool("validate_checksum", true)
	src, err := expandRemoteUser(c, args.String("src"))
	if err != nil {
		return finish(nil, err)
	}
	origDest := args.String("dest")

	p, err := probe(c, nil, nil, probeRequest{Path: src, Follow: true, Checksum: "sha1", Content: true})
	if err != nil {
		return finish(nil, err)
	}
	cur := &p.Files[0]
	res := &Result{}
	switch {
	case cur.IsDir():
		res.Msg = "remote file is a directory, fetch cannot work on directories"
		if !failOnMissing {
			res.Msg += ", not transferring, ignored"
			return res, nil
		}
		res.Failed = true
		return res, nil
	case !cur.Exists || !cur.Readable || !cur.HasContent:
		res.Msg = "the remote file does not exist, not transferring, ignored"
		if cur.Exists {
			res.Msg = "file is not readable: " + src
		}
		if !failOnMissing {
			// The action keeps slurp's failure message only for a
			// missing file (or a directory).
			if cur.Exists {
				res.Msg = ""
			}
			res.Set("file", src)
			return res, nil
		}
		res.Failed = true
		return res, nil
	}
	remoteSum := cur.Checksum
	if remoteSum == "" {
		remoteSum = sha1Hex(cur.Content)
	}

	dest := origDest
	if flat {
		if st, err := os.Stat(dest); err == nil && st.IsDir() && !strings.HasSuffix(dest, "/") {
			return Failf("dest is an existing directory, use a trailing slash if you want to fetch src into that directory"), nil
		}
		if strings.HasSuffix(dest, "/") {
			dest = filepath.Join(dest, path.Base(src))
		}
		if !strings.HasPrefix(dest, "/") {
			dest = pathDwim(c, dest)
		}
	} else {
		dest = pathDwim(c, dest) + "/" + c.Host + "/" + src
	}
	dest = filepath.Clean(dest)

	localSum, localMD5 := localDigests(dest)
	if localSum == remoteSum {
		res.Set("md5sum", localMD5)
		res.Set("file", src)
		res.Set("dest", dest)
		res.Set("checksum", localSum)
		return res, nil
	}
	if err := writeControllerFile(dest, cur.Content); err != nil {
		return Failf("Failed to fetch the file: %v", err), nil
	}
	newSum, newMD5 := localDigests(dest)
	res.Set("md5sum", newMD5)
	res.Set("dest", dest)
	res.Set("remote_md5sum", nil)
	res.Set("checksum", newSum)
	res.Set("remote_checksum", remoteSum)
	if validate && newSum != remoteSum {
		res.Failed = true
		res.Msg = "checksum mismatch"
		res.Set("file", src)
		return res, nil
	}
	res.Changed = true
	return res, nil
}

// pathDwim is Ansible's path_dwim for a controller path: absolute as
// is, ~ the controller user's home, relative beside the playbook.
func pathDwim(c *Context, p string) string {
	switch {
	case strings.HasPrefix(p, "/"):
		return p
	case p == "~" || strings.HasPrefix(p, "~/"):
		if home, err := os.UserHomeDir(); err == nil {
			return home + p[1:]
		}
	}
	return filepath.Join(c.PlaybookDir, p)
}

// localDigests are the sha1 and md5 of a controller file, "" and nil
// when it is no readable regular file, as Ansible's checksum() gives None.
func localDigests(p string) (string, any) {
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return "", nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", nil
	}
	return sha1Hex(b), md5Hex(b)
}

// writeControllerFile writes content to dest on the controller without
// ever leaving it half-written: a temporary file in dest's directory,
// synced, then renamed over dest. A new file gets 0666 minus the umask,
// as Python's open does; an existing one keeps its mode.
func writeControllerFile(dest string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(dest), 0o777); err != nil {
		return err
	}
	var suffix [8]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".gansible-"+hex.EncodeToString(suffix[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if st, err := os.Stat(dest); err == nil {
		if st.IsDir() {
			return &fs.PathError{Op: "open", Path: dest, Err: errors.New("Is a directory")}
		}
		if err := f.Chmod(st.Mode().Perm()); err != nil {
			return err
		}
	}
	if _, err := f.Write(content); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		os.Remove(tmp)
		ok = true
		return err
	}
	ok = true
	return nil
}
