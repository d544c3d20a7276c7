package modules

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "f"), "hello\n", 0o4755)
	os.Symlink("f", filepath.Join(dir, "l"))
	tests := []struct {
		name string
		args Args
		want map[string]any
	}{
		{"missing", Args{"path": dir + "/nope"}, map[string]any{"exists": false}},
		{"file", Args{"path": dir + "/f"}, map[string]any{
			"exists": true, "isreg": true, "isdir": false, "mode": "4755", "uid": 0, "pw_name": "root",
			"gr_name": "root", "size": int64(6), "checksum": sha1Hex([]byte("hello\n")),
			"isuid": true, "xoth": true, "woth": false, "readable": true, "mimetype": "text/plain", "charset": "us-ascii",
		}},
		{"checksum algorithm", Args{"path": dir + "/f", "checksum_algorithm": "md5", "get_mime": false},
			map[string]any{"checksum": md5Hex([]byte("hello\n")), "mimetype": nil}},
		{"link", Args{"path": dir + "/l"}, map[string]any{
			"islnk": true, "isreg": false, "lnk_target": "f", "lnk_source": dir + "/f", "checksum": nil,
		}},
		{"followed link", Args{"path": dir + "/l", "follow": true}, map[string]any{"islnk": false, "isreg": true, "mode": "4755"}},
		{"directory", Args{"path": dir, "get_checksum": false}, map[string]any{"isdir": true, "checksum": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testContext(t, nil)
			c.CheckMode = true
			res := mustSucceed(t, runModule(t, c, "stat", tt.args))
			if res.Changed {
				t.Errorf("changed")
			}
			st, _ := res.Fields["stat"].(map[string]any)
			for k, want := range tt.want {
				if got := st[k]; got != want {
					t.Errorf("stat.%s = %#v, want %#v", k, got, want)
				}
			}
		})
	}
	m, _ := Lookup("stat")
	if _, err := Validate("stat", m, Args{"path": "/x", "bogus": 1}); err == nil {
		t.Errorf("unknown parameter accepted")
	}
	if res := runModule(t, testContext(t, nil), "stat", Args{"path": "/", "checksum_algorithm": "crc"}); !res.Failed {
		t.Errorf("bad checksum algorithm accepted")
	}
}
