package modules

import (
	"fmt"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() {
	Register("systemd", systemdModule{})
	Register("systemd_service", systemdModule{})
}

// systemdModule is ansible.builtin.systemd (and systemd_service): each
// of the module's systemctl calls is one command on the host, made in the
// module's order, since a call (mask, enable) changes what the next one
// reads. The status result is systemctl show's properties.
type systemdModule struct{}

func (systemdModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "name", Aliases: []string{"service", "unit"}},
			{Name: "state", Choices: []any{"reloaded", "restarted", "started", "stopped"}},
			{Name: "enabled", Type: argspec.Bool},
			{Name: "force", Type: argspec.Bool},
			{Name: "masked", Type: argspec.Bool},
			{Name: "daemon_reload", Type: argspec.Bool, Default: false, Aliases: []string{"daemon-reload"}},
			{Name: "daemon_reexec", Type: argspec.Bool, Default: false, Aliases: []string{"daemon-reexec"}},
			{Name: "scope", Default: "system", Choices: []any{"system", "user", "global"}},
			{Name: "no_block", Type: argspec.Bool, Default: false},
		},
		RequiredOneOf: [][]string{{"state", "enabled", "masked", "daemon_reload", "daemon_reexec"}},
		RequiredBy:    map[string][]string{"state": {"name"}, "enabled": {"name"}, "masked": {"name"}},
	}
}

// parseSystemctlShow is the module's parse_systemctl_show: KEY=VALUE
// lines, an Exec* value in braces possibly spanning lines.
func parseSystemctlShow(lines []string) map[string]any {
	parsed := map[string]any{}
	var multi []string
	k := ""
	inMulti := false
	for _, line := range lines {
		if !inMulti {
			if !strings.Contains(line, "=") {
				continue
			}
			key, v, _ := strings.Cut(line, "=")
			if strings.HasPrefix(key, "Exec") && strings.HasPrefix(strings.TrimLeft(v, " \t\n\r\v\f"), "{") {
				if !strings.HasSuffix(strings.TrimRight(v, " \t\n\r\v\f"), "}") {
					k, inMulti = key, true
					multi = append(multi, v)
					continue
				}
			}
			parsed[key] = pyStrip(v)
			continue
		}
		multi = append(multi, line)
		if strings.HasSuffix(strings.TrimRight(line, " \t\n\r\v\f"), "}") {
			parsed[k] = pyStrip(strings.Join(multi, "\n"))
			multi, inMulti = nil, false
		}
	}
	return parsed
}

func requestWasIgnored(out string) bool {
	return !strings.Contains(out, "=") && (strings.Contains(out, "ignoring request") || strings.Contains(out, "ignoring command"))
}

// systemdRun runs systemctl commands for one task.
type systemdRun struct {
	c        *Context
	prefix   string // the environment and systemctl with its options, as sh words
	hostPATH string
}

func (s *systemdRun) run(words ...string) (int, string, string, error) {
	cmd := s.prefix + " " + shell.Join(words...)
	r, err := s.c.Run(cmd, nil)
	if err != nil {
		return 0, "", "", err
	}
	return r.ExitCode, string(r.Stdout), string(r.Stderr), nil
}

func (systemdModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runSystemd(c, args))
}

