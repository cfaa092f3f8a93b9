package mockas

import "runtime"

// signGate admits at most one RSA signature per CPU at a time and serves the rest in arrival
// order.
//
// An RS256 signature is about a millisecond of CPU; everything else a token request does
// costs microseconds. Without the gate, every request being signed is a runnable goroutine,
// and the Go scheduler runs the one most recently woken first (the P's runnext slot): under 8
// concurrent clients on 2 cores the newest requests overtake the oldest, and the latency tail
// (p99) grows to many times the median while throughput stays the same. Goroutines blocked on
// a channel are woken first in, first out, so queueing here in front of the signature gives
// each request its turn: the same throughput, and a p99 close to the queue's length times the
// signing time (docs/benchmarks.md, "Under load").
type signGate chan struct{}

// newSignGate returns a gate with one slot per usable CPU.
func newSignGate() signGate { return make(signGate, runtime.GOMAXPROCS(0)) }

// do runs f holding a slot.
func (g signGate) do(f func() (string, error)) (string, error) {
	g <- struct{}{}
	defer func() { <-g }()
	return f()
}
