package output

import (
	"encoding/json"
	"io"
	"os"
	"testing"

	"github.com/gansible/gansible/value"
)

// TestYAMLResultsMatchCallback replays testdata/yaml_results_in.json
// against the yaml callback's _dump_results at verbosity 0 and 3, as
// recorded by testdata/gen_yaml_results.py.
func TestYAMLResultsMatchCallback(t *testing.T) {
	data, err := os.ReadFile("testdata/yaml_results_in.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := value.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	data, err = os.ReadFile("testdata/yaml_results.json")
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	results := in.([]any)
	if len(results) != len(want) {
		t.Fatalf("%d results, %d recorded: run testdata/gen_yaml_results.py", len(results), len(want))
	}
	for i, r := range results {
		for j, verbosity := range []int{0, 3} {
			d := NewYAML(io.Discard, io.Discard, false, verbosity)
			got := d.dump(r.(*value.Dict).Map(), 0)
			if got != want[i][j] {
				t.Errorf("result %d at verbosity %d: %s\n got %q\nwant %q", i, verbosity, value.Repr(r), got, want[i][j])
			}
		}
	}
}
