package modules

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("timezone", timezoneModule{}, "community.general.timezone") }

// timezoneModule is community.general.timezone on Linux. As the module,
// it uses timedatectl when `timedatectl` runs, and otherwise edits the
// distribution's files: /etc/timezone with dpkg-reconfigure on Debian,
// /etc/sysconfig/clock elsewhere (ZONE= or SuSE's TIMEZONE=), copying
// the zone to /etc/localtime and running hwclock. Alpine's and Gentoo's
// ways are not supported.
type timezoneModule struct{}

func (timezoneModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "hwclock", Choices: []any{"local", "UTC"}, Aliases: []string{"rtc"}},
			{Name: "name"},
		},
		RequiredOneOf: [][]string{{"hwclock", "name"}},
	}
}

// tzHost is one look at the host's time zone settings.
type tzHost struct {
	recs map[string]string
}

func (h tzHost) has(k string) bool { _, ok := h.recs[k]; return ok }

// file returns a file's content as read by the probe; ok false when it
// does not exist.
func (h tzHost) file(k string) (string, bool) {
	v, ok := h.recs[k]
	return strings.TrimSuffix(v, "."), ok
}

// tzProbe prints what the module would look at.
func tzProbe(planned string) string {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString("r=" + shell.Quote(tzRoot) + "\n")
	b.WriteString(`for t in timedatectl cp hwclock dpkg-reconfigure tzdata-update ln; do p=$(command -v "$t" 2>/dev/null) && rec "bin $t" "$p"; done
if command -v timedatectl >/dev/null 2>&1; then s=$(timedatectl status 2>/dev/null) && { rec tdc ok; rec status "$s"; }; fi
for f in /etc/timezone /etc/sysconfig/clock /etc/adjtime /etc/os-release /etc/default/rcS; do
	if [ -f "$r$f" ]; then { cat -- "$r$f"; echo .; } | recout "file $r$f"; elif [ -e "$r$f" ]; then rec "unreadable $r$f"; fi
done
l="$r/etc/localtime"
if [ -L "$l" ]; then rec islink 1; [ -e "$l" ] && rec linkexists 1; rec link "$(readlink -- "$l")"; fi
`)
	if planned != "" {
		z := shell.Quote(tzRoot + "/usr/share/zoneinfo/" + planned)
		b.WriteString(`[ -f ` + z + ` ] && rec zonefile 1` + "\n")
		b.WriteString(`cmp -s -- "$l" ` + z + ` 2>/dev/null && rec same 1` + "\n")
	}
	b.WriteString("rec done 1\n")
	return b.String()
}

// tzRoot is prefixed to the files the module reads and writes; tests
// move it.
var tzRoot = ""

func lookTZ(c *Context, planned string) (tzHost, error) {
	r, err := c.Run(tzProbe(planned), nil)
	if err != nil {
		return tzHost{}, err
	}
	recs := parseRecords(string(r.Stdout))
	if _, ok := recs["done"]; !ok {
		return tzHost{}, failf("failed to inspect the host's time zone: %s", trimOutput(r.Stderr))
	}
	return tzHost{recs}, nil
}

var (
	tdcHwclock  = regexp.MustCompile(`(?m)^\s*RTC in local TZ\s*:\s*([^\s]+)`)
	tdcName     = regexp.MustCompile(`(?m)^\s*Time ?zone\s*:\s*([^\s]+)`)
	tzNameLine  = regexp.MustCompile(`(?m)^([^\s]+)`)
	tzSuSE      = regexp.MustCompile(`(?m)^TIMEZONE\s*=\s*"?([^"\s]+)"?`)
	tzRedhat    = regexp.MustCompile(`(?m)^ZONE\s*=\s*"?([^"\s]+)"?`)
	tzUTCLine   = regexp.MustCompile(`(?m)^UTC\s*=\s*([^\s]+)`)
	tzAdjtime   = regexp.MustCompile(`(?m)^(UTC|LOCAL)$`)
	tzLinkZone  = regexp.MustCompile(`(?m)(?:/(?:usr/share|etc)/zoneinfo/)(.*)`)
	tzSuSEHint  = regexp.MustCompile(`(?m)^TIMEZONE\s*=`)
	osReleaseID = regexp.MustCompile(`(?m)^ID="?([^"\s]+)"?`)
)

