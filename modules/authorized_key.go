package modules

import (
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() {
	Register("authorized_key", authorizedKeyModule{}, "ansible.posix.authorized_key")
}

// authorizedKeyModule is ansible.posix.authorized_key: the user's
// authorized_keys file is read, edited on the controller as the module
// edits it, and written back atomically, owned by the user, mode 0600.
type authorizedKeyModule struct{}

func (authorizedKeyModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "user", Required: true},
		{Name: "key", Required: true},
		{Name: "path", Type: argspec.Path},
		{Name: "manage_dir", Type: argspec.Bool, Default: true},
		{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
		{Name: "key_options"},
		{Name: "exclusive", Type: argspec.Bool, Default: false},
		{Name: "comment"},
		{Name: "validate_certs", Type: argspec.Bool, Default: true},
		{Name: "follow", Type: argspec.Bool, Default: false},
	}}
}

// sshKeyTypes are the key types the module recognises in a line.
var sshKeyTypes = map[string]bool{
	"sk-ecdsa-sha2-nistp256@openssh.com": true, "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com": true,
	"webauthn-sk-ecdsa-sha2-nistp256@openssh.com": true, "ecdsa-sha2-nistp256": true,
	"ecdsa-sha2-nistp256-cert-v01@openssh.com": true, "ecdsa-sha2-nistp384": true,
	"ecdsa-sha2-nistp384-cert-v01@openssh.com": true, "ecdsa-sha2-nistp521": true,
	"ecdsa-sha2-nistp521-cert-v01@openssh.com": true, "sk-ssh-ed25519@openssh.com": true,
	"sk-ssh-ed25519-cert-v01@openssh.com": true, "ssh-ed25519": true, "ssh-ed25519-cert-v01@openssh.com": true,
	"ssh-dss": true, "ssh-rsa": true, "ssh-xmss@openssh.com": true, "ssh-xmss-cert-v01@openssh.com": true,
	"rsa-sha2-256": true, "rsa-sha2-512": true, "ssh-rsa-cert-v01@openssh.com": true,
	"rsa-sha2-256-cert-v01@openssh.com": true, "rsa-sha2-512-cert-v01@openssh.com": true,
	"ssh-dss-cert-v01@openssh.com": true,
}

// keyOption is one ssh key option; a nil value is a flag (no "=").
type keyOption struct {
	name  string
	value *string
}

// keyOptions are a key's options in order; duplicates are kept.
type keyOptions []keyOption

// equal compares as the module's keydict compares: by option name, each
// name's values in order, whatever the order of different names.
func (o keyOptions) equal(p keyOptions) bool {
	group := func(k keyOptions) map[string][]string {
		m := map[string][]string{}
		for _, e := range k {
			v := "\x00flag"
			if e.value != nil {
				v = *e.value
			}
			m[e.name] = append(m[e.name], v)
		}
		return m
	}
	a, b := group(o), group(p)
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || strings.Join(va, "\x00") != strings.Join(vb, "\x00") {
			return false
		}
	}
	return true
}

func (o keyOptions) String() string {
	parts := make([]string, len(o))
	for i, e := range o {
		parts[i] = e.name
		if e.value != nil {
			parts[i] += "=" + *e.value
		}
	}
	return strings.Join(parts, ",")
}

// keyOptionRE is the module's option splitter: commas outside quotes.
var keyOptionRE = regexp.MustCompile(`((?:[^,"']|"[^"]*"|'[^']*')+)`)

// parseKeyOptions splits options as Python's re.split(...)[1:-1] does
// with the module's pattern: the matches and what lies between them,
// without the text before the first match and after the last.
func parseKeyOptions(s string) keyOptions {
	var parts []string
	ms := keyOptionRE.FindAllStringIndex(s, -1)
	for i, m := range ms {
		if i > 0 {
			parts = append(parts, s[ms[i-1][1]:m[0]])
		}
		parts = append(parts, s[m[0]:m[1]])
	}
	var out keyOptions
	for _, p := range parts {
		if k, v, ok := strings.Cut(p, "="); ok {
			out = append(out, keyOption{k, &v})
		} else if p != "," {
			out = append(out, keyOption{name: p})
		}
	}
	return out
}

// authKey is one line of an authorized_keys file as the module sees it.
type authKey struct {
	id      string // the key itself, or the whole line when skipped
	typ     string // "" for a line that is not a key (kept as written)
	options keyOptions
	comment string
	rank    int
}

