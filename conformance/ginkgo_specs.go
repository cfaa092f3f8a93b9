package conformance

// This file is the Ginkgo entry point for users whose server tests already are a Ginkgo
// suite: DeclareSpecs, called inside their own container, declares one It per check. It is
// opt-in: nothing is declared until it is called (conformance/lint checks that importing the
// package adds no specs).

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// DeclareSpecs declares the conformance checks as Ginkgo specs inside the calling container:
// one Ordered container "mcp-conform" holding one It per check (text "RS-02: MUST …",
// labels from the registry as in Labels, so `ginkgo --label-filter 'level:must'` selects),
// the rate-limit checks last. target is called once, in a BeforeAll, when the first
// selected spec is about to run, so it can return the URL of a server started in the
// user's own BeforeAll. Inside an Ordered container of their own, users decorate it with
// ContinueOnFailure, or the first failed check skips the others.
//
// Verdicts translate as in Run: a failed check fails its spec with what was sent, expected
// and received; a skip skips it; a warning is a report entry (a failure with WithStrict); a
// failure the baseline expects is a report entry. The checks that Ginkgo's label filter
// selects are executed concurrently from the BeforeAll; each It waits for its own verdict.
// WithReport (and WithSARIF) receive the report in an AfterAll. It returns true so it can initialise a
// package-level variable: var _ = conformance.DeclareSpecs(…) is not how it is meant to be
// used, but a Describe body is.
//
//	var _ = Describe("my server", func() {
//		var as *mockas.Server
//		var srv *httptest.Server
//		BeforeEach(func() { … })
//		conformance.DeclareSpecs(func() conformance.Target {
//			return conformance.Target{URL: srv.URL + "/mcp", MockAS: as}
//		})
//	})
func DeclareSpecs(target func() Target, opts ...Option) bool {
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	defs, err := selected(o.LabelFilter)
	if err != nil {
		// A declaration-time error: Ginkgo reports a failure in a container as a suite
		// failure with this location.
		ginkgo.Fail(fmt.Sprintf("mcp-conform: %v", err))
		return true
	}
	ordered := suiteOrder(defs)
	s := &userSuite{opts: o, baseline: o.ExpectedFailures.ids()}
	// BeforeAll and AfterAll need an Ordered container; ContinueOnFailure (a failed check must
	// not skip the independent ones after it) may only decorate the outermost one, so inside
	// the user's own Ordered container it is theirs to set.
	// Specs are reported at the caller's line, not at this file's.
	at := types.NewCodeLocation(1)
	decorators := []any{ginkgo.Ordered, at}
	if !ginkgo.CurrentTreeConstructionNodeReport().IsInOrderedContainer {
		decorators = append(decorators, ginkgo.ContinueOnFailure)
	}
	ginkgo.Describe(SuiteDescription, append(decorators, func() {
		ginkgo.BeforeAll(func() {
			s.prepare(target(), ordered)
		})
		for _, def := range ordered {
			ginkgo.It(def.ID+": "+def.Title, at, ginkgo.Label(Labels(def)...), func(ctx ginkgo.SpecContext) {
				s.spec(ctx, def)
			})
		}
		ginkgo.AfterAll(func() {
			s.finish(defs)
		})
	})...)
	return true
}

// userSuite is the state of one DeclareSpecs container while it runs.
type userSuite struct {
	opts     Options
	baseline map[string]struct{}

	mu       sync.Mutex
	target   Target
	run      *check.Run
	err      error
	started  time.Time
	cancel   context.CancelFunc
	done     chan struct{}
	verdicts map[string]chan check.Result
	results  map[string]check.Result
}

