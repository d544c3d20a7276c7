package modules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("service_facts", serviceFactsModule{}) }

// serviceFactsModule is ansible.builtin.service_facts on Linux: the
// services of the host's init tools (service --status-all, initctl list,
// chkconfig with service NAME status, rc-status and rc-update) and of
// systemd (systemctl list-units and list-unit-files, when PID 1 is
// systemd), chosen and parsed as the module does. The first look runs
// every listing; a second one asks what the listings leave open (each
// chkconfig service's status, the state of unit files systemd did not
// list as units).
type serviceFactsModule struct{}

func (serviceFactsModule) Spec() *argspec.Spec { return &argspec.Spec{} }

func (serviceFactsModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runServiceFacts(c))
}

// serviceFactsPrelude defines, besides the records, the module's
// get_bin_path (binpath NAME [FIRST_DIRS...]), its locale for parsing
// (get_best_parsable_locale) and `run KEY CMD...`, which records a
// command's rc, stdout and stderr.
const serviceFactsPrelude = `e=$(mktemp) || exit 1
trap 'rm -f "$e"' EXIT
binpath() {
	n=$1; shift
	o=$IFS; IFS=:; set -- "$@" $PATH /sbin /usr/sbin /usr/local/sbin; IFS=$o
	for d do
		[ -n "$d" ] && [ -f "$d/$n" ] && [ -x "$d/$n" ] && { printf '%s\n' "$d/$n"; return 0; }
	done
	return 1
}
loc=C
if l=$(binpath locale) && avail=$("$l" -a 2>/dev/null); then
	for p in C.utf8 C.UTF-8 en_US.utf8 en_US.UTF-8 C POSIX; do
		case "$rec_nl$avail$rec_nl" in *"$rec_nl$p$rec_nl"*) loc=$p; break ;; esac
	done
fi
export LANG="$loc" LC_ALL="$loc"
run() {
	k=$1; shift
	out=$("$@" 2>"$e"; r=$?; echo .; exit $r); rc=$?
	rec "${k}_rc" "$rc"; rec "${k}_out" "${out%.}"; rec "${k}_err" "$(cat "$e"; echo .)"
}
`

const serviceFactsProbe = recordFuncs + serviceFactsPrelude + `svc=$(binpath service) && rec service "$svc"
chk=$(binpath chkconfig) && rec chkconfig "$chk"
ictl=$(binpath initctl) && rec initctl "$ictl"
rcs=$(binpath rc-status) && rec rc_status "$rcs"
rcu=$(binpath rc-update) && rec rc_update "$rcu"
if [ -n "$svc" ] && [ -z "$chk" ] && [ -z "$rcs" ]; then
	run sysv "$svc" --status-all
	[ -e /etc/init.d ] && rec initd
fi
if [ -n "$ictl" ] && [ -z "$chk" ]; then
	run upstart "$ictl" list
elif [ -n "$chk" ]; then
	run rh "$chk"
	# The module's follow-up when the listing lacks the runlevels.
	lv='[[:space:]]+[0-9]:(on|off)'
	if ! printf '%s' "${out%.}" | grep -Eq "$lv$lv$lv$lv$lv$lv$lv"; then
		if printf '%s' "${out%.}" | grep -Eq '[[:space:]](on|off)'; then
			run rh2 "$chk" -l --allservices
		elif grep -q -e --list "$e"; then
			run rh2 "$chk" --list
		fi
	fi
elif [ -n "$rcs" ] && [ -n "$rcu" ]; then
	run openrc_status sh -c '"$1" -a -s -m 2>&1 | grep "^ " | tr -d "[]"' sh "$rcs"
	run openrc_update sh -c '"$1" show -v 2>&1 | grep "|"' sh "$rcu"
fi
if [ -r /proc/1/comm ]; then
	rec comm "$(cat /proc/1/comm)"
	case $(cat /proc/1/comm) in
	*systemd*)
		if sctl=$(binpath systemctl /usr/bin /usr/local/bin); then
			rec systemctl "$sctl"
			run units "$sctl" list-units --no-pager --type service --all
			run unitfiles "$sctl" list-unit-files --no-pager --type service --all
		fi ;;
	esac
fi
`

var (
	sysvStatusLine = regexp.MustCompile(`(?m)^\s*\[ ([+-]) \]\s+(.+)$`)
	upstartLine    = regexp.MustCompile(`^\s?(.*)\s(\w+)/(\w+)(,\sprocess\s([0-9]+))?\s*$`)
	chkconfigLine  = regexp.MustCompile(`^(.*?)\s+[0-9]:(on|off)\s+[0-9]:(on|off)\s+[0-9]:(on|off)\s+[0-9]:(on|off)\s+[0-9]:(on|off)\s+[0-9]:(on|off)\s+[0-9]:(on|off)`)
	chkconfigShort = regexp.MustCompile(`^(.*?)\s+(on|off)`)
)

