//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package mockas

// This file locks the state directory with flock(2) on the platforms that have it. The
// kernel drops the lock when the process dies, kill -9 included, so a crash never leaves
// the directory locked.

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// errLockHeld reports that another open file description holds the lock.
var errLockHeld = errors.New("lock held by another process")

// dirSyncUnsupported is false: these platforms sync directories with fsync(2).
const dirSyncUnsupported = false

// lockFileExclusive takes an exclusive, non-blocking flock on f.
func lockFileExclusive(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errLockHeld
		default:
			return fmt.Errorf("flock %s: %w", f.Name(), err)
		}
	}
}

// unlockFile releases the flock on f.
func unlockFile(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN); err != nil {
		return fmt.Errorf("unlock %s: %w", f.Name(), err)
	}
	return nil
}
