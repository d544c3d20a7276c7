package modules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/shlex"
)

func init() { Register("modprobe", modprobeModule{}, "community.general.modprobe") }

// modprobeModule is community.general.modprobe: one command reads
// /proc/modules, modules.builtin and the files of /etc/modules-load.d
// and /etc/modprobe.d; the module's decisions and file edits are made
// here, line for line as it makes them; modprobe loads and unloads.
type modprobeModule struct{}

func (modprobeModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "name", Required: true},
		{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
		{Name: "params", Default: ""},
		{Name: "persistent", Default: "disabled", Choices: []any{"disabled", "present", "absent"}},
	}}
}

// modprobePaths are where the module looks; tests point them elsewhere.
var modprobePaths = struct {
	procModules, libModules, modulesLoad, modprobeD string
}{"/proc/modules", "/lib/modules", "/etc/modules-load.d", "/etc/modprobe.d"}

// modprobeHost is what the probe learned.
type modprobeHost struct {
	bin            string
	procModules    string
	procErr        string
	builtin        string
	builtinErr     string
	builtinPath    string
	loadFiles      map[string]string // path -> content
	optFiles       map[string]string
	loadErr, optEr string
}

// dirRecords prints every regular file of dir as a record "PREFIX PATH"
// with its exact content, or "PREFIXerr" when dir cannot be listed.
func dirRecords(prefix, dir string) string {
	q := shell.Quote(dir)
	return `if [ -d ` + q + ` ]; then for f in ` + q + `/* ` + q + `/.*; do [ -f "$f" ] || continue; { cat -- "$f"; echo .; } | recout "` + prefix + ` $f"; done; else rec ` + prefix + `err ` + shell.Quote("[Errno 2] No such file or directory: '"+dir+"'") + `; fi` + "\n"
}

func (m *modprobeHost) parse(recs map[string]string) {
	m.loadFiles, m.optFiles = map[string]string{}, map[string]string{}
	for k, v := range recs {
		switch {
		case strings.HasPrefix(k, "load "):
			m.loadFiles[k[5:]] = strings.TrimSuffix(v, ".")
		case strings.HasPrefix(k, "opt "):
			m.optFiles[k[4:]] = strings.TrimSuffix(v, ".")
		}
	}
	m.bin, m.procModules, m.procErr = recs["bin"], recs["proc"], recs["procerr"]
	m.builtin, m.builtinErr, m.builtinPath = recs["builtin"], recs["builtinerr"], recs["builtinpath"]
	m.loadErr, m.optEr = recs["loaderr"], recs["opterr"]
}

func (modprobeModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runModprobe(c, args))
}

type modprobeRun struct {
	c                 *Context
	name, params      string
	state, persistent string
	changed           bool
	host              modprobeHost
	findModule, findP *pyre.Regexp
	getParams         *pyre.Regexp
	warnings          []any
	writes            map[string]string // files to write, path -> content
}

func (r *modprobeRun) result(res *Result) *Result {
	if res == nil {
		res = &Result{}
	}
	res.Changed = r.changed
	res.Set("name", r.name)
	res.Set("params", r.params)
	res.Set("state", r.state)
	return res
}

func (r *modprobeRun) fail(msg string, fields map[string]any) error {
	for k, v := range r.result(nil).Fields {
		fields[k] = v
	}
	fields["changed"] = r.changed
	return failWith(fields, "%s", msg)
}

func (r *modprobeRun) look() error {
	var b strings.Builder
	b.WriteString(recordFuncs)
	b.WriteString(`command -v modprobe >/dev/null 2>&1 || { rec nobin "$PATH"; exit 0; }` + "\n")
	b.WriteString(`rec bin "$(command -v modprobe)"` + "\n")
	pm := shell.Quote(modprobePaths.procModules)
	b.WriteString(`if [ -r ` + pm + ` ]; then { cat -- ` + pm + `; echo .; } | recout proc; else rec procerr ` + shell.Quote("[Errno 2] No such file or directory: '"+modprobePaths.procModules+"'") + `; fi` + "\n")
	b.WriteString(`bp=` + shell.Quote(modprobePaths.libModules) + `/"$(uname -r)"/modules.builtin; rec builtinpath "$bp"` + "\n")
	b.WriteString(`if [ -r "$bp" ]; then { cat -- "$bp"; echo .; } | recout builtin; else rec builtinerr "[Errno 2] No such file or directory: '$bp'"; fi` + "\n")
	if r.persistent != "disabled" {
		b.WriteString(dirRecords("load", modprobePaths.modulesLoad))
		b.WriteString(dirRecords("opt", modprobePaths.modprobeD))
	}
	out, err := r.c.Run(b.String(), nil)
	if err != nil {
		return err
	}
	recs := parseRecords(string(out.Stdout))
	if p, ok := recs["nobin"]; ok {
		return failf("Failed to find required executable \"modprobe\" in paths: %s", withSbin(p))
	}
	if _, ok := recs["bin"]; !ok {
		return failf("failed to inspect the host's kernel modules: %s", trimOutput(out.Stderr))
	}
	r.host.parse(recs)
	return nil
}

