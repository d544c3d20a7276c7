package runner

import "testing"

func TestPctToInt(t *testing.T) {
	tests := []struct {
		in      any
		total   int
		want    int
		wantErr string
	}{
		{in: 3, total: 10, want: 3},
		{in: true, total: 10, want: 1},
		{in: false, total: 10, want: 0},
		{in: 2.9, total: 10, want: 2},
		{in: " 4 ", total: 10, want: 4},
		{in: "30%", total: 10, want: 3},
		{in: "1%", total: 10, want: 1},
		{in: "0%", total: 10, want: 1},
		{in: "abc", total: 10, wantErr: "invalid literal for int() with base 10: 'abc'"},
		{in: "2.5%", total: 10, wantErr: "invalid literal for int() with base 10: '2.5'"},
		{in: nil, total: 10, wantErr: "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"},
	}
	for _, tt := range tests {
		got, err := pctToInt(tt.in, tt.total)
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("pctToInt(%#v) error = %v, want %q", tt.in, err, tt.wantErr)
			}
		case err != nil || got != tt.want:
			t.Errorf("pctToInt(%#v, %d) = %d, %v, want %d", tt.in, tt.total, got, err, tt.want)
		}
	}
}
