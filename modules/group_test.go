package modules

import (
	"context"
	"reflect"
	"testing"
)

// groupDB is `getent group` output as the account probe reports it.
func groupDB(lines string) string { return formatRecords(map[string]any{"group": lines}) }

// TestGroup checks the commands and results of the group module against
// what Ansible 2.14 does on the test cluster.
func TestGroup(t *testing.T) {
	t.Parallel()
	db := "root:x:0:\nwheel:x:10:ansible\nhdfs:x:2001:\n"
	tests := []struct {
		name    string
		args    Args
		check   bool
		replies []string
		cmd     string // the command that changes the host; "" for none
		changed bool
		fields  map[string]any
	}{
		{"present already", Args{"name": "hdfs"}, false, []string{groupDB(db)}, "", false,
			map[string]any{"name": "hdfs", "state": "present", "system": false, "gid": 2001}},
		{"add", Args{"name": "hadoop"}, false, []string{groupDB(db), "", groupDB(db + "hadoop:x:2002:\n")},
			"groupadd -- hadoop", true, map[string]any{"name": "hadoop", "state": "present", "system": false, "gid": 2002}},
		{"add system with gid", Args{"name": "svc", "gid": "990", "system": true, "non_unique": true}, false,
			[]string{groupDB(db), "", groupDB(db + "svc:x:990:\n")},
			"groupadd -g 990 -o -r -- svc", true, map[string]any{"name": "svc", "state": "present", "system": true, "gid": 990}},
		{"change gid", Args{"name": "hdfs", "gid": 4321}, false, []string{groupDB(db), "", groupDB("hdfs:x:4321:\n")},
			"groupmod -g 4321 -- hdfs", true, map[string]any{"name": "hdfs", "state": "present", "system": false, "gid": 4321}},
		{"a numeric name is a name", Args{"name": "10"}, false, []string{groupDB(db), "", groupDB("10:x:2003:\n")},
			"groupadd -- 10", true, map[string]any{"name": "10", "state": "present", "system": false, "gid": 2003}},
		{"remove", Args{"name": "hdfs", "state": "absent"}, false, []string{groupDB(db), ""},
			"groupdel -- hdfs", true, map[string]any{"name": "hdfs", "state": "absent"}},
		{"absent already", Args{"name": "nope", "state": "absent"}, false, []string{groupDB(db)},
			"", false, map[string]any{"name": "nope", "state": "absent"}},
		{"check mode reports changed alone", Args{"name": "hadoop"}, true, []string{groupDB(db)},
			"", true, nil},
		{"hostile name stays one operand", Args{"name": "-x; rm -rf /"}, false, []string{groupDB(db), "", groupDB(db)},
			`groupadd -- '-x; rm -rf /'`, true, map[string]any{"name": "-x; rm -rf /", "state": "present"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := &scriptedConn{replies: tt.replies}
			c := &Context{Ctx: context.Background(), Conn: conn, Host: "h", CheckMode: tt.check}
			res := runModule(t, c, "group", tt.args)
			if res.Failed {
				t.Fatalf("failed: %s", res.Msg)
			}
			if res.Changed != tt.changed {
				t.Errorf("changed = %v, want %v", res.Changed, tt.changed)
			}
			if len(tt.fields) == 0 && len(res.Fields) != 0 || len(tt.fields) != 0 && !reflect.DeepEqual(res.Fields, tt.fields) {
				t.Errorf("fields = %#v, want %#v", res.Fields, tt.fields)
			}
			var got string
			if len(conn.cmds) > 1 {
				got = conn.cmds[1]
			}
			if got != tt.cmd {
				t.Errorf("command %q, want %q", got, tt.cmd)
			}
		})
	}
}

func TestGroupRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args Args
		msg  string
	}{
		{Args{"name": "g", "local": true}, "the parameter local is not supported by gansible: libuser's lgroupadd, lgroupmod and lgroupdel are not implemented"},
		{Args{"name": "g", "non_unique": true}, "non_unique is True but all of the following are missing: gid"},
		{Args{"name": "g", "state": "gone"}, "value of state must be one of: absent, present, got: gone"},
	}
	for _, tt := range tests {
		m, _ := Lookup("group")
		args, err := Validate("group", m, tt.args)
		if err != nil {
			if err.Error() != tt.msg {
				t.Errorf("%v: %q, want %q", tt.args, err, tt.msg)
			}
			continue
		}
		res, err := m.Run(&Context{Ctx: context.Background(), Conn: &scriptedConn{}, Host: "h"}, args)
		if err != nil || !res.Failed || res.Msg != tt.msg {
			t.Errorf("%v: %v %+v, want failure %q", tt.args, err, res, tt.msg)
		}
	}
}
