//go:build unix

package mockas_test

import "syscall"

// flushDisk writes every dirty page to disk (sync(2)), so a benchmark's setup files are not
// flushed during the measured loop.
func flushDisk() { syscall.Sync() }