// tzRun is one run of the module.
type tzRun struct {
	c        *Context
	planned  map[string]string
	msgs     []string
	systemd  bool
	debian   bool
	confName string         // the file holding the zone's name
	confHW   string         // the file holding UTC=, "" for none
	nameRe   *regexp.Regexp // the zone's line in confName
	lineFmt  string
	updateTZ [][]string // the commands applying a new zone
	hwclock  string
}

func (t *tzRun) abort(msg string) error {
	lines := []string{"Error message:", msg}
	if len(t.msgs) > 0 {
		lines = append(lines, "Other message(s):")
		lines = append(lines, t.msgs...)
	}
	return failf("%s", strings.Join(lines, "\n"))
}

func (timezoneModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runTimezone(c, args))
}

func runTimezone(c *Context, args Args) (*Result, error) {
	t := &tzRun{c: c, planned: map[string]string{}}
	for _, k := range []string{"hwclock", "name"} {
		if v, ok := args[k].(string); ok {
			t.planned[k] = v
		}
	}
	h, err := lookTZ(c, t.planned["name"])
	if err != nil {
		return nil, err
	}
	if err := t.setup(h); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(t.planned))
	for k := range t.planned {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	before := map[string]any{}
	for _, k := range keys {
		v, err := t.get(h, k, "before")
		if err != nil {
			return nil, err
		}
		before[k] = v
	}
	after := map[string]any{}
	if c.CheckMode {
		for _, k := range keys {
			after[k] = t.planned[k]
		}
	} else {
		for _, k := range keys {
			if before[k] != t.planned[k] {
				if err := t.set(h, k, t.planned[k]); err != nil {
					return nil, err
				}
				if h, err = lookTZ(c, t.planned["name"]); err != nil {
					return nil, err
				}
			}
		}
		for _, k := range keys {
			v, err := t.get(h, k, "after")
			if err != nil {
				return nil, err
			}
			after[k] = v
		}
		plannedAny := map[string]any{}
		for k, v := range t.planned {
			plannedAny[k] = v
		}
		for _, k := range keys {
			if after[k] != t.planned[k] {
				return nil, t.abort(fmt.Sprintf("still not desired state, though changes have made - planned: %s, after: %s",
					pyDictRepr(keys, plannedAny), pyDictRepr(keys, after)))
			}
		}
	}
	res := &Result{}
	for _, k := range keys {
		res.Changed = res.Changed || before[k] != after[k]
	}
	res.Set("diff", map[string]any{"before": before, "after": after})
	if c.DiffMode {
		res.Diff = append(res.Diff, Diff{Before: jsonDiffText(before), After: jsonDiffText(after)})
	}
	res.Msg = strings.Join(t.msgs, "\n")
	return res, nil
}

// jsonDiffText is how Ansible's callback shows a dict in a diff.
func jsonDiffText(m map[string]any) string {
	b, _ := json.MarshalIndent(m, "", "    ")
	return string(b) + "\n"
}

