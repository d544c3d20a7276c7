package template

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// TestAgainstAnsible renders every rendering case with ansible-core's
// Templar and checks that it agrees with the expectations in testdata.
// It needs ansible-core for /usr/bin/python3, so it runs only with
// GANSIBLE_E2E=1.
func TestAgainstAnsible(t *testing.T) {
	if os.Getenv("GANSIBLE_E2E") != "1" {
		t.Skip("set GANSIBLE_E2E=1 to compare with ansible-core")
	}
	refenv.Require(t, "ansible-core", "python3-jinja2", "python3-yaml", "python3-passlib")
	// Cases for features Ansible's default environment lacks.
	extensions := map[string]bool{"legacy test filters": true}
	// Files whose expected errors are Ansible's own words.
	ansibleErrors := map[string]bool{"testdata/library.yaml": true}
	for _, file := range renderFiles {
		cases := loadCases(t, file)
		in, err := json.Marshal(cases)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("/usr/bin/python3", "testdata/ansible_render.py")
		cmd.Stdin = bytes.NewReader(in)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ansible_render.py: %v\n%s", err, stderr.String())
		}
		var results []struct {
			Out   *string `json:"out"`
			Error string  `json:"error"`
		}
		if err := json.Unmarshal(out, &results); err != nil {
			t.Fatal(err)
		}
		for i, c := range cases {
			if extensions[c.Name] {
				continue
			}
			r := results[i]
			switch {
			case c.Error != "" && r.Error == "":
				t.Errorf("%s: %s: Ansible renders %q, the case expects an error", file, c.Name, *r.Out)
			case c.Error != "" && ansibleErrors[file] && !strings.Contains(r.Error, c.Error):
				t.Errorf("%s: %s: Ansible's error %q does not contain the case's %q", file, c.Name, r.Error, c.Error)
			case c.Error == "" && r.Error != "":
				t.Errorf("%s: %s: Ansible fails: %s", file, c.Name, r.Error)
			case c.Error == "" && *r.Out != *c.Want:
				t.Errorf("%s: %s: Ansible renders %q, the case expects %q", file, c.Name, *r.Out, *c.Want)
			}
		}
	}
}
