package modules

import (
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("user", userModule{}) }

// userModule is ansible.builtin.user on Linux: useradd, usermod and
// userdel from shadow-utils, with the account databases read through
// getent. Unlike Ansible, which hands the hash to useradd -p, the
// password travels on stdin to chpasswd -e, so it never shows in a
// process list.
type userModule struct{}

const userPlatformOnly = "a macOS, Solaris or BSD parameter, not implemented for Linux hosts"

func (userModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
		{Name: "name", Required: true, Aliases: []string{"user"}},
		{Name: "uid", Type: argspec.Int},
		{Name: "non_unique", Type: argspec.Bool, Default: false},
		{Name: "group"},
		{Name: "groups", Type: argspec.List, Elements: argspec.Str},
		{Name: "comment"},
		{Name: "home", Type: argspec.Path},
		{Name: "shell"},
		{Name: "password", NoLog: true},
		{Name: "login_class", Unsupported: userPlatformOnly},
		{Name: "password_expire_max", Type: argspec.Int},
		{Name: "password_expire_min", Type: argspec.Int},
		{Name: "hidden", Type: argspec.Bool, Unsupported: userPlatformOnly},
		{Name: "seuser", Unsupported: "SELinux user mapping is not implemented"},
		{Name: "force", Type: argspec.Bool, Default: false},
		{Name: "remove", Type: argspec.Bool, Default: false},
		{Name: "create_home", Type: argspec.Bool, Default: true, Aliases: []string{"createhome"}},
		{Name: "skeleton"},
		{Name: "system", Type: argspec.Bool, Default: false},
		{Name: "move_home", Type: argspec.Bool, Default: false},
		{Name: "append", Type: argspec.Bool, Default: false},
		{Name: "generate_ssh_key", Type: argspec.Bool},
		{Name: "ssh_key_bits", Type: argspec.Int, Default: 0},
		{Name: "ssh_key_type", Default: "rsa"},
		{Name: "ssh_key_file", Type: argspec.Path},
		{Name: "ssh_key_comment"}, // default: ansible-generated on the host's name
		{Name: "ssh_key_passphrase", NoLog: true},
		{Name: "update_password", Default: "always", Choices: []any{"always", "on_create"}},
		{Name: "expires", Type: argspec.Float},
		{Name: "password_lock", Type: argspec.Bool},
		{Name: "local", Type: argspec.Bool, Unsupported: "libuser's luseradd, lusermod and luserdel are not implemented"},
		{Name: "profile", Unsupported: userPlatformOnly},
		{Name: "authorization", Unsupported: userPlatformOnly},
		{Name: "role", Unsupported: userPlatformOnly},
		{Name: "umask"},
	}}
}

// userTask is one user task's arguments.
type userTask struct {
	name, state             string
	uid                     *int
	nonUnique               bool
	group                   *string
	groups                  []string // nil: not given
	comment, home, shell    *string
	password                *string
	force, remove           bool
	createHome, system      bool
	moveHome, append        bool
	skeleton, umask         *string
	keygen                  bool
	keyBits                 int
	keyType, keyFile        string
	keyComment              *string
	keyPassphrase           *string
	updateAlways            bool
	expires                 *float64
	lock                    *bool // password_lock; nil: leave the lock as it is
	expireMin, expireMax    *int
	warnings                []any
	keyDir, keyPath, pubKey string
}

func optString(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}

