// Tests of the bundled Mesos + ZooKeeper playbook: that it loads, and
// that its inventory describes a ZooKeeper ensemble that can elect a
// leader.
package playbooks_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/runner"
)

func TestSiteLoads(t *testing.T) {
	var warnings []string
	l := &playbook.Loader{IsAction: runner.IsAction, Warn: func(m string) { warnings = append(warnings, m) }}
	pb, err := l.LoadPlaybook("site.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("the bundled playbook should use no deprecated syntax; warnings:\n%s", strings.Join(warnings, "\n"))
	}
	if len(pb.Plays) != 1 {
		t.Fatalf("got %d plays, want 1", len(pb.Plays))
	}
	p := pb.Plays[0]
	if len(p.Roles) == 0 || len(p.Handlers) == 0 {
		t.Errorf("play %q: got %d roles and %d handlers, want the mesos role with its handlers", p.Name, len(p.Roles), len(p.Handlers))
	}
}

func TestEnsembleInventories(t *testing.T) {
	tests := []struct {
		inventory string
		wantErr   string // substring; "" for a good ensemble
	}{
		{"hosts.ini", ""},
		{"testdata/five-masters.ini", ""},
		{"testdata/even-masters.ini", "odd number"},
		{"testdata/duplicate-id.ini", "zk_id 2 of m3 is also"},
		{"testdata/bad-id.ini", "zk_id of m2"},
		{"testdata/missing-ip.ini", "no ip"},
		{"testdata/master-is-slave.ini", "both a master and a slave"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.inventory), func(t *testing.T) {
			err := checkEnsemble(tt.inventory)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want a good ensemble", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// checkEnsemble checks what the role assumes of an inventory: an odd
// number of masters, at least three, each with a unique ZooKeeper id from
// 1 to 255; an address (ip) for every node; no host both master and slave.
func checkEnsemble(path string) error {
	inv, err := inventory.Load([]string{path})
	if err != nil {
		return err
	}
	masters, err := inv.Match("masters")
	if err != nil {
		return err
	}
	slaves, err := inv.Match("slaves")
	if err != nil {
		return err
	}
	if n := len(masters); n < 3 || n%2 == 0 {
		return fmt.Errorf("%s: %d masters; an ensemble needs an odd number, at least 3", path, n)
	}
	if len(slaves) == 0 {
		return fmt.Errorf("%s: no slaves", path)
	}
	ids := map[int]string{}
	for _, h := range masters {
		id, err := strconv.Atoi(fmt.Sprint(inv.HostVars(h)["zk_id"]))
		if err != nil || id < 1 || id > 255 {
			return fmt.Errorf("%s: zk_id of %s is %v, want 1 to 255", path, h.Name, inv.HostVars(h)["zk_id"])
		}
		if other, dup := ids[id]; dup {
			return fmt.Errorf("%s: zk_id %d of %s is also %s's", path, id, h.Name, other)
		}
		ids[id] = h.Name
	}
	isMaster := map[string]bool{}
	for _, h := range masters {
		isMaster[h.Name] = true
	}
	for _, h := range append(masters, slaves...) {
		if ip, _ := inv.HostVars(h)["ip"].(string); ip == "" {
			return fmt.Errorf("%s: %s has no ip", path, h.Name)
		}
	}
	for _, h := range slaves {
		if isMaster[h.Name] {
			return fmt.Errorf("%s: %s is both a master and a slave", path, h.Name)
		}
	}
	return nil
}