// systemdBadStates are the states the module takes for a unit's status.
var systemdBadStates = []string{"not-found", "masked", "failed"}

// serviceRun is one command's outcome as `run` recorded it.
type serviceRun struct {
	ran            bool
	rc             int
	stdout, stderr string
}

func recordedRun(recs map[string]string, key string) serviceRun {
	rc, ok := recs[key+"_rc"]
	if !ok {
		return serviceRun{}
	}
	n, _ := strconv.Atoi(rc)
	errText := strings.TrimSuffix(recs[key+"_err"], ".")
	return serviceRun{ran: true, rc: n, stdout: recs[key+"_out"], stderr: errText}
}

// serviceFacts gathers the services and the warnings on the way.
type serviceFacts struct {
	services map[string]any
	warnings []any
}

func (f *serviceFacts) warn(format string, args ...any) {
	f.warnings = append(f.warnings, fmt.Sprintf(format, args...))
}

func runServiceFacts(c *Context) (*Result, error) {
	r, err := c.Run(serviceFactsProbe, nil)
	if err != nil {
		return nil, err
	}
	recs := parseRecords(string(r.Stdout))
	if _, ok := recs["comm"]; !ok && r.ExitCode != 0 {
		return nil, failf("service_facts: the host's answer was cut short: %s", trimOutput(r.Stderr))
	}
	f := &serviceFacts{services: map[string]any{}}
	sysv := map[string]any{}

	if run := recordedRun(recs, "sysv"); run.ran {
		_, initd := recs["initd"]
		if run.rc == 4 && !initd {
			// No /etc/init.d: the module lists nothing.
		} else {
			if run.rc != 0 {
				f.warn("Unable to query 'service' tool (%d): %s", run.rc, run.stderr)
			}
			for _, m := range sysvStatusLine.FindAllStringSubmatch(run.stdout, -1) {
				state := "stopped"
				if m[1] == "+" {
					state = "running"
				}
				sysv[m[2]] = map[string]any{"name": m[2], "state": state, "source": "sysv"}
			}
		}
	}
	if run := recordedRun(recs, "upstart"); run.ran {
		if run.rc != 0 {
			f.warn("Unable to query upstart for service data: %s", run.stderr)
		} else {
			for _, line := range strings.Split(strings.ReplaceAll(run.stdout, "\r", ""), "\n") {
				m := upstartLine.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				sysv[m[1]] = map[string]any{"name": m[1], "state": m[3], "goal": m[2], "source": "upstart"}
			}
		}
	}
	if run := recordedRun(recs, "openrc_status"); run.ran {
		listOpenRC(sysv, run.stdout, recordedRun(recs, "openrc_update").stdout)
	}

	// What the second look asks: each chkconfig service's status, the
	// state of units systemd only has files for.
	var second strings.Builder
	rh := recordedRun(recs, "rh")
	listing := rh.stdout
	if run := recordedRun(recs, "rh2"); run.ran {
		listing = run.stdout
	}
	type rhService struct{ name, status string }
	var rhServices []rhService
	for _, line := range strings.Split(listing, "\n") {
		m := chkconfigLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		status := "disabled"
		if m[5] == "on" {
			status = "enabled"
		}
		i := len(rhServices)
		rhServices = append(rhServices, rhService{m[1], status})
		// Without service the module's command line starts with
		// "None", which the shell does not find: the service is
		// stopped.
		svc := "None"
		if p, ok := recs["service"]; ok {
			svc = p
		}
		fmt.Fprintf(&second, "run status%d %s %s status\n", i, shell.Quote(svc), shell.Quote(m[1]))
	}
	units := map[string]map[string]any{}
	var missing []string // unit files that list-units did not show
	unitFileStatus := map[string]string{}
	if run := recordedRun(recs, "units"); run.ran {
		if run.rc != 0 {
			f.warn("Could not list units from systemd: %s", run.stderr)
		} else if err := parseSystemdUnits(run.stdout, units); err != nil {
			return nil, err
		}
	}
	if run := recordedRun(recs, "unitfiles"); run.ran {
		if run.rc != 0 {
			f.warn("Could not get unit files data from systemd: %s", run.stderr)
		} else {
			for _, line := range strings.Split(run.stdout, "\n") {
				if !strings.Contains(line, ".service") {
					continue
				}
				w := strings.Fields(line)
				if len(w) < 2 {
					return nil, failf("Malformed output discovered from systemd list-unit-files: %s", line)
				}
				name, status := w[0], w[1]
				if u, ok := units[name]; !ok {
					if _, dup := unitFileStatus[name]; !dup {
						missing = append(missing, name)
					}
					unitFileStatus[name] = status
				} else if !isBadSystemdState(u["status"].(string)) {
					u["status"] = status
				}
			}
		}
	}
	sctl := recs["systemctl"]
	for i, name := range missing {
		// The module runs this through a shell, unquoted.
		fmt.Fprintf(&second, "run show%d %s show %s --property=ActiveState\n", i, shell.Quote(sctl), shell.Quote(name))
	}

	var recs2 map[string]string
	if second.Len() > 0 {
		r2, err := c.Run(recordFuncs+serviceFactsPrelude+second.String(), nil)
		if err != nil {
			return nil, err
		}
		recs2 = parseRecords(string(r2.Stdout))
	}
	for i, svc := range rhServices {
		st := recordedRun(recs2, fmt.Sprintf("status%d", i))
		if !st.ran {
			return nil, failf("service_facts: no answer to service %s status", svc.name)
		}
		var state any = st.rc
		if st.rc == 0 {
			state = "running"
		} else {
			low := strings.ToLower(st.stderr)
			insufficient := false
			for _, x := range []string{"root", "permission", "not in sudoers"} {
				if strings.Contains(low, x) {
					insufficient = true
					f.warn("Insufficient permissions to query sysV service \"%s\" and their states", svc.name)
					break
				}
			}
			if !insufficient {
				state = "stopped"
			}
		}
		sysv[svc.name] = map[string]any{"name": svc.name, "state": state, "status": svc.status, "source": "sysv"}
	}
	for i, name := range missing {
		run := recordedRun(recs2, fmt.Sprintf("show%d", i))
		state := "unknown"
		if run.ran && run.rc == 0 && run.stdout != "" {
			state = strings.TrimRight(strings.ReplaceAll(run.stdout, "ActiveState=", ""), " \t\n\r\v\f")
		}
		units[name] = map[string]any{"name": name, "state": state, "status": unitFileStatus[name], "source": "systemd"}
	}
	for k, v := range sysv {
		f.services[k] = v
	}
	for k, v := range units {
		f.services[k] = v
	}

	res := &Result{}
	if len(f.warnings) > 0 {
		res.Set("warnings", f.warnings)
	}
	if len(f.services) == 0 {
		res.Skipped = true
		res.Msg = "Failed to find any services. This can be due to privileges or some other configuration issue."
		res.Set("msg", res.Msg)
		return res, nil
	}
	res.Set("ansible_facts", map[string]any{"services": f.services})
	return res, nil
}

