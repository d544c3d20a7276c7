package difftest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Recording is what ansible-playbook did on one case, stored under
// testdata/recorded by make record so that gansible can be compared with
// it where no ansible-playbook is installed.
type Recording struct {
	Version   string // ansible-core version the run came from, e.g. "2.14.18"
	CaseSum   string // CaseSum of the case archive that was run
	Exit      int
	ErrorLine string // the line starting the first error report, kept when the case expects an error
	Recap     Recap
	Tree      Tree
}

// Sections of a recording archive.
const (
	recExit  = "exit"
	recError = "error"
	recRecap = "recap"
	recTree  = "tree"
	// recOutPrefix starts the name of a section holding the content of
	// the file at the rest of the name, relative to @OUT@.
	recOutPrefix = "out/"
)

// Header lines of a recording: the comment of the archive.
const (
	headerVersion = "ansible-core "
	headerCase    = "case sha256 "
	headerNote    = "Written by make record from ansible-playbook's run of the case; re-record, do not edit."
)

// CaseSum identifies the bytes of a case archive, so that a recording
// made before the case changed is found stale without running anything.
func CaseSum(archive []byte) string {
	sum := sha256.Sum256(archive)
	return hex.EncodeToString(sum[:8])
}

// CoreVersion extracts the ansible-core version from the first line of
// ansible-playbook --version, "ansible-playbook [core 2.14.18]".
func CoreVersion(versionOutput string) (string, error) {
	first, _, _ := strings.Cut(versionOutput, "\n")
	_, rest, ok := strings.Cut(first, "[core ")
	v, _, closed := strings.Cut(rest, "]")
	if !ok || !closed || strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("no ansible-core version in %q", first)
	}
	return strings.TrimSpace(v), nil
}

// Format renders the recording as a txtar archive. Files whose content
// cannot stand as a section of their own (no final newline is marked;
// marker lines, carriage returns or invalid UTF-8 are quoted in the tree
// line) stay exact, so ParseRecording gives back an equal Recording.
func (r *Recording) Format() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s%s\n%s%s\n%s\n", headerVersion, r.Version, headerCase, r.CaseSum, headerNote)
	section := func(name, body string) {
		fmt.Fprintf(&b, "-- %s --\n%s", name, body)
	}
	section(recExit, strconv.Itoa(r.Exit)+"\n")
	if r.ErrorLine != "" {
		if strings.Contains(r.ErrorLine, "\n") || isMarkerLine(r.ErrorLine) {
			return nil, fmt.Errorf("error line %q cannot be stored", r.ErrorLine)
		}
		section(recError, r.ErrorLine+"\n")
	}
	var recap strings.Builder
	for _, host := range sortedHosts(r.Recap) {
		if !isBareToken(host) {
			return nil, fmt.Errorf("recap host %q cannot be stored", host)
		}
		fmt.Fprintf(&recap, "%s %s\n", host, formatCounts(r.Recap[host]))
	}
	section(recRecap, recap.String())

	var tree strings.Builder
	var contents []string // paths whose content gets a section
	for _, p := range slices.Sorted(maps.Keys(r.Tree)) {
		e := r.Tree[p]
		switch e.Type {
		case "symlink":
			fmt.Fprintf(&tree, "symlink %s %s\n", token(p), token(e.Content))
		case "file":
			fmt.Fprintf(&tree, "file %s %s", formatPerm(e.Perm), token(p))
			switch {
			case !sectionSafe(p, e.Content):
				fmt.Fprintf(&tree, " = %s", strconv.Quote(e.Content))
			case e.Content != "" && !strings.HasSuffix(e.Content, "\n"):
				tree.WriteString(" noeol")
				contents = append(contents, p)
			default:
				contents = append(contents, p)
			}
			tree.WriteString("\n")
		default:
			fmt.Fprintf(&tree, "%s %s %s\n", token(e.Type), formatPerm(e.Perm), token(p))
		}
	}
	section(recTree, tree.String())
	for _, p := range contents {
		content := r.Tree[p].Content
		if content != "" && !strings.HasSuffix(content, "\n") {
			content += "\n"
		}
		section(recOutPrefix+p, content)
	}
	return b.Bytes(), nil
}

// ParseRecording reads an archive written by Format.
func ParseRecording(data []byte) (*Recording, error) {
	a := ParseArchive(data)
	r := &Recording{Recap: Recap{}, Tree: Tree{}}
	header := strings.Split(string(a.Comment), "\n")
	if len(header) < 2 || !strings.HasPrefix(header[0], headerVersion) || !strings.HasPrefix(header[1], headerCase) {
		return nil, fmt.Errorf("line 1: want header %q and %q", headerVersion+"VERSION", headerCase+"SUM")
	}
	r.Version = strings.TrimPrefix(header[0], headerVersion)
	r.CaseSum = strings.TrimPrefix(header[1], headerCase)

	contents := map[string]string{}
	seen := map[string]bool{}
	for _, f := range a.Files {
		if seen[f.Name] {
			return nil, fmt.Errorf("section %q appears twice", f.Name)
		}
		seen[f.Name] = true
		text := string(f.Data)
		var err error
		switch {
		case f.Name == recExit:
			r.Exit, err = strconv.Atoi(strings.TrimSpace(text))
		case f.Name == recError:
			r.ErrorLine = strings.TrimSuffix(text, "\n")
		case f.Name == recRecap:
			err = r.parseRecap(text)
		case f.Name == recTree:
			// Parsed below, once every content section is known.
		case strings.HasPrefix(f.Name, recOutPrefix):
			contents[strings.TrimPrefix(f.Name, recOutPrefix)] = text
		default:
			err = fmt.Errorf("unknown section")
		}
		if err != nil {
			return nil, fmt.Errorf("section %q: %w", f.Name, err)
		}
	}
	for _, required := range []string{recExit, recRecap, recTree} {
		if !seen[required] {
			return nil, fmt.Errorf("missing section %q", required)
		}
	}
	for _, f := range a.Files {
		if f.Name == recTree {
			if err := r.parseTree(string(f.Data), contents); err != nil {
				return nil, fmt.Errorf("section %q: %w", recTree, err)
			}
		}
	}
	for p := range contents {
		return nil, fmt.Errorf("section %q: no file %q in the tree", recOutPrefix+p, p)
	}
	return r, nil
}

