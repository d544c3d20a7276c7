package modules

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("known_hosts", knownHostsModule{}) }

// knownHostsModule is ansible.builtin.known_hosts: ssh-keygen -F on the
// host finds the entry, the file is rewritten atomically, and removing a
// host without a key is ssh-keygen -R, as in Ansible.
type knownHostsModule struct{}

func (knownHostsModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "name", Required: true, Aliases: []string{"host"}},
		{Name: "key"},
		{Name: "path", Type: argspec.Path, Default: "~/.ssh/known_hosts"},
		{Name: "hash_host", Type: argspec.Bool, Default: false},
		{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
	}}
}

var (
	commaHostRE = regexp.MustCompile(`\S+(\s+)?,(\s+)?`)
	foundLineRE = regexp.MustCompile(`found: line (\d+)`)
)

// knownHostsKey is a known_hosts line as normalize_known_hosts_key
// reads it.
type knownHostsKey struct{ options, host, typ, key string }

func parseKnownHostsKey(line string) (knownHostsKey, bool) {
	k := strings.Fields(line)
	if len(k) > 0 && strings.HasPrefix(k[0], "@") {
		if len(k) < 4 {
			return knownHostsKey{}, false
		}
		return knownHostsKey{k[0], k[1], k[2], k[3]}, true
	}
	if len(k) < 3 {
		return knownHostsKey{}, false
	}
	return knownHostsKey{"", k[0], k[1], k[2]}, true
}

// hashKnownHost replaces the key's host field with an HMAC-SHA1 hash of
// host under a fresh salt, as ssh-keygen -H writes it.
func hashKnownHost(host, key string) (string, error) {
	salt := make([]byte, 20)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	m := hmac.New(sha1.New, salt)
	m.Write([]byte(host))
	parts := strings.Fields(key)
	i := 0
	if strings.HasPrefix(parts[0], "@") {
		i = 1
	}
	parts[i] = "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(m.Sum(nil))
	return strings.Join(parts, " "), nil
}

func (knownHostsModule) Run(c *Context, args Args) (*Result, error) {
	res, err := runKnownHosts(c, args)
	if err == nil {
		if p, ok := res.Fields["path"].(string); ok {
			err = addPathInfo(c, res, p)
		}
	}
	return finish(res, err)
}

