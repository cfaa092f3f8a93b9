package conformance_test

// Benchmarks for a full conformance run (issue target: a full run against a local server,
// scopes and a rate limit declared, in at most 3 s). See docs/benchmarks.md.

import (
	"context"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// BenchmarkFullRunDiscovery measures a full run with scope discovery instead of
// declarations (issue 7 target: under 1 s against a local server): no --scope, so the run
// reads the server's tools, resources and prompts, learns which operation needs which scope
// with a no-scope token, and RS-51..54 judge every learned operation.
func BenchmarkFullRunDiscovery(b *testing.B) {
	benchFullRun(b, nil, func(rep *conformance.Report) {
		learned := 0
		for _, e := range rep.ScopeMap {
			if e.Source == check.SourceLearned && len(e.Scopes) > 0 {
				learned++
			}
		}
		if learned < 3 {
			b.Fatalf("discovery learned %d scoped operations, want the 3 of the reference server: %+v", learned, rep.ScopeMap)
		}
	})
}

// BenchmarkFullRun measures one full run of every check (Execute, the concurrent driver the
// Ginkgo driver also schedules on) against the correct reference server, with a scope and a
// rate limit of 20 requests per second declared.
func BenchmarkFullRun(b *testing.B) {
	benchFullRun(b, map[string]string{"weather": "mcp:tools:weather"}, nil)
}

// benchFullRun runs Execute against the correct reference server, a rate limit of 20
// requests per second declared, scopes declared (nil: discovered), and checks each report
// with verify. Each iteration gets a fresh server, outside the timer, so the rate-limit
// window of one run never carries over into the next.
func benchFullRun(b *testing.B, scopes map[string]string, verify func(*conformance.Report)) {
	as := mockas.NewServer()
	defer as.Close()
	limit := 20
	var cpu time.Duration
	defer func() { reportCPU(b, cpu) }()
	for b.Loop() {
		b.StopTimer()
		srv, err := fixtures.NewServer(fixtures.Options{
			Issuer:    as.Issuer(),
			RateLimit: &fixtures.RateLimit{Requests: limit, Per: time.Second},
		})
		if err != nil {
			b.Fatal(err)
		}
		target := conformance.Target{
			URL:       srv.MCPURL(),
			MockAS:    as,
			Scopes:    scopes,
			RateLimit: &check.RateLimit{Requests: limit, Per: time.Second},
		}
		b.StartTimer()
		cpu0, _ := processCPU()
		rep, err := conformance.Execute(context.Background(), target, conformance.Options{})
		cpu1, ok := processCPU()
		b.StopTimer()
		if ok {
			cpu += cpu1 - cpu0
		}
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Fail != 0 {
			b.Fatalf("the correct server failed %d checks", rep.Summary.Fail)
		}
		if verify != nil {
			verify(rep)
		}
		srv.Close()
		b.StartTimer()
	}
}

// reportCPU reports the process CPU time (user + system, every goroutine: the suite, the
// in-process server and mockas) per run as cpu-ms/op, when the platform tells it.
func reportCPU(b *testing.B, cpu time.Duration) {
	if cpu > 0 && b.N > 0 {
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}
