package modules

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/template"
	"github.com/gansible/gansible/value"
)

func init() { Register("uri", uriModule{}) }

// uriModule is ansible.builtin.uri: one HTTP request made by curl on the
// host, its response returned to the play. A dest gets the body, written
// with the atomic write path.
type uriModule struct{}

func (uriModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: withFileCommon(
		argspec.Param{Name: "url", Required: true},
		argspec.Param{Name: "dest", Type: argspec.Path},
		argspec.Param{Name: "url_username", Aliases: []string{"user"}},
		argspec.Param{Name: "url_password", Aliases: []string{"password"}, NoLog: true},
		argspec.Param{Name: "body", Type: argspec.Raw},
		argspec.Param{Name: "body_format", Default: "raw", Choices: []any{"form-urlencoded", "json", "raw", "form-multipart"}},
		argspec.Param{Name: "src", Type: argspec.Path, Unsupported: "a request body from a file is not supported"},
		argspec.Param{Name: "method", Default: "GET"},
		argspec.Param{Name: "return_content", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "force_basic_auth", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "follow_redirects", Default: "safe", Choices: []any{"all", "no", "none", "safe", "urllib2", "yes"}},
		argspec.Param{Name: "creates", Type: argspec.Path},
		argspec.Param{Name: "removes", Type: argspec.Path},
		argspec.Param{Name: "status_code", Type: argspec.List, Elements: argspec.Int, Default: []any{200}},
		argspec.Param{Name: "timeout", Type: argspec.Int, Default: 30},
		argspec.Param{Name: "headers", Type: argspec.Dict},
		argspec.Param{Name: "validate_certs", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "use_proxy", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "force", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "http_agent", Default: "ansible-httpget"},
		argspec.Param{Name: "remote_src", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "decompress", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "use_netrc", Type: argspec.Bool, Default: true},
		argspec.Param{Name: "client_cert", Type: argspec.Path, Unsupported: "client certificates are not supported"},
		argspec.Param{Name: "client_key", Type: argspec.Path, Unsupported: "client certificates are not supported"},
		argspec.Param{Name: "ca_path", Type: argspec.Path, Unsupported: "a CA bundle path is not supported"},
		argspec.Param{Name: "unix_socket", Type: argspec.Path, Unsupported: "requests over a unix socket are not supported"},
		argspec.Param{Name: "use_gssapi", Type: argspec.Bool, Default: false, Unsupported: "GSSAPI authentication is not supported"},
		argspec.Param{Name: "ciphers", Type: argspec.List, Elements: argspec.Str, Unsupported: "choosing TLS ciphers is not supported"},
		argspec.Param{Name: "unredirected_headers", Type: argspec.List, Elements: argspec.Str, Unsupported: "unredirected headers are not supported"},
	)}
}

// uriBody is the request body and the Content-Type it implies.
func uriBody(body any, format string) (string, string, error) {
	switch format {
	case "json":
		if s, ok := body.(string); ok {
			return s, "application/json", nil
		}
		s, err := template.JSONDumps(body)
		return s, "application/json", err
	case "form-urlencoded":
		const ct = "application/x-www-form-urlencoded"
		switch d := body.(type) {
		case string:
			return d, ct, nil
		case *value.Dict:
			var parts []string
			for _, k := range d.Keys() {
				v, _ := d.Get(k)
				parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(Stringify(v)))
			}
			return strings.Join(parts, "&"), ct, nil
		}
		return "", "", failf("failed to parse body as form_urlencoded: body must be a dict or a string")
	case "form-multipart":
		return "", "", failf("body_format form-multipart is not supported")
	}
	if body == nil {
		return "", "", nil
	}
	return Stringify(body), "", nil
}

// headerField is a response header's name as uri returns it.
func headerField(name string) string { return strings.ReplaceAll(strings.ToLower(name), "-", "_") }

