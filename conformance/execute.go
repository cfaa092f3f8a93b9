package conformance

// This file is the plain driver: it executes the selected checks concurrently on a bounded
// pool of workers, then the rate-limit checks one at a time once every other check has
// finished (their bursts would otherwise trip the limiter under the other checks).

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// Workers bounds how many checks Execute and Run execute at once.
const Workers = 8

// Execute runs the checks selected by opts.LabelFilter against t without Ginkgo and returns
// the report, with opts.ExpectedFailures applied. Independent checks run concurrently (at
// most Workers at a time); checks that need a rate limit or a quiet mockas run last, sequentially. Errors are
// configuration or connection problems (the CLI exits 2), an invalid or empty selection
// (wrapping ErrNoChecks), or ctx ending before every check ran.
func Execute(ctx context.Context, t Target, opts Options) (*Report, error) {
	defs, err := selected(opts.LabelFilter)
	if err != nil {
		return nil, err
	}
	started := time.Now()
	run, err := Prepare(ctx, t)
	if err != nil {
		return nil, err
	}
	results := executeDefs(ctx, run, defs)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("run against %s interrupted: %w", redactURL(t.URL), err)
	}
	return newReport(t.URL, run.Config().SpecVersion, started, time.Since(started), results, opts.ExpectedFailures, run.Secrets()...).attachRun(run), nil
}

// job is one check to execute and where its result goes. done is called exactly once, from
// the goroutine that executed the check.
type job struct {
	def  check.Definition
	done func(check.Result)
}

// executeAll executes jobs and returns when every done callback has returned: first the
// independent checks on Workers goroutines, then the rate-limit checks one by one.
func executeAll(ctx context.Context, run *check.Run, jobs []job) {
	var independent, rateLimited []job
	for _, j := range jobs {
		if check.RunsLast(j.def.Needs) {
			rateLimited = append(rateLimited, j)
		} else {
			independent = append(independent, j)
		}
	}
	queue := make(chan job)
	var wg sync.WaitGroup
	run.BeginConcurrent(len(independent))
	for range min(Workers, len(independent)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				res := executeOne(ctx, run, j.def, check.Hooks{})
				run.EndConcurrent()
				j.done(res)
			}
		}()
	}
	for _, j := range independent {
		queue <- j
	}
	close(queue)
	wg.Wait()
	for _, j := range rateLimited {
		j.done(executeOne(ctx, run, j.def, check.Hooks{}))
	}
}

// executeOne runs one check. check.Run.Execute never panics by contract; a panic that
// escapes anyway (a broken hook, a framework bug) still becomes a failed result instead of
// taking the process down with it.
func executeOne(ctx context.Context, run *check.Run, def check.Definition, hooks check.Hooks) (res check.Result) {
	defer func() {
		if v := recover(); v != nil {
			res = check.Result{
				ID:     def.ID,
				Title:  def.Title,
				Level:  def.Level,
				Area:   def.Area,
				Refs:   def.Refs,
				Status: check.StatusFail,
				Detail: fmt.Sprintf("internal error: the check panicked outside the framework: %v", v),
			}
		}
	}()
	return run.Execute(ctx, def, hooks)
}

// executeDefs runs defs on run with the concurrent driver and returns their results in the
// order of defs (Execute and Probe).
func executeDefs(ctx context.Context, run *check.Run, defs []check.Definition) []check.Result {
	results := make([]check.Result, len(defs))
	jobs := make([]job, len(defs))
	for i, def := range defs {
		jobs[i] = job{def: def, done: func(res check.Result) { results[i] = res }}
	}
	executeAll(ctx, run, jobs)
	return results
}
