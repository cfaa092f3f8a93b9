//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package mockas

// This file is the fallback for platforms without flock(2) (Windows, Plan 9, WASI…): the
// module builds and runs there, but the state directory is not locked, so running two
// mockas processes on one directory is the user's to avoid. CI and the documented setups
// are Linux and macOS.

import (
	"errors"
	"os"
)

// errLockHeld is never returned here.
var errLockHeld = errors.New("lock held by another process")

// dirSyncUnsupported is true: a directory cannot be opened for sync everywhere, so an
// error syncing one is ignored and the rename is the durability offered.
const dirSyncUnsupported = true

// lockFileExclusive does nothing on this platform.
func lockFileExclusive(*os.File) error { return nil }

// unlockFile does nothing on this platform.
func unlockFile(*os.File) error { return nil }