func userTaskFrom(args Args) *userTask {
	u := &userTask{
		name: args["name"].(string), state: args["state"].(string),
		nonUnique: args["non_unique"].(bool), group: optString(args["group"]),
		comment: optString(args["comment"]), home: optString(args["home"]), shell: optString(args["shell"]),
		password: optString(args["password"]), force: args["force"].(bool), remove: args["remove"].(bool),
		createHome: args["create_home"].(bool), system: args["system"].(bool),
		moveHome: args["move_home"].(bool), append: args["append"].(bool),
		skeleton: optString(args["skeleton"]), umask: optString(args["umask"]),
		keyBits: args["ssh_key_bits"].(int), keyType: args["ssh_key_type"].(string),
		keyComment: optString(args["ssh_key_comment"]), keyPassphrase: optString(args["ssh_key_passphrase"]),
		updateAlways: args["update_password"] == "always",
	}
	if n, ok := args["uid"].(int); ok {
		u.uid = &n
	}
	if g, ok := args["groups"].([]any); ok {
		u.groups = []string{}
		for _, e := range g {
			u.groups = append(u.groups, Stringify(e))
		}
	}
	u.keygen, _ = args["generate_ssh_key"].(bool)
	if f, ok := args["expires"].(float64); ok {
		u.expires = &f
	}
	if b, ok := args["password_lock"].(bool); ok {
		u.lock = &b
	}
	if n, ok := args["password_expire_min"].(int); ok {
		u.expireMin = &n
	}
	if n, ok := args["password_expire_max"].(int); ok {
		u.expireMax = &n
	}
	u.keyFile = path.Join(".ssh", "id_"+u.keyType)
	if f, ok := args["ssh_key_file"].(string); ok {
		u.keyFile = f
	}
	if u.groups == nil && u.append {
		u.warn("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups." +
			"This will change to an error in Ansible 2.14.")
	}
	return u
}

func (u *userTask) warn(msg string) { u.warnings = append(u.warnings, msg) }

// hashRE is a character outside crypt's alphabet, as Ansible's _HASH_RE.
var hashRE = regexp.MustCompile(`[^a-zA-Z0-9./=]`)

// checkPasswordHashed warns, as Ansible does, when the password does not
// look like a crypt hash.
func (u *userTask) checkPasswordHashed() {
	if u.password == nil || *u.password == "" {
		return
	}
	p := *u.password
	switch p {
	case "*", "!", "*************":
		return
	}
	bad := strings.ContainsAny(p, ":*!") || !strings.Contains(p, "$")
	if !bad {
		f := strings.Split(p, "$")
		if len(f) < 3 {
			bad = true
		} else {
			last := f[len(f)-1]
			bad = hashRE.MatchString(last) ||
				f[1] == "1" && len(last) != 22 || f[1] == "5" && len(last) != 43 || f[1] == "6" && len(last) != 86
		}
	}
	if bad {
		u.warn("The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly.")
	}
}

// groupNamesSet lists the requested groups once each, in the order given,
// failing on one that does not exist. With skipGID, the group whose gid
// is the user's primary one is left out, as useradd -G needs.
func (u *userTask) groupNamesSet(st *accountState, skipGID int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range u.groups {
		g := strings.TrimSpace(raw)
		if g == "" || seen[g] {
			continue
		}
		seen[g] = true
		e, ok := lookupGroup(st.Groups, g)
		if !ok {
			return nil, failf("Group %s does not exist", g)
		}
		if skipGID >= 0 && e.GID == skipGID {
			continue
		}
		out = append(out, g)
	}
	return out, nil
}

// expiresDate is the -e value of useradd and usermod: the date in UTC, or
// empty for "never" when the time is before the epoch.
func (u *userTask) expiresDate() string {
	if *u.expires < 0 {
		return ""
	}
	return time.Unix(int64(math.Floor(*u.expires)), 0).UTC().Format("2006-01-02")
}

func (userModule) Run(c *Context, args Args) (*Result, error) {
	u := userTaskFrom(args)
	u.checkPasswordHashed()
	res, err := runUser(c, u)
	res, err = finish(res, err)
	if res != nil && len(u.warnings) > 0 {
		res.Set("warnings", u.warnings)
	}
	return res, err
}

func runUser(c *Context, u *userTask) (*Result, error) {
	st, files, err := u.probe(c)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	res.Set("name", u.name)
	res.Set("state", u.state)

	if u.state == "absent" {
		if st.User == nil {
			return res, nil
		}
		if c.CheckMode {
			return &Result{Changed: true}, nil
		}
		cmd := []string{"userdel"}
		if u.force {
			cmd = append(cmd, "-f")
		}
		if u.remove {
			cmd = append(cmd, "-r")
		}
		if err := u.runAccountCommand(c, res, append(cmd, "--", u.name), nil); err != nil {
			return nil, err
		}
		res.Set("force", u.force)
		res.Set("remove", u.remove)
		return res, nil
	}

	if st.User == nil {
		if c.CheckMode {
			return &Result{Changed: true}, nil
		}
		// A failure reports only what Ansible's fail_json gets.
		if err := u.create(c, st, res); err != nil {
			return nil, err
		}
		res.Set("system", u.system)
		res.Set("create_home", u.createHome)
	} else {
		if err := u.modify(c, st, res); err != nil {
			return nil, err
		}
		res.Set("append", u.append)
		res.Set("move_home", u.moveHome)
	}
	if u.password != nil {
		res.Set("password", "NOT_LOGGING_PASSWORD")
	}
	if res.Changed && !c.CheckMode {
		// The account changed: read it again for the result.
		if st, files, err = u.probe(c); err != nil {
			return nil, err
		}
	}
	if err := u.finishPresent(c, res, st, files); err != nil {
		return nil, err
	}
	return res, nil
}

