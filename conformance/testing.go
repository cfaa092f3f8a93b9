package conformance

// This file is the Go test API: conformance.Run(t, target) runs the suite inside a user's own
// `go test`, one subtest per check, so `go test -run 'TestMyServer/RS-02'` selects a check
// and CI shows each requirement as its own test. Run is synchronous: it returns when every
// check has finished, so the idioms of Go tests (defer srv.Close(), t.Cleanup,
// t.Parallel, -failfast) hold.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// Run runs the checks against target as subtests of t — t.Run(ID) per check, filtered by
// `go test -run`/`-skip` and by WithLabelFilter — and returns only when every check has
// finished, so a server closed by the caller's `defer srv.Close()` or t.Cleanup outlives the
// run, and a top-level t.Parallel(), -count, -shuffle and -failfast behave as for any other
// test. The checks still execute concurrently (independent ones Workers at a time, then the
// rate-limit checks one by one); the subtests report their verdicts in suite order.
//
// A failed check fails its subtest with the detail (what was sent, expected and received)
// and the steps; a warning is logged (an error with WithStrict, so it shows without -v); a
// skip skips the subtest; a failure the baseline expects is logged as an expected failure; a
// baseline entry that passes is logged as stale (an error with WithStrict). Messages are
// reported at the caller's line. A target that cannot be prepared (unreachable, not an MCP
// endpoint, invalid configuration) fails t at once with one message.
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
	started := time.Now()
	run, err := Prepare(t.Context(), target)
	if err != nil {
		t.Fatalf("mcp-conform: %s", prepareError(target, err))
	}
	expected := o.ExpectedFailures.ids()
	ordered := suiteOrder(defs)

	// The checks `go test` will run as subtests are predicted from -test.run and -test.skip
	// and started at once on the concurrent scheduler; each subtest (run one after the other,
	// never t.Parallel, so Run can wait for them) waits for its own verdict. A subtest the
	// prediction missed executes its check itself; a predicted one that does not run
	// (-failfast) is cancelled below. The prediction only decides what runs early.
	filter := newTestFilter()
	verdicts := map[string]chan check.Result{}
	var jobs []job
	for _, def := range ordered {
		if filter.selects(t.Name() + "/" + def.ID) {
			ch := make(chan check.Result, 1)
			verdicts[def.ID] = ch
			jobs = append(jobs, job{def: def, done: func(res check.Result) { ch <- res }})
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		executeAll(ctx, run, jobs)
	}()
	var results []check.Result
	for _, def := range ordered {
		t.Run(def.ID, func(t *testing.T) {
			t.Helper()
			var res check.Result
			if ch, ok := verdicts[def.ID]; ok {
				res = <-ch
			} else {
				res = executeOne(ctx, run, def, check.Hooks{})
			}
			results = append(results, res)
			_, inBaseline := expected[res.ID]
			report(t, res, inBaseline, o.Strict)
		})
	}
	cancel()
	<-done
	if lost := run.TargetLost(); lost != "" {
		t.Errorf("mcp-conform: the target %s stopped accepting connections during the run (%s): the checks that "+
			"needed it then were skipped as inconclusive; keep the server open until Run returns",
			redactURL(target.URL), safe.Redact(lost, run.Secrets()))
	}
	if o.OnReport != nil || o.SARIFPath != "" {
		r := newReport(target.URL, run.Config().SpecVersion, started, time.Since(started), reportOrder(defs, results), o.ExpectedFailures, run.Secrets()...).attachRun(run)
		if o.OnReport != nil {
			o.OnReport(r)
		}
		if err := o.writeFiles(r); err != nil {
			t.Errorf("conformance: %v", err)
		}
	}
}

// prepareError phrases why Prepare failed for a test log: for an unreachable target, the URL
// and the network error alone (not the chain of wrappers), and what usually causes it.
func prepareError(target Target, err error) string {
	if errors.Is(err, check.ErrNotMCP) {
		msg := err.Error()
		if i := strings.Index(msg, check.ErrNotMCP.Error()+": "); i >= 0 {
			msg = msg[i+len(check.ErrNotMCP.Error())+2:]
		}
		return fmt.Sprintf("the target %s is not an MCP endpoint: %s", redactURL(target.URL), msg)
	}
	if !errors.Is(err, check.ErrUnreachable) {
		return err.Error()
	}
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	return fmt.Sprintf("the target %s is not reachable: %v (is the server started, and still open while Run runs?)", redactURL(target.URL), cause)
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
