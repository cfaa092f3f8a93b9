package check

// This file lets a check keep observing the target while the run's other checks execute,
// without ever making the run longer: RS-67 watches how long a withdrawn key stays accepted
// for as long as the checks started alongside it are still running, and stops when they are
// done. The driver announces the concurrent phase (BeginConcurrent) and each check's end in
// it (EndConcurrent); a check asks for OthersDone.

import "sync"

// phase counts the checks the driver started concurrently that have not finished.
type phase struct {
	mu        sync.Mutex
	started   int // checks started together (BeginConcurrent), 0 outside a concurrent phase
	remaining int // of those, not finished yet
	lingering int // of those, waiting on OthersDone
	done      chan struct{}
	closed    bool
}

// BeginConcurrent tells the run that the driver starts n checks concurrently; each must be
// followed by one EndConcurrent when it has finished.
func (r *Run) BeginConcurrent(n int) {
	p := &r.phase
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started, p.remaining = n, n
	p.maybeCloseLocked()
}

// EndConcurrent tells the run that one of the checks started by BeginConcurrent finished.
func (r *Run) EndConcurrent() {
	p := &r.phase
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.remaining > 0 {
		p.remaining--
	}
	p.maybeCloseLocked()
}

// doneChan returns the channel, created on first use. The caller holds p.mu.
func (p *phase) doneChan() chan struct{} {
	if p.done == nil {
		p.done = make(chan struct{})
	}
	return p.done
}

// maybeCloseLocked closes done once every check started together, other than those
// lingering, has finished — unless that check runs alone in its phase (a focused run: its own
// window applies). Outside a concurrent phase (a check executed on its own by a caller that
// announced none) it closes at once: nothing says the caller can wait. The caller holds p.mu.
func (p *phase) maybeCloseLocked() {
	alone := p.started > 0 && p.started <= p.lingering
	if p.closed || alone || (p.started > 0 && p.remaining > p.lingering) {
		return
	}
	p.closed = true
	close(p.doneChan())
}

// OthersDone returns a channel closed when every other check the driver started alongside
// this one has finished, so a check that keeps observing the target (bounded by its own
// window) can stop as soon as it would otherwise make the run longer. When the driver
// started it alone (BeginConcurrent(1), a focused run) the channel never closes: the check's
// own bound applies. Outside a concurrent phase it is closed at once. Call release when the
// check stops waiting.
func (c *C) OthersDone() (done <-chan struct{}, release func()) {
	p := &c.run.phase
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lingering++
	ch := p.doneChan()
	p.maybeCloseLocked()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.lingering--
		})
	}
}
