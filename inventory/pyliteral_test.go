package inventory

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// testdata/pyliteral_want.tsv holds INI values and what ansible-core makes
// of them, as JSON; testdata/pyliteral_oracle.py regenerates it from
// testdata/pyliteral_inputs.txt.
func TestINIValueMatchesPython(t *testing.T) {
	data, err := os.ReadFile("testdata/pyliteral_want.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		input, wantJSON, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("malformed line %q", line)
		}
		var want any
		if err := json.Unmarshal([]byte(wantJSON), &want); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		gotJSON, err := json.Marshal(iniValue(input))
		if err != nil {
			t.Fatalf("%q: %v", input, err)
		}
		var got any
		if err := json.Unmarshal(gotJSON, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("iniValue(%q) = %s, want %s", input, gotJSON, wantJSON)
		}
	}
}

func TestExpandHostRange(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "web", want: "web"},
		{in: "web[1:3]", want: "web1 web2 web3"},
		{in: "web[01:03].lab", want: "web01.lab web02.lab web03.lab"},
		{in: "db-[a:c]", want: "db-a db-b db-c"},
		{in: "n[0:6:2]", want: "n0 n2 n4 n6"},
		{in: "r[1:2]c[a:b]", want: "r1ca r1cb r2ca r2cb"},
		{in: "x[:2]", want: "x0 x1 x2"},
		{in: "x[01:3]", wantErr: true},
		{in: "x[1]", wantErr: true},
		{in: "x[c:a]", wantErr: true},
		{in: "h[0:99999999]", wantErr: true},
		{in: "h[0:99999999999999999999999]", wantErr: true},
		{in: "h[1:2000][1:1000]", wantErr: true},
		{in: "h[0:999999]", wantErr: false, want: ""},
	}
	for _, tt := range tests {
		got, err := expandHostRange(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("expandHostRange(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if tt.want == "" && !tt.wantErr {
			if len(got) != MaxRangeHosts {
				t.Errorf("expandHostRange(%q) gave %d hosts, want %d", tt.in, len(got), MaxRangeHosts)
			}
			continue
		}
		if !tt.wantErr && strings.Join(got, " ") != tt.want {
			t.Errorf("expandHostRange(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitHostPort(t *testing.T) {
	tests := []struct {
		in   string
		host string
		port int
	}{
		{"web1", "web1", 0},
		{"web1:2222", "web1", 2222},
		{"10.0.0.1:22", "10.0.0.1", 22},
		{"[::1]:2200", "::1", 2200},
		{"fe80::1", "fe80::1", 0},
		{"web[1:3]:22", "web[1:3]", 22},
		{"web[1:3]", "web[1:3]", 0},
		{"bad_:22", "bad_:22", 0},
	}
	for _, tt := range tests {
		host, port := splitHostPort(tt.in)
		if host != tt.host || port != tt.port {
			t.Errorf("splitHostPort(%q) = %q, %d; want %q, %d", tt.in, host, port, tt.host, tt.port)
		}
	}
}
