package modules

import (
	"regexp"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("rpm_key", rpmKeyModule{}) }

// rpmKeyModule is ansible.builtin.rpm_key: a key given by a path on the
// host, an http(s) URL fetched on the host with curl, or a key id, is
// imported into rpm's database or erased from it. The key's id comes from
// gpg's colon listing of the key file, the imported keys' ids from gpg's
// listing of every gpg-pubkey package's description, as the module does.
type rpmKeyModule struct{}

func (rpmKeyModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
			{Name: "key", Required: true},
			{Name: "fingerprint"},
			{Name: "validate_certs", Type: argspec.Bool, Default: true},
		},
	}
}

// rpmKeyID is the module's is_keyid: a match at the start only, so any
// key that begins with eight hex digits is taken for an id.
var rpmKeyID = regexp.MustCompile(`(?i)^(0x)?[0-9a-f]{8}`)

// rpmPubkey is the module's is_pubkey.
var rpmPubkey = regexp.MustCompile(`(?s)-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----`)

// rpmGPGList is gpg's colon listing as the module asks for it.
const rpmGPGList = `"$gpg" --no-tty --batch --with-colons --fixed-list-mode`

func (rpmKeyModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runRPMKey(c, args))
}

func runRPMKey(c *Context, args Args) (*Result, error) {
	key := args.String("key")
	present := args.String("state") == "present"
	fingerprint := strings.ToUpper(strings.ReplaceAll(args.String("fingerprint"), " ", ""))

	var body []byte // the key fetched from a URL
	isURL := strings.Contains(key, "://")
	if isURL {
		b, err := fetchRPMKey(c, key, boolArg(args, "validate_certs", true))
		if err != nil {
			return nil, err
		}
		body = b
	}
	isID := !isURL && rpmKeyID.MatchString(key)
	hasFile := !isID

	// One look at the host: rpm and gpg, the key file's listing (from the
	// path or the fetched key on stdin), and the imported keys' listing.
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString(`rec path "$PATH"
PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
command -v rpm >/dev/null 2>&1 || { rec norpm rpm; exit 0; }
gpg=$(command -v gpg || command -v gpg2) || { rec norpm gpg2; exit 0; }
e=$(mktemp) || exit 1
trap 'rm -f "$e"' EXIT
`)
	switch {
	case isURL:
		b.WriteString(`out=$(` + rpmGPGList + ` --with-fingerprint - 2>"$e"); rc=$?; rec keyrc "$rc"; rec key "$out"; recout keyerr <"$e"` + "\n")
	case !isID:
		q := shell.Quote(key)
		b.WriteString(`if [ -f ` + q + ` ]; then out=$(` + rpmGPGList + ` --with-fingerprint -- ` + q + ` 2>"$e"); rc=$?; rec keyrc "$rc"; rec key "$out"; recout keyerr <"$e"; else rec nofile; exit 0; fi` + "\n")
	}
	if hasFile {
		// The module lists the imported keys only once the key's id is
		// known: its gpg run would create gpg's home and trust db.
		b.WriteString(`[ "$rc" = 0 ] || exit 0
case $rec_nl$out in *"${rec_nl}pub:"*) ;; *) exit 0 ;; esac
`)
	}
	b.WriteString(`if rpm -q gpg-pubkey >/dev/null 2>&1; then
	out=$(rpm -q gpg-pubkey --qf '%{description}' | ` + rpmGPGList + ` - 2>"$e"); rec listrc "$?"; rec list "$out"; recout listerr <"$e"
fi
`)
	r, err := c.Run(b.String(), body)
	if err != nil {
		return nil, err
	}
	recs := parseRecords(string(r.Stdout))
	if name, ok := recs["norpm"]; ok {
		return nil, failf("Failed to find required executable \"%s\" in paths: %s", name, withSbin(recs["path"]))
	}
	if _, ok := recs["nofile"]; ok {
		return nil, failf("Not a valid key %s", key)
	}
	var keyID, keyFpr string
	if hasFile {
		if _, ok := recs["keyrc"]; !ok {
			return nil, failf("rpm_key: the host's answer was cut short: %s", trimOutput(r.Stderr))
		}
		if recs["keyrc"] != "0" {
			return nil, failf("%s", gpgStderr(recs["keyerr"]))
		}
		keyID, keyFpr = gpgKeyFields(recs["key"])
		if keyID == "" {
			return nil, failf("Unexpected gpg output")
		}
	} else {
		keyID = key
	}
	keyID = normalizeKeyID(keyID)

	if rc, ok := recs["listrc"]; ok && rc != "0" {
		return nil, failf("%s", gpgStderr(recs["listerr"]))
	}
	imported := false
	for _, line := range strings.Split(recs["list"], "\n") {
		if f := strings.Split(line, ":"); len(f) > 4 && strings.Contains(f[4], keyID) {
			imported = true
		}
	}

	res := &Result{}
	var cmd string
	var stdin []byte
	switch {
	case present && imported, !present && !imported:
		return res, nil
	case present:
		if !hasFile {
			return nil, failf("When importing a key, a valid file must be given")
		}
		if fingerprint != "" {
			if keyFpr == "" {
				return nil, failf("Unexpected gpg output")
			}
			if fingerprint != keyFpr {
				return nil, failf("The specified fingerprint, '%s', does not match the key fingerprint '%s'", fingerprint, keyFpr)
			}
		}
		if isURL {
			cmd = `t=$(mktemp) || exit 1
trap 'rm -f "$t"' EXIT
cat >"$t" && rpm --import "$t"`
			stdin = body
		} else {
			cmd = "rpm --import -- " + shell.Quote(key)
		}
	default:
		id := keyID
		if len(id) > 8 {
			id = id[len(id)-8:]
		}
		cmd = "rpm --erase --allmatches -- " + shell.Quote("gpg-pubkey-"+strings.ToLower(id))
	}
	res.Changed = true
	if c.CheckMode {
		return res, nil
	}
	r, err = c.Run("PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin\n"+cmd, stdin)
	if err != nil {
		return nil, err
	}
	if r.ExitCode != 0 {
		return nil, failf("%s", string(r.Stderr))
	}
	return res, nil
}

