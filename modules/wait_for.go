package modules

import (
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/waitlock"
)

func init() { Register("wait_for", waitForModule{}) }

// waitForModule is ansible.builtin.wait_for. The waiting loop runs on the
// controller, each poll one small command on the host, so that the
// search_regex is matched with Python's semantics (package pyre) and the
// timeout is kept by one clock.
//
// A port is checked from the host's side. For a loopback host (localhost,
// 127.0.0.0/8, ::1, 0.0.0.0) the host's /proc/net/tcp and tcp6 tell
// whether something listens there: every Linux host has them, and a
// listening socket is what a connection from the host would find. Any
// other host, and reading a port's banner for search_regex, needs nc on
// the host; without it the task fails saying so.
type waitForModule struct{}

func (waitForModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "host", Default: "127.0.0.1"},
		{Name: "timeout", Type: argspec.Int, Default: 300},
		{Name: "connect_timeout", Type: argspec.Int, Default: 5},
		{Name: "delay", Type: argspec.Int, Default: 0},
		{Name: "port", Type: argspec.Int},
		{Name: "active_connection_states", Type: argspec.List, Elements: argspec.Str,
			Default: []any{"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"}},
		{Name: "path", Type: argspec.Path},
		{Name: "search_regex"},
		{Name: "state", Default: "started", Choices: []any{"absent", "drained", "present", "started", "stopped"}},
		{Name: "exclude_hosts", Type: argspec.List, Elements: argspec.Str},
		{Name: "sleep", Type: argspec.Int, Default: 1},
		{Name: "msg"},
	}}
}

// activeConnectionStates are the names wait_for accepts in
// active_connection_states.
var activeConnectionStates = map[string]bool{
	"ESTABLISHED": true, "SYN_SENT": true, "SYN_RECV": true,
	"FIN_WAIT1": true, "FIN_WAIT2": true, "TIME_WAIT": true,
}

// waitClock is the time the loop reads and sleeps on; tests replace it.
var waitClock = struct {
	now   func() time.Time
	sleep func(c *Context, d time.Duration) error
}{
	now: time.Now,
	sleep: func(c *Context, d time.Duration) error {
		if d <= 0 {
			return nil
		}
		return waitlock.Sleep(c.Ctx, d)
	},
}

type waitFor struct {
	host, path, state, msg string
	hasPath                bool
	port                   int
	timeout, connTimeout   int
	delay, sleep           int
	regex                  *pyre.Regexp
	regexText              *string
	expanded               string // path as the host expanded it
}

func (waitForModule) Run(c *Context, args Args) (*Result, error) {
	w := &waitFor{
		host: args.String("host"), path: args.String("path"), hasPath: args["path"] != nil,
		state: args.String("state"), msg: args.String("msg"),
	}
	w.port, _ = args["port"].(int)
	w.timeout, _ = args["timeout"].(int)
	w.connTimeout, _ = args["connect_timeout"].(int)
	w.delay, _ = args["delay"].(int)
	w.sleep, _ = args["sleep"].(int)
	if s, ok := args["search_regex"].(string); ok {
		re, err := pyre.Compile(s, pyre.Flags{Multiline: true})
		if err != nil {
			return Failf("Invalid regular expression: %v", err), nil
		}
		w.regex, w.regexText = re, &s
	}
	fail := func(msg string) (*Result, error) {
		r := Failf("%s", msg)
		r.Set("elapsed", 0)
		return r, nil
	}
	switch {
	case w.port != 0 && w.hasPath:
		return fail("port and path parameter can not both be passed to wait_for")
	case w.hasPath && w.state == "stopped":
		return fail("state=stopped should only be used for checking a port in the wait_for module")
	case w.hasPath && w.state == "drained":
		return fail("state=drained should only be used for checking a port in the wait_for module")
	case args["exclude_hosts"] != nil && w.state != "drained":
		return fail("exclude_hosts should only be with state=drained")
	}
	for _, s := range args["active_connection_states"].([]any) {
		if !activeConnectionStates[fmt.Sprint(s)] {
			return fail(fmt.Sprintf("unknown active_connection_state (%s) defined", s))
		}
	}
	if w.state == "drained" {
		return fail("state=drained is not supported by gansible")
	}
	return finish(w.run(c))
}

