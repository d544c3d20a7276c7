package modules

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("get_url", getURLModule{}) }

// getURLModule is ansible.builtin.get_url: curl downloads on the host into
// a temporary file beside dest; the host checks the checksum asked for and
// compares the file with dest before renaming it over dest, so dest is
// never half-written.
type getURLModule struct{}

func (getURLModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: withFileCommon(
		argspec.Param{Name: "url", Required: true},
		argspec.Param{Name: "dest", Type: argspec.Path, Required: true},
		argspec.Param{Name: "backup", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "checksum", Default: ""},
		argspec.Param{Name: "use_proxy", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "validate_certs", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "timeout", Type: argspec.Int, Default: 10},
		argspec.Param{Name: "headers", Type: argspec.Dict},
		argspec.Param{Name: "url_username", Aliases: []string{"username"}},
		argspec.Param{Name: "url_password", Aliases: []string{"password"}, NoLog: true},
		argspec.Param{Name: "force_basic_auth", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "force", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "http_agent", Default: "ansible-httpget"},
		argspec.Param{Name: "tmp_dest", Type: argspec.Path, Unsupported: "the download always goes to a temporary file beside dest"},
		argspec.Param{Name: "client_cert", Type: argspec.Path, Unsupported: "client certificates are not supported"},
		argspec.Param{Name: "client_key", Type: argspec.Path, Unsupported: "client certificates are not supported"},
		argspec.Param{Name: "use_gssapi", Type: argspec.Bool, Default: false, Unsupported: "GSSAPI authentication is not supported"},
		argspec.Param{Name: "use_netrc", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "unredirected_headers", Type: argspec.List, Elements: argspec.Str, Unsupported: "unredirected headers are not supported"},
		argspec.Param{Name: "decompress", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "ciphers", Type: argspec.List, Elements: argspec.Str, Unsupported: "choosing TLS ciphers is not supported"},
	)}
}

// checksumAlgos are the algorithms get_url accepts, with the sum tool
// of each.
var checksumAlgos = map[string]bool{"md5": true, "sha1": true, "sha224": true, "sha256": true, "sha384": true, "sha512": true}

// getURLFunctions are the download script's sh functions.
const getURLFunctions = `gansible_dsum() {
	if command -v "$1sum" >/dev/null 2>&1; then s=$("$1sum" < "$2")
	else s=$(openssl dgst "-$1" -r < "$2"); fi || return 1
	echo "${s%% *}"
}
`

// getURLScript downloads into a temporary file beside dest and, unless
// the checksum wanted is not the file's or dest already has that
// content, moves it over dest with mode (and the ownership step chown).
// tool is "curl" or "wget", which reads the URL line and then a wgetrc
// on stdin. It prints curl's headers and markers: @curl RC, @tmp, @size, @sha1,
// @md5, @sum (the wanted algorithm's), @destsum, @stat and @moved.
func getURLScript(tool, dest string, ifModified bool, algo, want string, mode uint32, chown string, backup, check bool) string {
	var b strings.Builder
	b.WriteString(atomicWriteFunctions + getURLFunctions)
	q := shell.Quote(dest)
	b.WriteString("pre=" + shell.Quote(tempPrefix(dest)) + "\n")
	// A dest whose dir is missing is still downloaded, into /tmp, as
	// Ansible downloads before it looks at the dest's dir.
	b.WriteString(`if [ ! -d ` + shell.Quote(path.Dir(dest)) + ` ]; then pre=` + shell.Quote(tempPrefix(path.Join("/tmp", path.Base(dest)))) + `; noparent=1; fi` + "\n")
	b.WriteString(`gansible_sweep "$pre" -f` + "\n")
	b.WriteString("t=\n" + trapScript("t", "-f"))
	b.WriteString(`t=$(mktemp -- "$pre$$.XXXXXX") || exit 1` + "\n")
	if tool == "wget" {
		b.WriteString(wgetFetch(dest, ifModified))
	} else {
		z := ""
		if ifModified {
			z = " -z " + q
		}
		b.WriteString(`out=$(curl -q -K - -sS -D - -o "$t"` + z + ` -w '` + curlWriteOut + `')
rc=$?
`)
	}
	b.WriteString(`printf '%s\n@curl %s\n@tmp %s\n' "$out" "$rc" "$t"
[ "$rc" = 0 ] || exit 0
code=${out##*@code }; code=${code%%
*}
[ "$code" = 200 ] || exit 0
echo "@size $(wc -c < "$t")"
s1=$(gansible_dsum sha1 "$t") || exit 1
echo "@sha1 $s1"
echo "@md5 $(gansible_dsum md5 "$t")"
[ -z "${noparent:-}" ] || { echo @noparent; exit 0; }
`)
	destSum := `if [ -f ` + q + ` ]; then d=$(gansible_dsum sha1 ` + q + `) || exit 1; echo "@destsum $d"; [ "$d" != "$s1" ] || exit 0; fi` + "\n"
	if check {
		// Ansible's check mode stops before checking the checksum.
		b.WriteString(destSum + "exit 0\n")
	}
	if algo != "" {
		b.WriteString(`s=$(gansible_dsum ` + algo + ` "$t") || exit 1
echo "@sum $s"
[ "$s" = ` + shell.Quote(want) + ` ] || exit 0
`)
	}
	b.WriteString(destSum)
	steps := []string{`gansible_sync "$t"`}
	if chown != "" {
		steps = append(steps, chown)
	}
	steps = append(steps, fmt.Sprintf(`chmod -- %04o "$t"`, mode))
	if backup {
		steps = append(steps, `if [ -f `+q+` ]; then bk=`+q+`.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- `+q+` "$bk" && echo "@backup $bk"; fi`)
	}
	steps = append(steps, `mv -f -- "$t" `+q, `t=`, statLine(dest), `echo @moved`)
	b.WriteString(strings.Join(steps, " &&\n") + "\n")
	return b.String()
}

