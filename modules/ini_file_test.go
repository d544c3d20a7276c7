package modules

import (
	"path/filepath"
	"testing"
)

// TestIniEdit checks the edit against what community.general 6's
// ini_file produces for the same arguments.
func TestIniEdit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    Args
		in, out string
		changed bool
		msg     string
	}{
		{"change", Args{"section": "s", "option": "o", "value": "2"}, "[s]\no = 1\n", "[s]\no = 2\n", true, "option changed"},
		{"same", Args{"section": "s", "option": "o", "value": "1"}, "[s]\no = 1\n", "[s]\no = 1\n", false, "OK"},
		{"spaces normalised", Args{"section": "s", "option": "o", "value": "1"}, "[s]\no=1\n", "[s]\no = 1\n", true, "option changed"},
		{"added after the last option", Args{"section": "s", "option": "n", "value": "1"}, "[s]\no = 1\n\n[t]\n", "[s]\no = 1\nn = 1\n\n[t]\n", true, "option added"},
		{"commented option reused", Args{"section": "s", "option": "o", "value": "1"}, "[s]\n;o = 0\n", "[s]\no = 1\n", true, "option changed"},
		{"new section", Args{"section": "t", "option": "o", "value": "1", "no_extra_spaces": true}, "[s]\n", "[s]\n[t]\no=1\n", true, "section and option added"},
		{"empty file", Args{"section": "t", "option": "o", "value": "1"}, "", "\n[t]\no = 1\n", true, "section and option added"},
		{"no section", Args{"option": "o", "value": "1"}, "[s]\n", "o = 1\n[s]\n", true, "option added"},
		{"missing final newline", Args{"section": "s", "option": "o", "value": "1"}, "[s]\no = 1", "[s]\no = 1\n", true, "OK"},
		{"exclusive values", Args{"section": "s", "option": "o", "values": []any{"a", "b"}}, "[s]\no = z\no = y\no = b\n", "[s]\no = a\no = b\n", true, "option changed"},
		{"non-exclusive values", Args{"section": "s", "option": "o", "values": []any{"a"}, "exclusive": false}, "[s]\no = z\n", "[s]\no = z\no = a\n", true, "option added"},
		{"no value", Args{"section": "s", "option": "flag", "allow_no_value": true}, "[s]\na = 1\n", "[s]\na = 1\nflag\n", true, "option added"},
		{"absent option", Args{"section": "s", "option": "o", "state": "absent"}, "[s]\no = 1\n;o = 2\n", "[s]\n;o = 2\n", true, "option changed"},
		{"absent section", Args{"section": "s", "state": "absent"}, "[s]\no = 1\n[t]\n", "[t]\n", true, "section removed"},
		{"crlf and bom", Args{"section": "s", "option": "o", "value": "1"}, "\ufeff[s]\r\no = 1\r\n", "[s]\no = 1\n", false, "OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, err := Validate("ini_file", iniFileModule{}, withPath(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			e, err := iniEditFrom(args)
			if err != nil {
				t.Fatal(err)
			}
			changed, out, msg := e.apply(tt.in)
			if out != tt.out || changed != tt.changed || msg != tt.msg {
				t.Errorf("got %q %v (%q), want %q %v (%q)", out, changed, msg, tt.out, tt.changed, tt.msg)
			}
		})
	}
}

func TestIniFile(t *testing.T) {
	t.Parallel()
	runIdempotence(t, "ini_file", []idempotenceCase{{
		name:   "change keeps the mode",
		setup:  func(t *testing.T, dir string) { write(t, filepath.Join(dir, "c.ini"), "[s]\no = 1\n", 0o640) },
		args:   Args{"path": "$DIR/c.ini", "section": "s", "option": "o", "value": "2"},
		files:  []wantFile{{"c.ini", "[s]\no = 2\n", 0o640}},
		fields: map[string]any{"path": "$DIR/c.ini"},
	}, {
		name:  "new file with a mode",
		args:  Args{"path": "$DIR/d/n.ini", "section": "s", "option": "o", "value": "1", "mode": "0600"},
		files: []wantFile{{"d/n.ini", "\n[s]\no = 1\n", 0o600}},
	}})
}
