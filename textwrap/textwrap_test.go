package textwrap

import "testing"

// The expected lines are Python 3.11's textwrap.fill(msg, 79), which
// Ansible's display applies to warnings.
func TestFillAsAnsibleDisplay(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"[WARNING]: Unable to parse /work/wt-inv/inventory/testdata/cases/multi/missing/hosts as an inventory source", "[WARNING]: Unable to parse /work/wt-\ninv/inventory/testdata/cases/multi/missing/hosts as an inventory source\n"},
		{"[WARNING]: A duplicate localhost-like entry was found (127.0.0.1). First found localhost was localhost", "[WARNING]: A duplicate localhost-like entry was found (127.0.0.1). First found\nlocalhost was localhost\n"},
		{"[WARNING]: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "[WARNING]: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
		{"[WARNING]: short", "[WARNING]: short\n"},
		{"[WARNING]: a-b-c-d e-f well-known self-evident co-op x-ray 12-34 ab-12 [WARNING]: a-b-c-d e-f well-known self-evident co-op x-ray 12-34 ab-12 [WARNING]: a-b-c-d e-f well-known self-evident co-op x-ray 12-34 ab-12 ", "[WARNING]: a-b-c-d e-f well-known self-evident co-op x-ray 12-34 ab-12\n[WARNING]: a-b-c-d e-f well-known self-evident co-op x-ray 12-34 ab-12\n[WARNING]: a-b-c-d e-f well-known self-evident co-op x-ray 12-34 ab-12\n"},
		{"[WARNING]: /very/long/path-with-hyphens//very/long/path-with-hyphens//very/long/path-with-hyphens//very/long/path-with-hyphens//very/long/path-with-hyphens//very/long/path-with-hyphens/ end", "[WARNING]: /very/long/path-with-hyphens//very/long/path-with-\nhyphens//very/long/path-with-hyphens//very/long/path-with-\nhyphens//very/long/path-with-hyphens//very/long/path-with-hyphens/ end\n"},
		{"[WARNING]:    many   spaces    between     words [WARNING]:    many   spaces    between     words [WARNING]:    many   spaces    between     words [WARNING]:    many   spaces    between     words ", "[WARNING]:    many   spaces    between     words [WARNING]:    many   spaces\nbetween     words [WARNING]:    many   spaces    between     words [WARNING]:\nmany   spaces    between     words\n"},
		{"[WARNING]: tab\there and\nnewline word word word word word word word word word word word word word word word word word word word word ", "[WARNING]: tab  here and newline word word word word word word word word word\nword word word word word word word word word word word\n"},
		{"[WARNING]: Could not match supplied host pattern, ignoring: nope-nope-nopenope-nope-nopenope-nope-nopenope-nope-nopenope-nope-nope", "[WARNING]: Could not match supplied host pattern, ignoring: nope-nope-nopenope-\nnope-nopenope-nope-nopenope-nope-nopenope-nope-nope\n"},
	}
	for _, tt := range tests {
		if got := Fill(tt.msg, 79) + "\n"; got != tt.want {
			t.Errorf("Fill(%q, 79):\ngot  %q\nwant %q", tt.msg, got, tt.want)
		}
	}
}
