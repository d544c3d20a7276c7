package modules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("selinux", selinuxModule{}, "ansible.posix.selinux") }

// selinuxModule is ansible.posix.selinux without libselinux: the host's
// runtime state is read where libselinux reads it (selinuxfs at
// /sys/fs/selinux: mounted means enabled, its enforce file the mode; the
// loaded policy's type from /etc/selinux/config), the mode is set by
// writing that enforce file as security_setenforce does, and the config
// file is edited line for line as the module edits it.
type selinuxModule struct{}

func (selinuxModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "policy"},
		{Name: "state", Required: true, Choices: []any{"enforcing", "permissive", "disabled"}},
		{Name: "configfile", Default: "/etc/selinux/config", Aliases: []string{"conf", "file"}},
		{Name: "update_kernel_param", Type: argspec.Bool, Default: false},
	}}
}

// selinuxFS is where selinuxfs is mounted, selinuxSysConfig the config
// libselinux reads; tests move them.
var selinuxFS, selinuxSysConfig = "/sys/fs/selinux", "/etc/selinux/config"

var (
	selinuxStateLine  = regexp.MustCompile(`^SELINUX=.*$`)
	selinuxPolicyLine = regexp.MustCompile(`^SELINUXTYPE=.*$`)
	grubbyArgsLine    = regexp.MustCompile(`^args="(.*)"$`)
)

// selinuxConfigValue is the module's get_config_state/get_config_policy:
// the text after the first "=" of the first matching line, up to a second
// "=", stripped; nil when no line matches.
func selinuxConfigValue(lines []string, re *regexp.Regexp) *string {
	for _, l := range lines {
		if re.MatchString(l) {
			v := pyStrip(strings.Split(l, "=")[1])
			return &v
		}
	}
	return nil
}

func pyStr(s *string) string {
	if s == nil {
		return "None"
	}
	return *s
}

// setSelinuxConfig is the module's set_config_state/set_config_policy.
func setSelinuxConfig(lines []string, re *regexp.Regexp, line string) string {
	var b strings.Builder
	found := false
	for _, l := range lines {
		if re.MatchString(l) {
			found = true
			l = line
		}
		b.WriteString(l + "\n")
	}
	if !found {
		b.WriteString(line + "\n")
	}
	return b.String()
}

func (selinuxModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runSelinux(c, args))
}

