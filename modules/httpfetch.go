package modules

// The host side of an HTTP request, shared by get_url and uri: curl runs
// on the host and reads every option that carries a user value (the URL,
// headers, credentials) from a config on its stdin, so that none of them
// is in argv, where any user of the host could read a password.

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/value"
)

// httpRequest is one request as the task asked for it.
type httpRequest struct {
	URL           string
	Method        string // "" for curl's default (GET, or POST with a body)
	Headers       map[string]string
	Username      string
	Password      string
	Timeout       int
	ValidateCerts bool
	Follow        bool // follow redirects
	NoProxy       bool // ignore the proxy environment variables (use_proxy: false)
	Netrc         bool // credentials from ~/.netrc when none are given (use_netrc)
	ForceBasic    bool // send basic auth with the first request, not after a 401
}

// curlQuote quotes s as a value in a curl config file: inside double
// quotes, with backslash escapes for the characters curl's parser knows.
func curlQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "\v", `\v`)
	return `"` + r.Replace(s) + `"`
}

// curlConfig is the config curl reads on stdin for req.
func (req httpRequest) curlConfig() string {
	var b strings.Builder
	fmt.Fprintf(&b, "url = %s\n", curlQuote(req.URL))
	if req.Method != "" {
		fmt.Fprintf(&b, "request = %s\n", curlQuote(req.Method))
	}
	// Python's urllib, which Ansible's modules use, sends Connection:
	// close; servers answer it in kind.
	if !hasHeaderFold(req.Headers, "Connection") {
		b.WriteString("header = \"Connection: close\"\n")
	}
	names := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, "header = %s\n", curlQuote(k+": "+req.Headers[k]))
	}
	if req.Username != "" {
		fmt.Fprintf(&b, "user = %s\n", curlQuote(req.Username+":"+req.Password))
		if !req.ForceBasic {
			// As urllib without force_basic_auth: credentials only
			// in answer to the server's challenge.
			b.WriteString("anyauth\n")
		}
	}
	if req.Timeout > 0 {
		fmt.Fprintf(&b, "max-time = %d\n", req.Timeout)
	}
	if !req.ValidateCerts {
		b.WriteString("insecure\n")
	}
	if req.Follow {
		b.WriteString("location\nmax-redirs = 50\n")
	}
	if req.NoProxy {
		b.WriteString("noproxy = \"*\"\n")
	}
	if req.Netrc {
		b.WriteString("netrc-optional\n")
	}
	return b.String()
}

// headersFrom reads a task's headers dict.
func headersFrom(v any) (map[string]string, error) {
	out := map[string]string{}
	switch d := v.(type) {
	case nil:
	case *value.Dict:
		for _, k := range d.Keys() {
			val, _ := d.Get(k)
			out[k] = Stringify(val)
		}
	case map[string]any:
		for k, val := range d {
			out[k] = Stringify(val)
		}
	default:
		return nil, failf("headers must be a dict")
	}
	return out, nil
}

// httpResponse is what the host reported of a response: the last one
// when redirects were followed.
type httpResponse struct {
	CurlRC     int    // curl's exit status; 0 when a response came
	CurlErr    string // curl's message when it failed
	Status     int
	Reason     string
	Headers    [][2]string // in order, names lowercased
	URL        string      // the final URL
	Redirects  int         // redirects followed
	lastStatus int         // the status of the last response read so far
	Elapsed    float64
}

// curlWriteOut is curl's -w format: a separator line no header or body
// ends with, then the markers the parser reads.
const curlWriteOut = `\n` + curlWriteSep + `\n@code %{http_code}\n@url %{url_effective}\n@redirects %{num_redirects}\n@headersize %{size_header}\n`

const curlWriteSep = "@@gansible-write-out"

// splitCurlOutput splits what curl printed with -D - and -w curlWriteOut
// (and the script's @curl line) into the dumped headers, the body (when
// it went to stdout too) and the markers.
func splitCurlOutput(out string) (headers, body, marks string) {
	i := strings.LastIndex(out, "\n"+curlWriteSep+"\n")
	if i < 0 {
		return "", "", out
	}
	pre, marks := out[:i], out[i:]
	n := 0
	for _, line := range strings.Split(marks, "\n") {
		if v, ok := strings.CutPrefix(line, "@headersize "); ok {
			n, _ = strconv.Atoi(v)
		}
	}
	if n > len(pre) {
		n = len(pre)
	}
	return pre[:n], pre[n:], marks
}