func (r *Recording) parseRecap(text string) error {
	for _, l := range lines([]byte(text)) {
		host, rest, _ := strings.Cut(l, " ")
		counts := map[string]int{}
		for _, field := range strings.Fields(rest) {
			k, v, ok := strings.Cut(field, "=")
			n, err := strconv.Atoi(v)
			if !ok || err != nil || !slices.Contains(RecapCounters, k) {
				return fmt.Errorf("host %s: bad counter %q", host, field)
			}
			counts[k] = n
		}
		if len(counts) != len(RecapCounters) {
			return fmt.Errorf("host %s: want the counters %s", host, strings.Join(RecapCounters, " "))
		}
		r.Recap[host] = counts
	}
	return nil
}

// parseTree reads the tree lines; contents holds the content sections,
// and loses each one a file line claims.
func (r *Recording) parseTree(text string, contents map[string]string) error {
	for _, l := range lines([]byte(text)) {
		fields, err := tokens(l)
		if err != nil {
			return fmt.Errorf("%q: %w", l, err)
		}
		bad := fmt.Errorf("%q: want TYPE PERM PATH or symlink PATH TARGET", l)
		if len(fields) < 3 {
			return bad
		}
		if fields[0] == "symlink" {
			if len(fields) != 3 {
				return bad
			}
			r.Tree[fields[1]] = Entry{Type: "symlink", Content: fields[2]}
			continue
		}
		perm, err := parsePerm(fields[1])
		if err != nil {
			return fmt.Errorf("%q: %w", l, err)
		}
		e, p, extra := Entry{Type: fields[0], Perm: perm}, fields[2], fields[3:]
		if e.Type == "file" {
			switch {
			case len(extra) == 2 && extra[0] == "=":
				e.Content, extra = extra[1], nil
			case len(extra) <= 1:
				content, ok := contents[p]
				if !ok {
					return fmt.Errorf("%q: no section %q", l, recOutPrefix+p)
				}
				delete(contents, p)
				if len(extra) == 1 && extra[0] == "noeol" {
					content, extra = strings.TrimSuffix(content, "\n"), nil
				}
				e.Content = content
			}
		}
		if len(extra) > 0 {
			return bad
		}
		if _, dup := r.Tree[p]; dup {
			return fmt.Errorf("%q: path listed twice", l)
		}
		r.Tree[p] = e
	}
	return nil
}

// formatPerm writes permission bits the way chmod takes them, with the
// setuid, setgid and sticky bits as 04000, 02000 and 01000.
func formatPerm(m fs.FileMode) string {
	n := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		n |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		n |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		n |= 0o1000
	}
	return fmt.Sprintf("%04o", n)
}

func parsePerm(s string) (fs.FileMode, error) {
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || n > 0o7777 {
		return 0, fmt.Errorf("bad mode %q", s)
	}
	m := fs.FileMode(n & 0o777)
	if n&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if n&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if n&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m, nil
}

// sectionSafe reports whether a file can be stored as section
// "out/PATH" and read back unchanged.
func sectionSafe(path, content string) bool {
	if !utf8.ValidString(content) || strings.Contains(content, "\r") || !isBareToken(path) {
		return false
	}
	for _, l := range strings.Split(content, "\n") {
		if isMarkerLine(l) {
			return false
		}
	}
	return true
}

func isMarkerLine(l string) bool {
	_, ok := fileMarker([]byte(l))
	return ok
}

// isBareToken reports whether s can stand unquoted on a tree line.
func isBareToken(s string) bool {
	if s == "" || s == "=" || s == "noeol" || s[0] == '"' {
		return false
	}
	for _, c := range s {
		if unicode.IsSpace(c) || !unicode.IsPrint(c) {
			return false
		}
	}
	return true
}

func token(s string) string {
	if isBareToken(s) {
		return s
	}
	return strconv.Quote(s)
}

// tokens splits a tree line into bare and Go-quoted words.
func tokens(l string) ([]string, error) {
	var out []string
	for l = strings.TrimLeft(l, " "); l != ""; l = strings.TrimLeft(l, " ") {
		if l[0] == '"' {
			q, err := strconv.QuotedPrefix(l)
			if err != nil {
				return nil, fmt.Errorf("bad quoted word at %q", l)
			}
			s, _ := strconv.Unquote(q)
			out, l = append(out, s), l[len(q):]
			continue
		}
		word, rest, _ := strings.Cut(l, " ")
		out, l = append(out, word), rest
	}
	return out, nil
}
