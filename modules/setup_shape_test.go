package modules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/value"
)

// The facts' shape is compared with Ansible's: every key and the JSON
// type of every value, recursively. Paths name keys with "." and list
// elements with "[]"; the keys of free-form dicts (whose names are data,
// such as env's variables) become "*", and the interfaces' dicts
// (ansible_eth0, ...) all become ansible_IFACE, so that only the names
// Ansible always uses are compared. A path holds the sorted set of types
// seen there ("bool|str" for cmdline's values).

// shapeSkipped are the facts left out of the comparison, and why.
var shapeSkipped = map[string]string{
	"ansible_python":                 "set from the Python interpreter, which gansible does not use on hosts",
	"ansible_python_version":         "set from the Python interpreter, which gansible does not use on hosts",
	"ansible_selinux_python_present": "whether Python's selinux bindings import, meaningless without Python",
	"discovered_interpreter_python":  "Python interpreter discovery, which gansible does not do",
}

// freeFormDicts are the dicts whose keys are data, not names.
var freeFormDicts = map[string]bool{
	"ansible_env": true, "ansible_cmdline": true, "ansible_proc_cmdline": true, "ansible_local": true,
	"ansible_dns.options": true, "ansible_lvm.vgs": true, "ansible_lvm.lvs": true, "ansible_lvm.pvs": true,
	"ansible_devices": true, "ansible_device_links.ids": true, "ansible_device_links.uuids": true,
	"ansible_device_links.labels": true, "ansible_device_links.masters": true, "ansible_devices.*.partitions": true,
}

// shapeOf flattens facts into path -> set of types.
func shapeOf(facts map[string]any) map[string]map[string]bool {
	ifaces := map[string]bool{}
	if l, ok := facts["ansible_interfaces"].([]any); ok {
		for _, n := range l {
			ifaces["ansible_"+fmt.Sprint(n)] = true
		}
	}
	out := map[string]map[string]bool{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		t := jsonType(v)
		if out[path] == nil {
			out[path] = map[string]bool{}
		}
		out[path][t] = true
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if freeFormDicts[path] {
					k = "*"
				}
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range v {
				walk(path+"[]", e)
			}
		}
	}
	for k, v := range facts {
		if _, skip := shapeSkipped[k]; skip {
			continue
		}
		if ifaces[k] {
			k = "ansible_IFACE"
		}
		walk(k, v)
	}
	return out
}

// jsonType names a decoded JSON value's type; an int and a float are told
// apart as Ansible's JSON does (1 against 1.0 is not visible after
// decoding, so a float with no fraction counts as int).
func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case string:
		return "str"
	case int, int64:
		return "int"
	case float64:
		if v == float64(int64(v)) {
			return "int"
		}
		return "float"
	case json.Number:
		if strings.ContainsAny(string(v), ".eE") {
			return "float"
		}
		return "int"
	case map[string]any:
		return "dict"
	case []any, []string:
		return "list"
	}
	return fmt.Sprintf("%T", v)
}

// shapeTypes renders a path's type set.
func shapeTypes(s map[string]bool) string {
	var l []string
	for t := range s {
		l = append(l, t)
	}
	sort.Strings(l)
	return strings.Join(l, "|")
}