// listOpenRC is the module's _list_openrc.
func listOpenRC(services map[string]any, status, update string) {
	runlevels := map[string]any{}
	for _, line := range strings.Split(update, "\n") {
		d := strings.Split(line, "|")
		if len(d) < 2 {
			continue
		}
		name, levels := pyStrip(d[0]), pyStrip(d[1])
		if levels == "" {
			runlevels[name] = nil
		} else {
			var l []any
			for _, w := range strings.Fields(levels) {
				l = append(l, w)
			}
			runlevels[name] = l
		}
	}
	for _, line := range strings.Split(status, "\n") {
		d := strings.Fields(line)
		if len(d) < 2 {
			continue
		}
		services[d[0]] = map[string]any{"name": d[0], "runlevels": runlevels[d[0]], "state": d[1], "source": "openrc"}
	}
}

func anyLineMatches(re *regexp.Regexp, text string) bool {
	for _, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

func isBadSystemdState(s string) bool {
	for _, b := range systemdBadStates {
		if s == b {
			return true
		}
	}
	return false
}

// parseSystemdUnits is the module's _list_from_units.
func parseSystemdUnits(out string, units map[string]map[string]any) error {
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, ".service") {
			continue
		}
		w := strings.Fields(line)
		status := ""
		bad := false
		for _, b := range systemdBadStates {
			for _, x := range w {
				if x == b {
					status, bad = b, true
				}
			}
			if bad {
				w = w[1:]
				break
			}
		}
		if len(w) < 4 || (!bad && len(w) < 3) {
			return failf("Malformed output discovered from systemd list-units: %s", line)
		}
		if !bad {
			status = w[2]
		}
		state := "stopped"
		if w[3] == "running" {
			state = "running"
		}
		units[w[0]] = map[string]any{"name": w[0], "state": state, "status": status, "source": "systemd"}
	}
	return nil
}
