package modules

import (
	_ "embed"
	"fmt"
	"github.com/gansible/gansible/modules/argspec"
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/shell"
)

func init() {
	Register("service", serviceModule{})
}

// serviceModule starts, stops, restarts or reloads a service and enables
// or disables it at boot, on systemd, upstart or SysV init hosts. One
// probe finds the init system and the service's state; at most one more
// round trip makes the changes, following the decisions of Ansible's
// service module.
type serviceModule struct{}

//go:embed service_probe.sh
var serviceProbeScript string

var serviceArgSpec = &argspec.Spec{
	Params: []argspec.Param{
		{Name: "name", Required: true},
		{Name: "state", Choices: []any{"started", "stopped", "reloaded", "restarted"}},
		{Name: "sleep", Type: argspec.Int},
		{Name: "pattern"},
		{Name: "enabled", Type: argspec.Bool},
		{Name: "runlevel", Default: "default", Unsupported: "OpenRC runlevels are not managed"},
		{Name: "arguments", Default: "", Aliases: []string{"args"}},
		{Name: "use", Default: "auto", ActionOnly: true,
			Unsupported: "the init system is always detected on the host"},
	},
	RequiredOneOf: [][]string{{"state", "enabled"}},
}

func (serviceModule) Spec() *argspec.Spec { return serviceArgSpec }

// serviceProbe is what the probe script found.
type serviceProbe map[string]string

func (p serviceProbe) rc(key string) int { return atoi(p[key+".rc"]) }

func (serviceModule) Run(c *Context, args Args) (*Result, error) {
	name := args.String("name")
	state := args.String("state")
	if name == "" {
		return Failf("missing required arguments: name"), nil
	}
	// service, chkconfig, initctl and update-rc.d have no "--": a name
	// that starts with "-" would be read as an option.
	if strings.HasPrefix(name, "-") {
		return Failf("service name %q starts with \"-\": refused, the init tools would read it as an option", name), nil
	}
	switch state {
	case "", "started", "stopped", "restarted", "reloaded":
	default:
		return Failf("value of state must be one of: started, stopped, reloaded, restarted, got: %s", state), nil
	}
	var enabled *bool
	if args.Has("enabled") {
		b, err := args.Bool("enabled", false)
		if err != nil {
			return Failf("%v", err), nil
		}
		enabled = &b
	}
	if state == "" && enabled == nil {
		return Failf("one of the following is required: state, enabled"), nil
	}
	sleep, err := args.Int("sleep", 0)
	if err != nil {
		return Failf("%v", err), nil
	}
	arguments := args.String("arguments", "args")
	pattern := args.String("pattern")

	wantEnabled := "0"
	if enabled != nil {
		wantEnabled = "1"
	}
	probeCmd := "set -- " + shell.Join(name, arguments, pattern, wantEnabled) + "\n" + recordFuncs + serviceProbeScript
	res, err := c.Run(probeCmd, nil)
	if err != nil {
		return nil, err
	}
	probe := serviceProbe(parseRecords(string(res.Stdout)))
	if probe["manager"] == "systemd" {
		return serviceViaSystemd(c, args)
	}
	svc := &serviceState{name: name, arguments: arguments, sleep: sleep, probe: probe}
	// Without a tool to enable it, Ansible does not know the service.
	if probe["manager"] == "none" || probe["manager"] == "" || probe["manager"] == "sysv" && probe["enable_cmd"] == "" {
		return Failf("Could not find the requested service %s: host", name), nil
	}

	r := &Result{}
	r.Set("name", name)
	var plan []string // sh commands that make the changes, in order
	if enabled != nil {
		changed, cmds, fail := svc.enable(*enabled)
		if fail != nil {
			return fail, nil
		}
		r.Changed = changed
		plan = append(plan, cmds...)
		r.Set("enabled", *enabled)
	}
	if state != "" {
		running, known := svc.running(pattern)
		if !known {
			return Failf("failed determining service state, possible typo of service name?"), nil
		}
		action := ""
		switch {
		case state == "started" && !running:
			action = "start"
		case state == "reloaded" && !running:
			action = "start"
		case state == "reloaded":
			action = "reload"
		case state == "stopped" && running:
			action = "stop"
		case state == "restarted":
			action = "restart"
		}
		if action != "" {
			r.Changed = true
			plan = append(plan, svc.control(action)...)
		}
		r.Set("state", "started")
		if state == "stopped" {
			r.Set("state", "stopped")
		}
	}
	if c.CheckMode || len(plan) == 0 {
		return r, nil
	}
	return runServicePlan(c, r, plan)
}