func (r *modprobeRun) loaded() (bool, error) {
	if r.host.procErr != "" {
		return false, r.fail(r.host.procErr, map[string]any{})
	}
	prefix := strings.ReplaceAll(r.name, "-", "_") + " "
	for _, l := range splitLinesKeepEnds([]byte(strings.TrimSuffix(r.host.procModules, "."))) {
		if strings.HasPrefix(string(l), prefix) {
			return true, nil
		}
	}
	if r.host.builtinErr != "" {
		return false, r.fail(r.host.builtinErr, map[string]any{})
	}
	for _, l := range splitLinesKeepEnds([]byte(r.host.builtin)) {
		if strings.HasSuffix(strings.TrimRight(string(l), " \t\n\r\v\f"), "/"+r.name+".ko") {
			return true, nil
		}
	}
	return false, nil
}

// modprobe runs modprobe with the words given and returns its outcome.
func (r *modprobeRun) modprobe(words ...string) (int, string, string, error) {
	res, err := r.c.Run(shell.Join(append([]string{r.host.bin}, words...)...), nil)
	if err != nil {
		return 0, "", "", err
	}
	return res.ExitCode, string(res.Stdout), string(res.Stderr), nil
}

func (r *modprobeRun) paramWords() ([]string, error) {
	w, err := shlex.Split(r.params)
	if err != nil {
		return nil, failf("%v", err)
	}
	return w, nil
}

func (r *modprobeRun) load() error {
	pw, err := r.paramWords()
	if err != nil {
		return err
	}
	words := []string{}
	if r.c.CheckMode {
		words = append(words, "-n")
	}
	words = append(append(words, "--", r.name), pw...)
	rc, out, errOut, err := r.modprobe(words...)
	if err != nil {
		return err
	}
	if rc != 0 {
		return r.fail(errOut, map[string]any{"rc": rc, "stdout": out, "stderr": errOut})
	}
	if r.c.CheckMode {
		r.changed = true
		return nil
	}
	if err := r.look(); err != nil {
		return err
	}
	now, err := r.loaded()
	if err != nil {
		return err
	}
	if now {
		r.changed = true
		return nil
	}
	rc, _, errOut, err = r.modprobe(append([]string{"-n", "--first-time", "--", r.name}, pw...)...)
	if err != nil {
		return err
	}
	if rc != 0 {
		r.warnings = append(r.warnings, errOut)
	}
	return nil
}

func (r *modprobeRun) unload() error {
	words := []string{"-r"}
	if r.c.CheckMode {
		words = append(words, "-n")
	}
	rc, out, errOut, err := r.modprobe(append(words, "--", r.name)...)
	if err != nil {
		return err
	}
	if rc != 0 {
		return r.fail(errOut, map[string]any{"rc": rc, "stdout": out, "stderr": errOut})
	}
	r.changed = true
	return nil
}

// content is a file as the module would read it now, edits included.
func (r *modprobeRun) content(p string, files map[string]string) string {
	if s, ok := r.writes[p]; ok {
		return s
	}
	return files[p]
}

func sortedFileKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pyReadLines is Python's text-mode line iteration, keeping line ends.
func pyReadLines(s string) []string {
	var out []string
	for _, l := range splitLinesKeepEnds([]byte(s)) {
		out = append(out, string(l))
	}
	return out
}

func (r *modprobeRun) matchLine(re *pyre.Regexp, line string) bool {
	m, _ := re.Match(line)
	return m != nil
}

func (r *modprobeRun) persistentlyLoaded() (bool, error) {
	if r.host.loadErr != "" {
		return false, failf("%s", r.host.loadErr)
	}
	for _, p := range sortedFileKeys(r.host.loadFiles) {
		for _, l := range pyReadLines(r.content(p, r.host.loadFiles)) {
			if r.matchLine(r.findModule, l) {
				return true, nil
			}
		}
	}
	return false, nil
}

func (r *modprobeRun) permanentParams() (map[string]bool, error) {
	if r.host.optEr != "" {
		return nil, failf("%s", r.host.optEr)
	}
	set := map[string]bool{}
	for _, p := range sortedFileKeys(r.host.optFiles) {
		for _, l := range pyReadLines(r.content(p, r.host.optFiles)) {
			if m, _ := r.getParams.Match(l); m != nil {
				g, _ := m.Group(1)
				set[g] = true
			}
		}
	}
	return set, nil
}

