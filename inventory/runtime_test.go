package inventory

import (
	"reflect"
	"testing"
)

// TestDynamicChanges checks add_host and group_by changes: what they
// report as changed, and the groups and group_names that follow.
func TestDynamicChanges(t *testing.T) {
	steps := []struct {
		name    string
		apply   func(inv *Inventory) (bool, error)
		changed bool
		groups  map[string][]string // groups checked after the step
		names   map[string][]string // group_names checked after the step
	}{
		{"new host in new groups", func(inv *Inventory) (bool, error) {
			return inv.AddDynamicHost("n1", []string{"web", "db"}, map[string]any{"x": 1}), nil
		}, true, map[string][]string{"web": {"n1"}, "db": {"n1"}, "ungrouped": {"a"}}, map[string][]string{"n1": {"db", "web"}}},
		{"same host again", func(inv *Inventory) (bool, error) {
			return inv.AddDynamicHost("n1", []string{"web"}, map[string]any{"x": 1}), nil
		}, false, nil, nil},
		{"same host, new var", func(inv *Inventory) (bool, error) {
			return inv.AddDynamicHost("n1", nil, map[string]any{"x": 2}), nil
		}, true, nil, nil},
		{"host in no group is ungrouped", func(inv *Inventory) (bool, error) {
			return inv.AddDynamicHost("n2", nil, nil), nil
		}, true, map[string][]string{"ungrouped": {"a", "n2"}}, map[string][]string{"n2": {"ungrouped"}}},
		{"group_by with a parent", func(inv *Inventory) (bool, error) {
			return inv.AddDynamicGroup("a", "color_red", []string{"colors"})
		}, true, map[string][]string{"colors": {"a"}, "color_red": {"a"}, "ungrouped": {"n2"}}, map[string][]string{"a": {"color_red", "colors"}}},
		{"group_by again", func(inv *Inventory) (bool, error) {
			return inv.AddDynamicGroup("a", "color_red", []string{"colors"})
		}, false, nil, nil},
		{"group_by of an unknown host", func(inv *Inventory) (bool, error) {
			return inv.AddDynamicGroup("nobody", "g", []string{"all"})
		}, false, nil, nil},
	}
	inv, err := Load([]string{"a,"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		changed, err := s.apply(inv)
		if s.name == "group_by of an unknown host" {
			if err == nil {
				t.Errorf("%s: no error", s.name)
			}
			continue
		}
		if err != nil || changed != s.changed {
			t.Errorf("%s: changed %v, err %v; want changed %v", s.name, changed, err, s.changed)
		}
		gm := inv.GroupsMap()
		for g, want := range s.groups {
			got, _ := gm.Get(g)
			wantList := make([]any, len(want))
			for i, h := range want {
				wantList[i] = h
			}
			if !reflect.DeepEqual(got, wantList) {
				t.Errorf("%s: groups[%s] = %v, want %v", s.name, g, got, want)
			}
		}
		for hn, want := range s.names {
			h, _ := inv.Host(hn)
			if got := inv.GroupNames(h); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: group_names of %s = %v, want %v", s.name, hn, got, want)
			}
		}
	}
}