func (w *waitFor) run(c *Context) (*Result, error) {
	start := waitClock.now()
	elapsed := func() int { return int(waitClock.now().Sub(start) / time.Second) }
	failAfter := func(def string) error {
		m := w.msg
		if m == "" {
			m = def
		}
		return failWith(map[string]any{"elapsed": elapsed()}, "%s", m)
	}
	if err := waitClock.sleep(c, time.Duration(w.delay)*time.Second); err != nil {
		return nil, err
	}
	end := start.Add(time.Duration(w.timeout) * time.Second)
	res := &Result{}
	var groups []any
	groupdict := map[string]any{}
	switch {
	case w.port == 0 && !w.hasPath:
		if err := waitClock.sleep(c, end.Sub(waitClock.now())); err != nil {
			return nil, err
		}
	case w.state == "absent" || w.state == "stopped":
		for {
			if !waitClock.now().Before(end) {
				if w.port != 0 {
					return nil, failAfter(fmt.Sprintf("Timeout when waiting for %s:%d to stop.", w.host, w.port))
				}
				return nil, failAfter(fmt.Sprintf("Timeout when waiting for %s to be absent.", w.path))
			}
			var gone bool
			if w.port != 0 {
				open, _, err := w.probePort(c, false)
				if err != nil {
					return nil, err
				}
				gone = !open
			} else {
				st, _, err := w.probePath(c, false)
				if err != nil {
					return nil, err
				}
				gone = st.absent
			}
			if gone {
				break
			}
			if err := waitClock.sleep(c, time.Duration(w.sleep)*time.Second); err != nil {
				return nil, err
			}
		}
	default: // started, present
		for {
			if !waitClock.now().Before(end) {
				switch {
				case w.port != 0 && w.regexText != nil:
					return nil, failAfter(fmt.Sprintf("Timeout when waiting for search string %s in %s:%d", *w.regexText, w.host, w.port))
				case w.port != 0:
					return nil, failAfter(fmt.Sprintf("Timeout when waiting for %s:%d", w.host, w.port))
				case w.regexText != nil:
					return nil, failAfter(fmt.Sprintf("Timeout when waiting for search string %s in %s", *w.regexText, w.path))
				default:
					return nil, failAfter(fmt.Sprintf("Timeout when waiting for file %s", w.path))
				}
			}
			var data string
			found := false
			if w.port != 0 {
				open, banner, err := w.probePort(c, w.regex != nil)
				if err != nil {
					return nil, err
				}
				found, data = open, banner
			} else {
				st, content, err := w.probePath(c, w.regex != nil)
				if err != nil {
					return nil, err
				}
				if st.err != "" {
					return nil, failAfter(fmt.Sprintf("Failed to stat %s, %s", w.path, st.err))
				}
				found, data = !st.absent, content
			}
			if found && w.regex != nil {
				m, err := w.regex.Search(data)
				if err != nil {
					return nil, failf("%v", err)
				}
				found = m != nil
				if found {
					groups, groupdict = matchGroups(w.regex, m)
				}
			}
			if found {
				break
			}
			if err := waitClock.sleep(c, time.Duration(w.sleep)*time.Second); err != nil {
				return nil, err
			}
		}
	}
	if groups == nil {
		groups = []any{}
	}
	res.Set("state", w.state)
	res.Set("port", nilIfZero(w.port))
	if w.regexText != nil {
		res.Set("search_regex", *w.regexText)
	} else {
		res.Set("search_regex", nil)
	}
	res.Set("match_groups", groups)
	res.Set("match_groupdict", groupdict)
	res.Set("path", nil)
	res.Set("elapsed", elapsed())
	if w.hasPath {
		res.Set("path", w.path)
		// Ansible's exit_json adds a path's file attributes, its kind
		// replacing the state.
		if w.expanded != "" {
			p, err := probe(c, nil, nil, probeRequest{Path: w.expanded})
			if err != nil {
				return nil, err
			}
			setFileFields(res, &p.Files[0])
		}
	}
	return res, nil
}

func nilIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// matchGroups is Python's match.groups() and match.groupdict(); a group
// that did not take part is None.
func matchGroups(re *pyre.Regexp, m *pyre.Match) ([]any, map[string]any) {
	groups := make([]any, 0, re.Groups())
	for i := 1; i <= re.Groups(); i++ {
		if g, ok := m.Group(i); ok {
			groups = append(groups, g)
		} else {
			groups = append(groups, nil)
		}
	}
	dict := map[string]any{}
	for name, i := range re.GroupNames() {
		if g, ok := m.Group(i); ok {
			dict[name] = g
		} else {
			dict[name] = nil
		}
	}
	return groups, dict
}

// pathState is one look at wait_for's path: absent, present, or a stat
// failure other than "no such file" (err, the strerror).
type pathState struct {
	absent bool
	err    string
}

const waitNonce = "gansible-wait"