func (k authKey) same(o authKey) bool {
	return k.id == o.id && k.typ == o.typ && k.comment == o.comment && k.options.equal(o.options)
}

func (k authKey) line() string {
	if k.typ == "" {
		return k.id
	}
	opts := ""
	if len(k.options) > 0 {
		opts = k.options.String() + " "
	}
	return opts + k.typ + " " + k.id + " " + k.comment + "\n"
}

// parseAuthKey reads one line; ok is false when it holds no key type.
// A line whose first word is "#" is a comment, kept as written.
func parseAuthKey(raw string, rank int) (authKey, bool) {
	raw = strings.ReplaceAll(raw, `\#`, "#")
	parts := strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' })
	if len(parts) > 0 && parts[0] == "#" {
		return authKey{id: raw, rank: rank}, true
	}
	ti := -1
	for i, p := range parts {
		if sshKeyTypes[p] {
			ti = i
			break
		}
	}
	if ti < 0 || ti+1 >= len(parts) {
		return authKey{}, false
	}
	k := authKey{id: parts[ti+1], typ: parts[ti], rank: rank, comment: strings.Join(parts[ti+2:], " ")}
	if ti > 0 {
		k.options = parseKeyOptions(strings.Join(parts[:ti], " "))
	}
	return k, true
}

// authKeyFile is a parsed file: keys by id, in first-seen order.
type authKeyFile struct {
	order []string
	keys  map[string]authKey
}

func (f *authKeyFile) set(k authKey) {
	if _, ok := f.keys[k.id]; !ok {
		f.order = append(f.order, k.id)
	}
	f.keys[k.id] = k
}

func (f *authKeyFile) del(id string) {
	delete(f.keys, id)
	for i, o := range f.order {
		if o == id {
			f.order = append(f.order[:i:i], f.order[i+1:]...)
			break
		}
	}
}

func parseAuthKeyFile(content string) *authKeyFile {
	f := &authKeyFile{keys: map[string]authKey{}}
	for i, line := range splitLinesWithEnds(content) {
		k, ok := parseAuthKey(line, i)
		if !ok {
			k = authKey{id: line, rank: i}
		}
		f.set(k)
	}
	return f
}

// serialize writes the keys back sorted by rank (stable, so keys of one
// rank keep their order).
func (f *authKeyFile) serialize() string {
	keys := make([]authKey, 0, len(f.order))
	for _, id := range f.order {
		keys = append(keys, f.keys[id])
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].rank < keys[j].rank })
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k.line())
	}
	return b.String()
}

