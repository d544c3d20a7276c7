package template

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Ansible's path filters beyond basename and dirname (core.py): Python's
// os.path and ntpath functions, and fileglob.
func init() {
	for name, fn := range map[string]filterFunc{
		"path_join":    filterPathJoin,
		"relpath":      filterRelpath,
		"expandvars":   stringFilter(expandVars),
		"win_basename": stringFilter(func(s string) string { _, tail := ntSplit(s); return tail }),
		"win_dirname":  stringFilter(func(s string) string { head, _ := ntSplit(s); return head }),
		"win_splitdrive": func(_ *evaluator, in any, _ args) (any, error) {
			d, p := ntSplitDrive(str(in))
			return tuple{d, p}, nil
		},
		"fileglob": filterFileglob,
	} {
		filters[name] = fn
	}
}

// pyJoin is os.path.join: an absolute part starts over.
func pyJoin(parts []string) string {
	out := parts[0]
	for _, p := range parts[1:] {
		switch {
		case strings.HasPrefix(p, "/"):
			out = p
		case out == "" || strings.HasSuffix(out, "/"):
			out += p
		default:
			out += "/" + p
		}
	}
	return out
}

func filterPathJoin(_ *evaluator, in any, _ args) (any, error) {
	if s, ok := in.(string); ok {
		return s, nil
	}
	items, ok := asSeq(in)
	if !ok {
		return nil, fmt.Errorf("|path_join expects string or sequence, got <class '%s'> instead.", pyType(in))
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("join() missing 1 required positional argument: 'a'")
	}
	parts := make([]string, len(items))
	for i, item := range items {
		s, ok := item.(string)
		if !ok {
			return nil, fmt.Errorf("join() argument must be str, bytes, or os.PathLike object, not '%s'", pyType(item))
		}
		parts[i] = s
	}
	return pyJoin(parts), nil
}

// filterRelpath is os.path.relpath(path, start=os.curdir).
func filterRelpath(_ *evaluator, in any, a args) (any, error) {
	path := str(in)
	if path == "" {
		return nil, fmt.Errorf("no path specified")
	}
	start, _ := a.str(0, "start", ".")
	absPath, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	absStart, err := filepath.Abs(start)
	if err != nil {
		return nil, err
	}
	return filepath.Rel(absStart, absPath)
}

var envVarRef = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// expandVars is os.path.expandvars: $NAME and ${NAME} of variables that
// are set; the rest stays as written.
func expandVars(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return envVarRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(ref[1:], "{"), "}")
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return ref
	})
}

func isNTSep(c byte) bool { return c == '\\' || c == '/' }

// ntSplitDrive is ntpath.splitdrive: "C:" or a UNC "\\server\share" prefix.
func ntSplitDrive(p string) (string, string) {
	if len(p) >= 2 && isNTSep(p[0]) && isNTSep(p[1]) && (len(p) == 2 || !isNTSep(p[2])) {
		// \\server\share\rest
		rest := p[2:]
		i := strings.IndexAny(rest, `\/`)
		if i < 0 {
			return "", p
		}
		j := strings.IndexAny(rest[i+1:], `\/`)
		if j == 0 {
			return "", p
		}
		if j < 0 {
			return p, ""
		}
		end := 2 + i + 1 + j
		return p[:end], p[end:]
	}
	if len(p) >= 2 && p[1] == ':' {
		return p[:2], p[2:]
	}
	return "", p
}

// ntSplit is ntpath.split: (head, tail) at the last separator, with the
// head's trailing separators removed unless it is all separators.
func ntSplit(p string) (string, string) {
	d, rest := ntSplitDrive(p)
	i := len(rest)
	for i > 0 && !isNTSep(rest[i-1]) {
		i--
	}
	head, tail := rest[:i], rest[i:]
	trimmed := strings.TrimRight(head, `\/`)
	if trimmed != "" {
		head = trimmed
	}
	return d + head, tail
}

// filterFileglob is fileglob: the regular files matching a pattern on
// the controller.
func filterFileglob(_ *evaluator, in any, _ args) (any, error) {
	matches, err := filepath.Glob(str(in))
	if err != nil {
		return []any{}, nil
	}
	sort.Strings(matches)
	out := []any{}
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
			out = append(out, m)
		}
	}
	return out, nil
}
