package modules

import "testing"

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