func runKnownHosts(c *Context, args Args) (*Result, error) {
	name := args["name"].(string)
	host := strings.ToLower(name)
	key, _ := args["key"].(string)
	state := args["state"].(string)
	hashHost := args["hash_host"].(bool)

	if key == "" && state != "absent" {
		return nil, failf("No key specified when adding a host")
	}
	if key != "" && hashHost {
		if len(strings.Fields(key)) == 0 {
			return nil, failf("invalid key specified: %s", key)
		}
		h, err := hashKnownHost(host, key)
		if err != nil {
			return nil, err
		}
		key = h
	}
	if key != "" && !strings.HasSuffix(key, "\n") {
		key += "\n"
	}
	p, err := expandHostPath(c, args["path"].(string))
	if err != nil {
		return nil, err
	}

	res := &Result{}
	res.Set("name", name)
	res.Set("key", args["key"])
	res.Set("path", p)
	res.Set("hash_host", hashHost)
	res.Set("state", state)

	// sanity_check: ssh-keygen must find host in the key given.
	if key != "" {
		if commaHostRE.MatchString(host) {
			return nil, failf("Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.")
		}
		script := `t=$(mktemp) || exit 1
trap 'rm -f -- "$t"' EXIT
cat > "$t" && ssh-keygen -f "$t" -F ` + shell.Quote(host) + "\n"
		r, err := c.Run(script, []byte(key))
		if err != nil {
			return nil, err
		}
		if len(r.Stdout) == 0 {
			return nil, failf("Host parameter does not match hashed host field in supplied key")
		}
	}

	pr, err := probe(c, nil, nil, probeRequest{Path: p, Follow: true, Content: true})
	if err != nil {
		return nil, err
	}
	cur := &pr.Files[0]

	// search_for_host_key
	found, replace, foundLine := false, false, 0
	if cur.Exists {
		r, err := c.Run("ssh-keygen -f "+shell.Quote(p)+" -F "+shell.Quote(host), nil)
		if err != nil {
			return nil, err
		}
		stdout, stderr := string(r.Stdout), string(r.Stderr)
		switch {
		case stdout == "" && stderr == "" && (r.ExitCode == 0 || r.ExitCode == 1):
		case r.ExitCode != 0:
			return nil, failf("ssh-keygen failed (rc=%d, stdout='%s',stderr='%s')", r.ExitCode, stdout, stderr)
		case key == "":
			found = true
		default:
			found, replace = true, true
			want, _ := parseKnownHostsKey(key)
			line := 0
			for _, l := range strings.Split(stdout, "\n") {
				if l == "" {
					continue
				}
				if l[0] == '#' {
					m := foundLineRE.FindStringSubmatch(l)
					if m == nil {
						return nil, failf("failed to parse output of ssh-keygen for line number: '%s'", l)
					}
					line, _ = strconv.Atoi(m[1])
					continue
				}
				got, ok := parseKnownHostsKey(l)
				if !ok {
					continue
				}
				w := want
				if strings.HasPrefix(w.host, "|1|") && strings.HasPrefix(got.host, "|1|") {
					w.host = got.host
				}
				if w == got {
					replace, foundLine = false, line
					break
				}
				if w.typ == got.typ {
					foundLine = line
					break
				}
			}
		}
	}

	// compute_diff
	before := ""
	beforeHeader := p
	if cur.Exists {
		before = string(cur.Content)
	} else {
		beforeHeader = "/dev/null"
	}
	lines := splitLinesWithEnds(before)
	if (replace || state == "absent") && foundLine >= 1 && foundLine <= len(lines) {
		lines = append(lines[:foundLine-1:foundLine-1], lines[foundLine:]...)
	}
	if state == "present" && (replace || foundLine == 0) {
		lines = append(lines, key)
	}
	after := strings.Join(lines, "")
	diff := Diff{BeforeHeader: beforeHeader, AfterHeader: p, Before: before, After: after}
	// The module always returns its diff, --diff or not.
	diffField := map[string]any{"before_header": diff.BeforeHeader, "after_header": diff.AfterHeader, "before": diff.Before, "after": diff.After}
	res.Set("diff", diffField)
	if c.DiffMode {
		res.Diff = []Diff{diff}
	}

	if state == "absent" && foundLine == 0 && key != "" {
		return res, nil
	}
	if c.CheckMode {
		out := &Result{Changed: replace || (state == "present") != found}
		out.Set("diff", diffField)
		if c.DiffMode {
			out.Diff = res.Diff
		}
		return out, nil
	}
	if found && key == "" && state == "absent" {
		if _, err := runChecked(c, "ssh-keygen -R failed", "ssh-keygen -f "+shell.Quote(p)+" -R "+shell.Quote(host), nil); err != nil {
			return res, err
		}
		res.Changed = true
		// What ssh-keygen left is what gets rewritten below.
		if pr, err = probe(c, nil, nil, probeRequest{Path: p, Follow: true, Content: true}); err != nil {
			return res, err
		}
		cur = &pr.Files[0]
		before = string(cur.Content)
	}
	if replace || found != (state == "present") {
		var b strings.Builder
		for i, line := range splitLinesWithEnds(before) {
			if foundLine == i+1 && (replace || state == "absent") {
				continue
			}
			b.WriteString(line)
		}
		if state == "present" {
			b.WriteString(key)
		}
		target := p
		if cur.RealPath != "" {
			target = cur.RealPath
		}
		if _, err := writeFile(c, writeRequest{Dest: target, Content: []byte(b.String()), Existing: cur, Probe: pr}); err != nil {
			var tf *taskFailure
			if asTaskFailure(err, &tf) {
				return res, failf("Failed to write to file %s: %s", p, tf.msg)
			}
			return res, err
		}
		res.Changed = true
	}
	return res, nil
}

// asTaskFailure is errors.As for a taskFailure.
func asTaskFailure(err error, tf **taskFailure) bool {
	t, ok := err.(*taskFailure)
	if ok {
		*tf = t
	}
	return ok
}
