package modules

import (
	"regexp"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("sysctl", sysctlModule{}, "ansible.posix.sysctl") }

// sysctlModule is ansible.posix.sysctl on Linux: the sysctl file is read
// and edited on the controller line for line as the module edits it, and
// written back atomically; the kernel's value is read with `sysctl -e -n`,
// set with `sysctl -w` and the file applied with `sysctl -p FILE`.
type sysctlModule struct{}

func (sysctlModule) Spec() *argspec.Spec {
	return &argspec.Spec{
		Params: []argspec.Param{
			{Name: "name", Aliases: []string{"key"}, Required: true},
			{Name: "value", Aliases: []string{"val"}},
			{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
			{Name: "reload", Type: argspec.Bool, Default: true},
			{Name: "sysctl_set", Type: argspec.Bool, Default: false},
			{Name: "ignoreerrors", Type: argspec.Bool, Default: false},
			{Name: "sysctl_file", Type: argspec.Path, Default: "/etc/sysctl.conf"},
		},
		RequiredIf: []argspec.RequiredIf{{Key: "state", Value: "present", Requires: []string{"value"}}},
	}
}

// sysctlValue is the module's _parse_value: booleans become 1 and 0.
func sysctlValue(v string) string {
	switch strings.ToLower(v) {
	case "y", "yes", "on", "1", "true", "t":
		return "1"
	case "n", "no", "off", "0", "false", "f":
		return "0"
	}
	return strings.TrimSpace(v)
}

// sysctlFailed is the module's check of sysctl's stderr: procps exits 0
// on some failures.
var sysctlFailed = regexp.MustCompile(`(?m)^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$`)

// sysctlEdit is the module's reading of the file and its fix_lines.
type sysctlEdit struct {
	lines  []string          // the file's lines, stripped
	values map[string]string // the last value of each key
	has    bool              // the key is in the file
}

func parseSysctlFile(content string) *sysctlEdit {
	e := &sysctlEdit{values: map[string]string{}}
	for _, l := range splitLinesKeepEnds([]byte(content)) {
		line := pyStrip(string(l))
		e.lines = append(e.lines, line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") || !strings.Contains(line, "=") {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		e.values[pyStrip(k)] = pyStrip(v)
	}
	return e
}

// pyStrip is Python's str.strip() for ASCII white space.
func pyStrip(s string) string { return strings.Trim(s, " \t\n\r\v\f") }

// fix returns the file's new content: every key's first line rewritten
// as k=v (later ones dropped), the name's set to value or removed.
func (e *sysctlEdit) fix(name, value string, present bool) string {
	var out []string
	checked := map[string]bool{}
	for _, line := range e.lines {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") || !strings.Contains(line, "=") {
			out = append(out, line)
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		k, v = pyStrip(k), pyStrip(v)
		if checked[k] {
			continue
		}
		checked[k] = true
		if k == name {
			if present {
				out = append(out, k+"="+value)
			}
		} else {
			out = append(out, k+"="+v)
		}
	}
	if !checked[name] && present {
		out = append(out, name+"="+value)
	}
	var b strings.Builder
	for _, l := range out {
		b.WriteString(pyStrip(l) + "\n")
	}
	return b.String()
}

// sameSysctlValues is the module's _values_is_equal: the same words.
func sameSysctlValues(a, b string) bool {
	aw, bw := strings.Fields(a), strings.Fields(b)
	if len(aw) != len(bw) {
		return false
	}
	for i := range aw {
		if aw[i] != bw[i] {
			return false
		}
	}
	return true
}

func (sysctlModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runSysctl(c, args))
}

func runSysctl(c *Context, args Args) (*Result, error) {
	name := strings.TrimSpace(args.String("name"))
	present := args.String("state") == "present"
	if name == "" {
		return nil, failf("name cannot be blank")
	}
	if present && args.String("value") == "" {
		return nil, failf("value cannot be blank")
	}
	value := sysctlValue(args.String("value"))
	file := args.String("sysctl_file")
	reload, _ := args["reload"].(bool)
	set, _ := args["sysctl_set"].(bool)
	ignore, _ := args["ignoreerrors"].(bool)

	// The kernel's value: nil when sysctl fails to read it.
	r, err := c.Run("command -v sysctl >/dev/null 2>&1 || exit 127\nLC_ALL=C sysctl -e -n -- "+shell.Quote(name), nil)
	if err != nil {
		return nil, err
	}
	if r.ExitCode == 127 {
		return nil, failf(`Failed to find required executable "sysctl" in paths: /sbin:/usr/sbin:/bin:/usr/bin`)
	}
	var proc *string
	if r.ExitCode == 0 {
		s := string(r.Stdout)
		proc = &s
	}
	p, err := probe(c, nil, nil, probeRequest{Path: file, Follow: true, Content: true})
	if err != nil {
		return nil, err
	}
	cur := &p.Files[0]
	var content string
	if cur.IsReg() {
		if !cur.HasContent {
			return nil, failf("Failed to open %s: the file cannot be read", file)
		}
		content = string(cur.Content)
	}
	e := parseSysctlFile(content)
	fileValue, inFile := e.values[name]

	changed, writeFileToo, setProc := false, false, false
	switch {
	case !inFile && present:
		changed, writeFileToo = true, true
	case !inFile:
	case fileValue != "" && !present:
		changed, writeFileToo = true, true
	case fileValue != value:
		changed, writeFileToo = true, true
	case reload:
		if proc == nil || !sameSysctlValues(*proc, value) {
			changed = true
		}
	}
	if set && present {
		if proc == nil {
			changed = true
		} else if !sameSysctlValues(*proc, value) {
			changed, setProc = true, true
		}
	}
	res := &Result{Changed: changed}
	if c.CheckMode {
		return res, nil
	}
	errFlag := ""
	if ignore {
		errFlag = "-e "
	}
	if setProc {
		r, err := c.Run("LC_ALL=C sysctl "+errFlag+"-w -- "+shell.Quote(name+"="+value), nil)
		if err != nil {
			return nil, err
		}
		if r.ExitCode != 0 || sysctlFailed.Match(r.Stderr) {
			return nil, failf("setting %s failed: %s", name, string(r.Stdout)+string(r.Stderr))
		}
	}
	if writeFileToo {
		target := file
		if cur.RealPath != "" {
			target = cur.RealPath
		}
		if _, err := writeFile(c, writeRequest{Dest: target, Content: []byte(e.fix(name, value, present)), Existing: cur, Probe: p}); err != nil {
			return nil, err
		}
	}
	if changed && reload {
		r, err := c.Run("LC_ALL=C sysctl "+errFlag+"-p -- "+shell.Quote(file), nil)
		if err != nil {
			return nil, err
		}
		if r.ExitCode != 0 || sysctlFailed.Match(r.Stderr) {
			return nil, failf("Failed to reload sysctl: %s", string(r.Stdout)+string(r.Stderr))
		}
	}
	return res, nil
}
