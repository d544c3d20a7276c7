package output

import "testing"

// The widths are glibc's wcswidth under C.UTF-8.
func TestTextWidth(t *testing.T) {
	for _, tt := range []struct {
		text string
		want int
	}{
		{"TASK [debug]", 12},
		{"TASK [くらとみ]", 15},
		{"ＡＢ", 4},
		{"e\u0301", 1},
		{"café", 4},
	} {
		if got := textWidth(tt.text); got != tt.want {
			t.Errorf("textWidth(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}