// wgetFetch is the download step with wget, for a host without curl: its
// output ("$out", "$rc") is made to read as curl's. The URL is the first
// line of stdin and goes to wget through a pipe, never in argv; the rest
// of stdin is its wgetrc, which wget reads only from a regular file: a
// 0600 file beside the temporary one, removed as soon as wget is done
// (and by the sweep of a later run if the shell was killed). Credentials
// never go there: wgetConfig refuses them. A server's error response
// (exit 8) is a response.
func wgetFetch(dest string, ifModified bool) string {
	ims := ""
	if ifModified {
		ims = ` --header="If-Modified-Since: $(date -u -r ` + shell.Quote(dest) + ` '+%a, %d %b %Y %H:%M:%S GMT')"`
	}
	return `IFS= read -r u || exit 1
trap '[ -z "$t" ] || rm -f -- "$t" "$t.wgetrc"' EXIT
(umask 077 && cat > "$t.wgetrc") || exit 1
h=$(printf '%s\n' "$u" | wget --config="$t.wgetrc" -q -S -O "$t"` + ims + ` -i - 2>&1)
rc=$?
rm -f -- "$t.wgetrc"
[ "$rc" != 8 ] || rc=0
h=$(printf '%s\n' "$h" | sed -n 's/^  //p' | tr -d '\r')
n=$(printf '%s\n' "$h" | grep -c '^HTTP/')
code=$(printf '%s\n' "$h" | grep '^HTTP/' | tail -n 1 | cut -d' ' -f2)
if [ -z "$code" ]; then code=000; [ "$rc" != 0 ] || rc=1; fi
out=$(printf '%s\n%s\n@code %s\n@url %s\n@redirects %s\n@headersize %s' "$h" ` + curlWriteSep + ` "$code" "$u" "$((n > 0 ? n - 1 : 0))" "${#h}")
`
}

// httpTool names the program that makes requests on the host: curl, or
// wget where there is no curl.
func httpTool(c *Context) (string, error) {
	out, err := c.Run(`if command -v curl >/dev/null 2>&1; then echo curl; elif command -v wget >/dev/null 2>&1; then echo wget; fi`, nil)
	if err != nil {
		return "", err
	}
	switch tool := strings.TrimSpace(string(out.Stdout)); tool {
	case "curl", "wget":
		return tool, nil
	}
	return "", failf("get_url needs curl or wget on the host, which has neither")
}

// urlFilename is the name get_url gives a download into a directory:
// the URL path's last component, as Ansible's url_filename.
func urlFilename(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
		if i := strings.Index(u, "/"); i >= 0 {
			u = u[i:]
		} else {
			u = ""
		}
	}
	name := path.Base(u)
	if name == "" || name == "/" || name == "." {
		return "index.html"
	}
	return name
}