func runSelinux(c *Context, args Args) (*Result, error) {
	configfile, state := args.String("configfile"), args.String("state")
	var policy *string
	if p, ok := args["policy"].(string); ok && p != "" {
		policy = &p
	}
	updateKernel, _ := args["update_kernel_param"].(bool)

	fs := shell.Quote(selinuxFS)
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString(`if [ -f ` + fs + `/enforce ]; then rec enabled 1; rec enforce "$(cat ` + fs + `/enforce)"; fi` + "\n")
	sc := shell.Quote(selinuxSysConfig)
	b.WriteString(`if [ -f ` + sc + ` ]; then { cat -- ` + sc + `; echo .; } | recout sysconfig; fi` + "\n")
	b.WriteString(`if [ -f ` + shell.Quote(configfile) + ` ]; then { cat -- ` + shell.Quote(configfile) + `; echo .; } | recout config; fi` + "\n")
	if updateKernel {
		b.WriteString(`if command -v grubby >/dev/null 2>&1; then rec grubby "$(command -v grubby)"; o=$(grubby --info=ALL 2>/dev/null); rec grubbyrc $?; rec grubbyout "$o"; fi` + "\n")
	}
	b.WriteString("rec done 1\n")
	out, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	recs := parseRecords(string(out.Stdout))
	if _, ok := recs["done"]; !ok {
		return nil, failf("failed to inspect SELinux on the host: %s", trimOutput(out.Stderr))
	}
	_, runtimeEnabled := recs["enabled"]
	runtimeState := "disabled"
	if runtimeEnabled {
		if strings.TrimSpace(recs["enforce"]) == "1" {
			runtimeState = "enforcing"
		} else {
			runtimeState = "permissive"
		}
	}
	runtimePolicy := selinuxPolicyType(recs["sysconfig"])
	cfg, ok := recs["config"]
	if !ok {
		return nil, failWith(map[string]any{"details": "Please install SELinux-policy package, if this package is not installed previously."},
			"Unable to find file %s", configfile)
	}
	lines := splitLines(strings.TrimSuffix(cfg, "."))
	configPolicy := selinuxConfigValue(lines, selinuxPolicyLine)
	configState := selinuxConfigValue(lines, selinuxStateLine)

	var kernelEnabled *bool
	grubby := recs["grubby"]
	if updateKernel {
		if grubby == "" {
			return nil, failWith(map[string]any{"details": "In order to update the kernel command lineenabled/disabled setting, the grubby packageneeds to be present on the system."},
				"'grubby' command not found on host")
		}
		if recs["grubbyrc"] != "0" {
			return nil, failf("unable to run grubby")
		}
		allEnabled, allDisabled := true, true
		for _, l := range strings.Split(recs["grubbyout"], "\n") {
			m := grubbyArgsLine.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			off := false
			for _, a := range strings.Split(m[1], " ") {
				off = off || a == "selinux=0"
			}
			if off {
				allEnabled = false
			} else {
				allDisabled = false
			}
		}
		if allEnabled != allDisabled {
			kernelEnabled = &allEnabled
		}
	}

	if state != "disabled" {
		if policy == nil {
			return nil, failf("Policy is required if state is not 'disabled'")
		}
	} else if policy == nil {
		policy = configPolicy
	}
	res := &Result{}
	checkChanged := &Result{Changed: true}
	var msgs []string
	var warnings []any
	eq := func(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	if !eq(policy, runtimePolicy) {
		if c.CheckMode {
			return checkChanged, nil
		}
		msgs = append(msgs, fmt.Sprintf("Running SELinux policy changed from '%s' to '%s'", pyStr(runtimePolicy), pyStr(policy)))
		res.Changed = true
	}
	if !eq(policy, configPolicy) {
		if c.CheckMode {
			return checkChanged, nil
		}
		pol := pyStr(policy)
		r, err := c.Run("[ -e "+shell.Quote("/etc/selinux/"+pol+"/policy")+" ]", nil)
		if err != nil {
			return nil, err
		}
		if r.ExitCode != 0 {
			return nil, failf("Policy %s does not exist in /etc/selinux/", pol)
		}
		text := setSelinuxConfig(lines, selinuxPolicyLine, "SELINUXTYPE="+pol)
		if err := writeSelinuxConfig(c, configfile, text); err != nil {
			return nil, err
		}
		lines = splitLines(text)
		msgs = append(msgs, fmt.Sprintf("SELinux policy configuration in '%s' changed from '%s' to '%s'", configfile, pyStr(configPolicy), pol))
		res.Changed = true
	}
	reboot := false
	if state != runtimeState {
		switch {
		case runtimeEnabled && state == "disabled":
			if runtimeState != "permissive" {
				if !c.CheckMode {
					if err := setEnforce(c, "0"); err != nil {
						return nil, err
					}
				}
				warnings = append(warnings, fmt.Sprintf("SELinux state temporarily changed from '%s' to 'permissive'. State change will take effect next reboot.", runtimeState))
				res.Changed = true
			} else {
				warnings = append(warnings, "SELinux state change will take effect next reboot")
			}
			reboot = true
		case runtimeEnabled:
			if !c.CheckMode {
				v := "0"
				if state == "enforcing" {
					v = "1"
				}
				if err := setEnforce(c, v); err != nil {
					return nil, err
				}
			}
			msgs = append(msgs, fmt.Sprintf("SELinux state changed from '%s' to '%s'", runtimeState, state))
			res.Changed = true
		default:
			warnings = append(warnings, fmt.Sprintf("Reboot is required to set SELinux state to '%s'", state))
			reboot = true
		}
	}
	if configState == nil || state != *configState {
		if !c.CheckMode {
			if err := writeSelinuxConfig(c, configfile, setSelinuxConfig(lines, selinuxStateLine, "SELINUX="+state)); err != nil {
				return nil, err
			}
		}
		msgs = append(msgs, fmt.Sprintf("Config SELinux state changed from '%s' to '%s'", pyStr(configState), state))
		res.Changed = true
	}
	wantKernel := state == "enforcing" || state == "permissive"
	if updateKernel && (kernelEnabled == nil || *kernelEnabled != wantKernel) {
		if !c.CheckMode {
			flag, what := "--args", "unable to add selinux=0 to kernel config"
			if wantKernel {
				flag, what = "--remove-args", "unable to remove selinux=0 from kernel config"
			}
			r, err := c.Run(shell.Join(grubby, "--update-kernel=ALL", flag, "selinux=0"), nil)
			if err != nil {
				return nil, err
			}
			if r.ExitCode != 0 {
				return nil, failf("%s", what)
			}
		}
		from, to := "enabled", "disabled"
		if wantKernel {
			from, to = "disabled", "enabled"
		}
		if kernelEnabled == nil {
			from = "<inconsistent>"
		}
		msgs = append(msgs, fmt.Sprintf("Kernel SELinux state changed from '%s' to '%s'", from, to))
		res.Changed = true
	}
	res.Msg = strings.Join(msgs, ", ")
	if res.Msg == "" {
		// The module's msg is there when nothing changed too.
		res.Set("msg", "")
	}
	res.Set("configfile", configfile)
	if policy != nil {
		res.Set("policy", *policy)
	} else {
		res.Set("policy", nil)
	}
	res.Set("state", state)
	res.Set("reboot_required", reboot)
	if len(warnings) > 0 {
		res.Set("warnings", warnings)
	}
	return res, nil
}

// selinuxDefaultType is libselinux's SELINUXDEFAULT: the policy type
// of a system whose config names none, or that has no config.
const selinuxDefaultType = "targeted"

// selinuxPolicyType is libselinux's selinux_getpolicytype, from the
// system's config as init_selinux_config reads it: lines after leading
// space, not comments, whose tag SELINUXTYPE= is matched without regard
// to case; the value up to trailing space; the last such line wins.
func selinuxPolicyType(sysconfig string) *string {
	t := selinuxDefaultType
	for _, l := range splitLines(strings.TrimSuffix(sysconfig, ".")) {
		l = strings.TrimLeft(l, " \t\n\v\f\r")
		if len(l) >= len("SELINUXTYPE=") && strings.EqualFold(l[:len("SELINUXTYPE=")], "SELINUXTYPE=") {
			t = strings.TrimRight(l[len("SELINUXTYPE="):], " \t\n\v\f\r")
		}
	}
	return &t
}

// setEnforce is libselinux's security_setenforce.
func setEnforce(c *Context, v string) error {
	_, err := runChecked(c, "failed to set the SELinux mode", "printf '%s' "+v+" > "+shell.Quote(selinuxFS+"/enforce"), nil)
	return err
}

func writeSelinuxConfig(c *Context, path, text string) error {
	p, err := probe(c, nil, nil, probeRequest{Path: path, Follow: true})
	if err != nil {
		return err
	}
	cur := &p.Files[0]
	dest := path
	if cur.RealPath != "" {
		dest = cur.RealPath
	}
	_, err = writeFile(c, writeRequest{Dest: dest, Content: []byte(text), Existing: cur, Probe: p})
	return err
}
