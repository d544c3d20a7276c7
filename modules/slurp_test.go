package modules

import (
	"path/filepath"
	"testing"
)

func TestSlurp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "f"), "a\x00\xffb\n", 0o644)
	write(t, filepath.Join(dir, "empty"), "", 0o644)
	tests := []struct {
		src     string
		content string
		msg     string
	}{
		{dir + "/f", "YQD/Ygo=", ""},
		{dir + "/empty", "", ""},
		{dir + "/nope", "", "file not found: " + dir + "/nope"},
		{dir, "", "source is a directory and must be a file: " + dir},
		{dir + "/f/x", "", "unable to slurp file: [Errno 20] Not a directory: '" + dir + "/f/x'"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.src), func(t *testing.T) {
			res := runModule(t, testContext(t, nil), "slurp", Args{"src": tt.src})
			if tt.msg != "" {
				if !res.Failed || res.Msg != tt.msg {
					t.Errorf("got failed=%v %q, want %q", res.Failed, res.Msg, tt.msg)
				}
				return
			}
			mustSucceed(t, res)
			if res.Changed || res.Fields["content"] != tt.content || res.Fields["source"] != tt.src || res.Fields["encoding"] != "base64" {
				t.Errorf("got %v %v", res.Changed, res.Fields)
			}
		})
	}
}
