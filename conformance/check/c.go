package check

// This file defines C, the probe context of one check: Gomega assertions bound to the
// check, steps and notes for the report, and the explicit endings (Skip, Warn, Info, Fail).
// A failed assertion or an explicit ending panics with a private sentinel that
// Run.Execute recovers; nothing else may recover it.

import (
	"context"
	"fmt"
	"sync"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
)

// endKind is how a check ended before returning normally.
type endKind int

const (
	endViolation endKind = iota + 1 // failed Expect or c.Fail: verdict follows the level
	endSkip                         // c.Skip or unmet needs
	endWarn                         // c.Warn
	endInfo                         // c.Info
	endError                        // transport error, bad check code, panic: always fail
)

// checkEnd is the sentinel a check panics with to end itself.
type checkEnd struct {
	kind endKind
	msg  string
}

// C is the probe context handed to one check. It is not shared between checks; its methods
// must be called from the check's own goroutine (they end the check by panicking).
type C struct {
	run       *Run
	def       Definition
	hooks     Hooks
	g         gomega.Gomega
	isControl bool // running as (or for) the positive control: never consult it again

	mu           sync.Mutex
	steps        []string
	notes        []string
	exchanges    []Exchange
	rpcID        int
	sawBaseline  bool
	sawDiscovery bool
	cleanups     []func(ctx context.Context) // run when the check ends (session DELETEs)
	sessions     map[string]*sessionSlot     // by token: the session Call uses
	subject      int                         // 1-based subject of Each with several subjects, else 0

	allow *allowance // own request allowance (AllowRequests); guarded by run.mu
}

func newC(r *Run, def Definition, hooks Hooks, control bool) *C {
	c := &C{run: r, def: def, hooks: hooks, isControl: control}
	c.g = gomega.NewGomega(func(message string, _ ...int) {
		c.end(endViolation, message)
	})
	return c
}

// end stops the check with the given ending.
func (c *C) end(kind endKind, msg string) {
	panic(&checkEnd{kind: kind, msg: msg})
}

// abort ends the check as a failure whatever the requirement's level (the probe could not
// do its job: transport error, invalid request built by the check, minting error).
func (c *C) abort(format string, args ...any) {
	c.end(endError, fmt.Sprintf(format, args...))
}

// Expect starts a Gomega assertion bound to this check; a failure ends the check with a
// violation of its requirement.
func (c *C) Expect(actual any, extra ...any) types.Assertion {
	return c.g.Expect(actual, extra...)
}

// Step records what the tool is doing (Ginkgo's By).
func (c *C) Step(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	c.mu.Lock()
	c.steps = append(c.steps, text)
	c.mu.Unlock()
	if c.hooks.Step != nil {
		c.hooks.Step(text)
	}
}

// Note adds a line to the result detail without ending the check.
func (c *C) Note(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

// Skip ends the check as skipped with the reason.
func (c *C) Skip(format string, args ...any) { c.end(endSkip, fmt.Sprintf(format, args...)) }

// Warn ends the check with a warning whatever the requirement's level.
func (c *C) Warn(format string, args ...any) { c.end(endWarn, fmt.Sprintf(format, args...)) }

// Info ends the check recording behaviour only.
func (c *C) Info(format string, args ...any) { c.end(endInfo, fmt.Sprintf(format, args...)) }

// Fail ends the check with a violation of its requirement (FAIL for MUST, WARN for SHOULD).
func (c *C) Fail(format string, args ...any) { c.end(endViolation, fmt.Sprintf(format, args...)) }

// ID returns the requirement ID of the running check.
func (c *C) ID() string { return c.def.ID }

// Requirement returns the registry entry of the running check.
func (c *C) Requirement() Requirement { return c.def.Requirement }

// Config returns the run configuration.
func (c *C) Config() Config { return c.run.Config() }

// SpecVersion returns the resolved MCP spec version of the run.
func (c *C) SpecVersion() string { return c.run.cfg.SpecVersion }

// record appends an exchange to the transcript.
func (c *C) record(e Exchange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.exchanges = append(c.exchanges, e)
}

// addSecret registers a token so that everything the run reports redacts it wherever it
// appears (see Run.Secrets).
func (c *C) addSecret(s string) { c.run.addSecret(s) }

// nextRPCID returns a fresh JSON-RPC id for this check.
func (c *C) nextRPCID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rpcID++
	return c.rpcID
}
