package modules

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/gansible/gansible/fnmatch"
	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
)

func init() { Register("archive", archiveModule{}, "community.general.archive") }

// archiveModule is community.general.archive with the host's tar, gzip,
// bzip2, xz and zip. The module's decisions are made here as it makes
// them (which paths, the archive root, archive or compress, the members
// and their order); the host only lists, writes and removes. An archive
// is written beside dest and renamed over it. Whether it changed is
// decided as the module decides it, by the members (tar: each member's
// listing, which holds what its header checksum covers; zip: name and
// CRC) or, for one compressed file, by the checksum of its content. The
// bytes differ from Python's tarfile, gzip and zipfile output (header
// formats, compression levels), not what they hold.
type archiveModule struct{}

func (archiveModule) Spec() *argspec.Spec {
	return &argspec.Spec{Params: fileAttrSpec(
		argspec.Param{Name: "path", Type: argspec.List, Elements: argspec.Path, Required: true},
		argspec.Param{Name: "format", Default: "gz", Choices: []any{"bz2", "gz", "tar", "xz", "zip"}},
		argspec.Param{Name: "dest", Type: argspec.Path},
		argspec.Param{Name: "exclude_path", Type: argspec.List, Elements: argspec.Path, Default: []any{}},
		argspec.Param{Name: "exclusion_patterns", Type: argspec.List, Elements: argspec.Path},
		argspec.Param{Name: "force_archive", Type: argspec.Bool, Default: false},
		argspec.Param{Name: "remove", Type: argspec.Bool, Default: false},
	)}
}

func (archiveModule) Run(c *Context, args Args) (*Result, error) {
	return finish(runArchive(c, args))
}

// archiveTools are the host commands each format needs.
var archiveTools = map[string][]string{
	"gz": {"tar", "gzip"}, "bz2": {"tar", "bzip2"}, "xz": {"tar", "xz"}, "tar": {"tar"}, "zip": {"zip", "unzip"},
}

// archiveCompressor is the filter each compressed format goes through.
var archiveCompressor = map[string]string{"gz": "gzip", "bz2": "bzip2", "xz": "xz"}

// archiveListing is sh that prints, as records, what the module compares
// of an archive at $1 in format $2: "members" (one line per tar member,
// or CRC and name per zip member) or, when $1 is no archive of that
// format, "crc" (the checksum of its decompressed content). Nothing is
// printed for a file neither reads.
const archiveListing = `arch_list() {
	case $2 in
	zip) if l=$(unzip -v "$1" 2>/dev/null); then
		rec members "$(printf '%s\n' "$l" | awk 'length($7) == 8 && $7 ~ /^[0-9a-f]+$/ { $1 = $2 = $3 = $4 = $5 = $6 = ""; print }')"; return; fi ;;
	tar) if l=$(tar --full-time -tvf "$1" 2>/dev/null); then rec members "$l"; return; fi ;;
	*) if l=$("$3" -dc < "$1" 2>/dev/null | tar --full-time -tvf - 2>/dev/null); then rec members "$l"; return; fi
	   if s=$("$3" -dc < "$1" 2>/dev/null | cksum) && "$3" -t < "$1" 2>/dev/null; then rec crc "$s"; fi ;;
	esac
}
`

// archiveGlob is glob.glob in sh: arch_glob DIR PATTERN prints, one a
// line, in the order of the dirs' entries as the kernel lists them
// (glob's os.scandir order, which ls -f keeps), each path that matches
// PATTERN component by component. A wildcard does not match a leading
// dot unless the component starts with one. The component is used
// unquoted in case, where it is a pattern and nothing else. The body is
// a subshell: the recursion keeps its own variables.
const archiveGlob = `arch_glob() (
	case $2 in */*) first=${2%%/*}; rest=${2#*/} ;; *) first=$2; rest= ;; esac
	case $1 in '') pre= ;; */) pre=$1 ;; *) pre=$1/ ;; esac
	case $first in
	*[*?[]*)
		ls -f -- "${1:-.}" 2>/dev/null | while IFS= read -r e; do
			case $e in .|..) continue ;; esac
			case $e in .*) case $first in .*) ;; *) continue ;; esac ;; esac
			case $e in $first) ;; *) continue ;; esac
			if [ -n "$rest" ]; then [ -d "$pre$e" ] && arch_glob "$pre$e" "$rest"
			else printf '%s\n' "$pre$e"; fi
		done ;;
	*)
		if [ -n "$rest" ]; then [ -d "$pre$first" ] && arch_glob "$pre$first" "$rest"
		elif [ -e "$pre$first" ] || [ -L "$pre$first" ]; then printf '%s\n' "$pre$first"; fi ;;
	esac
	return 0
)
`