// probePath stats the path on the host, following links as os.stat does,
// and with content set also prints the file.
func (w *waitFor) probePath(c *Context, content bool) (pathState, string, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	p := shell.Quote(w.path)
	if code, ok := expandInto("gansible_p", w.path); ok {
		b.WriteString("gansible_n=" + waitNonce + "\n" + expandFunctions + code)
		p = `"$gansible_p"`
	}
	b.WriteString("rec expanded " + p + "\n")
	b.WriteString("if e=$(LC_ALL=C stat -L -- " + p + " 2>&1 >/dev/null); then rec state present\n")
	if content {
		b.WriteString("\tcat -- " + p + " 2>/dev/null | recout content\n")
	}
	b.WriteString("else rec state missing; printf '%s\\n' \"$e\" | recout err; fi\n")
	r, err := c.Run(b.String(), nil)
	if err != nil {
		return pathState{}, "", err
	}
	out := string(r.Stdout)
	if strings.Contains(out, waitNonce+" expand ") {
		return pathState{}, "", failf("cannot expand %s on the host: awk cannot read its environment", w.path)
	}
	recs := parseRecords(out)
	w.expanded = recs["expanded"]
	switch recs["state"] {
	case "present":
		return pathState{}, recs["content"], nil
	case "missing":
		e := recs["err"]
		if i := strings.LastIndex(e, ": "); i >= 0 {
			e = e[i+2:]
		}
		e = strings.TrimSpace(e)
		if e == "No such file or directory" || e == "" {
			return pathState{absent: true}, "", nil
		}
		return pathState{err: e}, "", nil
	}
	return pathState{}, "", failf("wait_for: unexpected answer from the host: %s", strings.TrimSpace(string(r.Stdout)+string(r.Stderr)))
}

// loopbackTargets are the addresses, as /proc/net/tcp{,6} spell them,
// on which a listening socket accepts a connection to host; nil when host
// is not a loopback address.
func loopbackTargets(host string) []string {
	var ips []net.IP
	switch strings.ToLower(host) {
	case "localhost", "localhost.localdomain":
		ips = []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback}
	default:
		ip := net.ParseIP(host)
		if ip == nil || !(ip.IsLoopback() || ip.IsUnspecified()) {
			return nil
		}
		if ip.IsUnspecified() {
			// Connecting to 0.0.0.0 or :: reaches the loopback.
			if ip.To4() != nil {
				ip = net.ParseIP("127.0.0.1")
			} else {
				ip = net.IPv6loopback
			}
		}
		ips = []net.IP{ip}
	}
	var out []string
	for _, ip := range ips {
		if v4 := ip.To4(); v4 != nil {
			out = append(out, procAddr(v4), procAddr(net.IPv4zero.To4()),
				procAddr(net.ParseIP("::ffff:"+v4.String()).To16()), procAddr(net.IPv6unspecified))
		} else {
			out = append(out, procAddr(ip.To16()), procAddr(net.IPv6unspecified))
		}
	}
	return out
}

// procAddr spells an address as /proc/net/tcp does: each 32-bit word in
// host (little-endian) byte order, in upper-case hex.
func procAddr(ip net.IP) string {
	b := make([]byte, len(ip))
	for i := 0; i+4 <= len(ip); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = ip[i+3], ip[i+2], ip[i+1], ip[i]
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// listening reports whether /proc/net/tcp{,6} text has a socket in the
// LISTEN state on port at one of the addresses.
func listening(table string, addrs []string, port int) bool {
	want := map[string]bool{}
	for _, a := range addrs {
		want[fmt.Sprintf("%s:%04X", a, port)] = true
	}
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[3] != "0A" {
			continue
		}
		if want[strings.ToUpper(f[1])] {
			return true
		}
	}
	return false
}

// probePort looks once whether the port accepts connections; with banner
// set, it also reads what the port sends (through nc).
func (w *waitFor) probePort(c *Context, banner bool) (bool, string, error) {
	addrs := loopbackTargets(w.host)
	if addrs != nil && !banner {
		r, err := c.Run("cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; exit 0", nil)
		if err != nil {
			return false, "", err
		}
		if !strings.Contains(string(r.Stdout), "local_address") {
			return false, "", failf("wait_for: the host has no /proc/net/tcp to check port %d on", w.port)
		}
		return listening(string(r.Stdout), addrs, w.port), "", nil
	}
	ct := w.connTimeout
	if ct < 1 {
		ct = 1
	}
	hp := shell.Join(w.host, strconv.Itoa(w.port))
	cmd := "command -v nc >/dev/null 2>&1 || { echo @nonc; exit 0; }\n"
	if banner {
		cmd += "nc -w " + strconv.Itoa(ct) + " -- " + hp + " </dev/null 2>/dev/null | head -c 1048576; exit 0\n"
	} else {
		cmd += "if nc -z -w " + strconv.Itoa(ct) + " -- " + hp + " </dev/null >/dev/null 2>&1; then echo @open; else echo @closed; fi\n"
	}
	r, err := c.Run(cmd, nil)
	if err != nil {
		return false, "", err
	}
	out := string(r.Stdout)
	switch {
	case out == "@nonc\n":
		why := "to check a port on " + w.host
		if banner {
			why = "to read a port's data for search_regex"
		}
		return false, "", failf("wait_for: gansible needs nc on the host %s (without it only a loopback port's listening state can be checked)", why)
	case banner:
		return out != "", out, nil
	}
	return strings.TrimSpace(out) == "@open", "", nil
}
