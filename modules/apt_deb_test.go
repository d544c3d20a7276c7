package modules

import (
	"context"
	"strings"
	"testing"
)

func TestAptDebCheck(t *testing.T) {
	installed := parseAptInstalled("ii \tlibc6\t2.36-9\t\t\t\n" +
		"ii \tmail-agent\t1.0\tmail-transport-agent, editor (= 2.0)\t\t\n" +
		"rc \tgone\t1.0\t\t\t\n" +
		"ii \told-tool\t1.0\t\t\tnew-tool (<< 2.0)\n" +
		"ii \tfoo\t1.5\t\t\t\n")
	tests := []struct {
		name                 string
		fields               map[string]string
		failure, unsupported string
	}{
		{name: "no architecture", fields: map[string]string{"Package": "x", "Version": "1"}, failure: "No Architecture field in the package"},
		{name: "wrong architecture", fields: map[string]string{"Package": "x", "Version": "1", "Architecture": "arm64"},
			failure: "Wrong architecture 'arm64' -- Run dpkg --add-architecture to add it and update afterwards"},
		{name: "later version", fields: map[string]string{"Package": "foo", "Version": "1.0", "Architecture": "all"}, failure: "A later version is already installed"},
		{name: "newer is fine", fields: map[string]string{"Package": "foo", "Version": "2.0", "Architecture": "amd64"}},
		{name: "deps installed", fields: map[string]string{"Package": "x", "Version": "1", "Architecture": "all",
			"Depends": "libc6 (>= 2.34), missing | mail-transport-agent, editor (>= 1.5)", "Pre-Depends": "libc6:any"}},
		{name: "a removed package is no dep", fields: map[string]string{"Package": "x", "Version": "1", "Architecture": "all", "Depends": "gone"},
			unsupported: `installing the missing dependency "gone" of a package file`},
		{name: "too old a dep", fields: map[string]string{"Package": "x", "Version": "1", "Architecture": "all", "Depends": "libc6 (>> 2.36-9)"},
			unsupported: `installing the missing dependency "libc6" of a package file`},
		{name: "own conflicts", fields: map[string]string{"Package": "x", "Version": "1", "Architecture": "all", "Conflicts": "y"},
			unsupported: "a package file with Conflicts"},
		{name: "broken by an installed one", fields: map[string]string{"Package": "new-tool", "Version": "1", "Architecture": "all"},
			unsupported: "a package file an installed package (old-tool) conflicts with or breaks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, u := aptDebCheck(aptDebFile{fields: tt.fields}, "amd64", installed)
			if f != tt.failure || u != tt.unsupported {
				t.Errorf("aptDebCheck = %q, %q; want %q, %q", f, u, tt.failure, tt.unsupported)
			}
		})
	}
}

func TestAptInstallDeb(t *testing.T) {
	const control = "Package: foo\nVersion: 1.1\nArchitecture: all\nDescription: x\n more"
	tests := []struct {
		name    string
		args    Args
		check   bool
		probe   map[string]any
		run     map[string]any
		wantCmd string
		want    map[string]any
	}{
		{name: "installs", args: Args{"deb": "/tmp/foo.deb"},
			probe:   map[string]any{"arch": "amd64", "foreign": "", "installed": "ii \tfoo\t1.0\t\t\t", "control.rc.0": "0", "control.0": control},
			run:     map[string]any{"rc": "0", "out": "Unpacking foo (1.1) over (1.0) ...\r\nSetting up foo (1.1) ..."},
			wantCmd: "dpkg --force-confdef --force-confold -i /tmp/foo.deb <",
			want:    map[string]any{"changed": true, "diff": map[string]any{"prepared": "Unpacking foo (1.1) over (1.0) ...\nSetting up foo (1.1) ..."}}},
		{name: "simulated", args: Args{"deb": "/tmp/foo.deb", "force": true}, check: true,
			probe:   map[string]any{"arch": "amd64", "installed": "", "control.rc.0": "0", "control.0": control},
			run:     map[string]any{"rc": "0"},
			wantCmd: "--force-confold --simulate --force-all -i /tmp/foo.deb", want: map[string]any{"changed": true}},
		{name: "the same version", args: Args{"deb": "/tmp/foo.deb"},
			probe: map[string]any{"arch": "amd64", "installed": "ii \tfoo\t1.1\t\t\t", "control.rc.0": "0", "control.0": control},
			want:  map[string]any{"changed": false, "stdout": "", "diff": ""}},
		{name: "dpkg fails", args: Args{"deb": "/tmp/foo.deb"},
			probe:   map[string]any{"arch": "amd64", "installed": "", "control.rc.0": "0", "control.0": control},
			run:     map[string]any{"rc": "1", "err": "dpkg: error"},
			wantCmd: "-i /tmp/foo.deb", want: map[string]any{"failed": true, "msg": "dpkg --force-confdef --force-confold -i /tmp/foo.deb failed"}},
		{name: "missing file", args: Args{"deb": "/tmp/none.deb"}, probe: map[string]any{"arch": "amd64", "missing.0": "1"},
			want: map[string]any{"failed": true, "msg": "Unable to install package: E:Could not open file /tmp/none.deb - open (2: No such file or directory)"}},
		{name: "state absent", args: Args{"deb": "/tmp/foo.deb", "state": "absent"}, want: map[string]any{"failed": true, "msg": "deb only supports state=present"}},
		{name: "a URL", args: Args{"deb": "http://127.0.1.254/x.deb"}, want: map[string]any{"failed": true}},
		{name: "multiarch", args: Args{"deb": "/tmp/foo.deb"}, probe: map[string]any{"arch": "amd64", "foreign": "i386 "}, want: map[string]any{"failed": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := map[string]any{"aptget": "/usr/bin/apt-get"}
			conn := &scriptedConn{replies: []string{formatRecords(base), formatRecords(tt.probe), formatRecords(tt.run)}}
			c := &Context{Ctx: context.Background(), Conn: conn, CheckMode: tt.check}
			r := execModule(t, c, "apt", tt.args)
			checkWant(t, r, tt.want)
			if tt.wantCmd != "" && (len(conn.cmds) != 3 || !strings.Contains(conn.cmds[2], tt.wantCmd)) {
				t.Errorf("commands %q, want the third to hold %q", conn.cmds, tt.wantCmd)
			}
		})
	}
}
