package modules

// The host's account databases as the user and group modules read them:
// through getent, which asks NSS as Python's pwd and grp modules do, so a
// user from a directory service counts as present just as in Ansible.

import (
	"strconv"
	"strings"

	"github.com/gansible/gansible/shell"
)

// groupEntry is one line of `getent group`.
type groupEntry struct {
	Name    string
	GID     int
	Members []string
}

// passwdEntry is one line of `getent passwd`.
type passwdEntry struct {
	Name, Password   string
	UID, GID         int
	Comment          string
	Home, Shell      string
	ShadowPassword   string // the hash from the shadow database
	ShadowExpireDays int    // account expiry, days since the epoch; -1 when none
	HasShadow        bool   // the shadow database has the user
	ShadowMin        int    // minimum and maximum password age in days; -1 when empty
	ShadowMax        int
}

// parseGroupLines reads `getent group` output.
func parseGroupLines(out string) []groupEntry {
	var gs []groupEntry
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, ":")
		if len(f) < 4 {
			continue
		}
		gid, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		g := groupEntry{Name: f[0], GID: gid}
		for _, m := range strings.Split(f[3], ",") {
			if m != "" {
				g.Members = append(g.Members, m)
			}
		}
		gs = append(gs, g)
	}
	return gs
}

// parsePasswdLine reads one `getent passwd` line; ok is false when the
// line is not one.
func parsePasswdLine(line string) (passwdEntry, bool) {
	f := strings.Split(strings.TrimRight(line, "\n"), ":")
	if len(f) < 7 {
		return passwdEntry{}, false
	}
	uid, err1 := strconv.Atoi(f[2])
	gid, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil {
		return passwdEntry{}, false
	}
	return passwdEntry{Name: f[0], Password: f[1], UID: uid, GID: gid, Comment: f[4], Home: f[5], Shell: f[6], ShadowExpireDays: -1}, true
}

// parseShadowLine fills the shadow fields of p from a `getent shadow`
// line of the same user.
func (p *passwdEntry) parseShadowLine(line string) {
	f := strings.Split(strings.TrimRight(line, "\n"), ":")
	if len(f) < 8 || f[0] != p.Name {
		return
	}
	p.ShadowPassword, p.HasShadow = f[1], true
	if n, err := strconv.Atoi(f[7]); err == nil {
		p.ShadowExpireDays = n
	}
	// getspnam reads an empty field as -1.
	p.ShadowMin, p.ShadowMax = -1, -1
	if n, err := strconv.Atoi(f[3]); err == nil {
		p.ShadowMin = n
	}
	if n, err := strconv.Atoi(f[4]); err == nil {
		p.ShadowMax = n
	}
}

// lookupGroup finds a group by name, or by gid when name is a number, as
// Ansible's group_exists tries the gid first.
func lookupGroup(all []groupEntry, name string) (groupEntry, bool) {
	if gid, err := strconv.Atoi(name); err == nil {
		for _, g := range all {
			if g.GID == gid {
				return g, true
			}
		}
	}
	for _, g := range all {
		if g.Name == name {
			return g, true
		}
	}
	return groupEntry{}, false
}

// accountProbeScript prints, as records, the passwd and shadow lines of
// user (when user is not empty) and the whole group database. getent
// shadow needs root; without it the hash is simply unknown.
func accountProbeScript(user string) string {
	var b strings.Builder
	b.WriteString(recordFuncs)
	if user != "" {
		q := shell.Quote(user)
		b.WriteString("if p=$(getent passwd -- " + q + "); then rec passwd \"$p\"; fi\n")
		b.WriteString("if s=$(getent shadow -- " + q + " 2>/dev/null); then rec shadow \"$s\"; fi\n")
	}
	b.WriteString("getent group | recout group\n")
	return b.String()
}

// accountState is what accountProbeScript found.
type accountState struct {
	User   *passwdEntry // nil: no such user
	Groups []groupEntry
}

// probeAccounts runs accountProbeScript on the host.
func probeAccounts(c *Context, user string) (*accountState, error) {
	out, err := runChecked(c, "failed to read the account databases", accountProbeScript(user), nil)
	if err != nil {
		return nil, err
	}
	return parseAccountState(string(out), user), nil
}

func parseAccountState(out, user string) *accountState {
	recs := parseRecords(out)
	st := &accountState{Groups: parseGroupLines(recs["group"])}
	if line, ok := recs["passwd"]; ok {
		// getent passwd looks a number up as a uid: only the name counts,
		// as with Python's pwd.getpwnam.
		if p, ok := parsePasswdLine(line); ok && p.Name == user {
			p.parseShadowLine(recs["shadow"])
			st.User = &p
		}
	}
	return st
}

// memberOf lists the groups that name user as a member, in database order.
func (s *accountState) memberOf(user string) []groupEntry {
	var out []groupEntry
	for _, g := range s.Groups {
		for _, m := range g.Members {
			if m == user {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// groupByName finds a group by its name only, as grp.getgrnam does.
func groupByName(all []groupEntry, name string) (groupEntry, bool) {
	for _, g := range all {
		if g.Name == name {
			return g, true
		}
	}
	return groupEntry{}, false
}