// pyDictRepr is Python's repr of a dict of strings, in the module's
// key order.
func pyDictRepr(keys []string, m map[string]any) string {
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("'%s': '%v'", k, m[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (t *tzRun) bin(h tzHost, name string) (string, error) {
	if p, ok := h.recs["bin "+name]; ok {
		return p, nil
	}
	return "", failf("Failed to find required executable \"%s\" in paths: /sbin:/usr/sbin:/bin:/usr/bin", name)
}

// setup chooses the module's class and its files, as its __init__s do.
func (t *tzRun) setup(h tzHost) error {
	name, hasName := t.planned["name"]
	if hasName && !h.has("zonefile") {
		return t.abort(fmt.Sprintf("given timezone \"%s\" is not available", name))
	}
	if h.has("tdc") {
		t.systemd = true
		return nil
	}
	zone := tzRoot + "/usr/share/zoneinfo/" + name
	localtime := tzRoot + "/etc/localtime"
	if hasName {
		cp, err := t.bin(h, "cp")
		if err != nil {
			return err
		}
		t.updateTZ = [][]string{{cp, "--remove-destination", zone, localtime}}
	}
	hw, err := t.bin(h, "hwclock")
	if err != nil {
		return err
	}
	t.hwclock = hw
	t.confName, t.nameRe, t.lineFmt = tzRoot+"/etc/timezone", tzNameLine, "%s\n"
	osr, _ := h.file("file " + tzRoot + "/etc/os-release")
	id := ""
	if m := osReleaseID.FindStringSubmatch(osr); m != nil {
		id = strings.ToLower(m[1])
	}
	switch {
	case h.has("bin dpkg-reconfigure"):
		t.debian = true
		if hasName {
			ln, err := t.bin(h, "ln")
			if err != nil {
				return err
			}
			t.updateTZ = [][]string{{ln, "-sf", zone, localtime}, {h.recs["bin dpkg-reconfigure"], "--frontend", "noninteractive", "tzdata"}}
		}
		t.confHW = tzRoot + "/etc/default/rcS"
	case id == "alpine" || id == "gentoo":
		return failf("timezone: the %s way of setting the time zone is not supported by gansible", id)
	default:
		if p, ok := h.recs["bin tzdata-update"]; ok && !h.has("islink") {
			t.updateTZ = [][]string{{p}}
		}
		t.confName = tzRoot + "/etc/sysconfig/clock"
		t.confHW = t.confName
		clock, ok := h.file("file " + t.confName)
		switch {
		case !ok && h.has("unreadable "+t.confName):
			return t.abort(fmt.Sprintf("could not read configuration file \"%s\"", t.confName))
		case !ok && (id == "sles" || id == "opensuse" || strings.HasPrefix(id, "opensuse")):
			t.nameRe, t.lineFmt = tzSuSE, "TIMEZONE=\"%s\"\n"
		case ok && tzSuSEHint.MatchString(clock):
			t.nameRe, t.lineFmt = tzSuSE, "TIMEZONE=\"%s\"\n"
		default:
			t.nameRe, t.lineFmt = tzRedhat, "ZONE=\"%s\"\n"
		}
	}
	return nil
}

// fromConfig is the module's _get_value_from_config.
func (t *tzRun) fromConfig(h tzHost, key, phase string) (string, error) {
	var file string
	var re *regexp.Regexp
	switch key {
	case "name":
		file, re = t.confName, t.nameRe
	case "hwclock":
		file, re = t.confHW, tzUTCLine
	case "adjtime":
		file, re = tzRoot+"/etc/adjtime", tzAdjtime
	}
	missing := map[string]string{"hwclock": "n/a", "adjtime": "UTC", "name": "n/a"}
	status, ok := h.file("file " + file)
	if !ok {
		if h.has("unreadable " + file) {
			return "", t.abort(fmt.Sprintf("tried to configure %s using a file \"%s\", but could not read it", key, file))
		}
		return missing[key], nil
	}
	m := re.FindStringSubmatch(status)
	if m == nil {
		if key == "name" && phase != "before" {
			return "", t.abort(fmt.Sprintf("tried to configure %s using a file \"%s\", but could not find a valid value in it", key, file))
		}
		return missing[key], nil
	}
	v := m[1]
	switch key {
	case "hwclock":
		if b, err := ParseBool(v); err == nil && b {
			v = "UTC"
		} else {
			v = "local"
		}
	case "adjtime":
		if v != "UTC" {
			v = strings.ToLower(v)
		}
	}
	return v, nil
}

func (t *tzRun) get(h tzHost, key, phase string) (string, error) {
	if t.systemd {
		re := tdcName
		if key == "hwclock" {
			re = tdcHwclock
		}
		m := re.FindStringSubmatch(h.recs["status"])
		if m == nil {
			return "", failf("timezone: timedatectl status shows no %s", key)
		}
		v := m[1]
		if key == "hwclock" {
			if b, err := ParseBool(v); err == nil && b {
				v = "local"
			} else {
				v = "UTC"
			}
		}
		return v, nil
	}
	planned := t.planned[key]
	v, err := t.fromConfig(h, key, phase)
	if err != nil || v != planned {
		return v, err
	}
	if key == "hwclock" {
		return t.fromConfig(h, "adjtime", phase)
	}
	switch {
	case h.has("islink") && !h.has("linkexists"):
		return "n/a", nil
	case h.has("islink"):
		m := tzLinkZone.FindStringSubmatch(h.recs["link"])
		if m == nil {
			return "n/a", nil
		}
		if m[1] != planned {
			return m[1], nil
		}
		return v, nil
	case !h.has("same"):
		return "n/a", nil
	}
	return v, nil
}

// editFile is the module's _edit_file: the first matching line replaced
// by value, the other matching lines removed.
func (t *tzRun) editFile(h tzHost, file string, re *regexp.Regexp, value, key string) error {
	content, ok := h.file("file " + file)
	if !ok && h.has("unreadable "+file) {
		return t.abort(fmt.Sprintf("tried to configure %s using a file \"%s\", but could not read it", key, file))
	}
	lines := pyReadLines(content)
	var matched []int
	for i, l := range lines {
		if re.MatchString(l) {
			matched = append(matched, i)
		}
	}
	insert := 0
	if len(matched) > 0 {
		insert = matched[0]
	}
	for i := len(matched) - 1; i >= 0; i-- {
		lines = append(lines[:matched[i]], lines[matched[i]+1:]...)
	}
	lines = append(lines[:insert], append([]string{value}, lines[insert:]...)...)
	p, err := probe(t.c, nil, nil, probeRequest{Path: file, Follow: true})
	if err != nil {
		return err
	}
	cur := &p.Files[0]
	dest := file
	if cur.RealPath != "" {
		dest = cur.RealPath
	}
	if _, err := writeFile(t.c, writeRequest{Dest: dest, Content: []byte(strings.Join(lines, "")), Existing: cur, Probe: p}); err != nil {
		var tf *taskFailure
		if errors.As(err, &tf) {
			return t.abort(fmt.Sprintf("tried to configure %s using a file \"%s\", but could not write to it", key, file))
		}
		return err
	}
	t.msgs = append(t.msgs, fmt.Sprintf("Added 1 line and deleted %d line(s) on %s", len(matched), file))
	return nil
}

// execute runs a command as the module's execute, failing the task when
// it fails; with log the command is recorded in the message.
func (t *tzRun) execute(words []string, log bool) error {
	r, err := t.c.Run(shell.Join(words...), nil)
	if err != nil {
		return err
	}
	if r.ExitCode != 0 {
		msg := strings.TrimSpace(string(r.Stderr))
		if msg == "" {
			msg = strings.TrimSpace(string(r.Stdout))
		}
		return failWith(map[string]any{"rc": r.ExitCode, "stdout": string(r.Stdout), "stderr": string(r.Stderr), "cmd": strings.Join(words, " ")}, "%s", msg)
	}
	if log {
		t.msgs = append(t.msgs, fmt.Sprintf("executed `%s`", strings.Join(words, " ")))
	}
	return nil
}

func (t *tzRun) set(h tzHost, key, value string) error {
	if t.systemd {
		tdc := h.recs["bin timedatectl"]
		if key == "hwclock" {
			v := "no"
			if value == "local" {
				v = "yes"
			}
			return t.execute([]string{tdc, "set-local-rtc", v}, true)
		}
		return t.execute([]string{tdc, "set-timezone", value}, true)
	}
	if key == "name" {
		if err := t.editFile(h, t.confName, t.nameRe, fmt.Sprintf(t.lineFmt, value), "name"); err != nil {
			return err
		}
		for _, cmd := range t.updateTZ {
			if err := t.execute(cmd, false); err != nil {
				return err
			}
		}
		return nil
	}
	option, utc := "--utc", "yes"
	if value == "local" {
		option, utc = "--localtime", "no"
	}
	if t.confHW != "" {
		if err := t.editFile(h, t.confHW, tzUTCLine, "UTC="+utc+"\n", "hwclock"); err != nil {
			return err
		}
	}
	return t.execute([]string{t.hwclock, "--systohc", option}, true)
}