// probe reads the account databases and looks at the user's files (home,
// the ssh key and its directory) in one round trip: the home and a
// relative key path are taken on the host from the passwd entry just
// read, so a user that is already as wanted costs one round trip.
func (u *userTask) probe(c *Context) (*accountState, userFiles, error) {
	var b strings.Builder
	b.WriteString(accountProbeScript(u.name))
	b.WriteString("pw_home=\nif pw=$(getent passwd -- " + shell.Quote(u.name) + "); then pw_home=$(printf '%s\\n' \"$pw\" | cut -d: -f6); fi\n")
	home := `"$pw_home"`
	if u.home != nil {
		home = shell.Quote(*u.home)
	}
	key := shell.Quote(u.keyFile)
	if !path.IsAbs(u.keyFile) {
		key = `"$pw_home"/` + shell.Quote(u.keyFile)
	}
	b.WriteString("key=" + key + "\n")
	b.WriteString("[ -e " + home + " ] && rec home 1\n")
	b.WriteString("[ -e \"${key%/*}\" ] && rec keydir 1\n")
	b.WriteString("[ -e \"$key\" ] && rec key 1\n")
	b.WriteString("[ -e \"$key.pub\" ] && rec pub 1\n")
	b.WriteString("exit 0\n")
	out, err := runChecked(c, "failed to read the account databases", b.String(), nil)
	if err != nil {
		return nil, userFiles{}, err
	}
	r := parseRecords(string(out))
	_, home1 := r["home"]
	_, dir1 := r["keydir"]
	_, key1 := r["key"]
	_, pub1 := r["pub"]
	return parseAccountState(string(out), u.name), userFiles{home1, dir1, key1, pub1}, nil
}

// runAccountCommand runs one of the shadow-utils commands; stdout and
// stderr are kept in the result as Ansible keeps them, and a failure
// fails the task with the command's stderr.
func (u *userTask) runAccountCommand(c *Context, res *Result, argv []string, stdin []byte) error {
	res.Changed = true
	if c.CheckMode {
		return nil
	}
	r, err := c.Run(shell.Join(argv...), stdin)
	if err != nil {
		return err
	}
	setCommandOutput(res, r.Stdout, r.Stderr)
	if r.ExitCode != 0 {
		return failWith(map[string]any{"name": u.name, "rc": r.ExitCode}, "%s", string(r.Stderr))
	}
	return nil
}

// setPassword hands the hash to chpasswd -e on stdin, one "name:hash"
// line: a name or hash with a colon or a line break would add fields or
// lines to what chpasswd writes into the shadow file, so it is refused.
func (u *userTask) setPassword(c *Context, res *Result) error {
	if strings.ContainsAny(u.name, ":\n\r") || strings.ContainsAny(*u.password, ":\n\r") {
		return failf("the user name and the password hash must not contain ':' or a line break")
	}
	pw := *u.password
	if u.lock != nil && *u.lock {
		// Locked and set at once, as Ansible's "-p !HASH".
		pw = "!" + pw
	}
	return u.runAccountCommand(c, res, []string{"chpasswd", "-e"}, []byte(u.name+":"+pw+"\n"))
}

