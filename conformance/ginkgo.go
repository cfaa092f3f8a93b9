package conformance

// This file is the Ginkgo driver used by the CLI. The spec tree (one top-level container,
// one container per area, one It per check, labels from the registry) is declared lazily,
// at most once per process, the first time RunSuite or Preview needs it, so that importing
// this package never adds specs to someone else's suite. Its It bodies execute against
// whatever run RunSuite bound; Preview never executes them (dry run).
//
// Ginkgo runs the specs of one process one after another, but the checks are independent
// and most of their time is spent waiting on the target. So RunSuite starts the selected
// checks on the concurrent scheduler of Execute (Workers at a time, rate-limit checks last)
// when the suite starts, and each It waits for its own check's verdict, replays its steps
// with By and reports it. The Ginkgo spec stays the unit of selection, ordering and
// reporting; the waiting is where the concurrency comes from.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// SuiteDescription is the Ginkgo suite description and the text of the top-level container.
const SuiteDescription = "mcp-conform"

// ginkgoProcess mirrors, for this package, the process-wide state Ginkgo itself keeps in its
// global spec tree: whether our container was declared into it, whether RunSpecs ran (Ginkgo
// ends the process on a second call, so we must refuse first), and the run the declared It
// bodies execute against. It is this package's one mutable package-level variable, and exists
// only because Ginkgo's tree is global; every access holds mu.
type ginkgoProcess struct {
	mu       sync.Mutex
	declared bool
	running  bool
	ran      bool
	current  *suiteRun
}

// theGinkgoProcess is the process-wide Ginkgo state (see ginkgoProcess).
var theGinkgoProcess ginkgoProcess

// suiteRun is what the It bodies of one RunSuite call execute against and record into.
type suiteRun struct {
	ctx      context.Context
	run      *check.Run
	baseline map[string]struct{}

	// verdicts holds, per selected check ID, the channel its concurrently executed result
	// arrives on (buffered, written once).
	verdicts map[string]chan check.Result

	mu      sync.Mutex
	results map[string]check.Result
}

// start executes defs on the concurrent scheduler; each result is delivered on its verdict
// channel. The returned channel closes when every check has finished.
func (s *suiteRun) start(defs []check.Definition) <-chan struct{} {
	s.verdicts = make(map[string]chan check.Result, len(defs))
	jobs := make([]job, len(defs))
	for i, def := range defs {
		ch := make(chan check.Result, 1)
		s.verdicts[def.ID] = ch
		jobs[i] = job{def: def, done: func(res check.Result) { ch <- res }}
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		executeAll(s.ctx, s.run, jobs)
	}()
	return finished
}

// verdict waits for the result of def: the concurrently executed one when def was started,
// else (never expected: the selection and Ginkgo's filter agree) it executes def now.
func (s *suiteRun) verdict(def check.Definition) check.Result {
	ch, ok := s.verdicts[def.ID]
	if !ok {
		return executeOne(s.ctx, s.run, def, check.Hooks{})
	}
	select {
	case res := <-ch:
		return res
	case <-s.ctx.Done():
		return check.Result{ID: def.ID, Title: def.Title, Level: def.Level, Area: def.Area, Refs: def.Refs,
			Status: check.StatusSkip, Detail: fmt.Sprintf("not finished: %v", s.ctx.Err())}
	}
}

// record stores the result of one check.
func (s *suiteRun) record(res check.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results[res.ID] = res
}

// resultsFor returns the recorded results in the order of defs (checks Ginkgo filtered out
// have none and are left out).
func (s *suiteRun) resultsFor(defs []check.Definition) []check.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []check.Result
	for _, d := range defs {
		if res, ok := s.results[d.ID]; ok {
			out = append(out, res)
		}
	}
	return out
}

// bound returns the run the It bodies execute against, or nil.
func (p *ginkgoProcess) bound() *suiteRun {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current
}

// declareOnce declares the spec tree into Ginkgo's global suite if not yet done. The caller
// holds p.mu.
func (p *ginkgoProcess) declareOnce() {
	if p.declared {
		return
	}
	p.declared = true
	declareTree(suiteOrder(check.Definitions()), Labels, p.bound)
}