// archiveEntry is one path the module adds: its name in the archive.
type archiveEntry struct{ path, name string }

func runArchive(c *Context, args Args) (*Result, error) {
	patterns := args.List("path")
	format := args.String("format")
	dest := args.String("dest")
	force, _ := args["force_archive"].(bool)
	remove, _ := args["remove"].(bool)
	attrs, err := fileAttrsFrom(args)
	if err != nil {
		return nil, err
	}
	var exclusions []*fnmatch.Pattern
	for _, p := range args.List("exclusion_patterns") {
		re, err := fnmatch.Compile(p)
		if err != nil {
			return nil, failf("%v", err)
		}
		exclusions = append(exclusions, re)
	}
	excluded := func(name string) bool {
		for _, p := range exclusions {
			if p.Match(name) {
				return true
			}
		}
		return false
	}

	// First look: the tools there, the globs expanded.
	var b strings.Builder
	b.WriteString(recordFuncs + "IFS=\nn=0\nseq() { n=$((n+1)); rec \"$1$n\" \"$2\"; }\n" + archiveGlob)
	for _, t := range archiveTools[format] {
		b.WriteString("command -v " + t + " >/dev/null 2>&1 || rec notool" + t + " \"$PATH\"\n")
	}
	globs := func(kind string, pats []string) bool {
		globby := false
		for _, p := range pats {
			if strings.ContainsAny(p, "*?") {
				globby = true
				dir, rest := "", p
				if strings.HasPrefix(p, "/") {
					dir, rest = "/", strings.TrimLeft(p, "/")
				}
				// Not a pipeline: seq's count must outlive the loop.
				b.WriteString("ag=$(arch_glob " + shell.Join(dir, rest) + ")\nwhile IFS= read -r f; do [ -n \"$f\" ] && seq " + kind + " \"$f\"; done <<GANSIBLE_GLOB\n$ag\nGANSIBLE_GLOB\n")
			} else {
				b.WriteString("seq " + kind + " " + shell.Quote(p) + "\n")
			}
		}
		return globby
	}
	hasGlobs := globs("x", patterns)
	globs("e", args.List("exclude_path"))
	r, err := c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	recs := parseRecords(string(r.Stdout))
	for _, t := range archiveTools[format] {
		if p, ok := recs["notool"+t]; ok {
			return nil, failf("Failed to find required executable \"%s\" in paths: %s", t, p)
		}
	}
	// The numbering is shared: collect both kinds by walking the keys.
	var expanded, exclude []string
	for i := 1; ; i++ {
		if v, ok := recs["x"+strconv.Itoa(i)]; ok {
			expanded = append(expanded, v)
		} else if v, ok := recs["e"+strconv.Itoa(i)]; ok {
			exclude = append(exclude, v)
		} else {
			break
		}
	}
	skip := map[string]bool{}
	for _, e := range exclude {
		skip[e] = true
	}
	var paths []string
	seen := map[string]bool{}
	for _, p := range expanded {
		if !skip[p] && !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, failWith(map[string]any{
			"path": strings.Join(patterns, ", "), "expanded_paths": strings.Join(expanded, ", "),
			"expanded_exclude_paths": strings.Join(exclude, ", "),
		}, "Error, no source paths were found")
	}
	root := commonPath(paths)

	// Second look: which paths exist, the trees under them, dest.
	b.Reset()
	b.WriteString(recordFuncs + archiveListing + "IFS=\n")
	for i, p := range paths {
		q := shell.Quote(p)
		fmt.Fprintf(&b, "if [ -e %s ] || [ -L %s ]; then rec found%d; fi\n", q, q, i)
		fmt.Fprintf(&b, "if [ -d %s ]; then rec dir%d; find -H %s/ -mindepth 1 | while IFS= read -r f; do if [ -d \"$f\" ] && [ ! -L \"$f\" ]; then printf 'd%%s\\n' \"$f\"; elif [ -d \"$f\" ]; then printf 'l%%s\\n' \"$f\"; else printf 'f%%s\\n' \"$f\"; fi; done | recout tree%d; fi\n", q, i, q, i)
	}
	mustArchive := force || hasGlobs || len(paths) > 1
	r, err = c.Run(b.String(), nil)
	if err != nil {
		return nil, err
	}
	recs = parseRecords(string(r.Stdout))
	if _, ok := recs["dir0"]; ok {
		mustArchive = true
	}
	if dest == "" && !mustArchive {
		dest = paths[0] + "." + format
	}
	if mustArchive && dest == "" {
		// _to_native(None): the text "None".
		return nil, failWith(map[string]any{"dest": "None", "path": strings.Join(patterns, ", ")}, "Error, must specify \"dest\" when archiving multiple files or trees")
	}
	if remove {
		for i, p := range paths {
			if _, ok := recs["dir"+strconv.Itoa(i)]; ok && strings.HasPrefix(dest, strings.TrimSuffix(p, "/")+"/") {
				return nil, failWith(map[string]any{"path": strings.Join(paths, ", ")}, "Error, created archive can not be contained in source paths when remove=true")
			}
		}
	}

	res := &Result{}
	state := "absent"
	var targets, missing, successes []string
	var entries []archiveEntry
	for i, p := range paths {
		if _, ok := recs["found"+strconv.Itoa(i)]; !ok {
			missing = append(missing, p)
			continue
		}
		targets = append(targets, p)
		if _, ok := recs["dir"+strconv.Itoa(i)]; ok && mustArchive {
			for _, e := range walkOrder(strings.TrimSuffix(p, "/"), recs["tree"+strconv.Itoa(i)]) {
				entries = append(entries, archiveEntry{e, strings.TrimPrefix(e, root)})
			}
		} else {
			entries = append(entries, archiveEntry{p, strings.TrimPrefix(p, root)})
		}
	}
	// What the module's filter keeps: tar matches the member's name,
	// zip the path.
	var kept []archiveEntry
	for _, e := range entries {
		name := strings.TrimLeft(e.name, "/")
		if format == "zip" {
			name = e.path
		}
		if !excluded(name) {
			kept = append(kept, e)
			successes = append(successes, e.path)
		}
	}

	destInfo, err := archiveDest(c, dest, format)
	if err != nil {
		return nil, err
	}
	switch {
	case len(targets) == 0:
		if destInfo.exists {
			state = "compress"
			if isArchiveName(dest) {
				state = "archive"
			}
		}
		successes = nil
	case c.CheckMode:
		if mustArchive || !destInfo.exists {
			res.Changed = true
		}
		successes = nil
	default:
		single := !mustArchive
		if !single || format == "tar" || format == "zip" {
			state = "archive"
		} else {
			state = "compress"
			kept = []archiveEntry{{path: paths[0]}}
			successes = []string{paths[0]}
		}
		if single && (format == "tar" || format == "zip") {
			kept = []archiveEntry{{paths[0], strings.TrimPrefix(paths[0], root)}}
			successes = []string{paths[0]}
		}
		after, err := writeArchive(c, dest, format, root, kept, state == "compress")
		if err != nil {
			return nil, err
		}
		if mustArchive && len(missing) > 0 {
			state = "incomplete"
		}
		if destInfo.sums == nil {
			res.Changed = destInfo.size != after.size
		} else {
			res.Changed = *destInfo.sums != *after.sums
		}
		destInfo = after
		if remove {
			if err := removeArchived(c, dest, successes, paths, !mustArchive); err != nil {
				return nil, err
			}
		}
	}
	if destInfo.exists {
		users, groups := attrs.lookups()
		p, err := probe(c, users, groups, probeRequest{Path: dest, Follow: true})
		if err != nil {
			return nil, err
		}
		if len(p.Files) == 1 && p.Files[0].Exists {
			changed, err := applyAttrs(c, attrs, p, &p.Files[0], false)
			if err != nil {
				return nil, err
			}
			res.Changed = res.Changed || changed
			// exit_json's path info of dest.
			setFileFields(res, &p.Files[0])
		}
	}
	res.Set("archived", strList(successes))
	res.Set("dest", dest)
	res.Set("dest_state", state)
	res.Set("arcroot", root)
	res.Set("missing", strList(missing))
	res.Set("expanded_paths", strList(expanded))
	res.Set("expanded_exclude_paths", strList(exclude))
	return res, nil
}

