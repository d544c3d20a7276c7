package modules

import "testing"

func TestPamLimitsEdit(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		edit          pamEdit
		want, msg     string
		changed       bool
	}{
		{"new line in an empty file", "", pamEdit{domain: "*", typ: "soft", item: "nofile", value: "5"},
			"*\tsoft\tnofile\t5\n", "*\tsoft\tnofile\t5\n", true},
		{"found, same value", "*  soft nofile 5\n", pamEdit{domain: "*", typ: "soft", item: "nofile", value: "5"},
			"*  soft nofile 5\n", "*  soft nofile 5\n", false},
		{"last line without a newline", "a b c\n# x", pamEdit{domain: "u", typ: "hard", item: "core", value: "0", comment: "c"},
			"a b c\n# xu\thard\tcore\t0\t#c\n", "u\thard\tcore\t0\t#c\n", true},
		{"use_max keeps unlimited", "u hard nproc -1\n", pamEdit{domain: "u", typ: "hard", item: "nproc", value: "9", useMax: true},
			"u hard nproc -1\n", "u hard nproc -1\n", false},
		{"use_min takes the smaller", "u hard nproc 20 #old\n", pamEdit{domain: "u", typ: "hard", item: "nproc", value: "9", useMin: true},
			"u\thard\tnproc\t9\t#old\n\n", "u\thard\tnproc\t9\t#old\n\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed, msg, err := tc.edit.apply(tc.content)
			if err != nil || got != tc.want || msg != tc.msg || changed != tc.changed {
				t.Errorf("apply = %q, %v, %q, %v; want %q, %v, %q", got, changed, msg, err, tc.want, tc.changed, tc.msg)
			}
		})
	}
}
