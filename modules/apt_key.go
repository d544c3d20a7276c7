package modules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("apt_key", aptKeyModule{}) }

// aptKeyModule is ansible-core 2.14's apt_key on Debian hosts, with the
// host's apt-key and gpg as the module runs them: a key's id is read with
// gpg --with-colons (key data on stdin), the keyring's keys listed with
// apt-key adv --list-public-keys, and a key added with apt-key add (data
// on stdin) or removed with apt-key del. A url is fetched on the host
// with curl, as the module fetches it there. Keyservers are not
// supported: the hosts reach no address outside their own network.
type aptKeyModule struct{}

func (aptKeyModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "id"},
			{Name: "url"},
			{Name: "data"},
			{Name: "file", Type: argspec.Path},
			{Name: "keyring", Type: argspec.Path},
			{Name: "validate_certs", Type: argspec.Bool, Default: true},
			{Name: "keyserver", Unsupported: "keyservers are not supported by gansible's apt_key (give the key as data, file or url)"},
			{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
		},
		MutuallyExclusive: [][]string{{"data", "file", "keyserver", "url"}},
	}
}

// aptKeyEnv is the module's lang_env.
const aptKeyEnv = "LANG=C.UTF-8 LC_ALL=C.UTF-8 LC_MESSAGES=C.UTF-8"

// parseKeyOutput is the module's parse_output_for_keys.
func parseKeyOutput(out string, short bool) []string {
	found := []string{}
	for _, line := range strings.Split(out, "\n") {
		if !(strings.HasPrefix(line, "pub") || strings.HasPrefix(line, "sub")) || strings.Contains(line, "expired") {
			continue
		}
		tokens := strings.Fields(line)
		code := ""
		if len(tokens) > 1 {
			if parts := strings.Split(tokens[1], "/"); len(parts) == 2 {
				code = parts[1]
			}
		}
		if code == "" {
			colons := strings.Split(line, ":")
			if len(colons) <= 4 {
				continue
			}
			code = colons[4]
		}
		found = append(found, code)
	}
	if short {
		for i, k := range found {
			if len(k) > 8 {
				found[i] = k[len(k)-8:]
			}
		}
	}
	return found
}

// parseKeyID is the module's parse_key_id: the short id (for apt-key
// del), the fingerprint as listings show it, and the whole id, upper
// case without 0x. An id is hex digits, 8, 16 or more than 16 of them.
func parseKeyID(id string) (short, fp, full string, ok bool) {
	if !keyIDRE.MatchString(id) {
		return "", "", "", false
	}
	full = strings.TrimPrefix(strings.ToUpper(id), "0X")
	n := len(full)
	if n != 8 && n != 16 && n <= 16 {
		return "", "", "", false
	}
	short, fp = full[n-8:], full
	if n > 16 {
		fp = full[n-16:]
	}
	return short, fp, full, true
}

var keyIDRE = regexp.MustCompile(`^(0[xX])?[0-9a-fA-F]+$`)

