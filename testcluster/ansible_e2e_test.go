package testcluster

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/refenv"
)

// mesosExpectations is testdata/mesos-ansible.yaml.
type mesosExpectations struct {
	Runs  []map[string]Recap              `yaml:"runs"`
	Files map[string]map[string]yaml.Node `yaml:"files"`
}

// wantFile is the checked subset of a FileInfo; nil fields are not checked.
type wantFile struct {
	Type    *string `yaml:"type"`
	Mode    *string `yaml:"mode"`
	UID     *int    `yaml:"uid"`
	GID     *int    `yaml:"gid"`
	Content *string `yaml:"content"`
}

// TestAnsibleMesosBaseline runs real ansible-playbook twice on the adapted
// mesos repo and checks the recaps and files against what ansible-core 2.14
// is known to do. It takes minutes on a loaded machine:
//
//	GANSIBLE_E2E=1 go test -timeout 60m -run AnsibleMesos ./testcluster/
//
// With GANSIBLE_BASELINE_OUT=FILE it writes the runs (output, recap,
// snapshots) there as JSON.
func TestAnsibleMesosBaseline(t *testing.T) {
	needE2E(t)
	refenv.Require(t, "ansible-core", "python3-jinja2", "python3-yaml", "python3-passlib")
	var want mesosExpectations
	b, err := os.ReadFile("testdata/mesos-ansible.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}

	runs, err := RunAnsibleBaseline(context.Background(), t.TempDir(), t.TempDir(), len(want.Runs))
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("GANSIBLE_BASELINE_OUT"); out != "" {
		b, _ := json.MarshalIndent(runs, "", "  ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Error(err)
		}
	}

	for i, run := range runs {
		for _, host := range MesosHosts {
			group := "slaves"
			if strings.HasPrefix(host, "cent") {
				group = "masters"
			}
			if got, w := run.Recap[host], want.Runs[i][group]; got != w {
				t.Errorf("run %d: %s: recap %+v, want %+v", i+1, host, got, w)
			}
		}
	}

	first := runs[0].Snapshots
	for host, files := range want.Files {
		snap := first[host]
		for path, node := range files {
			if path == "gone" {
				var gone []string
				if err := node.Decode(&gone); err != nil {
					t.Fatal(err)
				}
				for _, p := range gone {
					if f, ok := snap[p]; ok && f.Type != "absent" {
						t.Errorf("%s: %s exists: %+v", host, p, f)
					}
				}
				continue
			}
			var w wantFile
			if err := node.Decode(&w); err != nil {
				t.Fatal(err)
			}
			got, ok := snap[path]
			if !ok {
				t.Errorf("%s: %s not changed", host, path)
				continue
			}
			check := func(field string, ok bool, gotV, wantV any) {
				if !ok {
					t.Errorf("%s: %s: %s %#v, want %#v", host, path, field, gotV, wantV)
				}
			}
			if w.Type != nil {
				check("type", got.Type == *w.Type, got.Type, *w.Type)
			}
			if w.Mode != nil {
				check("mode", got.Mode == *w.Mode, got.Mode, *w.Mode)
			}
			if w.UID != nil {
				check("uid", got.UID == *w.UID, got.UID, *w.UID)
			}
			if w.GID != nil {
				check("gid", got.GID == *w.GID, got.GID, *w.GID)
			}
			if w.Content != nil {
				check("content", got.Content == *w.Content, got.Content, *w.Content)
			}
		}
	}

	// The unarchived tree is root's throughout (owner=0 group=0 applies to
	// the whole tree, though the tarball says 1000:1000).
	for path, f := range first["cent02.lab.hdlocal"] {
		if strings.HasPrefix(path, "/etc/zookeeper-3.4.6") && (f.UID != 0 || f.GID != 0) {
			t.Errorf("cent02: %s owned %d:%d, want 0:0", path, f.UID, f.GID)
		}
	}
}
