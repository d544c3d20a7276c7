package modules

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/value"
)

func init() { Register("apt_repository", aptRepositoryModule{}) }

// aptRepositoryModule is ansible-core 2.14's apt_repository on Debian
// hosts: one round trip reads /etc/apt/sources.list and
// /etc/apt/sources.list.d/*.list, the controller edits the lines as the
// module's SourcesList does, and only a change writes files back (each
// atomically, normalized as the module writes them) and runs apt-get
// update.
type aptRepositoryModule struct{}

func (aptRepositoryModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: []argspec.Param{
		{Name: "repo", Required: true},
		{Name: "state", Default: "present", Choices: []any{"absent", "present"}},
		{Name: "mode", Type: argspec.Raw},
		{Name: "update_cache", Type: argspec.Bool, Default: true, Aliases: []string{"update-cache"}},
		{Name: "update_cache_retries", Type: argspec.Int, Default: 5, Unsupported: aptNoRetries},
		{Name: "update_cache_retry_max_delay", Type: argspec.Int, Default: 12, Unsupported: aptNoRetries},
		{Name: "filename"},
		{Name: "install_python_apt", Type: argspec.Bool, Default: true},
		{Name: "validate_certs", Type: argspec.Bool, Default: true},
		{Name: "codename", Unsupported: "PPA repositories are not supported by gansible's apt_repository"},
	}}
}

const (
	aptSourcesList  = "/etc/apt/sources.list"
	aptSourcesParts = "/etc/apt/sources.list.d/"
)

// aptSourceLine is one line of a sources file as SourcesList._parse
// reads it.
type aptSourceLine struct {
	n       int
	valid   bool
	enabled bool
	source  string
	comment string
}

// parseAptSourceLine is SourcesList._parse.
func parseAptSourceLine(line string) aptSourceLine {
	l := aptSourceLine{enabled: true}
	line = pyStrip(line)
	if strings.HasPrefix(line, "#") {
		l.enabled = false
		line = line[1:]
	}
	if i := strings.Index(line, "#"); i > 0 {
		l.comment = pyStrip(line[i+1:])
		line = line[:i]
	}
	l.source = pyStrip(line)
	if l.source != "" {
		chunks := strings.Fields(l.source)
		if chunks[0] == "deb" || chunks[0] == "deb-src" {
			l.valid = true
			l.source = strings.Join(chunks, " ")
		}
	}
	return l
}

func (l aptSourceLine) String() string {
	var b strings.Builder
	if !l.enabled {
		b.WriteString("# ")
	}
	b.WriteString(l.source)
	if l.comment != "" {
		b.WriteString(" # " + l.comment)
	}
	b.WriteString("\n")
	return b.String()
}

// aptSourceFile is one sources file as the probe read it.
type aptSourceFile struct {
	path  string
	lines []aptSourceLine
	sha1  string // of the file as it is
	mode  uint32
	owner string // uid:gid
	isNew bool
}

func (f *aptSourceFile) dump() string {
	var b strings.Builder
	for _, l := range f.lines {
		b.WriteString(l.String())
	}
	return b.String()
}

// aptSourcesProbe lists the sources files with their lines, sha1, mode
// and owner, and the umask new files get.
const aptSourcesProbe = `rec umask "$(umask)"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	rec file "$f"
	rec stat "$(stat -c '%a %u:%g' -- "$f")"
	s=$(sha1sum < "$f"); rec sha1 "${s%% *}"
	recout lines < "$f"
done
command -v gpg >/dev/null 2>&1 || command -v apt-key >/dev/null 2>&1 || rec nogpg 1
`