// splitLinesWithEnds is Python's str.splitlines(True).
func splitLinesWithEnds(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\n\r\v\f\x1c\x1d\x1e")
		if i < 0 {
			out = append(out, s)
			break
		}
		end := i + 1
		if s[i] == '\r' && end < len(s) && s[end] == '\n' {
			end++
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

// pythonLines is str.splitlines() without the ends.
func pythonLines(s string) []string {
	var out []string
	for _, l := range splitLinesWithEnds(s) {
		out = append(out, strings.TrimRight(l, "\r\n\v\f\x1c\x1d\x1e"))
	}
	return out
}

func (authorizedKeyModule) Run(c *Context, args Args) (*Result, error) {
	res, err := runAuthorizedKey(c, args)
	if err == nil {
		if p, ok := res.Fields["path"].(string); ok {
			err = addPathInfo(c, res, p)
		}
	}
	return finish(res, err)
}

// addPathInfo adds what Ansible's exit_json adds to any result with a
// path: the file's kind as state, and its owner, group, mode and size,
// of the path itself, not what a link points to.
func addPathInfo(c *Context, res *Result, p string) error {
	pr, err := probe(c, nil, nil, probeRequest{Path: p})
	if err != nil {
		return err
	}
	f := &pr.Files[0]
	if !f.Exists {
		res.Set("state", "absent")
		return nil
	}
	setFileFields(res, f)
	return nil
}

func runAuthorizedKey(c *Context, args Args) (*Result, error) {
	user := args["user"].(string)
	key := args["key"].(string)
	state := args["state"].(string)
	manageDir := args["manage_dir"].(bool)
	exclusive := args["exclusive"].(bool)
	follow := args["follow"].(bool)
	keyOpts, hasOpts := args["key_options"].(string)
	comment, hasComment := args["comment"].(string)
	givenPath, hasPath := args["path"].(string)

	if strings.HasPrefix(key, "http") {
		return nil, failf("key is a URL (%s): fetching keys from a URL is not supported by gansible", key)
	}
	res := &Result{}
	for _, k := range []string{"user", "key", "path", "manage_dir", "state", "key_options", "exclusive", "comment", "validate_certs", "follow"} {
		res.Set(k, args[k])
	}

	var newKeys []string
	for _, s := range pythonLines(key) {
		if s != "" && !strings.HasPrefix(s, "#") {
			newKeys = append(newKeys, s)
		}
	}

	// The key file, as the module's keyfile() finds it.
	var pw *passwdEntry
	var keysfile, sshdir string
	if hasPath {
		p, err := expandHostPath(c, givenPath)
		if err != nil {
			return nil, err
		}
		keysfile, sshdir = p, path.Dir(p)
		res.Set("path", p)
	}
	if !(c.CheckMode && hasPath) {
		st, err := probeAccounts(c, user)
		if err != nil {
			return nil, err
		}
		if st.User == nil {
			if c.CheckMode {
				return nil, failf("Either user must exist or you must provide full path to key file in check mode")
			}
			return nil, failf("Failed to lookup user %s: \"getpwnam(): name not found: '%s'\"", user, user)
		}
		pw = st.User
		if !hasPath {
			sshdir = path.Join(pw.Home, ".ssh")
			keysfile = path.Join(sshdir, "authorized_keys")
		}
	}
	p, err := probe(c, nil, nil, probeRequest{Path: keysfile, Follow: true, Content: true})
	if err != nil {
		return nil, err
	}
	cur := &p.Files[0]
	// The key file is read through a link before anything is decided;
	// with follow, the link's target is what gets written.
	existing := ""
	if cur.IsReg() {
		existing = string(cur.Content)
	}
	res.Set("keyfile", keysfile)
	target := keysfile
	if follow && cur.RealPath != "" {
		target = cur.RealPath
	}

	f := parseAuthKeyFile(existing)
	maxRank := len(f.keys)
	doWrite := false
	var keep []string
	for i, nk := range newKeys {
		k, ok := parseAuthKey(nk, i)
		if !ok || k.typ == "" {
			return nil, failf("invalid key specified: %s", nk)
		}
		if hasOpts {
			k.options = parseKeyOptions(keyOpts)
		}
		if hasComment {
			k.comment = comment
		}
		matched := false
		var nonMatching *authKey
		if old, ok := f.keys[k.id]; ok {
			if !k.same(old) && state == "present" {
				nonMatching = &old
			} else {
				matched = true
			}
		}
		if state == "present" {
			keep = append(keep, k.id)
			if nonMatching != nil {
				f.del(nonMatching.id)
				doWrite = true
			}
			if !matched {
				k.rank = maxRank + k.rank
				f.set(k)
				doWrite = true
			}
		} else if matched {
			f.del(k.id)
			doWrite = true
		}
	}
	if state == "present" && exclusive {
		wanted := map[string]bool{}
		for _, id := range keep {
			wanted[id] = true
		}
		for _, id := range append([]string(nil), f.order...) {
			if !wanted[id] {
				f.del(id)
				doWrite = true
			}
		}
	}
	if !doWrite {
		return res, nil
	}
	content := f.serialize()
	res.Changed = true
	if c.DiffMode {
		res.Diff = append(res.Diff, Diff{BeforeHeader: keysfile, AfterHeader: target, Before: existing, After: content})
	}
	if c.CheckMode {
		return res, nil
	}
	owner, group := strconv.Itoa(pw.UID), strconv.Itoa(pw.GID)
	var prelude []string
	if manageDir {
		d := shell.Quote(sshdir)
		prelude = append(prelude, "{ [ -e "+d+" ] || mkdir -m 0700 -- "+d+"; } && chown -- "+shell.Quote(owner+":"+group)+" "+d+" && chmod 0700 -- "+d)
	}
	prelude = append(prelude, "mkdir -p -- "+shell.Quote(path.Dir(target)))
	mode, _ := parseMode("0600")
	wf := cur
	if target != keysfile {
		wp, err := probe(c, nil, nil, probeRequest{Path: target})
		if err != nil {
			return nil, err
		}
		wf = &wp.Files[0]
	}
	_, err = writeFile(c, writeRequest{
		Dest: target, Content: []byte(content), Existing: wf, Probe: p,
		Attrs:   fileAttrs{Owner: owner, Group: group, Mode: mode},
		Prelude: strings.Join(prelude, " && "),
	})
	if err != nil {
		// A failure reports its message only, as fail_json in the module.
		return nil, err
	}
	return res, nil
}