// gpgStderr is gpg's stderr as a record holds it, with the final newline
// the record dropped.
func gpgStderr(s string) string {
	if s == "" {
		return s
	}
	return s + "\n"
}

// gpgKeyFields reads the key id (field 5 of the first pub line) and the
// fingerprint (field 10 of the first fpr line) from gpg's colon listing.
func gpgKeyFields(listing string) (id, fpr string) {
	for _, line := range strings.Split(listing, "\n") {
		line = strings.TrimSpace(line)
		f := strings.Split(line, ":")
		if strings.HasPrefix(line, "pub:") && id == "" && len(f) > 4 {
			id = f[4]
		}
		if strings.HasPrefix(line, "fpr:") && fpr == "" && len(f) > 9 {
			fpr = f[9]
		}
	}
	return id, fpr
}

// normalizeKeyID is the module's normalize_keyid.
func normalizeKeyID(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	return strings.TrimPrefix(id, "0X")
}

// fetchRPMKey fetches an http(s) key on the host with curl.
func fetchRPMKey(c *Context, url string, validate bool) ([]byte, error) {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, failf("rpm_key: only http and https URLs are supported, not %s", url)
	}
	req := httpRequest{URL: url, ValidateCerts: validate, Follow: true, Timeout: 10}
	resp, body, err := curlFetch(c, req.curlConfig(), false, "")
	if err != nil {
		return nil, err
	}
	if resp.CurlRC != 0 {
		return nil, failf("failed to fetch key at %s , error was: %s", url, resp.curlFailure())
	}
	if resp.Status != 200 {
		return nil, failf("failed to fetch key at %s , error was: HTTP Error %d: %s", url, resp.Status, resp.Reason)
	}
	if !rpmPubkey.MatchString(body) {
		return nil, failf("Not a public key: %s", url)
	}
	return []byte(body), nil
}
