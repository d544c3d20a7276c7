package connection

import (
	"errors"
	"syscall"
)

// FDLimitError reports that the controller ran out of file descriptors:
// each host in flight holds a socket, each local command three pipes.
type FDLimitError struct {
	Err error
}

func (e *FDLimitError) Error() string {
	return "too many open files: raise the open-file limit (ulimit -n) or lower --forks"
}

func (e *FDLimitError) Unwrap() error { return e.Err }

// isFDLimit reports whether err is the process (EMFILE) or the system
// (ENFILE) being out of file descriptors.
func isFDLimit(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// fdLimit returns err as an *FDLimitError when it is one, else err.
func fdLimit(err error) error {
	var already *FDLimitError
	if isFDLimit(err) && !errors.As(err, &already) {
		return &FDLimitError{Err: err}
	}
	return err
}
