package difftest

import (
	"os"
	"reflect"
	"testing"
)

func TestParseRecap(t *testing.T) {
	data, err := os.ReadFile("testdata/unit/recap.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := ParseRecap(string(data))
	want := Recap{
		"h1":             {"ok": 2, "changed": 1, "unreachable": 0, "failed": 0, "skipped": 3, "rescued": 0, "ignored": 1},
		"h2.example.com": {"ok": 1, "changed": 0, "unreachable": 0, "failed": 1, "skipped": 0, "rescued": 1, "ignored": 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseRecap = %v, want %v", got, want)
	}
	if r := ParseRecap("ERROR! no recap here\n"); r != nil {
		t.Errorf("ParseRecap without a recap = %v, want nil", r)
	}
}

func TestDiffRecap(t *testing.T) {
	base := Recap{"h1": {"ok": 2, "changed": 1}}
	tests := []struct {
		name string
		got  Recap
		want int // number of differences
	}{
		{"equal", Recap{"h1": {"ok": 2, "changed": 1, "failed": 0}}, 0},
		{"counter differs", Recap{"h1": {"ok": 3, "changed": 1}}, 1},
		{"missing host", Recap{}, 1},
		{"extra host", Recap{"h1": {"ok": 2, "changed": 1}, "h2": {}}, 1},
		{"no recap at all", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diffs := DiffRecap(base, tt.got); len(diffs) != tt.want {
				t.Errorf("DiffRecap gave %d differences %q, want %d", len(diffs), diffs, tt.want)
			}
		})
	}
}