// diffShapes lists the differences of got against want. Below a list or
// free-form dict that is empty on either side nothing is compared, and
// types are compared only where both sides have the path.
func diffShapes(got, want map[string]map[string]bool) []string {
	hasChildren := func(s map[string]map[string]bool, p string) bool {
		for q := range s {
			if strings.HasPrefix(q, p+"[]") || strings.HasPrefix(q, p+".*") {
				return true
			}
		}
		return false
	}
	comparable := func(p string) bool {
		for i := range p {
			var parent string
			switch {
			case strings.HasPrefix(p[i:], "[]"):
				parent = p[:i]
			case strings.HasPrefix(p[i:], ".*"):
				parent = p[:i]
			default:
				continue
			}
			if !hasChildren(got, parent) || !hasChildren(want, parent) {
				return false
			}
		}
		return true
	}
	var diffs []string
	for p, w := range want {
		if !comparable(p) {
			continue
		}
		g, ok := got[p]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("missing %s (%s)", p, shapeTypes(w)))
		case shapeTypes(g) != shapeTypes(w) && !(strings.HasSuffix(p, ".*") && subsetTypes(g, w)):
			diffs = append(diffs, fmt.Sprintf("%s is %s, want %s", p, shapeTypes(g), shapeTypes(w)))
		}
	}
	for p, g := range got {
		if _, ok := want[p]; !ok && comparable(p) {
			diffs = append(diffs, fmt.Sprintf("extra %s (%s)", p, shapeTypes(g)))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// subsetTypes reports whether every type of g is one of w's: a free-form
// dict's values need not show every type on both machines.
func subsetTypes(g, w map[string]bool) bool {
	for t := range g {
		if !w[t] {
			return false
		}
	}
	return true
}

const setupShapeFile = "testdata/setup_shape.json"

// gatheredShape gathers gansible's facts on this machine, round-tripped
// through JSON as a play would see them.
func gatheredShape(t *testing.T, args Args) map[string]map[string]bool {
	t.Helper()
	r := execModule(t, localContext(false), "setup", args)
	// Written as Ansible writes its result (json.dumps keeps 1.0 a
	// float), and read keeping the numbers' text, so that a float that
	// happens to be whole (a load average of 1.00) is still a float.
	data, err := value.JSON(r.Fields["ansible_facts"], value.JSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var facts map[string]any
	if err := decodeNumbers([]byte(data), &facts); err != nil {
		t.Fatal(err)
	}
	return shapeOf(facts)
}

func readShape(t *testing.T) map[string]map[string]bool {
	t.Helper()
	data, err := os.ReadFile(setupShapeFile)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]string
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for p, ts := range rec {
		out[p] = map[string]bool{}
		for _, t := range strings.Split(ts, "|") {
			out[p][t] = true
		}
	}
	return out
}

// TestSetupShapeRecorded checks gansible's facts on this machine against
// the shape of Ansible's facts recorded here (see TestSetupShapeAnsible).
//
// The recording comes from the machine it was made on; another machine
// (CI's) may have other hardware, so below the top level a key that one
// side has and the other lacks (an interface's speed or pciid, a
// device's partitions) is only logged. Missing or extra top-level facts
// and every type difference still fail.
func TestSetupShapeRecorded(t *testing.T) {
	for _, d := range diffShapes(gatheredShape(t, Args{}), readShape(t)) {
		if nestedPresence(d) {
			t.Log("differs from the recording's machine: " + d)
			continue
		}
		t.Error(d)
	}
}

// nestedPresence reports whether a diffShapes line is a nested key
// that only one side has.
func nestedPresence(d string) bool {
	path, ok := strings.CutPrefix(d, "missing ")
	if !ok {
		path, ok = strings.CutPrefix(d, "extra ")
	}
	if !ok {
		return false
	}
	path, _, _ = strings.Cut(path, " ")
	return strings.ContainsAny(path, ".[")
}

// TestSetupShapeAnsible compares with Ansible's setup run now on this
// machine, for each subset; with GANSIBLE_RECORD_SETUP_SHAPE=1 it writes
// the "all" shape to testdata for TestSetupShapeRecorded.
func TestSetupShapeAnsible(t *testing.T) {
	if !refenv.E2E() {
		t.Skip("set GANSIBLE_E2E=1 to compare with Ansible's setup")
	}
	refenv.Require(t, "ansible-core")
	for _, subset := range []string{"all", "!all", "min", "!all,hardware", "!all,network", "!all,virtual", "!hardware", "all,!network,!virtual"} {
		t.Run(subset, func(t *testing.T) {
			data, err := ansibleSetup("gather_subset=" + subset)
			if err != nil {
				t.Fatal(err)
			}
			var res map[string]any
			if err := decodeNumbers(data, &res); err != nil {
				t.Fatal(err)
			}
			facts, _ := res["ansible_facts"].(map[string]any)
			want := shapeOf(facts)
			var list []any
			for _, s := range strings.Split(subset, ",") {
				list = append(list, s)
			}
			got := gatheredShape(t, Args{"gather_subset": list})
			for _, d := range diffShapes(got, want) {
				t.Error(d)
			}
			if subset == "all" && os.Getenv("GANSIBLE_RECORD_SETUP_SHAPE") == "1" {
				rec := map[string]string{}
				for p, ts := range want {
					rec[p] = shapeTypes(ts)
				}
				data, _ := json.MarshalIndent(rec, "", "  ")
				if err := os.WriteFile(setupShapeFile, append(data, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// decodeNumbers decodes JSON keeping each number's text (json.Number), so
// that jsonType tells 1.0 from 1 as Python wrote them.
func decodeNumbers(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}