// aptSources reads the probe's output: the files in the order listed.
func aptSources(out string) (files []*aptSourceFile, umask uint32) {
	var cur *aptSourceFile
	key := ""
	var vals []string
	flush := func() {
		v := strings.Join(vals, "\n")
		switch key {
		case "umask":
			u, _ := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			umask = uint32(u)
		case "file":
			cur = &aptSourceFile{path: v}
			files = append(files, cur)
		case "stat":
			if cur != nil {
				mode, owner, _ := strings.Cut(v, " ")
				m, _ := strconv.ParseUint(mode, 8, 32)
				cur.mode, cur.owner = uint32(m), owner
			}
		case "sha1":
			if cur != nil {
				cur.sha1 = v
			}
		case "lines":
			if cur != nil {
				for n, line := range vals {
					l := parseAptSourceLine(line)
					l.n = n
					cur.lines = append(cur.lines, l)
				}
			}
		}
		key, vals = "", nil
	}
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "@"):
			flush()
			key = line[1:]
		case strings.HasPrefix(line, "|"):
			vals = append(vals, line[1:])
		}
	}
	flush()
	sort.SliceStable(files, func(i, j int) bool {
		// sources.list first, then the parts as the glob lists them.
		return files[i].path == aptSourcesList && files[j].path != aptSourcesList
	})
	return files, umask
}

var (
	aptOptionsRE  = regexp.MustCompile(`\[[^\]]+\]`)
	aptSchemeRE   = regexp.MustCompile(`\w+://`)
	aptNonAlnumRE = regexp.MustCompile(`[^a-zA-Z0-9]`)
)

// aptSuggestFilename is SourcesList._suggest_filename.
func aptSuggestFilename(line, filename string) string {
	if filename != "" {
		return filename + ".list"
	}
	line = aptOptionsRE.ReplaceAllString(line, "")
	line = aptSchemeRE.ReplaceAllString(line, "")
	var parts []string
	for _, p := range strings.Fields(line) {
		if p != "deb" && p != "deb-src" {
			parts = append(parts, p)
		}
	}
	first := ""
	if len(parts) > 0 {
		first = parts[0]
		if _, after, ok := strings.Cut(first, "@"); ok {
			first = after
		}
	}
	return strings.Join(strings.Fields(aptNonAlnumRE.ReplaceAllString(first, " ")), "_") + ".list"
}

