package modules

import (
	"reflect"
	"testing"
)

// The lines are systemctl's and initctl's own output; the expectations
// are what ansible-core 2.14's service_facts makes of them.
func TestParseSystemdUnits(t *testing.T) {
	out := `  UNIT                    LOAD      ACTIVE   SUB     DESCRIPTION
  cron.service            loaded    active   running Regular background program processing daemon
● foo.service             not-found inactive dead    foo.service
● bar.service             masked    inactive dead    bar.service
  ssh.service             loaded    inactive dead    OpenBSD Secure Shell server

LOAD   = Reflects whether the unit definition was properly loaded.
4 loaded units listed.`
	units := map[string]map[string]any{}
	if err := parseSystemdUnits(out, units); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"cron.service": {"name": "cron.service", "state": "running", "status": "active", "source": "systemd"},
		"foo.service":  {"name": "foo.service", "state": "stopped", "status": "not-found", "source": "systemd"},
		"bar.service":  {"name": "bar.service", "state": "stopped", "status": "masked", "source": "systemd"},
		"ssh.service":  {"name": "ssh.service", "state": "stopped", "status": "inactive", "source": "systemd"},
	}
	if !reflect.DeepEqual(units, want) {
		t.Errorf("units = %v, want %v", units, want)
	}
}

func TestServiceListingLines(t *testing.T) {
	for _, tc := range []struct {
		line              string
		name, goal, state string
	}{
		{"hostdiff-job start/running, process 1234", "hostdiff-job", "start", "running"},
		{"tty (/dev/tty1) start/running, process 1500", "tty (/dev/tty1)", "start", "running"},
		{"rc stop/waiting", "rc", "stop", "waiting"},
	} {
		m := upstartLine.FindStringSubmatch(tc.line)
		if m == nil || m[1] != tc.name || m[2] != tc.goal || m[3] != tc.state {
			t.Errorf("%q: got %q", tc.line, m)
		}
	}
	m := chkconfigLine.FindStringSubmatch("hostdiffd      \t0:off\t1:off\t2:on\t3:on\t4:on\t5:on\t6:off")
	if m == nil || m[1] != "hostdiffd" || m[5] != "on" {
		t.Errorf("chkconfig line: %q", m)
	}
	if got := sysvStatusLine.FindAllStringSubmatch(" [ + ]  cron\n [ - ]  ssh\n [ ? ]  x\n", -1); len(got) != 2 || got[0][2] != "cron" || got[1][1] != "-" {
		t.Errorf("service --status-all: %q", got)
	}
}
