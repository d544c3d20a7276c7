package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfiles writes a CPU profile of the whole run to the file
// GANSIBLE_CPUPROFILE names, and a heap profile at the end to the one
// GANSIBLE_MEMPROFILE names, for make bench-sim; the returned function
// ends them.
func startProfiles() func() {
	cpu, mem := os.Getenv("GANSIBLE_CPUPROFILE"), os.Getenv("GANSIBLE_MEMPROFILE")
	var f *os.File
	if cpu != "" {
		var err error
		if f, err = os.Create(cpu); err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "[WARNING]: GANSIBLE_CPUPROFILE: %v\n", err)
			f = nil
		}
	}
	return func() {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		if mem != "" {
			if m, err := os.Create(mem); err == nil {
				_ = pprof.WriteHeapProfile(m)
				m.Close()
			}
		}
	}
}
