package conformance

// Tests of the executor's scheduling: bounded concurrency, rate-limit checks last and one at
// a time, every result delivered once. The checks are synthetic definitions executed through
// a real check.Run against the reference server; ordering is asserted on recorded events,
// never on timing.

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// eventLog records check start/end events and the concurrency reached.
type eventLog struct {
	mu       sync.Mutex
	events   []string
	inFlight int
	peak     int
}

func (l *eventLog) start(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, "start "+id)
	l.inFlight++
	l.peak = max(l.peak, l.inFlight)
}

func (l *eventLog) end(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, "end "+id)
	l.inFlight--
}

func TestExecuteAllScheduling(t *testing.T) {
	run, err := Prepare(testContext(t), startTarget(t))
	if err != nil {
		t.Fatal(err)
	}
	var log eventLog
	// The first Workers independent checks wait until Workers of them run at once: the test
	// fails (rather than hangs) if the pool is smaller, and the peak shows it is not larger.
	var gate sync.WaitGroup
	gate.Add(Workers)
	gateOpen := make(chan struct{})
	go func() { gate.Wait(); close(gateOpen) }()

	var defs []check.Definition
	mk := func(id string, needs check.Needs, body func()) check.Definition {
		return check.Definition{
			Requirement: check.Requirement{ID: id, Title: "synthetic " + id, Level: check.MUST, Area: check.Area{Key: "synthetic", Title: "Synthetic"}},
			Needs:       needs,
			Run: func(ctx context.Context, c *check.C) {
				log.start(id)
				defer log.end(id)
				body()
			},
		}
	}
	for i := range 3 * Workers {
		id := fmt.Sprintf("IND-%02d", i)
		body := func() {}
		if i < Workers {
			body = func() {
				gate.Done()
				select {
				case <-gateOpen:
				case <-time.After(30 * time.Second):
					t.Errorf("%s: %d checks never ran concurrently", id, Workers)
				}
			}
		}
		defs = append(defs, mk(id, check.Anonymous, body))
		if i%7 == 3 { // rate-limit checks interleaved in declaration order
			defs = append(defs, mk(fmt.Sprintf("RL-%02d", i), check.NeedsRateLimit, func() {}))
		}
	}

	var mu sync.Mutex
	delivered := map[string]int{}
	var jobs []job
	for _, d := range defs {
		jobs = append(jobs, job{def: d, done: func(res check.Result) {
			mu.Lock()
			defer mu.Unlock()
			delivered[res.ID]++
			if res.Status != check.StatusPass {
				t.Errorf("%s: %s %s", res.ID, res.Status, res.Detail)
			}
		}})
	}
	executeAll(testContext(t), run, jobs)

	for _, d := range defs {
		if delivered[d.ID] != 1 {
			t.Errorf("%s delivered %d times, want once", d.ID, delivered[d.ID])
		}
	}
	if log.peak != Workers {
		t.Errorf("peak concurrency %d, want %d", log.peak, Workers)
	}
	firstRL := slices.IndexFunc(log.events, func(e string) bool { return e[:9] == "start RL-" })
	lastInd := -1
	for i, e := range log.events {
		if e[:7] == "end IND" {
			lastInd = i
		}
	}
	if firstRL < lastInd {
		t.Errorf("a rate-limit check started (event %d) before every other check ended (event %d)", firstRL, lastInd)
	}
	rl := log.events[firstRL:]
	for i := 0; i+1 < len(rl); i += 2 {
		if rl[i][:5] != "start" || rl[i+1] != "end "+rl[i][len("start "):] {
			t.Errorf("rate-limit checks overlap: %v", rl)
			break
		}
	}
}

func TestExecuteOneNeverPanics(t *testing.T) {
	run, err := Prepare(testContext(t), startTarget(t))
	if err != nil {
		t.Fatal(err)
	}
	def := check.Definition{
		Requirement: check.Requirement{ID: "P-01", Title: "panics in a hook", Level: check.MUST},
		Run:         func(ctx context.Context, c *check.C) { c.Step("boom") },
	}
	res := executeOne(testContext(t), run, def, check.Hooks{Step: func(string) { panic("hook exploded") }})
	if res.Status != check.StatusFail || res.ID != "P-01" {
		t.Errorf("result %+v, want a failure of P-01", res)
	}
}
