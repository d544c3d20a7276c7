package runner

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/connection"
)

func TestApplySSHArgs(t *testing.T) {
	base := func() connection.SSHOptions {
		return connection.SSHOptions{Port: 22, User: "ansible", HostKeyChecking: true}
	}
	for _, tc := range []struct {
		name  string
		args  string
		first bool
		want  func(o *connection.SSHOptions)
		err   string
	}{
		{name: "Ansible's default ssh_args change nothing", args: "-C -o ControlMaster=auto -o ControlPersist=60s", first: true, want: func(*connection.SSHOptions) {}},
		{name: "ProxyCommand with a quoted command", args: `-o ProxyCommand="ssh -W %h:%p -q bastion"`, want: func(o *connection.SSHOptions) { o.ProxyCommand = "ssh -W %h:%p -q bastion" }},
		{name: "ProxyJump as -o and as -J: the first wins", args: "-o ProxyJump=a@b:2 -J c", want: func(o *connection.SSHOptions) { o.ProxyJump = "a@b:2" }},
		{name: "-J attached", args: "-Jbastion", want: func(o *connection.SSHOptions) { o.ProxyJump = "bastion" }},
		{name: "-o with a space", args: "-o 'ProxyJump jump1,jump2'", want: func(o *connection.SSHOptions) { o.ProxyJump = "jump1,jump2" }},
		{name: "common args do not override the inventory's port and user", args: "-p 2222 -l root", want: func(*connection.SSHOptions) {}},
		{name: "ssh_args do", args: "-o Port=2222 -o User=root", first: true, want: func(o *connection.SSHOptions) { o.Port, o.User = 2222, "root" }},
		{name: "keys add up", args: "-i /k1 -o IdentityFile=/k2", want: func(o *connection.SSHOptions) { o.PrivateKeyFiles = []string{"/k1", "/k2"} }},
		{name: "host key checking off", args: "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null", want: func(o *connection.SSHOptions) {
			o.HostKeyChecking, o.KnownHostsFiles = false, []string{"/dev/null"}
		}},
		{name: "connect timeout", args: "-o ConnectTimeout=7", first: true, want: func(o *connection.SSHOptions) { o.Timeout = 7 * time.Second }},
		{name: "ssh config file", args: "-F /etc/bastion.conf", want: func(o *connection.SSHOptions) { o.SSHConfigFile = "/etc/bastion.conf" }},
		{name: "agent forwarding is refused", args: "-A", err: `the ssh argument "-A" is not supported by gansible`},
		{name: "an unknown option is refused", args: "-o ForwardAgent=yes", err: `the ssh option "forwardagent" is not supported by gansible`},
		{name: "accept-new is refused", args: "-o StrictHostKeyChecking=accept-new", err: "accept-new is not supported"},
		{name: "a missing value", args: "-o", err: "option -o needs a value"},
		{name: "bad quoting", args: `-o "ProxyCommand=x`, err: "No closing quotation"},
		{name: "a bad port", args: "-p 0", err: `bad port "0"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, want := base(), base()
			err := applySSHArgs(&got, tc.args, tc.first)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("options = %+v, want %+v", got, want)
			}
		})
	}
}