// prepare opens the run and starts, concurrently, the checks Ginkgo's label filter selects
// (focus and skip by text are not predicted: those checks execute when their spec runs).
func (s *userSuite) prepare(t Target, defs []check.Definition) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.target, s.started = t, time.Now()
	s.results = map[string]check.Result{}
	s.verdicts = map[string]chan check.Result{}
	// The run outlives this BeforeAll's context: it ends in AfterAll.
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.done = make(chan struct{})
	s.run, s.err = Prepare(ctx, t)
	if s.err != nil {
		close(s.done)
		ginkgo.Fail(fmt.Sprintf("mcp-conform: %v", s.err))
		return
	}
	sc, _ := ginkgo.GinkgoConfiguration()
	var jobs []job
	if len(sc.FocusStrings) == 0 && len(sc.SkipStrings) == 0 {
		match, err := labelMatcher(sc.LabelFilter)
		for _, def := range defs {
			if err == nil && match(Labels(def)) {
				ch := make(chan check.Result, 1)
				s.verdicts[def.ID] = ch
				jobs = append(jobs, job{def: def, done: func(res check.Result) { ch <- res }})
			}
		}
	}
	go func() {
		defer close(s.done)
		executeAll(ctx, s.run, jobs)
	}()
}

// spec executes (or waits for) one check and translates its verdict.
func (s *userSuite) spec(ctx context.Context, def check.Definition) {
	s.mu.Lock()
	run, err, ch := s.run, s.err, s.verdicts[def.ID]
	s.mu.Unlock()
	if err != nil || run == nil {
		ginkgo.Fail(fmt.Sprintf("mcp-conform: the target could not be prepared: %v", err))
		return
	}
	var res check.Result
	if ch != nil {
		select {
		case res = <-ch:
		case <-ctx.Done():
			ginkgo.Fail(fmt.Sprintf("mcp-conform: %s did not finish: %v", def.ID, ctx.Err()))
			return
		}
	} else {
		res = executeOne(ctx, run, def, check.Hooks{})
	}
	s.mu.Lock()
	s.results[res.ID] = res
	s.mu.Unlock()
	for _, step := range res.Steps {
		ginkgo.By(step)
	}
	res = sanitize(res)
	_, inBaseline := s.baseline[res.ID]
	switch {
	case res.Status == check.StatusSkip:
		ginkgo.Skip(res.Detail)
	case inBaseline && (res.Status == check.StatusFail || res.Status == check.StatusWarn):
		ginkgo.AddReportEntry("mcp-conform expected failure (baseline)", explain(res))
	case res.Status == check.StatusFail, res.Status == check.StatusWarn && s.opts.Strict:
		ginkgo.Fail(explain(res))
	case res.Status == check.StatusWarn:
		ginkgo.AddReportEntry("mcp-conform warning", explain(res))
	case res.Status == check.StatusInfo:
		ginkgo.AddReportEntry("mcp-conform info", explain(res), ginkgo.ReportEntryVisibilityFailureOrVerbose)
	case inBaseline && res.Status == check.StatusPass:
		msg := fmt.Sprintf("stale baseline entry: %s %s now passes; remove it from the expected failures", res.ID, res.Title)
		if s.opts.Strict {
			ginkgo.Fail(msg)
		}
		ginkgo.AddReportEntry("mcp-conform stale baseline entry", msg)
	}
}

// finish cancels what was started and not waited for (specs Ginkgo did not run) and hands
// the report to WithReport.
func (s *userSuite) finish(defs []check.Definition) {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.OnReport == nil && s.opts.SARIFPath == "" || s.run == nil {
		return
	}
	var results []check.Result
	for _, d := range defs {
		if r, ok := s.results[d.ID]; ok {
			results = append(results, r)
		}
	}
	r := newReport(s.target.URL, s.run.Config().SpecVersion, s.started, time.Since(s.started), results, s.opts.ExpectedFailures, s.run.Secrets()...)
	if s.opts.OnReport != nil {
		s.opts.OnReport(r)
	}
	if err := s.opts.writeFiles(r); err != nil {
		ginkgo.Fail(fmt.Sprintf("mcp-conform: %v", err))
	}
}
