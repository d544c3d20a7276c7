package hostdiff

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gansible/gansible/difftest"
	"github.com/gansible/gansible/testcluster"
)

func TestRecordingRoundTrip(t *testing.T) {
	rec := &Recording{Version: "2.14.18", CaseSum: "0123456789abcdef", Runs: []Run{{
		Kind: "check", Exit: 2,
		Recap: difftest.Recap{"h1": {"ok": 1, "changed": 1, "unreachable": 0, "failed": 1, "skipped": 0, "rescued": 0, "ignored": 0}},
		Tasks: []TaskResult{{Task: 1, Header: "TASK [x]", Host: "h1", Status: "changed",
			Fields: map[string]any{"changed": true, "rc": json.Number("0"), "msg": "-- not a marker --\n-- x --"}, Diff: "--- before\n+++ after\n"}},
		Files: map[string]map[string]testcluster.FileInfo{"h1": {"/etc/x": {Path: "/etc/x", Type: "file", Mode: "0644", Content: "-- y --\n"}}},
	}, {Kind: "again", Recap: difftest.Recap{}, Tasks: []TaskResult{}, Files: map[string]map[string]testcluster.FileInfo{}}}}
	data, err := rec.Format()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseRecording(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if !reflect.DeepEqual(got, rec) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, rec)
	}
	if d := Compare(rec.Runs, got.Runs); len(d) > 0 {
		t.Errorf("Compare of equal runs: %v", d)
	}
}

func TestParseRecordingErrors(t *testing.T) {
	head := "ansible-core 2.14.18\ncase sha256 00\nnote\n"
	tests := []struct{ data, err string }{
		{"nothing\n", "want header"},
		{head, "no runs"},
		{head + "-- run 2 apply --\n{}\n", `want "run 1 KIND"`},
		{head + "-- run 1 walk --\n{}\n", "unknown run kind"},
		{head + "-- run 1 apply --\n{\"exit\": 0, \"extra\": 1}\n", "unknown field"},
		{head + "-- run 1 apply --\n{} {}\n", "text after the run"},
	}
	for _, tt := range tests {
		_, err := ParseRecording([]byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: error %v, want one containing %q", tt.data, err, tt.err)
		}
	}
}

func TestCompare(t *testing.T) {
	base := func() []Run {
		return []Run{{Kind: "apply", Recap: difftest.Recap{"h1": {"ok": 1}},
			Tasks: []TaskResult{{Task: 1, Header: "TASK [x]", Host: "h1", Status: "changed", Fields: map[string]any{"msg": "a"}}},
			Files: map[string]map[string]testcluster.FileInfo{"h1": {"/etc/x": {Path: "/etc/x", Type: "file", Mode: "0644"}}}}}
	}
	tests := []struct {
		name   string
		change func(r []Run)
		want   string
	}{
		{"exit", func(r []Run) { r[0].Exit = 2 }, "exit 2, want 0"},
		{"recap", func(r []Run) { r[0].Recap["h1"]["ok"] = 2 }, "recap h1: ok=2, want 1"},
		{"status", func(r []Run) { r[0].Tasks[0].Status = "ok" }, "TASK [x] h1: ok, want changed"},
		{"field", func(r []Run) { r[0].Tasks[0].Fields["msg"] = "b" }, `field msg = "b", want "a"`},
		{"extra field", func(r []Run) { r[0].Tasks[0].Fields["rc"] = 1 }, "field rc = 1, want no such field"},
		{"missing result", func(r []Run) { r[0].Tasks = nil }, "result 1: missing"},
		{"other host", func(r []Run) { r[0].Tasks[0].Host = "h2" }, "result 1: task 1 TASK [x] h2 changed, want task 1 TASK [x] h1 changed"},
		{"diff", func(r []Run) { r[0].Tasks[0].Diff = "+x\n" }, "diff"},
		{"file", func(r []Run) {
			r[0].Files["h1"]["/etc/x"] = testcluster.FileInfo{Path: "/etc/x", Type: "file", Mode: "0600"}
		}, "files h1: /etc/x: mode 0600, want 0644"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := base()
			tt.change(got)
			d := Compare(base(), got)
			if len(d) != 1 || !strings.Contains(d[0], tt.want) {
				t.Errorf("Compare = %q, want one line containing %q", d, tt.want)
			}
		})
	}
	if d := Compare(base(), base()); len(d) != 0 {
		t.Errorf("equal runs differ: %v", d)
	}
}

func TestNormalizer(t *testing.T) {
	n := newNormalizer("/tmp/work/project", "@PROJECT@", "127.0.1.12", "@ADDR_h1@")
	tests := []struct{ in, want string }{
		{"/etc/x.1234.2026-12-02@03:33:11~", "/etc/x.@BACKUP@~"},
		{"+++ after: /root/.ansible/tmp/ansible-local-1abc/tmpx", "+++ after: @TMP@"},
		{"/tmp/work/project/files/a 127.0.1.12", "@PROJECT@/files/a @ADDR_h1@"},
		{"Permission denied: '/etc/ansible.k2j4_x9q'", "Permission denied: '/etc/ansible.@TEMPNAME@'"},
		{"/srv/ansible.ab_12xyz.conf", "/srv/ansible.@TEMPNAME@.conf"},
		{"/etc/ansible.cfg", "/etc/ansible.cfg"},
	}
	for _, tt := range tests {
		if got := n.text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	snap := n.snapshot(map[string]testcluster.FileInfo{
		"/etc/x.1.2026-12-02@03:33:11~": {Type: "file", Content: "b"},
		"/etc/x.2.2026-12-02@03:33:12~": {Type: "file", Content: "a"},
		"/home/ansible":                 {Type: "dir"},
		"/home/ansible/.rpmdb/x":        {Type: "file"},
	})
	if len(snap) != 2 || snap["/etc/x.@BACKUP@~"].Content != "a" || snap["/etc/x.@BACKUP@~ #2"].Content != "b" {
		t.Errorf("snapshot = %+v", snap)
	}
}

func TestNormalizerUserIDs(t *testing.T) {
	n := newNormalizer()
	n.uid, n.gid = 2042, 2043
	snap := n.snapshot(map[string]testcluster.FileInfo{"/etc/x": {Type: "file", UID: 2042, GID: 2043}, "/etc/y": {Type: "file", UID: 2043, GID: 0}})
	if x, y := snap["/etc/x"], snap["/etc/y"]; x.UID != userID || x.GID != userID || y.UID != 2043 || y.GID != 0 {
		t.Errorf("snapshot ids: %+v %+v", x, y)
	}
	got := canonical(n.value(map[string]any{"uid": json.Number("2042"), "gid": json.Number("2043"), "size": json.Number("2042")}))
	if want := `{"gid":2000,"size":2042,"uid":2000}`; got != want {
		t.Errorf("fields %s, want %s", got, want)
	}
	if got := canonical(n.field("uid", json.Number("2042"))); got != "2000" {
		t.Errorf("a dotted stat.uid: %s", got)
	}
}

func TestShadowDays(t *testing.T) {
	in := "root:*:19000:0:99999:7:::\nhdfs:$6$x:20789:0:99999:7:::\nold:!:20787:0:99999:7:::\n"
	want := "root:*:19000:0:99999:7:::\nhdfs:$6$x:@DAY@:0:99999:7:::\nold:!:20787:0:99999:7:::\n"
	if got := shadowDays(in, 20789); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
