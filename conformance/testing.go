package conformance

// This file is the Go test API: conformance.Run(t, target) runs the suite inside a user's own
// `go test`, one subtest per check, so `go test -run 'TestMyServer/RS-02'` selects a check
// and CI shows each requirement as its own test.

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// Run runs the checks against target as subtests of t: t.Run(ID) per check (filtered by
// `go test -run` and by WithLabelFilter), parallel for independent checks and after them,
// one at a time, the rate-limit checks. A failed check fails its subtest with the detail
// (what was sent, expected and received) and the steps; a warning is logged (an error with
// WithStrict); a skip skips the subtest; a failure the baseline expects is logged as an
// expected failure; a baseline entry that passes is logged as stale (an error with
// WithStrict). A target that cannot be prepared fails t at once.
func Run(t *testing.T, target Target, opts ...Option) {
	t.Helper()
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	defs, err := selected(o.LabelFilter)
	if err != nil {
		t.Fatalf("mcp-conform: %v", err)
	}
	run, err := Prepare(t.Context(), target)
	if err != nil {
		t.Fatalf("mcp-conform: %v", err)
	}
	expected := o.ExpectedFailures.ids()

	// Each subtest registers its check before pausing in t.Parallel; once every subtest is
	// registered, one goroutine executes them (independent ones concurrently, rate-limit ones
	// after) while the paused subtests wait for their own result. Execution therefore does
	// not depend on how many subtests `go test -parallel` lets run at once.
	var mu sync.Mutex
	var jobs []job
	var results []check.Result
	started := time.Now()
	for _, def := range suiteOrder(defs) {
		t.Run(def.ID, func(t *testing.T) {
			result := make(chan check.Result, 1)
			mu.Lock()
			jobs = append(jobs, job{def: def, done: func(res check.Result) {
				mu.Lock()
				results = append(results, res)
				mu.Unlock()
				result <- res
			}})
			mu.Unlock()
			t.Parallel()
			res := <-result
			_, inBaseline := expected[res.ID]
			report(t, res, inBaseline, o.Strict)
		})
	}
	mu.Lock()
	registered := jobs
	mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		executeAll(t.Context(), run, registered)
	}()
	// The parallel subtests are released when Run's caller returns, and t completes only
	// after them, so the executor has finished by the time t's cleanups run.
	t.Cleanup(func() {
		<-done
		if o.OnReport != nil || o.SARIFPath != "" {
			mu.Lock()
			rs := reportOrder(defs, results)
			mu.Unlock()
			r := newReport(target.URL, run.Config().SpecVersion, started, time.Since(started), rs, o.ExpectedFailures, run.Secrets()...)
			if o.OnReport != nil {
				o.OnReport(r)
			}
			if err := o.writeFiles(r); err != nil {
				t.Errorf("conformance: %v", err)
			}
		}
	})
}

// reportOrder returns results in the order of defs (the report order of the registry).
func reportOrder(defs []check.Definition, results []check.Result) []check.Result {
	byID := make(map[string]check.Result, len(results))
	for _, r := range results {
		byID[r.ID] = r
	}
	out := make([]check.Result, 0, len(results))
	for _, d := range defs {
		if r, ok := byID[d.ID]; ok {
			out = append(out, r)
		}
	}
	return out
}

// testLogger is the part of *testing.T that report uses; tests substitute a recorder.
type testLogger interface {
	Helper()
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
	Skip(args ...any)
}

// report translates one verdict into the subtest's outcome.
func report(t testLogger, res check.Result, inBaseline, strict bool) {
	t.Helper()
	res = sanitize(res)
	switch res.Status {
	case check.StatusFail:
		if inBaseline {
			t.Logf("expected failure (baseline): %s", explain(res))
			return
		}
		t.Errorf("%s", explain(res))
	case check.StatusWarn:
		switch {
		case inBaseline:
			t.Logf("expected failure (baseline): %s", explain(res))
		case strict:
			t.Errorf("%s", explain(res))
		default:
			t.Logf("%s", explain(res))
		}
	case check.StatusSkip:
		t.Skip(res.Detail)
	case check.StatusPass, check.StatusInfo:
		if res.Status == check.StatusInfo {
			t.Logf("%s", explain(res))
		}
		if inBaseline {
			msg := fmt.Sprintf("stale baseline entry: %s %s now passes; remove it from the expected failures", res.ID, res.Title)
			if strict {
				t.Errorf("%s", msg)
			} else {
				t.Logf("%s", msg)
			}
		}
	default:
		t.Errorf("%s: unknown status %q", res.ID, res.Status)
	}
}

// explain renders a verdict for a test log: the requirement, the detail, the steps taken and
// the references.
func explain(res check.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s): %s", strings.ToUpper(string(res.Status)), res.ID, res.Level, res.Title)
	if d := strings.TrimRight(res.Detail, "\n"); d != "" {
		b.WriteString("\n" + d)
	}
	if len(res.Steps) > 0 {
		b.WriteString("\nsteps:")
		for i, s := range res.Steps {
			fmt.Fprintf(&b, "\n  %d. %s", i+1, s)
		}
	}
	if len(res.Refs) > 0 {
		b.WriteString("\nsee: " + strings.Join(res.Refs, "; "))
	}
	return b.String()
}