func (u *userTask) create(c *Context, st *accountState, res *Result) error {
	cmd := []string{"useradd"}
	if u.uid != nil {
		cmd = append(cmd, "-u", strconv.Itoa(*u.uid))
		if u.nonUnique {
			cmd = append(cmd, "-o")
		}
	}
	if u.group != nil {
		if _, ok := lookupGroup(st.Groups, *u.group); !ok {
			return failf("Group %s does not exist", *u.group)
		}
		cmd = append(cmd, "-g", *u.group)
	} else if _, ok := lookupGroup(st.Groups, u.name); ok {
		// A group of the user's name exists: without -N, useradd would
		// try to create it (USERGROUPS_ENAB) and fail.
		cmd = append(cmd, "-N")
	}
	if len(u.groups) > 0 {
		gs, err := u.groupNamesSet(st, -1)
		if err != nil {
			return err
		}
		cmd = append(cmd, "-G", strings.Join(gs, ","))
	}
	if u.comment != nil {
		cmd = append(cmd, "-c", *u.comment)
	}
	var prelude []string
	if u.home != nil {
		if u.createHome {
			// useradd cannot create the home's parents.
			prelude = []string{"mkdir", "-p", "--", path.Dir(*u.home)}
		}
		cmd = append(cmd, "-d", *u.home)
	}
	if u.shell != nil {
		cmd = append(cmd, "-s", *u.shell)
	}
	if u.expires != nil {
		cmd = append(cmd, "-e", u.expiresDate())
	}
	if u.createHome {
		cmd = append(cmd, "-m")
		if u.skeleton != nil {
			cmd = append(cmd, "-k", *u.skeleton)
		}
		if u.umask != nil {
			cmd = append(cmd, "-K", "UMASK="+*u.umask)
		}
	} else {
		cmd = append(cmd, "-M")
	}
	if u.system {
		cmd = append(cmd, "-r")
	}
	cmd = append(cmd, "--", u.name)
	if prelude != nil {
		if _, err := runChecked(c, "failed to create the parent of "+*u.home, shell.Join(prelude...), nil); err != nil {
			return err
		}
	}
	if err := u.runAccountCommand(c, res, cmd, nil); err != nil {
		return err
	}
	if u.password != nil {
		return u.setPassword(c, res)
	}
	return nil
}

func (u *userTask) modify(c *Context, st *accountState, res *Result) error {
	info := st.User
	cmd := []string{"usermod"}
	if u.uid != nil && info.UID != *u.uid {
		cmd = append(cmd, "-u", strconv.Itoa(*u.uid))
		if u.nonUnique {
			cmd = append(cmd, "-o")
		}
	}
	if u.group != nil {
		g, ok := lookupGroup(st.Groups, *u.group)
		if !ok {
			return failf("Group %s does not exist", *u.group)
		}
		if info.GID != g.GID {
			cmd = append(cmd, "-g", strconv.Itoa(g.GID))
		}
	}
	if u.groups != nil {
		var current []string
		for _, g := range st.memberOf(u.name) {
			current = append(current, g.Name)
		}
		joined := strings.Join(u.groups, ",")
		need := false
		var want []string
		if joined == "" {
			need = len(current) > 0 && !u.append
		} else {
			var err error
			if want, err = u.groupNamesSet(st, -1); err != nil {
				return err
			}
			cur := map[string]bool{}
			for _, g := range current {
				cur[g] = true
			}
			wanted := map[string]bool{}
			for _, g := range want {
				wanted[g] = true
			}
			diff := len(want) != len(current)
			for _, g := range current {
				diff = diff || !wanted[g]
			}
			if diff {
				if u.append {
					for _, g := range want {
						if !cur[g] {
							cmd = append(cmd, "-a")
							need = true
							break
						}
					}
				} else {
					need = true
				}
			}
		}
		if need {
			cmd = append(cmd, "-G", strings.Join(want, ","))
		}
	}
	if u.comment != nil && info.Comment != *u.comment {
		cmd = append(cmd, "-c", *u.comment)
	}
	if u.home != nil && info.Home != *u.home {
		cmd = append(cmd, "-d", *u.home)
		if u.moveHome {
			cmd = append(cmd, "-m")
		}
	}
	if u.shell != nil && info.Shell != *u.shell {
		cmd = append(cmd, "-s", *u.shell)
	}
	if u.expires != nil {
		cur := info.ShadowExpireDays
		if *u.expires < 0 {
			if cur >= 0 {
				cmd = append(cmd, "-e", "")
			}
		} else if cur < 0 || time.Unix(int64(cur)*86400, 0).UTC().Format("2006-01-02") != u.expiresDate() {
			cmd = append(cmd, "-e", u.expiresDate())
		}
	}
	hash := info.Password
	if len(hash) <= 1 {
		hash = info.ShadowPassword
	}
	// Lock if unlocked, unlock only if locked; a new hash sets the lock
	// with it instead.
	newHash := u.updateAlways && u.password != nil && strings.TrimLeft(hash, "!") != strings.TrimLeft(*u.password, "!")
	if u.lock != nil && !newHash {
		switch {
		case *u.lock && !strings.HasPrefix(hash, "!"):
			cmd = append(cmd, "-L")
		case !*u.lock && strings.HasPrefix(hash, "!"):
			cmd = append(cmd, "-U")
		}
	}
	if len(cmd) > 1 {
		if err := u.runAccountCommand(c, res, append(cmd, "--", u.name), nil); err != nil {
			return err
		}
	}
	if newHash {
		return u.setPassword(c, res)
	}
	return nil
}

