package modules

import (
	"context"
	"strings"
	"testing"
)

func TestDebVersionCompare(t *testing.T) {
	// Orders as dpkg --compare-versions gives them.
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.0", "1.1", -1},
		{"1.10", "1.9", 1},
		{"1.0~rc1", "1.0", -1},
		{"1.0", "1.0-1", -1},
		{"1:0.9", "2.0", 1},
		{"2.0-1", "2.0-1+deb12u1", -1},
		{"1.0a", "1.0+", -1},
		{"1.0-10", "1.0-9", 1},
		{"0:1.0", "1.0", 0},
	}
	for _, tt := range tests {
		got := debVersionCompare(tt.a, tt.b)
		if (got < 0) != (tt.want < 0) || (got > 0) != (tt.want > 0) {
			t.Errorf("debVersionCompare(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestAptSplit(t *testing.T) {
	tests := []struct{ spec, name, cmp, version string }{
		{"foo", "foo", "", ""},
		{"foo=1.0", "foo", "=", "1.0"},
		{"foo>=1.0", "foo", ">=", "1.0"},
		{"foo=1.*", "foo", "=", "1.*"},
	}
	for _, tt := range tests {
		n, c, v := aptSplit(tt.spec)
		if n != tt.name || c != tt.cmp || v != tt.version {
			t.Errorf("aptSplit(%q) = %q %q %q, want %q %q %q", tt.spec, n, c, v, tt.name, tt.cmp, tt.version)
		}
	}
}

func TestAptPrepared(t *testing.T) {
	out := "Reading package lists...\nBuilding dependency tree...\nReading state information...\n" +
		"The following NEW packages will be installed:\n  foo\n0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.\nInst foo (1.0 x [all])\n"
	want := "The following NEW packages will be installed:\n  foo\n0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded."
	if got := aptPrepared(out); got != want {
		t.Errorf("aptPrepared = %q, want %q", got, want)
	}
	// Without the markers, everything.
	if got := aptPrepared("a\nb\n"); got != "a\nb" {
		t.Errorf("aptPrepared without markers = %q", got)
	}
}

func TestAptSuggestFilename(t *testing.T) {
	// File names apt_repository 2.14 makes.
	tests := []struct{ line, filename, want string }{
		{"deb http://dl.google.com/linux/chrome/deb/ stable main", "", "dl_google_com_linux_chrome_deb.list"},
		{"deb [trusted=yes] http://127.0.2.1/apt gansible main", "", "127_0_2_1_apt.list"},
		{"deb http://user:pw@host.example/debian bookworm main", "", "host_example_debian.list"},
		{"deb http://x/ y z", "mine", "mine.list"},
	}
	for _, tt := range tests {
		if got := aptSuggestFilename(tt.line, tt.filename); got != tt.want {
			t.Errorf("aptSuggestFilename(%q, %q) = %q, want %q", tt.line, tt.filename, got, tt.want)
		}
	}
}

func TestParseAptSourceLine(t *testing.T) {
	tests := []struct {
		line string
		want aptSourceLine
		out  string
	}{
		{"deb   http://a b  c # note", aptSourceLine{valid: true, enabled: true, source: "deb http://a b c", comment: "note"}, "deb http://a b c # note\n"},
		{"#deb http://a b c", aptSourceLine{valid: true, source: "deb http://a b c"}, "# deb http://a b c\n"},
		{"# a comment", aptSourceLine{source: "a comment"}, "# a comment\n"},
		{"", aptSourceLine{enabled: true}, "\n"},
	}
	for _, tt := range tests {
		got := parseAptSourceLine(tt.line)
		if got != tt.want || got.String() != tt.out {
			t.Errorf("parseAptSourceLine(%q) = %+v %q, want %+v %q", tt.line, got, got.String(), tt.want, tt.out)
		}
	}
}

func TestParseKeyID(t *testing.T) {
	tests := []struct {
		id, short, fp, full string
		ok                  bool
	}{
		{"8E935D3F", "8E935D3F", "8E935D3F", "8E935D3F", true},
		{"0x32d98fb0616d0232", "616D0232", "32D98FB0616D0232", "32D98FB0616D0232", true},
		{"027E49AF739328C33333E439A4C7BEB68E935D3F", "8E935D3F", "A4C7BEB68E935D3F", "027E49AF739328C33333E439A4C7BEB68E935D3F", true},
		{"0123456789", "", "", "", false},
		{"NOTAKEYID", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tt := range tests {
		s, f, full, ok := parseKeyID(tt.id)
		if s != tt.short || f != tt.fp || full != tt.full || ok != tt.ok {
			t.Errorf("parseKeyID(%q) = %q %q %q %v, want %q %q %q %v", tt.id, s, f, full, ok, tt.short, tt.fp, tt.full, tt.ok)
		}
	}
}

func TestParseKeyOutput(t *testing.T) {
	out := "/etc/apt/trusted.gpg.d/x.gpg\n----\npub   ed25519/32D98FB0616D0232 2026-12-02 [SC]\nuid  [ unknown] x\n" +
		"pub:-:255:22:A4C7BEB68E935D3F:1796195930:::-:\npub   rsa2048/0000000011111111 2010-01-01 [SC] [expired: 2011-01-01]\n"
	got := parseKeyOutput(out, false)
	if len(got) != 2 || got[0] != "32D98FB0616D0232" || got[1] != "A4C7BEB68E935D3F" {
		t.Errorf("parseKeyOutput = %q", got)
	}
	if got := parseKeyOutput(out, true); len(got) != 2 || got[0] != "616D0232" {
		t.Errorf("parseKeyOutput short = %q", got)
	}
}

func TestAptUpgrade(t *testing.T) {
	const zero = "Reading package lists...\nCalculating upgrade...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."
	const one = "Calculating upgrade...\nThe following packages will be upgraded:\n  foo\n1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."
	tests := []struct {
		name     string
		args     Args
		check    bool
		probe    map[string]any
		run      map[string]any
		wantCmd  string // what the apt-get command line holds
		want     map[string]any
		noSecond bool
	}{
		{name: "yes with apt-get", args: Args{"upgrade": "yes"}, probe: map[string]any{"aptget": "/usr/bin/apt-get"},
			run:     map[string]any{"rc": "0", "out": one},
			wantCmd: "apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold upgrade --with-new-pkgs <",
			want:    map[string]any{"changed": true, "msg": one + "\n"}},
		{name: "nothing to do", args: Args{"upgrade": "safe"}, probe: map[string]any{"aptget": "/usr/bin/apt-get"},
			run:     map[string]any{"rc": "0", "out": zero},
			wantCmd: "upgrade --with-new-pkgs <", want: map[string]any{"changed": false, "msg": zero + "\n"}},
		{name: "dist in check mode", args: Args{"upgrade": "dist", "autoremove": true}, check: true, probe: map[string]any{"aptget": "/usr/bin/apt-get"},
			run:     map[string]any{"rc": "0", "out": one},
			wantCmd: "--simulate dist-upgrade --auto-remove <", want: map[string]any{"changed": true}},
		{name: "a failure", args: Args{"upgrade": "full"}, probe: map[string]any{"aptget": "/usr/bin/apt-get"},
			run:     map[string]any{"rc": "100", "out": "x", "err": "E: broken"},
			wantCmd: "dist-upgrade <", want: map[string]any{"failed": true, "msg": "'apt-get dist-upgrade ' failed: E: broken\n", "rc": 100}},
		{name: "aptitude is not driven", args: Args{"upgrade": "yes"}, probe: map[string]any{"aptget": "/usr/bin/apt-get", "aptitude": "1"},
			noSecond: true, want: map[string]any{"failed": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := &scriptedConn{replies: []string{formatRecords(tt.probe), formatRecords(tt.run)}}
			c := &Context{Ctx: context.Background(), Conn: conn, CheckMode: tt.check}
			r := execModule(t, c, "apt", tt.args)
			checkWant(t, r, tt.want)
			if tt.noSecond {
				if len(conn.cmds) != 1 {
					t.Errorf("%d commands run, want the probe only", len(conn.cmds))
				}
				return
			}
			if len(conn.cmds) != 2 || !strings.Contains(conn.cmds[1], tt.wantCmd) {
				t.Errorf("commands %q, want the second to hold %q", conn.cmds, tt.wantCmd)
			}
		})
	}
}

func TestAptBuildDep(t *testing.T) {
	const zero = "Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."
	tests := []struct {
		name    string
		args    Args
		check   bool
		run     map[string]any
		wantCmd string
		want    map[string]any
	}{
		{name: "installs", args: Args{"name": "src", "state": "build-dep", "autoremove": true},
			run:     map[string]any{"rc": "0", "out": "Setting up lib (1.0) ..."},
			wantCmd: "apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold build-dep -- src <",
			want:    map[string]any{"changed": true}},
		{name: "nothing to do", args: Args{"name": "src", "state": "build-dep"}, run: map[string]any{"rc": "0", "out": zero},
			wantCmd: "build-dep -- src", want: map[string]any{"changed": false}},
		{name: "fails", args: Args{"name": "src", "state": "build-dep"}, check: true, run: map[string]any{"rc": "100", "err": "E: none"},
			wantCmd: "--simulate build-dep -- src",
			want: map[string]any{"failed": true, "rc": 100,
				"msg": `'/usr/bin/apt-get -y -o "Dpkg::Options::=--force-confdef" -o "Dpkg::Options::=--force-confold"     --simulate build-dep 'src'' failed: E: none` + "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := &scriptedConn{replies: []string{formatRecords(map[string]any{"aptget": "/usr/bin/apt-get"}), formatRecords(tt.run)}}
			c := &Context{Ctx: context.Background(), Conn: conn, CheckMode: tt.check}
			r := execModule(t, c, "apt", tt.args)
			checkWant(t, r, tt.want)
			if len(conn.cmds) != 2 || !strings.Contains(conn.cmds[1], tt.wantCmd) || strings.Contains(conn.cmds[1], "apt-mark") {
				t.Errorf("commands %q, want the second to hold %q and mark nothing", conn.cmds, tt.wantCmd)
			}
		})
	}
}
