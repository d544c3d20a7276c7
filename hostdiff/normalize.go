package hostdiff

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/testcluster"
)

// backupRE matches the suffix Ansible's backup=yes gives a file's copy:
// ".PID.YYYY-MM-DD@HH:MM:SS~".
var backupRE = regexp.MustCompile(`\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~`)

// tmpRE matches the remote and local temp files of both tools, which
// name a run's random dirs (a diff's "+++ after: /root/.ansible/tmp/...").
var tmpRE = regexp.MustCompile(`(?:/[^\s"'/]+)*/(?:\.ansible|\.gansible|ansible-tmp-|gansible-tmp-|ansible-local-|ansible-moduletmp-)[^\s"']*`)

// tempNameRE matches a name tempfile draws with its default prefix
// ("ansible." and eight random characters, as Python's mkstemp), which
// its error messages name: "[Errno 13] Permission denied:
// '/etc/ansible.k2j4_x9q'".
var tempNameRE = regexp.MustCompile(`/ansible\.[a-z0-9_]{8}\b`)

// A normalizer replaces what differs between any two runs of a case
// (addresses, state dirs, temp paths, backup times) by placeholders.
type normalizer struct {
	r *strings.Replacer
	// uid and gid of the cluster's user, which depend on the ids the
	// machine uses; they appear as userID.
	uid, gid int
}

// userID is how the cluster user's uid and gid are recorded: the ids
// testcluster gives it on a machine where 2000 is free.
const userID = 2000

// newNormalizer replaces each pair's old by its new, longest first as
// strings.Replacer does for a shared prefix at one position.
func newNormalizer(pairs ...string) normalizer {
	return normalizer{r: strings.NewReplacer(pairs...), uid: userID, gid: userID}
}

// id maps the cluster user's uid or gid (as field names a uid or a gid)
// to userID.
func (n normalizer) id(field string, v int) int {
	if field == "uid" && v == n.uid || field == "gid" && v == n.gid {
		return userID
	}
	return v
}

func (n normalizer) text(s string) string {
	s = n.r.Replace(s)
	s = tmpRE.ReplaceAllString(s, "@TMP@")
	s = tempNameRE.ReplaceAllString(s, "/ansible.@TEMPNAME@")
	return backupRE.ReplaceAllString(s, ".@BACKUP@~")
}

// value normalizes the strings inside a decoded JSON value, and the
// cluster user's ids in fields named uid and gid.
func (n normalizer) value(v any) any {
	return n.field("", v)
}

func (n normalizer) field(name string, v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil && (name == "uid" || name == "gid") {
			return json.Number(strconv.Itoa(n.id(name, int(i))))
		}
		return v
	case string:
		return n.text(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = n.value(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = n.field(k, e)
		}
		return out
	}
	return v
}

// snapshot normalizes the paths and the texts of a host's changes, and
// leaves out what only one tool leaves behind whatever the playbook does.
//
// Paths that normalize alike (two backups of one file) are told apart
// by a suffix " #2", " #3"... in the order of their content, since their
// real names differ by process id and time.
func (n normalizer) snapshot(s map[string]testcluster.FileInfo) map[string]testcluster.FileInfo {
	byPath := map[string][]testcluster.FileInfo{}
	for p, fi := range s {
		if toolNoise(p) {
			continue
		}
		np := n.text(p)
		fi.Path = np
		fi.UID, fi.GID = n.id("uid", fi.UID), n.id("gid", fi.GID)
		if fi.Type == "symlink" || fi.Content != "" {
			fi.Content = n.text(fi.Content)
		}
		if (p == "/etc/shadow" || p == "/etc/shadow-") && fi.Content != "" {
			if c := shadowDays(fi.Content, time.Now().Unix()/86400); c != fi.Content {
				sum := sha256.Sum256([]byte(c))
				fi.Content, fi.SHA256, fi.Size = c, hex.EncodeToString(sum[:]), int64(len(c))
			}
		}
		byPath[np] = append(byPath[np], fi)
	}
	out := map[string]testcluster.FileInfo{}
	for p, fis := range byPath {
		slices.SortFunc(fis, func(a, b testcluster.FileInfo) int {
			return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.SHA256, b.SHA256), cmp.Compare(a.Content, b.Content),
				cmp.Compare(a.Mode, b.Mode), cmp.Compare(a.UID, b.UID), cmp.Compare(a.GID, b.GID))
		})
		for i, fi := range fis {
			if i > 0 {
				fi.Path = fmt.Sprintf("%s #%d", p, i+1)
			}
			out[fi.Path] = fi
		}
	}
	return out
}

// shadowDays replaces the day of the last password change in the shadow
// lines written by the run (useradd, usermod and chpasswd set it to the
// day they run: today, or yesterday for a run across midnight) with
// @DAY@, so that a recording made on another day compares.
func shadowDays(content string, today int64) string {
	lines := strings.SplitAfter(content, "\n")
	for i, l := range lines {
		f := strings.Split(l, ":")
		if len(f) < 3 {
			continue
		}
		if d, err := strconv.ParseInt(f[2], 10, 64); err == nil && (d == today || d == today-1) {
			f[2] = "@DAY@"
			lines[i] = strings.Join(f, ":")
		}
	}
	return strings.Join(lines, "")
}

// toolNoise reports a path only the Python side (or only gansible) leaves
// on a host, beyond testcluster.IsNoise: the login's home dirs that sshd
// and sudo touch, and the rpm database in the login's home that
// ansible-core's fact gathering opens on a host whose rpm has no system
// database path (the Debian flavour).
func toolNoise(p string) bool {
	switch p {
	case "/home/ansible", "/root", "/var/tmp":
		return true
	}
	return p == "/home/ansible/.rpmdb" || strings.HasPrefix(p, "/home/ansible/.rpmdb/")
}
