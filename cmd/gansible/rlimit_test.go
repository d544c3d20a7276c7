package main

import (
	"syscall"
	"testing"
)

func TestRaiseOpenFileLimit(t *testing.T) {
	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	if orig.Max < 256 {
		t.Skipf("hard open-file limit %d is too low to lower the soft one below it", orig.Max)
	}
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig) })
	for _, tc := range []struct {
		name       string
		soft, want uint64
	}{
		{"low soft limit", 128, orig.Max},
		{"already at the hard limit", orig.Max, orig.Max},
		{"one below, as the runtime leaves it", orig.Max - 1, orig.Max - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := syscall.Rlimit{Cur: tc.soft, Max: orig.Max}
			if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
				t.Fatal(err)
			}
			before, after, err := raiseOpenFileLimit()
			if err != nil {
				t.Fatal(err)
			}
			var now syscall.Rlimit
			if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &now); err != nil {
				t.Fatal(err)
			}
			if before != tc.soft || after != tc.want || now.Cur != tc.want {
				t.Errorf("before %d after %d (now %d), want %d then %d", before, after, now.Cur, tc.soft, tc.want)
			}
		})
	}
}
