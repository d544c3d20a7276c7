package playbook

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseKV(t *testing.T) {
	tests := []struct {
		module, in string
		want       map[string]any
	}{
		{"copy", "src={{mesos_rpm}} dest=/tmp", map[string]any{"src": "{{mesos_rpm}}", "dest": "/tmp"}},
		{"template", "src=zk.j2 dest=/etc/mesos/zk owner=0 group=0 mode=644",
			map[string]any{"src": "zk.j2", "dest": "/etc/mesos/zk", "owner": "0", "group": "0", "mode": "644"}},
		{"copy", "content={{zk_myid}} dest=/etc/zookeeper/myid", map[string]any{"content": "{{zk_myid}}", "dest": "/etc/zookeeper/myid"}},
		{"shell", "rm -fr /etc/init/mesos-master.conf", map[string]any{"_raw_params": "rm -fr /etc/init/mesos-master.conf"}},
		{"shell", "echo a=b chdir=/tmp creates=/x", map[string]any{"_raw_params": "echo a=b", "chdir": "/tmp", "creates": "/x"}},
		{"debug", `msg="hello world"`, map[string]any{"msg": "hello world"}},
		{"debug", `msg='it is {{ a | join(" ") }}'`, map[string]any{"msg": `it is {{ a | join(" ") }}`}},
		{"debug", `msg={{ x if y else 'a b' }}`, map[string]any{"msg": `{{ x if y else 'a b' }}`}},
		{"copy", `content="a\nb\tc" dest=/x`, map[string]any{"content": "a\nb\tc", "dest": "/x"}},
		{"debug", `msg="{{ foo }} bar"`, map[string]any{"msg": "{{ foo }} bar"}},
		{"lineinfile", `dest=/etc/x line="a = b" regexp='^a ='`, map[string]any{"dest": "/etc/x", "line": "a = b", "regexp": "^a ="}},
		// Recorded from ansible-core 2.14's parse_kv: a tab is part of a
		// word, \f and \v stay in a command, an escaped quote opens no
		// quote, and unquoting decodes nothing twice.
		{"shell", "\f", map[string]any{"_raw_params": "\f"}},
		{"shell", " \v echo hi \f", map[string]any{"_raw_params": "\v echo hi \f"}},
		{"debug", "a=1\tb=2", map[string]any{"a": "1\tb=2"}},
		{"debug", `msg=x\"y`, map[string]any{"msg": `x"y`}},
		{"debug", `a0="\\\""`, map[string]any{"a0": `\"`}},
		{"debug", `msg="a \"b\""`, map[string]any{"msg": `a "b"`}},
		{"debug", `msg='it\'s'`, map[string]any{"msg": "it's"}},
	}
	for _, tt := range tests {
		got, err := ParseKV(tt.in, tt.module)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseKV(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestParseKVUnbalanced(t *testing.T) {
	for _, in := range []string{`msg="open`, `msg={{ x `, `msg="{{ foo"`} {
		if _, err := ParseKV(in, "debug"); err == nil {
			t.Errorf("ParseKV(%q): no error", in)
		}
	}
}

func TestParseKVKeepsFreeFormText(t *testing.T) {
	in := "set -e\nmkdir -p a\necho 'x  y' > a/b\n"
	got, err := ParseKV(in, "shell")
	if err != nil {
		t.Fatal(err)
	}
	if got["_raw_params"] != strings.TrimSpace(in) {
		t.Errorf("_raw_params = %q", got["_raw_params"])
	}
	got, _ = ParseKV("echo a  b chdir=/tmp\nls", "shell")
	if got["_raw_params"] != "echo a  b\nls" || got["chdir"] != "/tmp" {
		t.Errorf("got %#v", got)
	}
}
