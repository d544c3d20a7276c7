package main

import "syscall"

// raiseOpenFileLimit raises the soft limit on open files to the hard
// limit: every host in flight holds a socket, and a local command three
// pipes, so forks in the hundreds run into the 1024 that many systems
// start with. It returns the soft limit before and after.
//
// Go's runtime already raises the soft limit to one below the hard limit
// when the process starts, and gives the programs it starts the original
// limit back, which old software that uses select needs. Setrlimit ends
// that hand-back, so the limit is set here only when the runtime has not
// raised it.
func raiseOpenFileLimit() (before, after uint64, err error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0, err
	}
	before = lim.Cur
	if lim.Cur+1 >= lim.Max {
		return before, lim.Cur, nil
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return before, before, err
	}
	return before, lim.Cur, nil
}
