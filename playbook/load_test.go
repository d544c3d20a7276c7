package playbook

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

func mesosRepo(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../shared/mesos-ansible")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "site.yml")); err != nil {
		refenv.Unavailable(t, "shared/mesos-ansible not present beside the repository")
	}
	return dir
}

func TestLoadMesosRepo(t *testing.T) {
	dir := mesosRepo(t)
	var warnings []string
	l := &Loader{Warn: func(m string) { warnings = append(warnings, m) }}
	pb, err := l.LoadPlaybook(filepath.Join(dir, "site.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pb.Plays) != 1 {
		t.Fatalf("got %d plays, want 1", len(pb.Plays))
	}
	p := pb.Plays[0]
	if p.Hosts != "all" || p.Become == nil || !*p.Become {
		t.Errorf("play hosts=%q become=%v", p.Hosts, p.Become)
	}
	if len(p.Roles) != 1 || p.Roles[0].Role.Name != "mesos" {
		t.Fatalf("roles: %+v", p.Roles)
	}
	tasks := p.Roles[0].Block
	if len(tasks) != 20 {
		t.Errorf("got %d role tasks, want 20", len(tasks))
	}
	first := tasks[0]
	if first.Action != "copy" || first.Args["src"] != "{{mesos_rpm}}" || first.Args["dest"] != "/tmp" {
		t.Errorf("first task: %s %v", first.Action, first.Args)
	}
	if got := first.DisplayName(); got != "mesos : copy mesos-0.21.0-1.0.rpm" {
		t.Errorf("display name %q", got)
	}
	if !strings.HasSuffix(first.Pos.String(), "roles/mesos/tasks/main.yml:6:3") {
		t.Errorf("position %s", first.Pos)
	}
	if len(p.Handlers) != 3 || p.Handlers[1].Name != "start zookeeper" {
		t.Errorf("handlers: %d", len(p.Handlers))
	}
	if len(warnings) < 2 {
		t.Errorf("expected deprecation warnings for include: and sudo:, got %q", warnings)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, want string }{
		{"bad_yaml.yml", "bad_yaml.yml:4:6: We were unable to read either as JSON nor YAML"},
		{"unknown_module.yml", "unknown_module.yml:4:7: couldn't resolve module/action 'no_such_module'"},
		{"missing_role.yml", "missing_role.yml:3:7: the role 'nope' was not found"},
		{"bad_play_key.yml", "bad_play_key.yml:2:3: 'bogus' is not a valid attribute for a Play"},
		{"two_actions.yml", "two_actions.yml:3:7: conflicting action statements: command, shell"},
		{"loop_control_bogus.yml", "loop_control_bogus.yml:6:21: 'bogus' is not a valid attribute for a LoopControl"},
		{"import_self/site.yml", "import_self/t.yml:2:3: maximum recursion depth exceeded: import loop testdata/import_self/t.yml -> testdata/import_self/t.yml"},
		{"import_mutual/site.yml", "import_mutual/b.yml:2:3: maximum recursion depth exceeded: import loop testdata/import_mutual/a.yml -> testdata/import_mutual/b.yml -> testdata/import_mutual/a.yml"},
		{"import_role_self/site.yml", "roles/r/tasks/main.yml:2:3: maximum recursion depth exceeded"},
		{"playbook_self.yml", "playbook_self.yml:1:3: maximum recursion depth exceeded"},
		{"role_cycle/site.yml", "roles/b/meta/main.yml:2:5: A recursion loop was detected with the roles specified"},
		{"empty.yml", "Empty playbook, nothing to do: /"},
		{"empty_list.yml", "empty_list.yml:1:1: A playbook must contain at least one play: /"},
		{"two_documents.yml", "two_documents.yml:3:1: We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: Expecting value: line 1 column 1 (char 0)\n\nSyntax Error while loading YAML.\n  but found another document"},
		{"unclosed_jinja.yml", `unclosed_jinja.yml:3:14: failed at splitting arguments, either an unbalanced jinja2 block or quotes: msg="{{ foo"`},
	}
	l := &Loader{IsAction: func(n string) bool { return n != "no_such_module" }}
	for _, tt := range tests {
		_, err := l.LoadPlaybook(filepath.Join("testdata", tt.name))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

// TestLoadLoopErrorKinds checks the error types that decide the exit code:
// an import loop is ansible-playbook's recursion failure (250), a role
// dependency loop a general error (1).
func TestLoadLoopErrorKinds(t *testing.T) {
	tests := []struct {
		name      string
		recursion bool
	}{
		{"import_self/site.yml", true},
		{"import_mutual/site.yml", true},
		{"playbook_self.yml", true},
		{"role_cycle/site.yml", false},
	}
	l := &Loader{IsAction: func(string) bool { return true }}
	for _, tt := range tests {
		_, err := l.LoadPlaybook(filepath.Join("testdata", tt.name))
		var rec *RecursionError
		var gen *GeneralError
		if got := errors.As(err, &rec); got != tt.recursion {
			t.Errorf("%s: %T %v, RecursionError=%v want %v", tt.name, err, err, got, tt.recursion)
		}
		if !tt.recursion && !errors.As(err, &gen) {
			t.Errorf("%s: %T %v, want a GeneralError", tt.name, err, err)
		}
	}
}
