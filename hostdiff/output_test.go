package hostdiff

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseOutput(t *testing.T) {
	out, err := os.ReadFile(filepath.Join("testdata", "output", "loop_diff.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseOutput(string(out), []string{"changed", "msg", "rc", "stat.mode", "stat.missing"})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		task         int
		header, host string
		item, status string
		fields       string // canonical JSON
		hasDiff      bool
	}
	wants := []want{
		{1, "TASK [Gathering Facts]", "h1", "", "ok", "null", false},
		{2, "TASK [a tree]", "h1", "(item=a)", "changed", `{"changed":true}`, true},
		{2, "TASK [a tree]", "h1", "(item=b)", "ok", `{"changed":false}`, false},
		{2, "TASK [a tree]", "h1", "(item=c)", "failed", `{"changed":false,"msg":"boom","rc":2}`, false},
		{3, "TASK [debug]", "h2", "", "ok", `{"msg":"hello"}`, false},
		{3, "TASK [debug]", "h1", "", "skipped", `{"changed":false}`, false},
		{4, "TASK [unreachable]", "h1", "", "unreachable", `{"changed":false,"msg":"Failed to connect"}`, false},
		{4, "TASK [unreachable]", "h2", "", "failed", `{"changed":false,"msg":"multi\nline","stat.mode":"0644"}`, false},
		{5, "RUNNING HANDLER [restart]", "h2", "", "changed", "null", false},
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d results, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		var fields any
		if g.Fields != nil {
			fields = g.Fields
		}
		if g.Task != w.task || g.Header != w.header || g.Host != w.host || g.Item != w.item || g.Status != w.status ||
			canonical(fields) != w.fields || (g.Diff != "") != w.hasDiff {
			t.Errorf("result %d = %+v (fields %s), want %+v", i+1, g, canonical(fields), w)
		}
	}
}

func TestParseOutputBrokenJSON(t *testing.T) {
	_, err := ParseOutput("TASK [x] ***\nok: [h1] => {\"changed\": \n", nil)
	if err == nil {
		t.Fatal("no error for a result whose JSON is cut off")
	}
}
