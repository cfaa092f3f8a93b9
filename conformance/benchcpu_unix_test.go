//go:build unix

package conformance_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) this process has used so far, so a
// benchmark can report CPU per operation next to wall time: on a shared machine the wall
// time follows the load, the CPU time much less.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
