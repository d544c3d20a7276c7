package modules

import (
	"context"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"os"
)

type serviceCase struct {
	Name       string         `yaml:"name"`
	Check      bool           `yaml:"check"`
	Args       map[string]any `yaml:"args"`
	Probe      map[string]any `yaml:"probe"`
	Apply      []string       `yaml:"apply"`
	FailedStep map[string]any `yaml:"failed_step"`
	Want       map[string]any `yaml:"want"`
}

func TestService(t *testing.T) {
	data, err := os.ReadFile("testdata/service_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []serviceCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			conn := &scriptedConn{replies: []string{formatRecords(tc.Probe)}}
			if tc.FailedStep != nil {
				conn.replies = append(conn.replies, formatRecords(tc.FailedStep))
			}
			c := &Context{Ctx: context.Background(), Conn: conn, CheckMode: tc.Check}
			r := execModule(t, c, "service", Args(tc.Args))
			checkWant(t, r, tc.Want)
			switch {
			case len(tc.Apply) == 0 && len(conn.cmds) > 1:
				t.Errorf("unexpected change command:\n%s", conn.cmds[1])
			case len(tc.Apply) > 0 && len(conn.cmds) != 2:
				t.Fatalf("%d commands run, want probe and change", len(conn.cmds))
			case len(tc.Apply) > 0:
				rest := conn.cmds[1]
				for _, want := range tc.Apply {
					i := strings.Index(rest, want)
					if i < 0 {
						t.Fatalf("change command lacks %q (in order):\n%s", want, conn.cmds[1])
					}
					rest = rest[i+len(want):]
				}
			}
		})
	}
}

func TestServiceProbeRunsLocally(t *testing.T) {
	// The probe script must at least run here and name an init system.
	r := execModule(t, localContext(true), "service", Args{"name": "gansible-no-such-service", "state": "started"})
	if !r.Failed {
		t.Errorf("unknown service: %+v", r)
	}
}

func TestVersionLess(t *testing.T) {
	if !versionLess("0.6.5", "0.6.7") || versionLess("1.5", "0.6.7") || versionLess("0.6.7", "0.6.7") {
		t.Error("versionLess wrong")
	}
}

func TestServiceOnSystemdRunsTheSystemdModule(t *testing.T) {
	for _, tc := range []struct {
		state, active string
		want          string // the change command's verb and unit, "" for none
		changed       bool
	}{
		{"restarted", "active", "restart -- cron", true},
		{"reloaded", "active", "reload -- cron", true},
		{"stopped", "inactive", "", false},
		{"stopped", "active", "stop -- cron", true},
		{"started", "inactive", "start -- cron", true},
	} {
		conn := &scriptedConn{replies: []string{
			formatRecords(map[string]any{"manager": "systemd"}),
			formatRecords(map[string]any{"bin": "/usr/bin/systemctl", "done": "1"}),
			"Id=cron.service\nLoadState=loaded\nActiveState=" + tc.active + "\n",
		}}
		c := &Context{Ctx: context.Background(), Conn: conn}
		r := execModule(t, c, "service", Args{"name": "cron", "state": tc.state, "sleep": 1})
		wantState := "started"
		if tc.state == "stopped" {
			wantState = "stopped"
		}
		checkWant(t, r, map[string]any{"changed": tc.changed, "state": wantState,
			"warnings": []string{`Ignoring "sleep" as it is not used in "systemd"`}})
		switch {
		case tc.want == "" && len(conn.cmds) != 3:
			t.Errorf("%s on %s: commands after show: %q", tc.state, tc.active, conn.cmds[3:])
		case tc.want != "" && (len(conn.cmds) != 4 || !strings.HasSuffix(conn.cmds[3], "/usr/bin/systemctl "+tc.want)):
			t.Errorf("%s on %s: commands %q, want the last to end in %q", tc.state, tc.active, conn.cmds, tc.want)
		}
	}
}
