package modules

import (
	"context"
	"reflect"
	"testing"
)

// What ansible-core 2.14's debconf returns for a package's answers as
// debconf-show prints them (check mode: only the one look at the host).
func TestDebconfResult(t *testing.T) {
	show := "* tzdata/Areas: Etc\n  tzdata/Zones/Etc: UTC\n  tzdata/Zones/Europe:\n"
	probe := formatRecords(map[string]any{"rc": "0", "out": show, "err": ""})
	for _, tc := range []struct {
		name     string
		args     Args
		changed  bool
		current  map[string]any
		previous map[string]any
	}{
		{name: "same", args: Args{"name": "tzdata", "question": "tzdata/Areas", "vtype": "select", "value": "Etc"},
			current: map[string]any{"tzdata/Areas": "Etc", "tzdata/Zones/Etc": "UTC", "tzdata/Zones/Europe": ""}},
		{name: "other", args: Args{"name": "tzdata", "question": "tzdata/Areas", "vtype": "select", "value": "Europe"},
			changed: true, current: map[string]any{"tzdata/Areas": "Europe"}, previous: map[string]any{"tzdata/Areas": "Etc"}},
		// A new question: previous is every answer, the question's as "".
		{name: "new", args: Args{"name": "tzdata", "question": "x/flag", "vtype": "boolean", "value": true},
			changed: true, current: map[string]any{"x/flag": "True"},
			previous: map[string]any{"tzdata/Areas": "Etc", "tzdata/Zones/Etc": "UTC", "tzdata/Zones/Europe": "", "x/flag": ""}},
		{name: "no question", args: Args{"name": "tzdata"},
			current: map[string]any{"tzdata/Areas": "Etc", "tzdata/Zones/Etc": "UTC", "tzdata/Zones/Europe": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := &scriptedConn{replies: []string{probe}}
			c := &Context{Ctx: context.Background(), Conn: conn, Host: "h", CheckMode: true}
			res := runModule(t, c, "debconf", tc.args)
			if res.Failed || res.Changed != tc.changed {
				t.Fatalf("failed=%v changed=%v msg=%q", res.Failed, res.Changed, res.Msg)
			}
			if got := res.Fields["current"]; !reflect.DeepEqual(got, tc.current) {
				t.Errorf("current = %v, want %v", got, tc.current)
			}
			if got, _ := res.Fields["previous"].(map[string]any); tc.previous != nil && !reflect.DeepEqual(got, tc.previous) {
				t.Errorf("previous = %v, want %v", got, tc.previous)
			}
			if len(conn.cmds) != 1 {
				t.Errorf("%d commands, want 1", len(conn.cmds))
			}
		})
	}
}
