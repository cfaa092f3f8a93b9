package check

// This file registers checks against the requirement registry (Define) and lists them in
// report order (Definitions). Checks are data: the drivers in package conformance execute
// them through Run.Execute.

import (
	"context"
	"fmt"
)

// Needs says what a check requires beyond the target URL. Checks whose needs are not met are
// skipped with a reason, never passed.
type Needs uint

// Needs flags.
const (
	Anonymous      Needs = 0
	NeedsToken     Needs = 1 << iota // a valid access token (minted or supplied); implies the positive control passed
	NeedsMinting                     // crafted tokens from a mockas the target trusts (cooperative mode)
	NeedsScopes                      // a declared (--scope) or advertised scope requirement
	NeedsRateLimit                   // a declared rate limit (--rate-limit); runs last
	// NeedsQuietAS marks a check that changes the mockas's shared state (fault injection) or
	// counts the requests the target sends it: it runs last, alone, like the rate-limit
	// checks, and uses the mockas control plane when the run has one (cooperative mode).
	NeedsQuietAS
)

// RunsLast reports whether checks with these needs run after every other check, one at a
// time: bursts against a rate limit, and changes to or counts of the shared mockas state,
// would otherwise disturb (or be disturbed by) the concurrent checks.
func RunsLast(n Needs) bool { return n&(NeedsRateLimit|NeedsQuietAS) != 0 }

// Definition is a registered check: its requirement plus the function that probes it.
type Definition struct {
	Requirement
	Needs Needs
	Run   func(ctx context.Context, c *C)
}

// Define registers the check for a requirement ID. It must be called from an init function;
// it panics if the ID is unknown to the registry or already defined.
func Define(id string, needs Needs, run func(ctx context.Context, c *C)) {
	if err := defaultRegistry.define(id, needs, run); err != nil {
		// Programmer error at init (a typo in a scenario): never let it ship.
		panic("check.Define: " + err.Error())
	}
}

// Definitions returns every defined check in report order.
func Definitions() []Definition { return defaultRegistry.definitions() }

func (reg *registry) define(id string, needs Needs, run func(ctx context.Context, c *C)) error {
	req, ok := reg.reqs[id]
	if !ok {
		return fmt.Errorf("requirement %q is not in the registry", id)
	}
	if run == nil {
		return fmt.Errorf("requirement %q: nil check function", id)
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if _, dup := reg.defs[id]; dup {
		return fmt.Errorf("requirement %q is already defined", id)
	}
	reg.defs[id] = Definition{Requirement: req, Needs: needs, Run: run}
	return nil
}

func (reg *registry) definitions() []Definition {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	var out []Definition
	for _, id := range reg.order {
		if d, ok := reg.defs[id]; ok {
			out = append(out, d)
		}
	}
	return out
}

func (reg *registry) definition(id string) (Definition, bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	d, ok := reg.defs[id]
	return d, ok
}
