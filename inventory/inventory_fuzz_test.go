package inventory

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gansible/gansible/yamlvalue"
)

// fuzzSource is the path the fuzzed inventories pretend to come from.
const fuzzSource = "/fuzz/hosts"

// FuzzINI parses arbitrary INI inventories. Properties: an error names the
// file and a line of it ("/fuzz/hosts:N: ..."); a parsed inventory keeps
// Ansible's group invariants (see checkInventory).
func FuzzINI(f *testing.F) {
	f.Add([]byte("[web]\nw[1:3] ansible_port=2222\n[web:vars]\nx=[1, 'a']\n[all:children]\nweb\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if expensiveRanges(data) {
			t.Skip("host ranges expand to too many hosts")
		}
		inv := newInventory()
		if err := inv.parseINI(fuzzSource, data); err != nil {
			checkLineError(t, err, fuzzSource+":", lineCount(data))
			return
		}
		inv.reconcile()
		checkInventory(t, inv)
	})
}

// FuzzYAMLInventory parses arbitrary YAML inventories. Properties: an
// error that is not YAML names the file; a YAML syntax error is a
// *yamlvalue.Error in the file; a parsed inventory keeps the group
// invariants.
func FuzzYAMLInventory(f *testing.F) {
	f.Add([]byte("all:\n  hosts: {web1: {ansible_host: 10.0.0.1}}\n  children:\n    db: {hosts: {'db[1:2]': null}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if expensiveRanges(data) {
			t.Skip("host ranges expand to too many hosts")
		}
		inv := newInventory()
		if err := inv.parseYAML(fuzzSource, data); err != nil {
			var pe *yamlvalue.Error
			switch {
			case errors.As(err, &pe):
				// libyaml places an error at the end of the stream one line past the last, as PyYAML reports it.
				if pe.Pos.File != fuzzSource || pe.Pos.Line > yamlLines(data)+1 {
					t.Fatalf("YAML error %q at %v, outside %s", err, pe.Pos, fuzzSource)
				}
			case isYAMLRootError(err):
				// The yaml plugin's own messages about the whole file,
				// which its warning names.
			case !strings.HasPrefix(err.Error(), fuzzSource):
				t.Fatalf("error %q does not name %s", err, fuzzSource)
			}
			return
		}
		inv.reconcile()
		checkInventory(t, inv)
	})
}

// isYAMLRootError reports whether err is one of the yaml plugin's
// messages about a file's root, which say nothing of a place in it.
func isYAMLRootError(err error) bool {
	msg := err.Error()
	return msg == "Parsed empty YAML file" || msg == "Plugin configuration YAML file, not YAML inventory" ||
		strings.HasPrefix(msg, "YAML inventory has invalid structure, it should be a dictionary, got: ")
}

// FuzzPyLiteral evaluates arbitrary INI values as Python literals.
// Properties: a value that is not a literal stays its own text; a value
// that is one, written back as a Python literal, evaluates to the same
// value.
func FuzzPyLiteral(f *testing.F) {
	for _, s := range []string{"1", "-0x1f", "1_000.5e-3", "'a\\x41\\u00e9'", `r"a\n" 'b'`, "[1, (2,), {'k': None}]", "{1, 2}", "True, False"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := pyLiteral(s)
		if !ok {
			if got := iniValue(s); got != s {
				t.Fatalf("iniValue(%q) = %#v, want the text itself", s, got)
			}
			return
		}
		lit, exact := pyRepr(v)
		if !exact {
			return
		}
		v2, ok := pyLiteral(lit)
		if !ok {
			t.Fatalf("pyLiteral(%q) = %#v, whose repr %q does not parse", s, v, lit)
		}
		if !samePy(v, v2) {
			t.Fatalf("pyLiteral(%q) = %#v; its repr %q gives %#v", s, v, lit, v2)
		}
	})
}

var (
	lineNumber = regexp.MustCompile(`^:(\d+): `)
	// rangeSpec is a host range such as [01:20] or [a:f:2].
	rangeSpec = regexp.MustCompile(`\[[^\]\n]*:[^\]\n]*\]`)
	digitRun  = regexp.MustCompile(`[0-9]+`)
)

// expensiveRanges reports whether the host ranges in data may expand to
// more than 100000 names (which Ansible would build too, slowly).
func expensiveRanges(data []byte) bool {
	total := 1.0
	for _, r := range rangeSpec.FindAll(data, -1) {
		size := 26.0
		for _, d := range digitRun.FindAll(r, -1) {
			if len(d) > 5 {
				return true
			}
			n, _ := strconv.Atoi(string(d))
			size = math.Max(size, float64(n+1))
		}
		total *= size
	}
	return total > 100000
}

// yamlLines counts the lines of data as YAML does: \r\n, \r, \n, NEL,
// LS and PS each end one.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, br := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		n += strings.Count(s, br)
	}
	return n
}

func lineCount(data []byte) int { return strings.Count(string(data), "\n") + 1 }