func (getURLModule) Run(c *Context, args Args) (*Result, error) {
	start := time.Now()
	url, dest := args.String("url"), args.String("dest")
	res := &Result{}
	res.Set("url", url)
	res.Set("dest", dest)
	// Ansible's result starts with both sums unknown: a task that ends
	// before downloading reports them null.
	res.Set("checksum_dest", nil)
	res.Set("checksum_src", nil)
	// Ansible's fail_json adds dest's file fields when dest exists.
	var destInfo *remoteFile
	fail := func(err error) (*Result, error) {
		res.Set("elapsed", elapsedSince(start))
		if destInfo != nil {
			setFileFields(res, destInfo)
		}
		out, err := finish(res, err)
		if out != nil {
			out.Changed = res.Changed
		}
		return out, err
	}
	// A request that fails is url_get's failure, whose result has
	// neither sum.
	requestFailed := func(status int, response string) (*Result, error) {
		delete(res.Fields, "checksum_dest")
		delete(res.Fields, "checksum_src")
		return fail(failWith(map[string]any{"status_code": status, "response": response}, "Request failed"))
	}
	attrs, err := fileAttrsFrom(args)
	if err != nil {
		return fail(failf("%v", err))
	}
	force, _ := args.Bool("force", false)
	backup, _ := args.Bool("backup", false)
	validate, _ := args.Bool("validate_certs", true)
	timeout, _ := args.Int("timeout", 10)
	headers, err := headersFrom(args["headers"])
	if err != nil {
		return fail(err)
	}
	var algo, want string
	if cs := args.String("checksum"); cs != "" {
		a, v, ok := strings.Cut(cs, ":")
		if !ok {
			return fail(failf("The checksum parameter has to be in format <algorithm>:<checksum>"))
		}
		algo, want = strings.ToLower(a), v
		if !checksumAlgos[algo] {
			return fail(failf("Unsupported hash algorithm: %s", algo))
		}
		if strings.HasPrefix(want, "http://") || strings.HasPrefix(want, "https://") {
			sumReq := httpRequest{URL: want, Headers: headers, Username: args.String("url_username"),
				Password: args.String("url_password"), Timeout: timeout, ValidateCerts: validate, Follow: true,
				NoProxy: !boolArg(args, "use_proxy", true), Netrc: boolArg(args, "use_netrc", true)}
			resp, body, err := curlFetch(c, sumReq.curlConfig(), false, "")
			switch {
			case err != nil:
				return fail(err)
			case resp.CurlRC != 0:
				return requestFailed(-1, resp.curlFailure())
			case resp.Status != 200:
				return requestFailed(resp.Status, fmt.Sprintf("HTTP Error %d: %s", resp.Status, resp.Reason))
			}
			if want = checksumFromFile(body, urlFilename(url)); want == "" {
				// Ansible's message comes without the result's fields.
				return finish(nil, failf("Unable to find a checksum for file '%s' in '%s'", urlFilename(url), sumReq.URL))
			}
		}
		// As Ansible: drop every non-word character (a zero-width space).
		want = strings.ToLower(nonWord.ReplaceAllString(want, ""))
		if !hexDigits(want) {
			return fail(failf("The checksum format is invalid"))
		}
	}
	if _, ok := headers["User-Agent"]; !ok {
		headers["User-Agent"] = args.String("http_agent")
	}
	req := httpRequest{
		URL: url, Headers: headers, Username: args.String("url_username"), Password: args.String("url_password"),
		Timeout: timeout, ValidateCerts: validate, Follow: true,
	}
	req.NoProxy, req.Netrc = !boolArg(args, "use_proxy", true), boolArg(args, "use_netrc", true)
	req.ForceBasic = boolArg(args, "force_basic_auth", false)

	users, groups := attrs.lookups()
	p, err := probe(c, users, groups,
		probeRequest{Path: dest, Follow: true, Checksum: algo})
	if err != nil {
		return fail(err)
	}
	cur := &p.Files[0]
	destInfo = cur
	target := dest
	if cur.IsDir() {
		target = path.Join(dest, urlFilename(url))
		p, err = probe(c, users, groups, probeRequest{Path: target, Follow: true, Checksum: algo})
		if err != nil {
			return fail(err)
		}
		if cur = &p.Files[0]; cur.Exists {
			destInfo = cur
		}
	} else if cur.Exists {
		if !force && algo != "" && cur.Checksum == want {
			changed, err := applyAttrs(c, attrs, p, cur, false)
			res.Changed = changed
			setFileFields(res, cur)
			if err != nil {
				return fail(err)
			}
			res.Msg = "file already exists"
			if changed {
				res.Msg = "file already exists but file attributes changed"
			}
			return res, nil
		}
		if algo != "" && cur.Checksum != want {
			force = true
		}
	}

	base := 0o666 &^ p.Umask
	if cur.Exists {
		base = cur.Perm()
	}
	mode := base
	if attrs.Mode.Set() && !attrs.Mode.Preserve {
		if mode, err = attrs.Mode.resolve(base, false, p.Umask); err != nil {
			return fail(failWith(map[string]any{"path": target, "details": err.Error()}, "mode must be in octal or symbolic form"))
		}
	}
	for _, n := range []struct {
		name   string
		lookup func(string) (int, error)
	}{{attrs.Owner, p.uid}, {attrs.Group, p.gid}} {
		if n.name != "" {
			if _, err := n.lookup(n.name); err != nil {
				return fail(err)
			}
		}
	}
	tool, err := httpTool(c)
	if err != nil {
		return fail(err)
	}
	stdin := req.curlConfig()
	if tool == "wget" {
		if stdin, err = req.wgetConfig(); err != nil {
			return fail(err)
		}
	}
	script := getURLScript(tool, target, cur.Exists && cur.IsReg() && !force && target == dest, algo, want, mode,
		ownershipStep(attrs.Owner, attrs.Group, cur), backup && cur.Exists, c.CheckMode)
	out, err := c.Run(script, []byte(stdin))
	if err != nil {
		return nil, err
	}
	text := string(out.Stdout)
	if out.ExitCode != 0 {
		return fail(failf("failed to download %s to %s: %s", url, target, trimOutput(out.Stderr)))
	}
	resp := parseCurlOutput(text)
	resp.CurlErr = string(out.Stderr)
	marks := markers(text)
	res.Set("elapsed", elapsedSince(start))
	if resp.CurlRC != 0 {
		return requestFailed(-1, resp.curlFailure())
	}
	if resp.Status == 304 {
		// Ansible's url_get exits here with a result of its own,
		// without the sums.
		delete(res.Fields, "checksum_dest")
		delete(res.Fields, "checksum_src")
		res.Msg = "HTTP Error 304: Not Modified"
		res.Set("status_code", 304)
		setFileFields(res, cur)
		return res, nil
	}
	if resp.Status != 200 {
		return requestFailed(resp.Status, fmt.Sprintf("HTTP Error %d: %s", resp.Status, resp.Reason))
	}
	res.Set("dest", target)
	res.Set("src", marks["tmp"])
	if _, ok := marks["noparent"]; ok {
		// Ansible downloads into its temp dir first, then finds the
		// dest's dir missing; check mode's download (a HEAD) is empty.
		sum := marks["sha1"]
		if c.CheckMode {
			sum = sha1Hex(nil)
		}
		res.Set("checksum_src", sum)
		return fail(failf("Destination %s does not exist", path.Dir(target)))
	}
	if c.CheckMode {
		// Ansible's check mode compares dest with an empty download.
		empty := sha1Hex(nil)
		res.Set("checksum_src", empty)
		if cur.Exists {
			res.Set("checksum_dest", marks["destsum"])
		} else {
			res.Set("checksum_dest", nil)
		}
		res.Changed = marks["destsum"] != empty
		setFileFields(res, cur)
		res.Msg = okMessage(resp)
		return res, nil
	}
	res.Set("checksum_src", marks["sha1"])
	if cur.Exists {
		res.Set("checksum_dest", marks["destsum"])
	} else {
		res.Set("checksum_dest", nil)
	}
	if algo != "" && marks["sum"] != want {
		res.Changed = true
		return fail(failf("The checksum for %s did not match %s; it was %s.", target, want, marks["sum"]))
	}
	if _, ok := marks["backup"]; ok {
		res.Set("backup_file", marks["backup"])
	}
	res.Changed = marks["sha1"] != marks["destsum"]
	if _, moved := marks["moved"]; moved {
		if err := cur.readStatLine(text); err != nil {
			return fail(failf("unexpected output writing %s: %v", target, err))
		}
		cur.Exists = true
	} else {
		changed, err := applyAttrs(c, attrs, p, cur, false)
		if err != nil {
			return fail(err)
		}
		res.Changed = res.Changed || changed
	}
	res.Set("md5sum", marks["md5"])
	setFileFields(res, cur)
	res.Set("status_code", 200)
	res.Msg = okMessage(resp)
	return res, nil
}