// serviceViaSystemd is Ansible's service action on a systemd host: the
// task runs the systemd module with name, state and enabled; the
// parameters systemd has no use for are dropped with Ansible's warning.
func serviceViaSystemd(c *Context, args Args) (*Result, error) {
	sargs := Args{}
	for k, v := range args {
		// The action passes the task's own arguments: one the task
		// left out (nil once validated) is not there for systemd's
		// choices to refuse.
		if v == nil {
			continue
		}
		if k == "name" || k == "state" || k == "enabled" || strings.HasPrefix(k, "_") {
			sargs[k] = v
		}
	}
	// Only what the task gave (a validated absent parameter is nil), in
	// the order of the action plugin's UNUSED_PARAMS.
	var warnings []any
	for _, k := range []string{"pattern", "runlevel", "sleep", "arguments", "args"} {
		if _, given := c.TaskArgs[k]; given {
			warnings = append(warnings, fmt.Sprintf("Ignoring \"%s\" as it is not used in \"systemd\"", k))
		}
	}
	m := systemdModule{}
	valid, err := m.Spec().Validate("systemd", sargs)
	if err != nil {
		return Failf("%v", err), nil
	}
	r, err := m.Run(c, valid)
	if err == nil && len(warnings) > 0 {
		if old, ok := r.Fields["warnings"].([]any); ok {
			warnings = append(old, warnings...)
		}
		r.Set("warnings", warnings)
	}
	return r, err
}

// serviceState holds one service's probe and answers the module's
// questions about it.
type serviceState struct {
	name, arguments string
	sleep           int
	probe           serviceProbe
}

// running tells whether the service runs, and whether that could be
// determined, with the rules of Ansible's get_service_status.
func (s *serviceState) running(pattern string) (running, known bool) {
	p := s.probe
	if pattern != "" {
		for _, line := range strings.Split(p["ps"], "\n") {
			if strings.Contains(line, pattern) {
				return true, true
			}
		}
		return false, true
	}
	if p["manager"] == "systemd" {
		active := regexp.MustCompile(`(?m)^ActiveState=(.*)$`).FindStringSubmatch(p["show.out"])
		return active != nil && active[1] == "active", active != nil
	}
	rc, out := p.rc("status"), p["status.out"]
	if p["manager"] == "upstart" || p["initctl_status.out"] != "" {
		upstartOut := p["status.out"]
		if p["manager"] != "upstart" {
			upstartOut = p["initctl_status.out"]
		}
		if strings.Contains(upstartOut, "stop/waiting") {
			return false, true
		}
		if strings.Contains(upstartOut, "start/running") {
			return true, true
		}
	}
	switch rc {
	case 1, 2, 3, 4, 69:
		return false, true
	}
	if strings.Count(out, "\n") <= 1 {
		clean := strings.ReplaceAll(strings.ToLower(out), strings.ToLower(s.name), "")
		switch {
		case strings.Contains(clean, "stop"):
			return false, true
		case strings.Contains(clean, "run"):
			return !strings.Contains(clean, "not "), true
		case strings.Contains(clean, "start") && !strings.Contains(clean, "not "):
			return true, true
		case strings.Contains(clean, "could not access pid file"),
			strings.Contains(clean, "is dead and pid file exists"),
			strings.Contains(clean, "dead but subsys locked"),
			strings.Contains(clean, "dead but pid file exists"):
			return false, true
		}
	}
	if rc == 0 {
		return true, true
	}
	return false, false
}

// control returns the commands for a start, stop, reload or restart.
func (s *serviceState) control(action string) []string {
	p := s.probe
	args := strings.Fields(s.arguments)
	cmd := func(a string) string {
		switch {
		case p["manager"] == "systemd":
			return shell.Join(append([]string{p["svc_cmd"], a, s.name}, args...)...)
		case p["manager"] == "upstart":
			return shell.Join(append([]string{p["svc_cmd"], a, s.name}, args...)...)
		case p["svc_cmd"] != "":
			return shell.Join(append([]string{p["svc_cmd"], s.name, a}, args...)...)
		default:
			return shell.Join(append([]string{p["initscript"], a}, args...)...)
		}
	}
	if action != "restart" {
		return []string{cmd(action)}
	}
	// Not every init script can restart: stop, then start, as Ansible.
	stop := cmd("stop") + " || :"
	if s.sleep > 0 {
		stop += "; sleep " + strconv.Itoa(s.sleep)
	}
	return []string{stop, cmd("start")}
}

