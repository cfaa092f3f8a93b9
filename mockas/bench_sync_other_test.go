//go:build !unix

package mockas_test

// flushDisk does nothing where sync(2) does not exist.
func flushDisk() {}
