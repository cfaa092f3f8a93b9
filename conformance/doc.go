// Package conformance runs the mcp-conform checks against one MCP server and reports on them.
//
// The checks themselves are data registered by package scenarios (imported here for its
// side effect) through package conformance/check. This package adds what turns them into a
// tool:
//
//   - Target and Prepare: what to probe and how, mapped onto a check.Run (the token minter
//     follows the mode: an in-process mockas, a running mockas reached through its control
//     plane, or a supplied token only);
//   - three drivers that execute the same check functions: RunSuite (Ginkgo, for the CLI),
//     Execute (plain and concurrent, for the demo and for Run) and Run (the Go test API, one
//     subtest per check);
//   - Report and its writers: console, JSON, JUnit and a self-contained HTML page;
//   - Baseline: the expected-failures file and its effect on the exit code.
//
// Importing this package never adds specs to a caller's own Ginkgo suite: the Ginkgo tree is
// declared lazily, the first time RunSuite or Preview needs it.
package conformance

import (
	"errors"

	// The checks register themselves with package check at init.
	_ "github.com/mcp-conform/mcp-conform/scenarios"
)

// Sentinel errors. Callers test them with errors.Is; the returned errors wrap them with detail.
var (
	// ErrUnknownID is wrapped by LoadBaseline when an entry names an ID the requirement
	// registry does not know (a typo, or an ID from another tool).
	ErrUnknownID = errors.New("unknown requirement ID")
	// ErrAlreadyRan is returned by RunSuite when Ginkgo's RunSpecs already ran in this
	// process: Ginkgo allows it once per process and would otherwise end the process.
	ErrAlreadyRan = errors.New("the Ginkgo suite already ran in this process")
	// ErrNoChecks is wrapped when nothing would run: no check is defined, or the label
	// filter matches none. The CLI treats it as a usage error.
	ErrNoChecks = errors.New("no check to run")
)