// suiteOrder returns defs in execution order: declaration order, rate-limit checks last.
func suiteOrder(defs []check.Definition) []check.Definition {
	out := slices.Clone(defs)
	slices.SortStableFunc(out, func(a, b check.Definition) int {
		ra, rb := check.RunsLast(a.Needs), check.RunsLast(b.Needs)
		switch {
		case ra == rb:
			return 0
		case rb:
			return -1
		default:
			return 1
		}
	})
	return out
}

// declareTree declares one top-level Describe holding one Describe per run of consecutive
// checks of an area (an area whose rate-limit checks run last appears twice) and one It per
// check, labelled. current yields the run to execute against when a body runs.
//
// Ginkgo orders specs by code location, then text, and every It here is declared on the same
// line, so without more it would run them sorted by ID. The top-level container is therefore
// Ordered (Ginkgo keeps declaration order inside it, whatever the seed) with
// ContinueOnFailure (a failed check must not skip the ones after it: they are independent).
func declareTree(defs []check.Definition, labels func(check.Definition) []string, current func() *suiteRun) {
	ginkgo.Describe(SuiteDescription, ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		for start := 0; start < len(defs); {
			end := start + 1
			for end < len(defs) && defs[end].Area.Key == defs[start].Area.Key {
				end++
			}
			group := defs[start:end]
			ginkgo.Describe(areaTitle(group[0].Area), func() {
				for _, def := range group {
					ginkgo.It(def.ID+": "+def.Title, ginkgo.Label(labels(def)...), func() {
						specBody(current(), def)
					})
				}
			})
			start = end
		}
	})
}

// specBody executes one check inside a running spec and translates its verdict: fail →
// ginkgo.Fail, skip → ginkgo.Skip, warn and info pass with a report entry.
func specBody(s *suiteRun, def check.Definition) {
	if s == nil {
		ginkgo.Fail("mcp-conform: no run is bound to the spec tree (specs run only through conformance.RunSuite)")
		return
	}
	res := s.verdict(def)
	s.record(res)
	_, expected := s.baseline[res.ID]
	reportSpec(res, expected)
}

// reportSpec replays the steps of a verdict with By and translates it for the running spec:
// fail → ginkgo.Fail (an expected failure too, marked so), skip → ginkgo.Skip, warn and info
// pass with a report entry.
func reportSpec(res check.Result, expected bool) {
	for _, step := range res.Steps {
		ginkgo.By(step)
	}
	res = sanitize(res)
	switch res.Status {
	case check.StatusFail:
		msg := fmt.Sprintf("%s (%s) %s\n%s", res.ID, res.Level, res.Title, res.Detail)
		if expected {
			msg = "expected failure (baseline): " + msg
		}
		ginkgo.Fail(msg)
	case check.StatusSkip:
		ginkgo.Skip(res.Detail)
	case check.StatusWarn, check.StatusInfo:
		ginkgo.AddReportEntry("mcp-conform "+string(res.Status), res.Detail, ginkgo.ReportEntryVisibilityFailureOrVerbose)
	}
}

// ginkgoT is the minimal GinkgoTestingT RunSpecs reports the suite outcome to. RunSuite
// cross-checks it with the results: Ginkgo failing while no check failed means something
// outside the checks failed (another package's specs in the same process, a Ginkgo error).
type ginkgoT struct {
	mu     sync.Mutex
	failed bool
}

// Fail records that the suite failed.
func (t *ginkgoT) Fail() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
}

// didFail reports whether Fail was called.
func (t *ginkgoT) didFail() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// suiteConfigs returns the programmatic Ginkgo configuration: the label filter, declaration
// order, no colour, succinct output, skips silenced.
func suiteConfigs(filter string) (types.SuiteConfig, types.ReporterConfig) {
	sc := types.NewDefaultSuiteConfig()
	sc.RandomSeed = 1
	sc.RandomizeAllSpecs = false
	sc.LabelFilter = filter
	rc := types.NewDefaultReporterConfig()
	rc.Succinct = true
	rc.NoColor = true
	rc.SilenceSkips = true
	return sc, rc
}

