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
//
// That needs a P that is not signing: while every P runs a signature and a woken waiter is
// next in line, no P looks at the network (the scheduler polls it when a P runs out of work,
// or from sysmon every 10 ms), so a request that arrives then waits unseen. The mockas binary
// therefore runs with GOMAXPROCS one above its CPUs and one slot per CPU (Config.SigningSlots):
// on 2 CPUs, 8 clients, the token endpoint's p99 fell from 25-27 ms to 13-14 ms at the same
// throughput.
type signGate chan struct{}

// newSignGate returns a gate with n slots (n <= 0: GOMAXPROCS).
func newSignGate(n int) signGate {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return make(signGate, n)
}

// do runs f holding a slot.
func (g signGate) do(f func() (string, error)) (string, error) {
	g <- struct{}{}
	defer func() { <-g }()
	return f()
}