func (uriModule) Run(c *Context, args Args) (*Result, error) {
	if c.CheckMode {
		// uri does not support check mode: Ansible skips it, naming the
		// module its action plugin runs.
		res := &Result{Skipped: true, Msg: "remote module (ansible.legacy.uri) does not support check mode"}
		res.Set("failed", false) // the module ran and exited, as Ansible's does
		return res, nil
	}
	start := time.Now()
	u, dest := args.String("url"), args.String("dest")
	for _, g := range []struct {
		name  string
		exist bool
	}{{"creates", true}, {"removes", false}} {
		p := args.String(g.name)
		if p == "" {
			continue
		}
		out, err := c.Run(`if [ -e `+shell.Quote(p)+` ]; then echo yes; fi`, nil)
		if err != nil {
			return nil, err
		}
		if (strings.TrimSpace(string(out.Stdout)) == "yes") == g.exist {
			res := &Result{}
			if g.exist {
				res.Set("stdout", fmt.Sprintf("skipped, since '%s' exists", p))
			} else {
				res.Set("stdout", fmt.Sprintf("skipped, since '%s' does not exist", p))
			}
			return res, nil
		}
	}
	method := strings.ToUpper(args.String("method"))
	body, ctype, err := uriBody(args["body"], args.String("body_format"))
	if err != nil {
		return finish(nil, err)
	}
	headers, err := headersFrom(args["headers"])
	if err != nil {
		return finish(nil, err)
	}
	hasHeader := func(name string) bool {
		for k := range headers {
			if strings.EqualFold(k, name) {
				return true
			}
		}
		return false
	}
	if ctype != "" && !hasHeader("Content-Type") {
		headers["Content-Type"] = ctype
	}
	if !hasHeader("User-Agent") {
		headers["User-Agent"] = args.String("http_agent")
	}
	var want []int
	for _, s := range args["status_code"].([]any) {
		want = append(want, s.(int))
	}
	timeout, _ := args.Int("timeout", 30)
	validate, _ := args.Bool("validate_certs", true)
	returnContent, _ := args.Bool("return_content", false)
	follow := args.String("follow_redirects")
	req := httpRequest{
		URL: u, Method: method, Headers: headers, Username: args.String("url_username"),
		Password: args.String("url_password"), Timeout: timeout, ValidateCerts: validate,
		Follow: follow == "all" || follow == "yes" || (follow == "safe" || follow == "urllib2") && (method == "GET" || method == "HEAD"),
	}
	req.NoProxy, req.Netrc = !boolArg(args, "use_proxy", true), boolArg(args, "use_netrc", true)
	req.ForceBasic = boolArg(args, "force_basic_auth", false)
	config := req.curlConfig()
	if body != "" {
		config += "data-binary = " + curlQuote(body) + "\n"
	}
	var attrs fileAttrs
	var cur *remoteFile
	var p *probeResult
	z := ""
	if dest != "" {
		if attrs, err = fileAttrsFrom(args); err != nil {
			return finish(nil, failf("%v", err))
		}
		users, groups := attrs.lookups()
		if p, err = probe(c, users, groups, probeRequest{Path: dest, Follow: true}); err != nil {
			return finish(nil, err)
		}
		cur = &p.Files[0]
		if cur.IsDir() {
			return finish(nil, failf("uri: a directory dest (%s) is not supported; name the file", dest))
		}
		if cur.IsReg() {
			z = " -z " + shell.Quote(dest)
		}
	}
	resp, content, err := curlFetch(c, config, method == "HEAD", z)
	if err != nil {
		return finish(nil, err)
	}
	res := &Result{}
	res.Set("elapsed", elapsedSince(start))
	res.Set("url", u)
	if resp.CurlRC != 0 {
		res.Set("status", -1)
		res.Set("redirected", false)
		return finish(res, failf("Status code was -1 and not %s: %s", pyIntList(want), resp.curlFailure()))
	}
	res.Set("url", resp.URL)
	res.Set("redirected", resp.Redirects > 0)
	res.Set("status", resp.Status)
	for _, h := range resp.Headers {
		res.Set(headerField(h[0]), h[1])
	}
	if loc := resp.header("location"); loc != "" {
		// As Ansible: a relative Location is made absolute (urljoin).
		if base, err := url.Parse(resp.URL); err == nil {
			if ref, err := url.Parse(loc); err == nil {
				res.Set("location", base.ResolveReference(ref).String())
			}
		}
	}
	ok := resp.Status >= 200 && resp.Status < 300
	if ok {
		res.Msg = okMessage(resp)
		res.Set("cookies_string", "")
		res.Set("cookies", value.NewDict(0))
	} else {
		res.Msg = fmt.Sprintf("HTTP Error %d: %s", resp.Status, resp.Reason)
	}
	if ct := resp.header("content-type"); content != "" && (strings.Contains(ct, "json")) {
		if j, err := value.DecodeJSON([]byte(content)); err == nil {
			res.Set("json", j)
		}
	}
	if returnContent {
		res.Set("content", content)
	}
	accepted := false
	for _, s := range want {
		if s == resp.Status {
			accepted = true
		}
	}
	if dest != "" {
		res.Set("path", dest)
		if accepted && resp.Status != 304 {
			if _, err := writeFile(c, writeRequest{Dest: dest, Content: []byte(content), Attrs: attrs, Existing: cur, Probe: p}); err != nil {
				return finish(res, err)
			}
			res.Changed = true
		}
		setFileFields(res, cur)
	}
	if !accepted {
		res.Msg = fmt.Sprintf("Status code was %d and not %s: %s", resp.Status, pyIntList(want), res.Msg)
		out, _ := finish(res, failf("%s", res.Msg))
		return out, nil
	}
	if !ok && content != "" && !returnContent {
		res.Set("body", content)
	}
	return res, nil
}

// pyIntList prints a list of ints as Python's str does.
func pyIntList(l []int) string {
	s := make([]string, len(l))
	for i, n := range l {
		s[i] = strconv.Itoa(n)
	}
	return "[" + strings.Join(s, ", ") + "]"
}