// RunSuite is the Ginkgo driver used by the CLI: it prepares t, declares the spec tree
// (once), runs it with Ginkgo's RunSpecs under a programmatic configuration (opts.LabelFilter
// selects; the order is declaration order with rate-limit checks last) and returns the
// report, with opts.ExpectedFailures applied. Ginkgo's own succinct progress goes to
// standard output before the caller prints the report.
//
// Ginkgo runs specs once per process: a second call returns ErrAlreadyRan. An invalid label
// filter, or one that matches no check (wrapping ErrNoChecks), is an error before anything
// runs, as are configuration and connection problems.
func RunSuite(ctx context.Context, t Target, opts Options) (*Report, error) {
	defs, err := selected(opts.LabelFilter)
	if err != nil {
		return nil, err
	}
	p := &theGinkgoProcess
	p.mu.Lock()
	if p.ran || p.running {
		p.mu.Unlock()
		return nil, ErrAlreadyRan
	}
	p.running = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.running = false
		p.mu.Unlock()
	}()

	started := time.Now()
	run, err := Prepare(ctx, t)
	if err != nil {
		return nil, err
	}
	s := &suiteRun{ctx: ctx, run: run, baseline: opts.ExpectedFailures.ids(), results: map[string]check.Result{}}

	p.mu.Lock()
	p.declareOnce()
	p.ran = true
	p.current = s
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.current = nil
		p.mu.Unlock()
	}()

	sc, rc := suiteConfigs(opts.LabelFilter)
	gt := &ginkgoT{}
	finished := s.start(suiteOrder(defs))
	// Ginkgo's default reporter writes to formatter.ColorableStdOut, a package variable read
	// when RunSpecs starts. This process runs Ginkgo once, here, so pointing it at
	// opts.GinkgoOutput for the duration is safe; the report is the caller's output.
	out := opts.GinkgoOutput
	if out == nil {
		out = io.Discard
	}
	prevOut := formatter.ColorableStdOut
	formatter.ColorableStdOut = out
	ginkgo.RunSpecs(gt, SuiteDescription, sc, rc)
	formatter.ColorableStdOut = prevOut
	if opts.GinkgoOutput != nil {
		fmt.Fprintln(opts.GinkgoOutput) // the succinct reporter may leave its last line open
	}
	select { // every check has delivered by now unless Ginkgo stopped early
	case <-finished:
	case <-ctx.Done():
	}

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("run against %s interrupted: %w", redactURL(t.URL), err)
	}
	results := s.resultsFor(defs)
	if len(results) != len(defs) {
		return nil, fmt.Errorf("the Ginkgo suite ended after %d of %d checks (interrupted?)", len(results), len(defs))
	}
	if gt.didFail() && !slices.ContainsFunc(results, func(r check.Result) bool { return r.Status == check.StatusFail }) {
		return nil, errors.New("ginkgo reported a failure outside the checks; see its output above")
	}
	return newReport(t.URL, run.Config().SpecVersion, started, time.Since(started), results, opts.ExpectedFailures, run.Secrets()...).attachRun(run), nil
}

// Preview returns Ginkgo's dry-run view of the specs RunSuite would run with opts (Ginkgo's
// PreviewSpecs, restricted to this package's container): spec texts, container hierarchy,
// labels and whether each would run under opts.LabelFilter. It executes nothing and may be
// called any number of times, but not while RunSuite runs. `mcp-conform list` and the suite
// lint use it.
func Preview(opts Options) (types.SpecReports, error) {
	if _, err := labelMatcher(opts.LabelFilter); err != nil {
		return nil, err
	}
	p := &theGinkgoProcess
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running {
		return nil, fmt.Errorf("preview while the suite runs: %w", ErrAlreadyRan)
	}
	p.declareOnce()
	sc, rc := suiteConfigs(opts.LabelFilter)
	report := ginkgo.PreviewSpecs(SuiteDescription, sc, rc)
	var out types.SpecReports
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt && len(sr.ContainerHierarchyTexts) > 0 && sr.ContainerHierarchyTexts[0] == SuiteDescription {
			out = append(out, sr)
		}
	}
	return out, nil
}
