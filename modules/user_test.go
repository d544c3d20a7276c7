package modules

import (
	"context"
	"strings"
	"testing"
)

const testHash = "$6$AGLYCh0AM8JGAN46$g3nU4C0wUbBxnovk1wp6cZdVv0kOKwdDZRDx0LZLRYtmZLMAxID6i8u1etlg0OTD7EpCfMYWAI7Urme1WqRQP/"

// accountDB is the account probe's output for a user (passwd and shadow
// lines, or none) and a group database.
func accountDB(passwd, shadow, groups string) string {
	v := map[string]any{"group": groups}
	if passwd != "" {
		v["passwd"] = passwd
	}
	if shadow != "" {
		v["shadow"] = shadow
	}
	return formatRecords(v)
}

// TestUserCommands checks the commands the user module sends, against
// what Ansible 2.14 did to the test cluster's hosts for the same task.
func TestUserCommands(t *testing.T) {
	t.Parallel()
	groups := "root:x:0:\nhdfs:x:2001:\nhadoop:x:2002:\nwheel:x:10:\n"
	hdfs := "hdfs:x:2001:2001::/home/hdfs:/bin/sh"
	tests := []struct {
		name    string
		args    Args
		check   bool
		replies []string
		cmds    []string // the commands that change the host, in order
		stdin   string   // what chpasswd reads
		changed bool
		fields  map[string]any
	}{{
		name: "create as the hdfs repo does",
		args: Args{"name": "hdfs", "group": "hdfs", "groups": "hdfs,hadoop,wheel", "append": "yes", "password": testHash},
		replies: []string{accountDB("", "", groups), "", "",
			accountDB(hdfs, "hdfs:"+testHash+":20000:0:99999:7:::", groups) + "@home\n|1\n"},
		cmds:    []string{"useradd -g hdfs -G hdfs,hadoop,wheel -m -- hdfs", "chpasswd -e"},
		stdin:   "hdfs:" + testHash + "\n",
		changed: true,
		fields: map[string]any{"name": "hdfs", "state": "present", "uid": 2001, "group": 2001, "home": "/home/hdfs",
			"shell": "/bin/sh", "comment": "", "groups": "hdfs,hadoop,wheel", "system": false, "create_home": true,
			"password": "NOT_LOGGING_PASSWORD"},
	}, {
		name:    "second run changes nothing",
		args:    Args{"name": "hdfs", "group": "hdfs", "groups": "hdfs,hadoop,wheel", "append": "yes", "password": testHash},
		replies: []string{accountDB(hdfs, "hdfs:"+testHash+":20000:0:99999:7:::", "hdfs:x:2001:hdfs\nhadoop:x:2002:hdfs\nwheel:x:10:hdfs\n") + "@home\n|1\n"},
		fields:  map[string]any{"append": true, "move_home": false, "password": "NOT_LOGGING_PASSWORD"},
	}, {
		name: "a user group of the same name exists",
		args: Args{"name": "hdfs", "shell": "/bin/bash", "create_home": false, "system": true},
		replies: []string{accountDB("", "", groups), "",
			accountDB(hdfs, "", groups)},
		cmds:    []string{"useradd -N -s /bin/bash -M -r -- hdfs"},
		changed: true,
	}, {
		name:    "append a missing group",
		args:    Args{"name": "hdfs", "groups": []any{"hadoop"}, "append": true, "shell": "/bin/bash", "comment": "H D"},
		replies: []string{accountDB(hdfs, "", groups), "", accountDB(hdfs, "", groups) + "@home\n|1\n"},
		cmds:    []string{"usermod -a -G hadoop -c 'H D' -s /bin/bash -- hdfs"},
		changed: true,
	}, {
		name:    "replace the groups",
		args:    Args{"name": "hdfs", "groups": "wheel"},
		replies: []string{accountDB(hdfs, "", "hadoop:x:2002:hdfs\nwheel:x:10:\n"), "", accountDB(hdfs, "", groups) + "@home\n|1\n"},
		cmds:    []string{"usermod -G wheel -- hdfs"},
		changed: true,
	}, {
		name:    "a new password",
		args:    Args{"name": "hdfs", "password": testHash},
		replies: []string{accountDB(hdfs, "hdfs:$6$old$x:20000:0:99999:7:::", groups), "", accountDB(hdfs, "", groups) + "@home\n|1\n"},
		cmds:    []string{"chpasswd -e"},
		stdin:   "hdfs:" + testHash + "\n",
		changed: true,
	}, {
		name:    "on_create keeps the password",
		args:    Args{"name": "hdfs", "password": testHash, "update_password": "on_create"},
		replies: []string{accountDB(hdfs, "hdfs:$6$old$x:20000:0:99999:7:::", groups) + "@home\n|1\n"},
	}, {
		name:    "lock",
		args:    Args{"name": "hdfs", "password_lock": true},
		replies: []string{accountDB(hdfs, "hdfs:$6$old$x:20000:0:99999:7:::", groups), "", accountDB(hdfs, "", groups) + "@home\n|1\n"},
		cmds:    []string{"usermod -L -- hdfs"},
		changed: true,
	}, {
		name:    "locked already",
		args:    Args{"name": "hdfs", "password_lock": true},
		replies: []string{accountDB(hdfs, "hdfs:!$6$old$x:20000:0:99999:7:::", groups) + "@home\n|1\n"},
	}, {
		name: "a new hash locked with it",
		args: Args{"name": "hdfs", "password": testHash, "password_lock": true},
		replies: []string{accountDB(hdfs, "hdfs:$6$old$x:20000:0:99999:7:::", groups), "",
			accountDB(hdfs, "", groups) + "@home\n|1\n"},
		cmds:    []string{"chpasswd -e"},
		stdin:   "hdfs:!" + testHash + "\n",
		changed: true,
	}, {
		name:    "password ages",
		args:    Args{"name": "hdfs", "password_expire_max": 90, "password_expire_min": 0},
		replies: []string{accountDB(hdfs, "hdfs:$6$old$x:20000:0:99999:7:::", groups) + "@home\n|1\n", ""},
		cmds:    []string{"chage -M 90 -- hdfs"},
		changed: true,
	}, {
		name:    "remove",
		args:    Args{"name": "hdfs", "state": "absent", "remove": true, "force": true},
		replies: []string{accountDB(hdfs, "", groups)},
		cmds:    []string{"userdel -f -r -- hdfs"},
		changed: true,
		fields:  map[string]any{"name": "hdfs", "state": "absent", "force": true, "remove": true},
	}, {
		name:    "check mode creates nothing",
		args:    Args{"name": "hdfs", "password": testHash},
		check:   true,
		replies: []string{accountDB("", "", groups)},
		changed: true,
	}, {
		name:    "a hostile name stays one operand",
		args:    Args{"name": "-o; touch /x", "create_home": false},
		replies: []string{accountDB("", "", groups), "", accountDB("", "", groups)},
		cmds:    []string{`useradd -M -- '-o; touch /x'`},
		changed: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := &recordingConn{replies: tt.replies}
			c := &Context{Ctx: context.Background(), Conn: conn, Host: "h", CheckMode: tt.check}
			res := runModule(t, c, "user", tt.args)
			if res.Failed && !strings.Contains(tt.name, "hostile") {
				t.Fatalf("failed: %s", res.Msg)
			}
			if res.Changed != tt.changed {
				t.Errorf("changed = %v, want %v", res.Changed, tt.changed)
			}
			var changing []string
			var stdin string
			for i, cmd := range conn.cmds {
				if strings.HasPrefix(cmd, "user") || strings.HasPrefix(cmd, "chpasswd") || strings.HasPrefix(cmd, "chage") {
					changing = append(changing, cmd)
					stdin += conn.stdin[i]
				}
			}
			if strings.Join(changing, "\n") != strings.Join(tt.cmds, "\n") {
				t.Errorf("commands\n%s\nwant\n%s", strings.Join(changing, "\n"), strings.Join(tt.cmds, "\n"))
			}
			if stdin != tt.stdin {
				t.Errorf("stdin %q, want %q", stdin, tt.stdin)
			}
			for _, cmd := range conn.cmds {
				if strings.Contains(cmd, "$6$") {
					t.Errorf("the hash is on a command line: %s", cmd)
				}
			}
			for k, want := range tt.fields {
				if got := res.Fields[k]; got != want {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
		})
	}
}

func TestUserPasswordWarning(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pw   string
		warn bool
	}{{testHash, false}, {"password1234", true}, {"!", false}, {"$6$salt$short", true}, {"$1$saltsalt$abcdefghijklmnopqrstuv", false}} {
		u := &userTask{password: &tt.pw}
		u.checkPasswordHashed()
		if (len(u.warnings) > 0) != tt.warn {
			t.Errorf("%q: warnings %v, want warning %v", tt.pw, u.warnings, tt.warn)
		}
	}
}

