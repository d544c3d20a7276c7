package difftest

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRecordingRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rec  Recording
		// in are lines the formatted archive must contain.
		in []string
	}{
		{
			name: "empty",
			rec:  Recording{Version: "2.14.18", CaseSum: "00", Recap: Recap{}, Tree: Tree{}},
			in:   []string{"ansible-core 2.14.18\n", "-- exit --\n0\n"},
		},
		{
			name: "error and recap",
			rec: Recording{Version: "2.14.18", CaseSum: "ab", Exit: 2,
				ErrorLine: `fatal: [h1]: FAILED! => {"msg": "in '@PROJECT@/site.yml'"}`,
				Recap: Recap{
					"h2": {"ok": 1, "changed": 0, "unreachable": 0, "failed": 1, "skipped": 0, "rescued": 0, "ignored": 0},
					"h1": {"ok": 3, "changed": 2, "unreachable": 0, "failed": 0, "skipped": 1, "rescued": 1, "ignored": 4},
				},
				Tree: Tree{}},
			in: []string{"-- error --\nfatal: [h1]", "h1 ok=3 changed=2 unreachable=0 failed=0 skipped=1 rescued=1 ignored=4\nh2 ok=1"},
		},
		{
			name: "files of every kind",
			rec: Recording{Version: "2.14.18", CaseSum: "cd", Recap: Recap{}, Tree: Tree{
				"h1":          {Type: "dir", Perm: 0o755},
				"h1/sticky":   {Type: "dir", Perm: 0o777 | fs.ModeSticky | fs.ModeSetgid},
				"h1/suid":     {Type: "file", Perm: 0o755 | fs.ModeSetuid, Content: "#!/bin/sh\n"},
				"h1/text":     {Type: "file", Perm: 0o644, Content: "a\nb\n"},
				"h1/noeol":    {Type: "file", Perm: 0o600, Content: "no newline"},
				"h1/empty":    {Type: "file", Perm: 0o644},
				"h1/newline":  {Type: "file", Perm: 0o644, Content: "\n"},
				"h1/marker":   {Type: "file", Perm: 0o644, Content: "x\n-- tree --\n"},
				"h1/crlf":     {Type: "file", Perm: 0o644, Content: "a\r\n"},
				"h1/binary":   {Type: "file", Perm: 0o644, Content: "\xff\x00"},
				"h1/a space":  {Type: "file", Perm: 0o644, Content: "spaced\n"},
				"h1/link":     {Type: "symlink", Content: "@OUT@/h1/text"},
				"h1/rel link": {Type: "symlink", Content: "a target"},
				"noeol":       {Type: "file", Perm: 0o644, Content: "named noeol\n"},
				"h1/fifo":     {Type: "p---------", Perm: 0o644},
			}},
			in: []string{
				"dir 3777 h1/sticky\n", "file 4755 h1/suid\n",
				"file 0600 h1/noeol noeol\n", "-- out/h1/noeol --\nno newline\n",
				`file 0644 h1/marker = "x\n-- tree --\n"`, `file 0644 "h1/a space" = "spaced\n"`,
				"symlink h1/link @OUT@/h1/text\n", `symlink "h1/rel link" "a target"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.rec.Format()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.in {
				if !strings.Contains(string(data), s) {
					t.Errorf("formatted recording lacks %q:\n%s", s, data)
				}
			}
			got, err := ParseRecording(data)
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			if !reflect.DeepEqual(*got, tt.rec) {
				t.Errorf("round trip:\ngot  %+v\nwant %+v\n%s", *got, tt.rec, data)
			}
			again, err := got.Format()
			if err != nil || string(again) != string(data) {
				t.Errorf("formatting the parsed recording changes it (%v):\n%s", err, again)
			}
		})
	}
}

func TestParseRecordingErrors(t *testing.T) {
	const header = "ansible-core 2.14.18\ncase sha256 00\n"
	tests := []struct{ name, in, want string }{
		{"no header", "-- exit --\n0\n", "want header"},
		{"no exit", header + "-- recap --\n-- tree --\n", `missing section "exit"`},
		{"bad exit", header + "-- exit --\nx\n-- recap --\n-- tree --\n", `section "exit"`},
		{"unknown section", header + "-- exit --\n0\n-- recap --\n-- tree --\n-- what --\n", "unknown section"},
		{"short recap", header + "-- exit --\n0\n-- recap --\nh1 ok=1\n-- tree --\n", "want the counters"},
		{"bad counter", header + "-- exit --\n0\n-- recap --\nh1 good=1\n-- tree --\n", "bad counter"},
		{"file without content", header + "-- exit --\n0\n-- recap --\n-- tree --\nfile 0644 h1/x\n", `no section "out/h1/x"`},
		{"content without file", header + "-- exit --\n0\n-- recap --\n-- tree --\n-- out/h1/x --\nx\n", "no file"},
		{"bad mode", header + "-- exit --\n0\n-- recap --\n-- tree --\ndir 0999 h1\n", "bad mode"},
		{"short tree line", header + "-- exit --\n0\n-- recap --\n-- tree --\ndir h1\n", "want TYPE PERM PATH"},
		{"twice", header + "-- exit --\n0\n-- recap --\n-- tree --\ndir 0755 h1\ndir 0755 h1\n", "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRecording([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseRecording error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCoreVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ansible-playbook [core 2.14.18]\n  config file = None\n", "2.14.18"},
		{"ansible-playbook [core 2.15.0rc1]", "2.15.0rc1"},
		{"ansible-playbook 2.9.6\n", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := CoreVersion(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("CoreVersion(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestRecordingOfSnapshot records a tree the way TestRecord does and
// checks that the recording reads back as the same snapshot.
func TestRecordingOfSnapshot(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "h1", "d"), 0o755))
	must(os.WriteFile(filepath.Join(root, "h1", "f"), []byte("path="+root+"/h1"), 0o640))
	must(os.Symlink(filepath.Join(root, "h1", "f"), filepath.Join(root, "h1", "abs")))
	tree, err := Snapshot(root)
	must(err)
	c := &Case{Name: "x", Sum: CaseSum([]byte("case")), Exit: 2}
	rec := newRecording(c, "2.14.18", run{Result: Result{Exit: 2}, Tree: tree, ErrorLine: "ERROR! x"})
	data, err := rec.Format()
	must(err)
	got, err := ParseRecording(data)
	must(err)
	if diffs := compareRuns(got.recorded("x.txtar"), run{Result: Result{Exit: 2}, Tree: tree}); len(diffs) > 0 {
		t.Errorf("recorded snapshot differs: %v\n%s", diffs, data)
	}
	if got.ErrorLine != "ERROR! x" || got.CaseSum != c.Sum {
		t.Errorf("recording lost the error line or the case sum:\n%s", data)
	}
}