// checkLineError checks that err reads "<prefix><line>: ..." with line in
// 1..lines.
func checkLineError(t *testing.T, err error, prefix string, lines int) {
	t.Helper()
	rest, ok := strings.CutPrefix(err.Error(), prefix[:len(prefix)-1])
	m := lineNumber.FindStringSubmatch(rest)
	if !ok || m == nil {
		t.Fatalf("error %q does not start with %sLINE:", err, prefix)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 || n > lines {
		t.Fatalf("error %q: line %d outside 1..%d", err, n, lines)
	}
}

// checkInventory checks what holds of every inventory: each host is under
// all, in ungrouped exactly when it is in no other group, listed by its
// groups, and matched by "all"; no group is its own ancestor; host
// variables resolve.
func checkInventory(t *testing.T, inv *Inventory) {
	t.Helper()
	all, ungrouped := inv.groups[allGroup], inv.groups[ungroupedGroup]
	hosts := inv.Hosts()
	if len(hosts) != len(inv.hostOrder) {
		t.Fatalf("all has %d hosts, the inventory %d", len(hosts), len(inv.hostOrder))
	}
	for _, h := range inv.hostOrder {
		others, inUngrouped := 0, false
		for _, g := range h.Groups {
			switch g {
			case ungrouped:
				inUngrouped = true
			case all:
			default:
				others++
			}
			found := false
			for _, m := range g.Hosts {
				found = found || m == h
			}
			if !found {
				t.Fatalf("host %s names group %s, which does not list it", h.Name, g.Name)
			}
		}
		if inUngrouped != (others == 0) {
			t.Fatalf("host %s: in ungrouped %v, in %d other groups", h.Name, inUngrouped, others)
		}
		_ = inv.HostVars(h)
		_ = inv.GroupNames(h)
	}
	for _, g := range inv.groupOrder {
		for _, p := range g.Parents {
			if p.hasAncestor(g) {
				t.Fatalf("group %s is its own ancestor through %s", g.Name, p.Name)
			}
		}
		if g != all && !g.hasAncestor(all) {
			t.Fatalf("group %s is not under all", g.Name)
		}
	}
	matched, err := inv.Match("all")
	if h, ok := inv.hosts[allGroup]; ok {
		// A host named all wins over the group, as in Ansible's
		// _evaluate_patterns (which warns about the clash).
		hosts = []*Host{h}
	}
	if err != nil || len(matched) != len(hosts) || len(hosts) > 0 && !reflect.DeepEqual(matched, hosts) {
		t.Fatalf("Match(all) = %d hosts, %v; want the %d hosts of all", len(matched), err, len(hosts))
	}
}

// pyRepr writes v, as pyLiteral returns it, as a Python literal. exact is
// false when no literal evaluates to v: strings that are not valid UTF-8
// (raw strings copy bytes), NaN.
func pyRepr(v any) (lit string, exact bool) {
	var b strings.Builder
	exact = writePy(&b, v)
	return b.String(), exact
}

func writePy(b *strings.Builder, v any) bool {
	switch x := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		switch {
		case math.IsNaN(x):
			return false
		case math.IsInf(x, 1):
			b.WriteString("1e999")
		case math.IsInf(x, -1):
			b.WriteString("-1e999")
		default:
			s := strconv.FormatFloat(x, 'g', -1, 64)
			if !strings.ContainsAny(s, ".e") {
				s += ".0"
			}
			b.WriteString(s)
		}
	case string:
		return writePyString(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writePy(b, e) {
				return false
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writePyString(b, k) {
				return false
			}
			b.WriteString(": ")
			if !writePy(b, x[k]) {
				return false
			}
		}
		b.WriteByte('}')
	default:
		return false
	}
	return true
}

func writePyString(b *strings.Builder, s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r <= 0xffff:
			b.WriteString(`\u` + strconv.FormatInt(int64(r)|0x10000, 16)[1:])
		default:
			b.WriteString(`\U` + strconv.FormatInt(int64(r)|0x100000000, 16)[1:])
		}
	}
	b.WriteByte('\'')
	return true
}

// samePy is reflect.DeepEqual with -0.0 told from 0.0.
func samePy(a, b any) bool {
	if x, ok := a.(float64); ok {
		y, ok := b.(float64)
		return ok && x == y && math.Signbit(x) == math.Signbit(y)
	}
	return reflect.DeepEqual(a, b)
}

// FuzzTOMLInventory parses arbitrary TOML inventories. Properties: no
// panic, and a parsed inventory keeps the group invariants.
func FuzzTOMLInventory(f *testing.F) {
	f.Add([]byte("[all.vars]\nx = 1\n[web]\nchildren = [\"app\"]\nvars = { p = 80 }\n[web.hosts]\nw1 = {}\n\"w[2:3]\" = { a = [1, 2] }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if expensiveRanges(data) {
			t.Skip("host ranges expand to too many hosts")
		}
		inv := newInventory()
		if err := inv.parseTOML(fuzzSource, data); err != nil {
			return
		}
		inv.reconcile()
		checkInventory(t, inv)
	})
}

// FuzzPluginConfig runs arbitrary constructed and generator
// configurations over a small INI inventory. Properties: loading never
// fails outright (a bad configuration is a warning, as in Ansible), and
// the inventory keeps the group invariants.
func FuzzPluginConfig(f *testing.F) {
	f.Add([]byte("plugin: constructed\ncompose: {x: os}\ngroups: {deb: \"os == 'debian'\"}\nkeyed_groups: [{key: os, prefix: os, parent_group: oses}]\n"))
	f.Add([]byte("plugin: generator\nlayers: {a: [1, 2], b: [x]}\nhosts: {name: \"h{{ a }}{{ b }}\", parents: [{name: \"g{{ b }}\", vars: {v: \"{{ a }}\"}}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		hosts := filepath.Join(dir, "hosts")
		config := filepath.Join(dir, "plugin.yml")
		if err := os.WriteFile(hosts, []byte("[web]\nw1 os=debian\nw2 os=centos\n[db]\nd1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(config, data, 0o644); err != nil {
			t.Fatal(err)
		}
		inv, err := Load([]string{hosts, config})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		checkInventory(t, inv)
	})
}