// enable decides whether the boot-time state must change and returns the
// commands that change it.
func (s *serviceState) enable(on bool) (bool, []string, *Result) {
	p := s.probe
	switch {
	case p["manager"] == "systemd":
		enabled := p.rc("is_enabled") == 0
		if !enabled && !strings.HasPrefix(p["is_enabled.out"], "disabled") && p["sysv_script"] == "1" {
			enabled = p["sysv_links"] != ""
		}
		if enabled == on {
			return false, nil, nil
		}
		action := "disable"
		if on {
			action = "enable"
		}
		return true, []string{shell.Join(p["svc_cmd"], action, s.name)}, nil
	case p["manager"] == "upstart":
		return s.enableUpstart(on)
	case strings.HasSuffix(p["enable_cmd"], "update-rc.d"):
		if (p["s_links"] != "") == on {
			return false, nil, nil
		}
		if !on {
			return true, []string{shell.Join(p["enable_cmd"], s.name, "disable")}, nil
		}
		var cmds []string
		if p["k_links"] == "" {
			cmds = append(cmds, shell.Join(p["enable_cmd"], s.name, "defaults"))
		}
		return true, append(cmds, shell.Join(p["enable_cmd"], s.name, "enable")), nil
	case strings.HasSuffix(p["enable_cmd"], "chkconfig"):
		out := p["chkconfig.out"]
		if !strings.Contains(out, s.name) {
			return false, nil, Failf("service %s does not support chkconfig", s.name)
		}
		action := "off"
		if on {
			action = "on"
		}
		if strings.Contains(out, "3:"+action) && strings.Contains(out, "5:"+action) {
			return false, nil, nil
		}
		return true, []string{shell.Join(p["enable_cmd"], s.name, action)}, nil
	}
	return false, nil, Failf("cannot detect command to enable service %s, typo or init system potentially unknown", s.name)
}

// enableUpstart manages the "manual" stanza of /etc/init/NAME.override.
func (s *serviceState) enableUpstart(on bool) (bool, []string, *Result) {
	p := s.probe
	manual := regexp.MustCompile(`(?mi)^manual\s*$`)
	line := "manual\n"
	if m := regexp.MustCompile(`\(upstart (.*)\)`).FindStringSubmatch(p["version.out"]); m == nil || versionLess(m[1], "0.6.7") {
		manual = regexp.MustCompile(`(?mi)^start on manual\s*$`)
		line = "start on manual\n"
	}
	if manual.MatchString(p["conf"]) {
		return false, nil, Failf("manual stanza not supported in a .conf file")
	}
	override, exists := p["override"]
	var content string
	switch {
	case exists && on && manual.MatchString(override):
		content = manual.ReplaceAllString(override, "")
	case exists && !on && !manual.MatchString(override):
		content = override + "\n" + line
	case !exists && !on:
		content = line
	default:
		return false, nil, nil
	}
	file := "/etc/init/" + s.name + ".override"
	return true, []string{"printf '%s' " + shell.Quote(content) + " >" + shell.Quote(file)}, nil
}

// versionLess compares dotted numeric versions.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x = atoi(as[i])
		}
		if i < len(bs) {
			y = atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// runServicePlan runs the commands in one round trip, stopping at the
// first failure, with stdin and output detached from the session so that
// a daemon started by an init script cannot hold the connection open.
func runServicePlan(c *Context, r *Result, plan []string) (*Result, error) {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString(`o=$(mktemp) && e=$(mktemp) || exit 1
trap 'rm -f "$o" "$e"' EXIT
`)
	for i, cmd := range plan {
		fmt.Fprintf(&b, "(LANG=C LC_ALL=C %s) </dev/null >\"$o\" 2>\"$e\"; rc=$?\n", cmd)
		fmt.Fprintf(&b, "if [ $rc -ne 0 ]; then rec step %d; rec rc $rc; recout out <\"$o\"; recout err <\"$e\"; exit 0; fi\n", i)
	}
	res, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	rec := parseRecords(string(res.Stdout))
	if _, failed := rec["step"]; !failed {
		return r, nil
	}
	if strings.Contains(rec["err"], "Job is already running") {
		return r, nil
	}
	msg := rec["err"]
	if msg == "" {
		msg = rec["out"]
	}
	fail := Failf("%s", msg)
	fail.Fields = r.Fields
	return fail, nil
}