// finishPresent reports the account as it now is, creates a missing home
// and deals with the ssh key, as Ansible does after creating or changing
// a user.
func (u *userTask) finishPresent(c *Context, res *Result, st *accountState, h userFiles) error {
	info := st.User
	if info == nil {
		if c.CheckMode {
			return nil
		}
		res.Failed = true
		res.Msg = "failed to look up user name: " + u.name
		return nil
	}
	res.Set("uid", info.UID)
	res.Set("group", info.GID)
	res.Set("comment", info.Comment)
	res.Set("home", info.Home)
	res.Set("shell", info.Shell)
	if u.groups != nil {
		res.Set("groups", strings.Join(u.groups, ","))
	}
	home := info.Home
	if u.home != nil {
		home = *u.home
	}
	keyPath := u.keyFile
	if !path.IsAbs(keyPath) {
		keyPath = path.Join(info.Home, keyPath)
	}
	if !h.homeExists && u.createHome {
		res.Changed = true
		if !c.CheckMode {
			if err := createHome(c, u.skeleton, home, info); err != nil {
				return err
			}
		}
	}
	if u.keygen {
		if err := u.sshKey(c, res, info, keyPath, h); err != nil {
			return err
		}
	}
	return u.passwordAges(c, res, info)
}

// passwordAges sets password_expire_min and _max with chage when the
// shadow entry has others, as Ansible's set_password_expire.
func (u *userTask) passwordAges(c *Context, res *Result, info *passwdEntry) error {
	if !info.HasShadow {
		return nil
	}
	cmd := []string{"chage"}
	if u.expireMin != nil && *u.expireMin != info.ShadowMin {
		cmd = append(cmd, "-m", strconv.Itoa(*u.expireMin))
	}
	if u.expireMax != nil && *u.expireMax != info.ShadowMax {
		cmd = append(cmd, "-M", strconv.Itoa(*u.expireMax))
	}
	if len(cmd) == 1 {
		return nil
	}
	return u.runAccountCommand(c, res, append(cmd, "--", u.name), nil)
}

// userFiles is what the probe found of the user's files.
type userFiles struct {
	homeExists, keyDirExists, keyExists, pubExists bool
}

// createHome makes a missing home as Ansible's create_homedir: a copy of
// the skeleton (or an empty directory), mode from login.defs' UMASK, and
// the whole tree owned by the user.
func createHome(c *Context, skeleton *string, home string, info *passwdEntry) error {
	skel := "/etc/skel"
	if skeleton != nil {
		skel = *skeleton
	}
	h, s := shell.Quote(home), shell.Quote(skel)
	own := shell.Quote(strconv.Itoa(info.UID) + ":" + strconv.Itoa(info.GID))
	script := "set -e\nif [ -d " + s + " ]; then cp -RP -- " + s + " " + h + "; else mkdir -p -- " + h + "; fi\n" +
		"um=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-7]\\{1,\\}\\)[[:space:]]*$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1)\n" +
		"if [ -n \"$um\" ]; then chmod -- \"$(printf '%o' $(( 0777 & ~0$um )))\" " + h + "; fi\n" +
		"chown -R -- " + own + " " + h + "\n"
	_, err := runChecked(c, "failed to create "+home, script, nil)
	return err
}