func (aptRepositoryModule) Run(c *Context, args Args) (*Result, error) {
	repo := args.String("repo")
	state := args.String("state")
	if state == "" {
		state = "present"
	}
	updateCache, err := args.Bool("update_cache", true)
	if err != nil {
		return Failf("%v", err), nil
	}
	if repo == "" {
		return Failf("Please set argument 'repo' to a non-empty value"), nil
	}
	if strings.HasPrefix(repo, "ppa:") {
		return Failf("PPA repositories (%s) are not supported by gansible's apt_repository", repo), nil
	}
	res, err := c.Run(recordFuncs+aptSourcesProbe, nil)
	if err != nil {
		return nil, err
	}
	files, umask := aptSources(string(res.Stdout))
	if strings.Contains(string(res.Stdout), "@nogpg") {
		return Failf("Either apt-key or gpg binary is required, but neither could be found"), nil
	}
	before := map[string]string{}
	for _, f := range files {
		if len(f.lines) > 0 {
			before[f.path] = f.dump()
		}
	}

	src := parseAptSourceLine(repo)
	if !src.valid || !src.enabled {
		line := pyStrip(repo)
		line = strings.TrimPrefix(line, "#")
		if i := strings.Index(line, "#"); i > 0 {
			line = line[:i]
		}
		return Failf("Invalid repository string: %s", line), nil
	}
	if state == "present" {
		found := false
		for _, f := range files {
			for i, l := range f.lines {
				if l.valid && l.source == src.source {
					f.lines[i].enabled = true
					found = true
				}
			}
		}
		if !found {
			name := aptSuggestFilename(src.source, args.String("filename"))
			path := name
			if !strings.Contains(name, "/") {
				path = aptSourcesParts + name
			}
			var target *aptSourceFile
			for _, f := range files {
				if f.path == path {
					target = f
				}
			}
			if target == nil {
				target = &aptSourceFile{path: path, isNew: true}
				files = append(files, target)
			}
			target.lines = append(target.lines, aptSourceLine{n: len(target.lines), valid: true, enabled: true, source: src.source})
		}
	} else {
		// _remove_valid_source: pops line n of the list it is iterating,
		// as Python's list iterator goes on by position.
		for _, f := range files {
			for i := 0; i < len(f.lines); i++ {
				l := f.lines[i]
				if l.valid && l.enabled && l.source == src.source && l.n < len(f.lines) {
					f.lines = append(f.lines[:l.n:l.n], f.lines[l.n+1:]...)
				}
			}
		}
	}
	after := map[string]string{}
	for _, f := range files {
		if len(f.lines) > 0 {
			after[f.path] = f.dump()
		}
	}
	changed := !sameStrMap(before, after)
	r := &Result{Changed: changed}
	r.Set("repo", repo)
	r.Set("state", state)
	if changed && c.DiffMode {
		var names []string
		seen := map[string]bool{}
		for _, m := range []map[string]string{before, after} {
			for k := range m {
				if !seen[k] {
					seen[k] = true
					names = append(names, k)
				}
			}
		}
		sort.Strings(names)
		var diffs []any
		for _, n := range names {
			bh, ah := n, n
			if _, ok := before[n]; !ok {
				bh = "/dev/null"
			}
			if _, ok := after[n]; !ok {
				ah = "/dev/null"
			}
			diffs = append(diffs, value.DictOf("before", before[n], "after", after[n], "before_header", bh, "after_header", ah))
		}
		r.Set("diff", diffs)
	} else {
		r.Set("diff", map[string]any{})
	}
	if !changed || c.CheckMode {
		return r, nil
	}

	// save(): every file with lines is written as dumped (when that is
	// not what it holds already), every file left without lines removed.
	var mode *modeSpec
	if m, ok := args["mode"]; ok && m != nil {
		spec, err := parseMode(m)
		if err != nil {
			return Failf("%v", err), nil
		}
		mode = &spec
	}
	var finish strings.Builder
	for _, f := range files {
		if len(f.lines) == 0 {
			fmt.Fprintf(&finish, "rm -f -- %s || exit 1\n", shell.Quote(f.path))
			continue
		}
		content := []byte(f.dump())
		if !f.isNew && sha1Hex(content) == f.sha1 {
			continue
		}
		perm := f.mode
		chown := fmt.Sprintf(`chown -- %s "$t"`, shell.Quote(f.owner))
		if f.isNew {
			perm = 0o666 &^ umask
			chown = ""
			if mode != nil {
				m, err := mode.resolve(perm, false, umask)
				if err != nil {
					return Failf("mode must be in octal or symbolic form: %v", err), nil
				}
				perm = m
			}
		}
		w := atomicWrite{Dest: f.path, Size: int64(len(content)), SHA1: sha1Hex(content), Mode: perm, Chown: chown,
			Prelude: "mkdir -p -- " + shell.Quote(f.path[:strings.LastIndex(f.path, "/")+1])}
		out, err := c.Run(w.script(), content)
		if err != nil {
			return nil, err
		}
		if out.ExitCode != 0 {
			if verr := verifyFailure(f.path, "", string(out.Stdout)); verr != nil {
				return Failf("%v", verr), nil
			}
			return Failf("Failed to write %s: %s", f.path, strings.TrimSpace(string(out.Stderr))), nil
		}
	}
	if updateCache {
		finish.WriteString("export " + aptEnv + "\no=$(apt-get update -q 2>&1); rc=$?; [ $rc = 0 ] || { printf '%s\\n' \"$o\"; exit $rc; }\n")
	}
	if finish.Len() > 0 {
		out, err := c.Run(finish.String(), nil)
		if err != nil {
			return nil, err
		}
		if out.ExitCode != 0 {
			return Failf("Failed to update apt cache: %s", aptFetchError(string(out.Stdout))), nil
		}
	}
	return r, nil
}

func sameStrMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
