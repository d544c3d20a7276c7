package connection

import (
	"context"
	"errors"
	"os"
	"strconv"
	"syscall"
	"testing"
)

func TestLocalOutOfFileDescriptors(t *testing.T) {
	err := withNoFreeDescriptor(t, func() error {
		_, err := Local{}.Run(context.Background(), "true", nil, nil)
		return err
	})
	var fd *FDLimitError
	if !errors.As(err, &fd) || !errors.Is(err, syscall.EMFILE) {
		t.Errorf("err = %v, want an FDLimitError", err)
	}
}

// withNoFreeDescriptor runs fn with the soft open-file limit at the lowest
// free descriptor, so that no file can be opened.
func withNoFreeDescriptor(t *testing.T, fn func() error) error {
	t.Helper()
	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat("/proc/self/fd/0"); err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	// A new descriptor takes the lowest free number, and fails when that
	// is at or above the soft limit. Lstat opens nothing.
	lowestFree := 0
	for {
		if _, err := os.Lstat("/proc/self/fd/" + strconv.Itoa(lowestFree)); err != nil {
			break
		}
		lowestFree++
	}
	lim := orig
	lim.Cur = uint64(lowestFree)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
			t.Fatal(err)
		}
	}()
	return fn()
}