func runSystemd(c *Context, args Args) (*Result, error) {
	unit := args.String("name")
	hasUnit := args["name"] != nil
	for _, g := range []string{"*", "?", "["} {
		if strings.Contains(unit, g) {
			return nil, failf("This module does not currently support using glob patterns, found '%s' in service name: %s", g, unit)
		}
	}
	// Where systemctl is, whether there is an init script of the unit's
	// name, the SysV runlevel links, and whether this is a chroot.
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString(`p=$(command -v systemctl 2>/dev/null) || { rec nobin "$PATH"; exit 0; }; rec bin "$p"` + "\n")
	if hasUnit {
		u := shell.Quote(unit)
		b.WriteString(`[ -e /etc/init.d/` + u + ` ] && rec initd 1` + "\n")
		b.WriteString(`for f in /etc/rc?.d/S??` + u + ` /etc/init.d/rc?.d/S??` + u + `; do [ -e "$f" ] && rec sysvenabled 1; done` + "\n")
	}
	b.WriteString(`if [ -n "${debian_chroot:-}" ]; then rec chroot 1; else a=$(stat -c '%d %i' / 2>/dev/null); c=$(stat -L -c '%d %i' /proc/1/root/. 2>/dev/null) && [ "$a" != "$c" ] && rec chroot 1; fi` + "\n")
	b.WriteString(`[ "${SYSTEMD_OFFLINE:-}" = 1 ] && rec offline 1` + "\nrec done 1\n")
	r, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	recs := parseRecords(string(r.Stdout))
	if p, ok := recs["nobin"]; ok {
		return nil, failf("Failed to find required executable \"systemctl\" in paths: %s", withSbin(p))
	}
	if _, ok := recs["done"]; !ok {
		return nil, failf("failed to inspect the host: %s", trimOutput(r.Stderr))
	}
	words := []string{recs["bin"]}
	scope := args.String("scope")
	if scope != "system" {
		words = append(words, "--"+scope)
	}
	if v, _ := args["no_block"].(bool); v {
		words = append(words, "--no-block")
	}
	if v, _ := args["force"].(bool); v {
		words = append(words, "--force")
	}
	s := &systemdRun{c: c, prefix: `XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/run/user/$(id -u)} ` + shell.Join(words...)}

	res := &Result{}
	status := map[string]any{}
	res.Set("name", nilIfEmpty(unit, hasUnit))
	for _, op := range []string{"daemon_reload", "daemon_reexec"} {
		if v, _ := args[op].(bool); v && !c.CheckMode {
			verb := strings.ReplaceAll(op, "_", "-")
			rc, _, errOut, err := s.run(verb)
			if err != nil {
				return nil, err
			}
			if rc != 0 {
				return nil, failf("failure %d during %s: %s", rc, verb, errOut)
			}
		}
	}
	if hasUnit {
		_, isInitd := recs["initd"]
		isSystemd := false
		rc, out, errOut, err := s.run("show", "--", unit)
		if err != nil {
			return nil, err
		}
		switch {
		case rc == 0 && !requestWasIgnored(out) && !requestWasIgnored(errOut):
			if out != "" {
				status = parseSystemctlShow(strings.Split(out, "\n"))
				load, hasLoad := status["LoadState"]
				isSystemd = hasLoad && load != "not-found"
				masked := hasLoad && load == "masked"
				if le, ok := status["LoadError"]; isSystemd && !masked && ok {
					return nil, failf("Error loading unit file '%s': %s", unit, le)
				}
			}
		case errOut != "" && rc == 1 && strings.Contains(errOut, "Failed to parse bus message"):
			status = parseSystemctlShow(strings.Split(out, "\n"))
			base, sep, _ := strings.Cut(unit, "@")
			search := base
			if sep != "" {
				search += "@"
			}
			_, out, _, err := s.run("list-unit-files", "--", search+"*")
			if err != nil {
				return nil, err
			}
			isSystemd = strings.Contains(out, search)
			_, out, _, err = s.run("is-active", "--", unit)
			if err != nil {
				return nil, err
			}
			status["ActiveState"] = strings.TrimRight(out, "\n")
		default:
			_, out, _, err := s.run("is-enabled", "--", unit)
			if err != nil {
				return nil, err
			}
			switch strings.TrimSpace(out) {
			case "enabled", "enabled-runtime", "linked", "linked-runtime", "masked", "masked-runtime", "static", "indirect", "disabled", "generated", "transient":
				isSystemd = true
			default:
				rc, _, _, err := s.run("list-unit-files", "--", unit)
				if err != nil {
					return nil, err
				}
				if rc == 0 {
					isSystemd = true
				} else if rc, out, errOut, err := s.run(); err != nil {
					return nil, err
				} else if rc != 0 {
					return nil, failWith(map[string]any{"rc": rc, "stdout": out, "stderr": errOut}, "%s", strings.TrimSpace(errOut))
				}
			}
		}
		found := isSystemd || isInitd
		var warnings []any
		if isInitd && !isSystemd {
			warnings = append(warnings, fmt.Sprintf("The service (%s) is actually an init script but the system is managed by systemd", unit))
		}
		missing := func() error {
			if !found {
				return failf("Could not find the requested service %s: host", unit)
			}
			return nil
		}
		if want, ok := args["masked"].(bool); ok {
			_, out, _, err := s.run("is-enabled", "--", unit)
			if err != nil {
				return nil, err
			}
			if masked := strings.TrimSpace(out) == "masked"; masked != want {
				res.Changed = true
				action := "unmask"
				if want {
					action = "mask"
				}
				if !c.CheckMode {
					rc, _, _, err := s.run(action, "--", unit)
					if err != nil {
						return nil, err
					}
					if rc != 0 {
						if err := missing(); err != nil {
							return nil, err
						}
					}
				}
			}
		}
		if want, ok := args["enabled"].(bool); ok {
			action := "disable"
			if want {
				action = "enable"
			}
			if err := missing(); err != nil {
				return nil, err
			}
			enabled := false
			rc, out, _, err := s.run("is-enabled", "--", unit, "-l")
			if err != nil {
				return nil, err
			}
			lines := splitLines(out)
			switch {
			case rc == 0:
				enabled = !(len(lines) == 1 && (lines[0] == "indirect" || lines[0] == "alias"))
			case rc == 1:
				_, sysvOn := recs["sysvenabled"]
				if scope == "system" && isInitd && !strings.HasSuffix(strings.TrimSpace(out), "disabled") && sysvOn {
					enabled = true
				}
			}
			res.Set("enabled", enabled)
			if enabled != want {
				res.Changed = true
				if !c.CheckMode {
					rc, out, errOut, err := s.run(action, "--", unit)
					if err != nil {
						return nil, err
					}
					if rc != 0 {
						return nil, failf("Unable to %s service %s: %s", action, unit, out+errOut)
					}
				}
				res.Set("enabled", !enabled)
			}
		}
		if state, ok := args["state"].(string); ok {
			if err := missing(); err != nil {
				return nil, err
			}
			res.Set("state", state)
			if active, ok := status["ActiveState"]; ok {
				running := active == "active" || active == "activating"
				action := ""
				switch state {
				case "started":
					if !running {
						action = "start"
					}
				case "stopped":
					if running || active == "deactivating" {
						action = "stop"
					}
				default:
					if !running {
						action = "start"
					} else {
						action = strings.TrimSuffix(state, "ed")
					}
					res.Set("state", "started")
				}
				if action != "" {
					res.Changed = true
					if !c.CheckMode {
						rc, _, errOut, err := s.run(action, "--", unit)
						if err != nil {
							return nil, err
						}
						if rc != 0 {
							return nil, failf("Unable to %s service %s: %s", action, unit, errOut)
						}
					}
				}
			} else if _, chroot := recs["chroot"]; chroot || recs["offline"] == "1" {
				warnings = append(warnings, "Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working.")
			} else {
				return nil, failWith(map[string]any{"status": status}, "Service is in unknown state")
			}
		}
		if len(warnings) > 0 {
			res.Set("warnings", warnings)
		}
	}
	res.Set("status", status)
	return res, nil
}

func nilIfEmpty(s string, has bool) any {
	if !has {
		return nil
	}
	return s
}