// sshKey generates the user's key pair unless it exists, and reports it.
func (u *userTask) sshKey(c *Context, res *Result, info *passwdEntry, key string, h userFiles) error {
	pub := key + ".pub"
	rc := -1 // no ssh-keygen run
	switch {
	case !h.keyDirExists && c.CheckMode:
		rc = 0
	case h.keyExists && !u.force:
		u.warn(`Found existing ssh key private file "` + key + `", no force, so skipping ssh-keygen generation`)
	case h.pubExists && !u.force:
		u.warn(`Found existing ssh key public file "` + pub + `", no force, so skipping ssh-keygen generation`)
	case c.CheckMode:
		rc = 0
	default:
		if h.keyExists {
			u.warn(`Overwriting existing ssh key private file "` + key + `"`)
		}
		if h.pubExists {
			u.warn(`Overwriting existing ssh key public file "` + pub + `"`)
		}
		if err := u.generateKey(c, info, key, h); err != nil {
			return err
		}
		rc = 0
	}
	if rc == 0 {
		res.Changed = true
	}
	out, err := c.Run("if [ -e "+shell.Quote(key)+" ]; then ssh-keygen -l -f "+shell.Quote(key)+"; else exit 97; fi", nil)
	if err != nil {
		return err
	}
	switch r := out; {
	case r.ExitCode == 0:
		res.Set("ssh_fingerprint", strings.TrimSpace(string(r.Stdout)))
	case r.ExitCode == 97:
		// Ansible puts the "does not exist" text in stdout and reports
		// the empty stderr.
		res.Set("ssh_fingerprint", "")
	default:
		res.Set("ssh_fingerprint", strings.TrimSpace(string(r.Stderr)))
	}
	res.Set("ssh_key_file", key)
	p, err := c.Run("cat -- "+shell.Quote(pub)+" 2>/dev/null", nil)
	if err != nil {
		return err
	}
	if p.ExitCode == 0 {
		res.Set("ssh_public_key", strings.TrimSpace(string(p.Stdout)))
	} else {
		res.Set("ssh_public_key", nil)
	}
	return nil
}

// generateKey runs ssh-keygen. A passphrase goes on stdin: ssh-keygen
// reads it from there when it has no terminal, which setsid takes away.
func (u *userTask) generateKey(c *Context, info *passwdEntry, key string, h userFiles) error {
	own := shell.Quote(strconv.Itoa(info.UID) + ":" + strconv.Itoa(info.GID))
	k, p, d := shell.Quote(key), shell.Quote(key+".pub"), shell.Quote(path.Dir(key))
	var b strings.Builder
	b.WriteString("set -e\n")
	if !h.keyDirExists {
		b.WriteString("mkdir -m 0700 -- " + d + "\nchown -- " + own + " " + d + "\n")
	}
	if h.pubExists {
		b.WriteString("rm -f -- " + p + "\n")
	}
	if h.keyExists {
		b.WriteString("rm -f -- " + k + "\n")
	}
	// The default comment names the host as it calls itself, as
	// Ansible's socket.gethostname() on the host.
	comment := `"ansible-generated on $(uname -n)"`
	if u.keyComment != nil {
		comment = shell.Quote(*u.keyComment)
	}
	argv := []string{"ssh-keygen", "-q", "-t", u.keyType}
	if u.keyBits > 0 {
		argv = append(argv, "-b", strconv.Itoa(u.keyBits))
	}
	cmd := shell.Join(argv...) + " -C " + comment + " -f " + k
	var stdin []byte
	if u.keyPassphrase != nil {
		stdin = []byte(*u.keyPassphrase + "\n" + *u.keyPassphrase + "\n")
		b.WriteString("setsid " + cmd + "\n")
	} else {
		b.WriteString(cmd + " -N '' </dev/null\n")
	}
	b.WriteString("chown -- " + own + " " + k + " " + p + "\n")
	r, err := c.Run(b.String(), stdin)
	if err != nil {
		return err
	}
	if r.ExitCode != 0 {
		return failWith(map[string]any{"name": u.name, "rc": r.ExitCode}, "%s", string(r.Stderr))
	}
	return nil
}

// setCommandOutput adds a command's output to the result as Ansible
// reports a module's stdout and stderr: appended to what earlier commands
// of the task printed, each with its _lines.
func setCommandOutput(res *Result, stdout, stderr []byte) {
	for _, o := range []struct {
		key string
		b   []byte
	}{{"stdout", stdout}, {"stderr", stderr}} {
		if len(o.b) == 0 {
			continue
		}
		old, _ := res.Fields[o.key].(string)
		res.Set(o.key, old+string(o.b))
		res.Set(o.key+"_lines", splitLines(old+string(o.b)))
	}
}