// strList is a list result field: [] rather than null when empty.
func strList(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// isArchiveName is the module's is_archive.
func isArchiveName(p string) bool {
	n := strings.ToLower(path.Base(p))
	for _, ext := range []string{".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz2", ".zip"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

// walkOrder lists a tree as os.walk(top) visits it, top down: each dir's
// subdirs (links to dirs among them, not entered), then its files, then
// each subdir's own in turn. Within a dir, entries keep find's order,
// the kernel's, which os.walk's scandir sees too. tree is the
// find listing: one line per entry, its kind (d, l, f) first.
func walkOrder(top, tree string) []string {
	children := map[string][]string{}
	kinds := map[string]byte{}
	for _, l := range strings.Split(tree, "\n") {
		if len(l) < 2 {
			continue
		}
		p := strings.TrimSuffix(strings.Replace(l[1:], top+"//", top+"/", 1), "/")
		kinds[p] = l[0]
		children[path.Dir(p)] = append(children[path.Dir(p)], p)
	}
	var out []string
	var walk func(dir string)
	walk = func(dir string) {
		kids := children[dir]
		var dirs []string
		for _, k := range kids {
			if kinds[k] != 'f' {
				out = append(out, k)
				if kinds[k] == 'd' {
					dirs = append(dirs, k)
				}
			}
		}
		for _, k := range kids {
			if kinds[k] == 'f' {
				out = append(out, k)
			}
		}
		for _, d := range dirs {
			walk(d)
		}
	}
	walk(top)
	return out
}

// archiveState is what the module compares of dest: its size, and the
// members' listing or content checksum (nil when dest is missing or is
// not readable as the format).
type archiveState struct {
	exists bool
	size   int64
	sums   *string
}

func parseArchiveState(recs map[string]string) archiveState {
	var st archiveState
	if _, ok := recs["exists"]; !ok {
		return st
	}
	st.exists = true
	st.size, _ = strconv.ParseInt(strings.TrimSpace(recs["size"]), 10, 64)
	if _, ok := recs["unreadable"]; ok {
		return st
	}
	s := ""
	if m, ok := recs["members"]; ok {
		lines := strings.Split(m, "\n")
		sort.Strings(lines)
		s = "members\n" + strings.Join(lines, "\n")
	} else if c, ok := recs["crc"]; ok {
		s = "crc " + c
	}
	// A file neither reads has the empty set of checksums.
	st.sums = &s
	return st
}

// archiveStateScript prints dest's state as parseArchiveState reads it.
func archiveStateScript(destVar, format string) string {
	return `if [ -e ` + destVar + ` ]; then rec exists; rec size "$(wc -c < ` + destVar + `)"
	if [ -r ` + destVar + ` ]; then arch_list ` + destVar + ` ` + shell.Join(archiveListFormat(format), archiveCompressor[format]) + `; else rec unreadable; fi
fi
`
}

// archiveListFormat is how arch_list reads a format.
func archiveListFormat(format string) string {
	if format == "zip" || format == "tar" {
		return format
	}
	return "compressed"
}

func archiveDest(c *Context, dest, format string) (archiveState, error) {
	script := recordFuncs + archiveListing + "d=" + shell.Quote(dest) + "\n" + archiveStateScript(`"$d"`, format)
	r, err := c.Run(script, nil)
	if err != nil {
		return archiveState{}, err
	}
	return parseArchiveState(parseRecords(string(r.Stdout))), nil
}

// writeArchive writes the archive in a temp dir beside dest, reads its
// state and renames it over dest.
func writeArchive(c *Context, dest, format, root string, entries []archiveEntry, compressOnly bool) (archiveState, error) {
	var b strings.Builder
	b.WriteString(recordFuncs + archiveListing)
	b.WriteString("d=" + shell.Quote(dest) + "\n")
	b.WriteString(`t=$(mktemp -d "$(dirname -- "$d")/.gansible-tmp-archive.XXXXXX") || exit 1
trap 'rm -rf -- "$t"' EXIT
`)
	var stdin strings.Builder
	switch {
	case compressOnly:
		b.WriteString(shell.Quote(archiveCompressor[format]) + " -c < " + shell.Quote(entries[0].path) + " > \"$t/a\" || { rec failed \"$(" + archiveCompressor[format] + " -c < " + shell.Quote(entries[0].path) + " 2>&1 >/dev/null)\"; exit 0; }\n")
	case format == "zip":
		// zip reads the names, one a line, from stdin; it follows links as
		// zipfile does.
		for _, e := range entries {
			stdin.WriteString(e.name + "\n")
		}
		b.WriteString("(cd " + shell.Quote(root) + " && zip -q -@ \"$t/a.zip\") 2>\"$t/err\" || { rec failed \"$(cat \"$t/err\")\"; exit 0; }\nmv -- \"$t/a.zip\" \"$t/a\"\n")
	default:
		for _, e := range entries {
			stdin.WriteString(e.name + "\x00")
		}
		compress := ""
		if format != "tar" {
			compress = " | " + archiveCompressor[format] + " -c"
		}
		b.WriteString("{ tar -cf - --no-recursion --null --verbatim-files-from -C " + shell.Quote(root) + " -T - 2>\"$t/err\"" + compress + " > \"$t/a\"; } && [ ! -s \"$t/err\" ] || { rec failed \"$(cat \"$t/err\")\"; exit 0; }\n")
	}
	b.WriteString(archiveStateScript(`"$t/a"`, format))
	// The module rewrites an existing dest in place: it keeps its owner
	// and mode; a new one gets the umask's.
	b.WriteString(`if [ -e "$d" ]; then chown --reference="$d" "$t/a" 2>/dev/null; chmod --reference="$d" "$t/a" 2>/dev/null; fi
mv -f -- "$t/a" "$d" || rec failed "could not rename the archive into place"` + "\n")
	r, err := c.Run(b.String(), []byte(stdin.String()))
	if err != nil {
		return archiveState{}, err
	}
	recs := parseRecords(string(r.Stdout))
	if msg, ok := recs["failed"]; ok {
		archiveFormat := format
		if format != "zip" && format != "tar" {
			archiveFormat = "tar." + format
		}
		if compressOnly {
			return archiveState{}, failWith(map[string]any{"path": entries[0].path, "dest": dest}, "Unable to write to compressed file: %s", msg)
		}
		return archiveState{}, failf("Error when writing %s archive at %s: %s", archiveFormat, dest, msg)
	}
	if r.ExitCode != 0 {
		return archiveState{}, failf("Error when writing archive at %s: %s", dest, trimOutput(r.Stderr))
	}
	return parseArchiveState(recs), nil
}

// removeArchived is the module's remove_targets (or, for one compressed
// file, remove_single_target).
func removeArchived(c *Context, dest string, successes, paths []string, single bool) error {
	var b strings.Builder
	if single {
		b.WriteString("rm -f -- " + shell.Quote(paths[0]) + " || exit 1\n")
		r, err := c.Run(b.String(), nil)
		if err != nil {
			return err
		}
		if r.ExitCode != 0 {
			return failWith(map[string]any{"path": paths[0]}, "Unable to remove source file: %s", trimOutput(r.Stderr))
		}
		return nil
	}
	b.WriteString("e=\n")
	for _, p := range successes {
		q := shell.Quote(p)
		b.WriteString("if [ -e " + q + " ]; then rm -rf -- " + q + " 2>/dev/null || e=\"$e\"" + shell.Quote(p+"\n") + "; fi\n")
	}
	for _, p := range paths {
		q := shell.Quote(p)
		b.WriteString("if [ -d " + q + " ]; then rm -rf -- " + q + " 2>/dev/null || e=\"$e\"" + shell.Quote(p+"\n") + "; fi\n")
	}
	b.WriteString("printf %s \"$e\"\n")
	r, err := c.Run(b.String(), nil)
	if err != nil {
		return err
	}
	if failed := splitLines(string(r.Stdout)); len(failed) > 0 {
		return failWith(map[string]any{"dest": dest, "files": strList(failed)}, "Error deleting some source files: ")
	}
	return nil
}

// commonPath is the module's common_path: the longest common prefix,
// character by character, of the paths' dirs with a slash added, cut
// back to its dir, with a slash added.
func commonPath(paths []string) string {
	withSlash := func(p string) string {
		if p == "" || strings.HasSuffix(p, "/") {
			return p
		}
		return p + "/"
	}
	prefix := withSlash(pyDirname(paths[0]))
	for _, p := range paths[1:] {
		d := withSlash(pyDirname(p))
		n := 0
		for n < len(prefix) && n < len(d) && prefix[n] == d[n] {
			n++
		}
		prefix = prefix[:n]
	}
	return withSlash(pyDirname(prefix))
}

// pyDirname is os.path.dirname: everything before the last slash, with
// trailing slashes stripped unless it is all slashes.
func pyDirname(p string) string {
	i := strings.LastIndex(p, "/") + 1
	head := p[:i]
	if head != "" && strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head
}