// okMessage is urllib's message of a successful response, which names
// the Content-Length header's value.
func okMessage(r httpResponse) string {
	n := r.header("content-length")
	if n == "" {
		n = "unknown"
	}
	return "OK (" + n + " bytes)"
}

var nonWord = regexp.MustCompile(`[^\pL\pN_]+`)

// checksumFromFile finds filename's checksum in a checksum file's
// content as Ansible's get_url does: a file of one word is the checksum;
// otherwise the first "SUM NAME" line (NAME maybe after "*" or " ", and
// with leading "./" and "." characters stripped) naming filename.
func checksumFromFile(content, filename string) string {
	lines := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	if len(lines) == 1 && len(strings.Fields(lines[0])) == 1 {
		return strings.TrimSpace(lines[0])
	}
	for _, line := range lines {
		sum, name, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if strings.HasPrefix(name, " ") || strings.HasPrefix(name, "*") {
			name = name[1:]
		}
		if strings.TrimLeft(name, "./") == filename {
			return sum
		}
	}
	return ""
}

// markers reads the "@name value" lines of a script's output.
func markers(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "@") {
			continue
		}
		k, v, _ := strings.Cut(line[1:], " ")
		if _, dup := m[k]; !dup {
			m[k] = v
		}
	}
	return m
}

// hexDigits tells whether s is a non-empty lowercase hex string.
func hexDigits(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return s != ""
}
