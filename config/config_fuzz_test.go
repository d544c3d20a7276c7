package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// FuzzConfig parses arbitrary ansible.cfg files. Properties:
//   - a syntax error names the file and a line of it;
//   - every value records a line of the file;
//   - the parsed sections, written back as an ansible.cfg, parse to the
//     same sections;
//   - Load on the file either fails naming the file and a line, or
//     succeeds and reports the file as the one it read.
func FuzzConfig(f *testing.F) {
	f.Add([]byte("[defaults]\nroles_path = /a:/b ; comment\nforks: 10\n  continued\n[privilege_escalation]\nbecome=yes\n"))
	dir := f.TempDir()
	path := filepath.Join(dir, "ansible.cfg")
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := strings.Count(string(data), "\n") + 1
		ini, err := parseINI(path, data)
		if err != nil {
			checkFileLine(t, err.Error(), path, lines)
		} else {
			checkSections(t, ini, lines)
		}

		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"HOME": dir, "ANSIBLE_CONFIG": path}
		c, err := Load(func(k string) string { return env[k] }, dir)
		if err != nil {
			checkFileLine(t, err.Error(), path, lines)
			return
		}
		if c.Path != path {
			t.Fatalf("Load read %q, want %q", c.Path, path)
		}
	})
}

var fileLine = regexp.MustCompile(`:(\d+): `)

// checkFileLine checks that msg names path followed by a line in 1..lines.
func checkFileLine(t *testing.T, msg, path string, lines int) {
	t.Helper()
	_, rest, ok := strings.Cut(msg, path)
	m := fileLine.FindStringSubmatchIndex(rest)
	if !ok || m == nil || m[0] != 0 {
		t.Fatalf("error %q does not name %s:LINE", msg, path)
	}
	if n, _ := strconv.Atoi(rest[m[2]:m[3]]); n < 1 || n > lines {
		t.Fatalf("error %q: line %d outside 1..%d", msg, n, lines)
	}
}

func checkSections(t *testing.T, ini *iniFile, lines int) {
	t.Helper()
	for name, sec := range ini.sections {
		for key, v := range sec {
			if v.line < 1 || v.line > lines {
				t.Fatalf("[%s] %s: line %d outside 1..%d", name, key, v.line, lines)
			}
			if key != strings.ToLower(key) || strings.ContainsAny(key, "=:") {
				t.Fatalf("[%s]: key %q is not a lower-cased name", name, key)
			}
		}
	}
	text, exact := writeINI(ini)
	if !exact {
		return
	}
	again, err := parseINI(ini.path, []byte(text))
	if err != nil {
		t.Fatalf("written back as %q: %v", text, err)
	}
	if got, want := sectionTexts(again), sectionTexts(ini); !reflect.DeepEqual(got, want) {
		t.Fatalf("written back as %q: got %q, want %q", text, got, want)
	}
}

// writeINI writes ini's sections back as an ansible.cfg, continuing
// multi-line values on indented lines. exact is false for a key that
// would read back as a section header ("[a = b]").
func writeINI(ini *iniFile) (text string, exact bool) {
	var b strings.Builder
	names := make([]string, 0, len(ini.sections))
	for name := range ini.sections {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b.WriteString("[" + name + "]\n")
		sec := ini.sections[name]
		keys := make([]string, 0, len(sec))
		for k := range sec {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			first, rest, _ := strings.Cut(sec[k].text, "\n")
			if strings.HasPrefix(k, "[") && strings.HasSuffix(first, "]") {
				return "", false
			}
			// No space before the value: " ;" would start a comment.
			b.WriteString(k + "=" + first + "\n")
			for _, l := range strings.Split(rest, "\n") {
				if l != "" {
					b.WriteString("    " + l + "\n")
				}
			}
		}
	}
	return b.String(), true
}

// sectionTexts returns section -> key -> value text.
func sectionTexts(ini *iniFile) map[string]map[string]string {
	out := map[string]map[string]string{}
	for name, sec := range ini.sections {
		out[name] = map[string]string{}
		for k, v := range sec {
			out[name][k] = v.text
		}
	}
	return out
}