func (r *modprobeRun) paramsSet() (bool, error) {
	have, err := r.permanentParams()
	if err != nil {
		return false, err
	}
	want := map[string]bool{}
	for _, w := range strings.Fields(r.params) {
		want[w] = true
	}
	if len(want) != len(have) {
		return false, nil
	}
	for w := range want {
		if !have[w] {
			return false, nil
		}
	}
	return true, nil
}

// commentOut is the module's disable_*: matching lines get a "#", and a
// changed file is written back as '\n'.join of its lines, which keep
// their own line ends.
func (r *modprobeRun) commentOut(re *pyre.Regexp, files map[string]string) {
	for _, p := range sortedFileKeys(files) {
		lines := pyReadLines(r.content(p, files))
		changed := false
		for i, l := range lines {
			if r.matchLine(re, l) {
				lines[i] = "#" + l
				changed = true
			}
		}
		if changed {
			r.writes[p] = strings.Join(lines, "\n")
			files[p] = r.writes[p]
		}
	}
}

func (r *modprobeRun) optionsContent() string {
	var lines []string
	for _, p := range strings.Fields(r.params) {
		lines = append(lines, fmt.Sprintf("options %s %s", r.name, p))
	}
	return strings.Join(lines, "\n") + "\n"
}

func runModprobe(c *Context, args Args) (*Result, error) {
	r := &modprobeRun{c: c, name: args.String("name"), params: args.String("params"),
		state: args.String("state"), persistent: args.String("persistent"), writes: map[string]string{}}
	var err error
	if r.findModule, err = pyre.Compile(`^ *`+r.name+` *(?:[#;].*)?\n?\Z`, pyre.Flags{}); err != nil {
		return nil, failf("%v", err)
	}
	if r.findP, err = pyre.Compile(`^options `+r.name+` \w+=\S+ *(?:[#;].*)?\n?\Z`, pyre.Flags{}); err != nil {
		return nil, failf("%v", err)
	}
	if r.getParams, err = pyre.Compile(`^options `+r.name+` (\w+=\S+) *(?:[#;].*)?\n?\Z`, pyre.Flags{}); err != nil {
		return nil, failf("%v", err)
	}
	if err := r.look(); err != nil {
		return nil, err
	}
	loaded, err := r.loaded()
	if err != nil {
		return nil, err
	}
	switch {
	case r.state == "present" && !loaded:
		err = r.load()
	case r.state == "absent" && loaded:
		err = r.unload()
	}
	if err != nil {
		return nil, err
	}
	if r.persistent != "disabled" {
		if err := r.persist(); err != nil {
			return nil, err
		}
	}
	// The module writes its files even in check mode; here check mode
	// changes nothing, as check mode promises.
	if !c.CheckMode {
		for _, p := range sortedFileKeys(r.writes) {
			if err := r.write(p, r.writes[p]); err != nil {
				return nil, err
			}
		}
	}
	res := r.result(nil)
	if len(r.warnings) > 0 {
		res.Set("warnings", r.warnings)
	}
	return res, nil
}

func (r *modprobeRun) persist() error {
	inFiles, err := r.persistentlyLoaded()
	if err != nil {
		return err
	}
	set, err := r.paramsSet()
	if err != nil {
		return err
	}
	perm, err := r.permanentParams()
	if err != nil {
		return err
	}
	switch {
	case r.persistent == "present" && !(inFiles && set):
		if !inFiles {
			p := path.Join(modprobePaths.modulesLoad, r.name+".conf")
			r.writes[p] = r.name + "\n"
			r.host.loadFiles[p] = r.writes[p]
			r.changed = true
		}
		if !set {
			r.commentOut(r.findP, r.host.optFiles)
			p := path.Join(modprobePaths.modprobeD, r.name+".conf")
			r.writes[p] = r.optionsContent()
			r.host.optFiles[p] = r.writes[p]
			r.changed = true
		}
	case r.persistent == "absent" && (inFiles || len(perm) > 0):
		if inFiles {
			r.commentOut(r.findModule, r.host.loadFiles)
			r.changed = true
		}
		if len(perm) > 0 {
			r.commentOut(r.findP, r.host.optFiles)
			r.changed = true
		}
	}
	return nil
}

// write replaces a file atomically, keeping an existing one's owner and
// mode; a new one gets 0666 minus the umask, as the module's open().
func (r *modprobeRun) write(p, content string) error {
	probed, err := probe(r.c, nil, nil, probeRequest{Path: p, Follow: true})
	if err != nil {
		return err
	}
	cur := &probed.Files[0]
	req := writeRequest{Dest: p, Content: []byte(content), Existing: cur, Probe: probed}
	if cur.RealPath != "" {
		req.Dest = cur.RealPath
	}
	_, err = writeFile(r.c, req)
	return err
}