func TestUserRefusals(t *testing.T) {
	t.Parallel()
	m, _ := Lookup("user")
	for _, p := range []string{"local", "login_class", "seuser", "hidden"} {
		_, err := Validate("user", m, Args{"name": "u", p: "1"})
		if err == nil || !strings.Contains(err.Error(), "the parameter "+p+" is not supported by gansible") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestUserPasswordLineRefused: chpasswd reads "name:hash" lines, so a
// colon or a line break in either would write other shadow fields or
// lines; such a task fails before chpasswd runs.
func TestUserPasswordLineRefused(t *testing.T) {
	t.Parallel()
	groups := "root:x:0:\n"
	for _, pw := range []string{"$6$a$b\nroot:$6$evil", "$6$a:0:0"} {
		conn := &recordingConn{replies: []string{accountDB("hdfs:x:2001:2001::/home/hdfs:/bin/sh", "hdfs:$6$old$x:1:0:99999:7:::", groups)}}
		c := &Context{Ctx: context.Background(), Conn: conn, Host: "h"}
		res := runModule(t, c, "user", Args{"name": "hdfs", "password": pw})
		if !res.Failed || !strings.Contains(res.Msg, "must not contain ':' or a line break") {
			t.Errorf("%q: %+v", pw, res)
		}
		for _, cmd := range conn.cmds {
			if strings.HasPrefix(cmd, "chpasswd") {
				t.Errorf("%q: chpasswd ran", pw)
			}
		}
	}
}
