package modules

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTemplate(t *testing.T) {
	t.Parallel()
	runIdempotence(t, "template", []idempotenceCase{{
		name:   "render",
		args:   Args{"src": "zoo.cfg.j2", "dest": "$DIR/zoo.cfg", "owner": "0", "group": "0", "mode": "644"},
		files:  []wantFile{{"zoo.cfg", "server.1=10.0.0.1:2888\n", 0o644}},
		fields: map[string]any{"dest": "$DIR/zoo.cfg", "mode": "0644", "uid": 0, "gid": 0},
	}, {
		name:  "into a directory keeps the template's name",
		setup: func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "conf"), 0o755) },
		args:  Args{"src": "zoo.cfg.j2", "dest": "$DIR/conf", "mode": "0755"},
		files: []wantFile{{"conf/zoo.cfg.j2", "server.1=10.0.0.1:2888\n", 0o755}},
	}, {
		name:  "newline sequence",
		args:  Args{"src": "zoo.cfg.j2", "dest": "$DIR/zoo.cfg", "newline_sequence": `\r\n`},
		files: []wantFile{{"zoo.cfg", "server.1=10.0.0.1:2888\r\n", 0o644}},
	}, {
		name:  "output encoding",
		args:  Args{"src": "zoo.cfg.j2", "dest": "$DIR/zoo.cfg", "output_encoding": "latin-1"},
		files: []wantFile{{"zoo.cfg", "server.1=10.0.0.1:2888\n", 0o644}},
	}})
}

func TestTemplateFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		args Args
		msg  string
	}{
		{Args{"src": "zoo.cfg.j2"}, "src and dest are required"},
		{Args{"src": "missing.j2", "dest": dir + "/x"}, "Could not find or access 'missing.j2'"},
		{Args{"src": "zoo.cfg.j2", "dest": dir + "/x", "newline_sequence": "x"}, "newline_sequence needs to be one of: \n, \r or \r\n"},
		{Args{"src": "zoo.cfg.j2", "dest": dir + "/x", "trim_blocks": true, "block_start_string": []any{1}}, `Unexpected failure during module execution: Invalid type provided for "string": [1]`},
		{Args{"src": "zoo.cfg.j2", "dest": dir + "/x", "newline_sequence": `'\r\n'`, "output_encoding": "ebcdic"}, "output_encoding ebcdic is not supported"},
		{Args{"src": "zoo.cfg.j2", "dest": dir + "/x", "output_encoding": "ebcdic"}, "output_encoding ebcdic is not supported"},
	}
	for _, tt := range tests {
		res := runModule(t, testContext(t, nil), "template", tt.args)
		if !res.Failed || res.Msg != tt.msg {
			t.Errorf("template %v: failed=%v msg %q, want %q", tt.args, res.Failed, res.Msg, tt.msg)
		}
	}
	res := runModule(t, testContext(t, nil), "template", Args{"src": "a", "dest": "b", "state": "file"})
	if want := "'state' cannot be specified on a template"; !res.Failed || res.Msg != want {
		t.Errorf("state: failed=%v msg %q, want %q", res.Failed, res.Msg, want)
	}
}