// parseCurlOutput reads the headers curl dumped (-D -) and its -w lines.
func parseCurlOutput(out string) httpResponse {
	var r httpResponse
	headers, _, marks := splitCurlOutput(out)
	for _, line := range strings.Split(headers+"\n"+marks, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "HTTP/"):
			// A new response (after a redirect or a 100 Continue).
			// curl's num_redirects also counts an authentication's
			// second request: count the 3xx responses instead.
			if r.lastStatus >= 300 && r.lastStatus < 400 {
				r.Redirects++
			}
			f := strings.SplitN(line, " ", 3)
			if len(f) >= 2 {
				r.lastStatus, _ = strconv.Atoi(f[1])
			}
			if len(f) == 3 {
				r.Reason = f[2]
			} else {
				r.Reason = ""
			}
			r.Headers = nil
		case strings.HasPrefix(line, "@code "):
			r.Status, _ = strconv.Atoi(strings.TrimPrefix(line, "@code "))
		case strings.HasPrefix(line, "@url "):
			r.URL = strings.TrimPrefix(line, "@url ")
		case strings.HasPrefix(line, "@curl "):
			r.CurlRC, _ = strconv.Atoi(strings.TrimPrefix(line, "@curl "))
		default:
			if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "@") {
				r.Headers = append(r.Headers, [2]string{strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)})
			}
		}
	}
	if r.Reason == "" && r.Status != 0 {
		// HTTP/2 has no reason phrase; Python names the status.
		r.Reason = http.StatusText(r.Status)
	}
	return r
}

// header returns the response's header name (lowercased), "" when absent.
func (r httpResponse) header(name string) string {
	for _, h := range r.Headers {
		if h[0] == name {
			return h[1]
		}
	}
	return ""
}

// curlFailure is the message of a request curl could not make, after
// Python's urllib where the meaning is the same.
func (r httpResponse) curlFailure() string {
	msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r.CurlErr), "curl: "))
	if msg == "" {
		msg = fmt.Sprintf("the download exited with status %d", r.CurlRC)
	}
	return "Request failed: " + msg
}

// elapsedSince is Ansible's elapsed: whole seconds.
func elapsedSince(start time.Time) int { return int(time.Since(start).Seconds()) }

// hasHeaderFold tells whether headers has name, in any case.
func hasHeaderFold(headers map[string]string, name string) bool {
	for k := range headers {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// curlFetch makes the request that config describes on the host and
// returns the response with its body. head makes a HEAD request;
// extra are more curl options (already quoted). A host without curl is
// a task failure; a request curl could not make has CurlRC set.
func curlFetch(c *Context, config string, head bool, extra string) (httpResponse, string, error) {
	if head {
		extra += " -I"
	}
	script := `command -v curl >/dev/null 2>&1 || { echo @nocurl; exit 0; }
curl -q -K - -sS -D -` + extra + ` -w '` + curlWriteOut + `'
echo "@curl $?"
`
	out, err := c.Run(script, []byte(config))
	if err != nil {
		return httpResponse{}, "", err
	}
	text := string(out.Stdout)
	if strings.HasPrefix(text, "@nocurl") {
		return httpResponse{}, "", failf("curl is needed on the host to make HTTP requests, and it has none")
	}
	resp := parseCurlOutput(text)
	resp.CurlErr = string(out.Stderr)
	_, body, _ := splitCurlOutput(text)
	if head {
		body = ""
	}
	return resp, body, nil
}

// wgetConfig is what wget reads on stdin for req: the URL line, then a
// wgetrc. A wgetrc value ends at the line's end, so no value may hold a
// newline.
func (req httpRequest) wgetConfig() (string, error) {
	var b strings.Builder
	line := func(k, v string) error {
		if strings.ContainsAny(v, "\r\n") {
			return failf("%s must not contain a newline", k)
		}
		fmt.Fprintf(&b, "%s = %s\n", k, v)
		return nil
	}
	if strings.ContainsAny(req.URL, "\r\n") {
		return "", failf("url must not contain a newline")
	}
	b.WriteString(req.URL + "\n")
	names := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		var err error
		if strings.EqualFold(k, "User-Agent") {
			err = line("user_agent", req.Headers[k])
		} else {
			err = line("header", k+": "+req.Headers[k])
		}
		if err != nil {
			return "", err
		}
	}
	if req.Username != "" || req.Password != "" {
		// wget reads a password only from argv or a file.
		return "", failf("url_username and url_password need curl on the host, which has only wget")
	}
	if req.Timeout > 0 {
		fmt.Fprintf(&b, "timeout = %d\ntries = 1\n", req.Timeout)
	} else {
		b.WriteString("tries = 1\n")
	}
	if !req.ValidateCerts {
		b.WriteString("check_certificate = off\n")
	}
	if req.Follow {
		b.WriteString("max_redirect = 50\n")
	} else {
		b.WriteString("max_redirect = 0\n")
	}
	b.WriteString("http_keep_alive = off\n")
	if req.NoProxy {
		b.WriteString("use_proxy = off\n")
	}
	return b.String(), nil
}

// boolArg reads a validated bool parameter (its default applied).
func boolArg(args Args, name string, def bool) bool {
	b, _ := args.Bool(name, def)
	return b
}