func (aptKeyModule) Run(c *Context, args Args) (*Result, error) {
	id := args.String("id")
	url := args.String("url")
	data := args.String("data")
	_, hasData := args["data"]
	hasData = hasData && args["data"] != nil
	file := args.String("file")
	keyring := args.String("keyring")
	state := args.String("state")
	if state == "" {
		state = "present"
	}
	validate, err := args.Bool("validate_certs", true)
	if err != nil {
		return Failf("%v", err), nil
	}
	keyringOpt := ""
	if keyring != "" {
		keyringOpt = "--keyring " + shell.Quote(keyring) + " "
	}

	res, err := c.Run(`PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
command -v apt-key >/dev/null 2>&1 || { echo @noaptkey; exit 0; }
command -v gpg >/dev/null 2>&1 || echo @nogpg`, nil)
	if err != nil {
		return nil, err
	}
	switch strings.TrimSpace(string(res.Stdout)) {
	case "@noaptkey":
		return Failf("Failed to find required executable \"apt-key\" in paths: %s", hostPathList), nil
	case "@nogpg":
		return Failf("Failed to find required executable \"gpg\" in paths: %s", hostPathList), nil
	}

	download := func() (string, *Result, error) {
		resp, body, err := curlFetch(c, httpRequest{URL: url, ValidateCerts: validate, Follow: true}.curlConfig(), false, "")
		if err != nil {
			r, err := finish(nil, err)
			return "", r, err
		}
		if resp.CurlRC != 0 {
			return "", Failf("Failed to download key at %s: %s", url, resp.curlFailure()), nil
		}
		if resp.Status != 200 {
			return "", Failf("Failed to download key at %s: HTTP Error %d: %s", url, resp.Status, resp.Reason), nil
		}
		return body, nil, nil
	}
	r := &Result{}
	if id == "" {
		if url != "" {
			body, fail, err := download()
			if fail != nil || err != nil {
				return fail, err
			}
			data, hasData = body, true
		}
		switch {
		case file != "":
			out, err := c.Run(aptKeyEnv+" gpg --with-colons -- "+shell.Quote(file)+" </dev/null", nil)
			if err != nil {
				return nil, err
			}
			if out.ExitCode != 0 {
				f := Failf("Unable to extract key from '%s'", file)
				f.Set("stdout", string(out.Stdout))
				f.Set("stderr", string(out.Stderr))
				return f, nil
			}
			if keys := parseKeyOutput(string(out.Stdout), false); len(keys) > 0 {
				id = keys[0]
			}
		case hasData && data != "":
			out, err := c.Run(aptKeyEnv+" gpg --with-colons -", []byte(data))
			if err != nil {
				return nil, err
			}
			if out.ExitCode != 0 {
				f := Failf("Unable to extract key from 'inline data'")
				f.Set("stdout", string(out.Stdout))
				f.Set("stderr", string(out.Stderr))
				return f, nil
			}
			if keys := parseKeyOutput(string(out.Stdout), false); len(keys) > 0 {
				id = keys[0]
			}
		}
	}
	if id == "" {
		r.Set("id", nil)
	} else {
		r.Set("id", id)
	}
	short, fp, full, ok := parseKeyID(id)
	if !ok {
		r.Failed, r.Msg = true, "Invalid key_id"
		return r, nil
	}
	r.Set("short_id", short)
	r.Set("fp", fp)
	r.Set("key_id", full)
	shortFormat := len(full) == 8
	want := fp
	if shortFormat {
		want = short
	}

	listKeys := func() ([]string, *Result, error) {
		cmd := "apt-key " + keyringOpt + "adv --list-public-keys --keyid-format=long"
		out, err := c.Run(cmd+" </dev/null", nil)
		if err != nil {
			return nil, nil, err
		}
		if out.ExitCode != 0 {
			f := Failf("Unable to list public keys")
			f.Set("cmd", "/usr/bin/"+cmd)
			f.Set("rc", out.ExitCode)
			f.Set("stdout", string(out.Stdout))
			f.Set("stderr", string(out.Stderr))
			return nil, f, nil
		}
		return parseKeyOutput(string(out.Stdout), shortFormat), nil, nil
	}
	keys, fail, err := listKeys()
	if fail != nil || err != nil {
		return fail, err
	}
	r.Set("before", keys)
	has := func(list []string, k string) bool {
		for _, x := range list {
			if x == k {
				return true
			}
		}
		return false
	}
	const noError = "apt-key did not return an error, but %s (check that the id is correct and *not* a subkey)"
	switch state {
	case "present":
		if has(keys, want) {
			return r, nil
		}
		r.Changed = true
		if c.CheckMode {
			return r, nil
		}
		var out struct {
			code           int
			stdout, stderr string
		}
		var cmd string
		switch {
		case file != "":
			cmd = "apt-key " + keyringOpt + "add " + shell.Quote(file)
			o, err := c.Run(cmd+" </dev/null", nil)
			if err != nil {
				return nil, err
			}
			out.code, out.stdout, out.stderr = o.ExitCode, string(o.Stdout), string(o.Stderr)
			if out.code != 0 {
				f := Failf("Unable to add a key from file %s", file)
				f.Set("keyfile", file)
				f.Set("cmd", "/usr/bin/"+cmd)
				f.Set("rc", out.code)
				f.Set("stdout", out.stdout)
				f.Set("stderr", out.stderr)
				return f, nil
			}
		case hasData || url != "":
			if url != "" {
				body, fail, err := download()
				if fail != nil || err != nil {
					return fail, err
				}
				data = body
			}
			cmd = "apt-key " + keyringOpt + "add -"
			o, err := c.Run(cmd, []byte(data))
			if err != nil {
				return nil, err
			}
			if o.ExitCode != 0 {
				f := Failf("Unable to add a key from binary data")
				f.Set("cmd", "/usr/bin/"+cmd)
				f.Set("rc", o.ExitCode)
				f.Set("stdout", string(o.Stdout))
				f.Set("stderr", string(o.Stderr))
				return f, nil
			}
		default:
			r.Failed, r.Msg = true, "No key to add ... how did i get here?!?!"
			return r, nil
		}
		after, fail, err := listKeys()
		if fail != nil || err != nil {
			return fail, err
		}
		r.Set("after", after)
		if !has(after, want) {
			r.Failed, r.Msg = true, fmt.Sprintf(noError, "failed to add the key")
		}
		return r, nil
	default:
		if !has(keys, fp) {
			return r, nil
		}
		r.Changed = true
		if c.CheckMode {
			return r, nil
		}
		cmd := "apt-key " + keyringOpt + "del " + shell.Quote(short)
		o, err := c.Run(cmd+" </dev/null", nil)
		if err != nil {
			return nil, err
		}
		if o.ExitCode != 0 {
			f := Failf("Unable to remove a key with id %s", short)
			f.Set("key_id", short)
			f.Set("cmd", "/usr/bin/"+cmd)
			f.Set("rc", o.ExitCode)
			f.Set("stdout", string(o.Stdout))
			f.Set("stderr", string(o.Stderr))
			return f, nil
		}
		after, fail, err := listKeys()
		if fail != nil || err != nil {
			return fail, err
		}
		r.Set("after", after)
		if has(after, fp) {
			r.Failed, r.Msg = true, fmt.Sprintf(noError, "the key was not removed")
		}
		return r, nil
	}
}
