package check

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/onsi/gomega"
)

func TestExecute_verdicts(t *testing.T) {
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}))
	run := newTestRun(t, Config{URL: srv.URL + "/mcp"}, testRegistry(t))
	violate := func(_ context.Context, c *C) { c.Expect(1).To(gomega.Equal(2)) }
	tests := []struct {
		name       string
		id         string
		needs      Needs
		fn         func(context.Context, *C)
		want       Status
		wantDetail string
	}{
		{name: "MUST normal end passes", id: "T-MUST", fn: func(context.Context, *C) {}, want: StatusPass},
		{name: "MUST violation fails", id: "T-MUST", fn: violate, want: StatusFail, wantDetail: "to equal"},
		{name: "SHOULD violation warns", id: "T-SHOULD", fn: violate, want: StatusWarn},
		{name: "INFO violation informs", id: "T-INFO", fn: violate, want: StatusInfo},
		{name: "MAY violation informs", id: "T-MAY", fn: violate, want: StatusInfo},
		{name: "INFO normal end informs", id: "T-INFO", fn: func(context.Context, *C) {}, want: StatusInfo},
		{name: "c.Fail on MUST fails", id: "T-MUST", fn: func(_ context.Context, c *C) { c.Fail("bad %d", 7) }, want: StatusFail, wantDetail: "bad 7"},
		{name: "c.Fail on SHOULD warns", id: "T-SHOULD", fn: func(_ context.Context, c *C) { c.Fail("bad") }, want: StatusWarn},
		{name: "c.Skip skips", id: "T-MUST", fn: func(_ context.Context, c *C) { c.Skip("nothing to do") }, want: StatusSkip, wantDetail: "nothing to do"},
		{name: "c.Warn on MUST warns", id: "T-MUST", fn: func(_ context.Context, c *C) { c.Warn("meh") }, want: StatusWarn},
		{name: "c.Info on MUST informs", id: "T-MUST", fn: func(_ context.Context, c *C) { c.Info("fyi") }, want: StatusInfo},
		{name: "panic fails", id: "T-SHOULD", fn: func(context.Context, *C) { panic("boom") }, want: StatusFail, wantDetail: "check panicked: boom"},
		{name: "notes reach the detail", id: "T-MUST", fn: func(_ context.Context, c *C) { c.Note("noted") }, want: StatusPass, wantDetail: "noted"},
		{name: "not applicable to the version", id: "T-OLD", fn: func(context.Context, *C) {}, want: StatusSkip, wantDetail: "not applicable to spec version 2025-11-25"},
		{name: "NeedsToken without token skips", id: "T-MUST", needs: NeedsToken, fn: func(context.Context, *C) {}, want: StatusSkip, wantDetail: "needs a valid access token"},
		{name: "NeedsMinting without minter skips", id: "T-MUST", needs: NeedsMinting, fn: func(context.Context, *C) {}, want: StatusSkip, wantDetail: "cooperative mode"},
		{name: "NeedsRateLimit without limit skips", id: "T-MUST", needs: NeedsRateLimit, fn: func(context.Context, *C) {}, want: StatusSkip, wantDetail: "rate limit"},
		{name: "NeedsScopes without scopes skips", id: "T-MUST", needs: NeedsScopes, fn: func(context.Context, *C) {}, want: StatusSkip, wantDetail: "scope requirement"},
		{name: "Mint outside cooperative mode skips", id: "T-MUST", fn: func(ctx context.Context, c *C) { c.Mint(ctx, mockasSpec()) }, want: StatusSkip},
		{name: "Forge without JWKS skips", id: "T-MUST", fn: func(ctx context.Context, c *C) { c.Forge(ctx, mockasSpec()) }, want: StatusSkip, wantDetail: "JWKS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCheck(t, run, tt.id, tt.needs, tt.fn)
			if res.Status != tt.want {
				t.Fatalf("status = %s, want %s (detail %q)", res.Status, tt.want, res.Detail)
			}
			if !strings.Contains(res.Detail, tt.wantDetail) {
				t.Errorf("detail = %q, want it to contain %q", res.Detail, tt.wantDetail)
			}
			if res.ID != tt.id || len(res.Refs) == 0 {
				t.Errorf("result identity = %s %v", res.ID, res.Refs)
			}
		})
	}
}

func TestExecute_stepsAndHooks(t *testing.T) {
	srv := loopbackServer(t, http.NotFoundHandler())
	run := newTestRun(t, Config{URL: srv.URL}, testRegistry(t))
	var seen []string
	req, _ := run.reg.lookup("T-MUST")
	res := run.Execute(t.Context(), Definition{Requirement: req, Run: func(ctx context.Context, c *C) {
		c.Step("first %d", 1)
		c.Do(ctx, Request{Method: http.MethodGet})
		c.Step("second")
	}}, Hooks{Step: func(s string) { seen = append(seen, s) }})
	if res.Status != StatusPass {
		t.Fatalf("status %s: %s", res.Status, res.Detail)
	}
	if got := strings.Join(res.Steps, "|"); got != "first 1|second" {
		t.Errorf("steps = %q", got)
	}
	if got := strings.Join(seen, "|"); got != "first 1|second" {
		t.Errorf("hook saw %q", got)
	}
	if len(res.Exchanges) != 1 || !strings.HasPrefix(res.Exchanges[0].Request, "GET / HTTP/1.1") || !strings.HasPrefix(res.Exchanges[0].Response, "HTTP/1.1 404") {
		t.Errorf("exchanges = %+v", res.Exchanges)
	}
}

// TestExecute_transportErrorFails: a request the target drops while it still accepts
// connections fails the check, naming the request failure.
func TestExecute_transportErrorFails(t *testing.T) {
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Drop") == "" {
			http.NotFound(w, r)
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	run := newTestRun(t, Config{URL: srv.URL}, testRegistry(t))
	res := runCheck(t, run, "T-SHOULD", 0, func(ctx context.Context, c *C) {
		c.Do(ctx, Request{Header: http.Header{"X-Drop": {"1"}}})
	})
	if res.Status != StatusFail || !strings.Contains(res.Detail, "request failed") {
		t.Errorf("got %s %q, want fail naming the request failure", res.Status, res.Detail)
	}
	if lost := run.TargetLost(); lost != "" {
		t.Errorf("TargetLost = %q for a target still accepting connections", lost)
	}
}

// TestExecute_targetGoneSkips: once the target refuses connections, a check that needs it
// is inconclusive (nothing was sent), not failed, and the run records why.
func TestExecute_targetGoneSkips(t *testing.T) {
	srv := loopbackServer(t, http.NotFoundHandler())
	run := newTestRun(t, Config{URL: srv.URL}, testRegistry(t))
	srv.Close()
	res := runCheck(t, run, "T-SHOULD", 0, func(ctx context.Context, c *C) { c.Do(ctx, Request{}) })
	if res.Status != StatusSkip || !strings.Contains(res.Detail, "inconclusive: the target stopped accepting connections") {
		t.Errorf("got %s %q, want an inconclusive skip naming the lost target", res.Status, res.Detail)
	}
	if lost := run.TargetLost(); !strings.Contains(lost, "refused") {
		t.Errorf("TargetLost = %q, want the refusal", lost)
	}
}

func TestExecute_positiveControl(t *testing.T) {
	tests := []struct {
		name        string
		defineRS50  func(context.Context, *C) // nil: use the built-in control
		acceptToken bool
		want        Status
		wantDetail  string
	}{
		{name: "built-in control passes", acceptToken: true, want: StatusPass},
		{name: "built-in control fails", acceptToken: false, want: StatusSkip, wantDetail: "inconclusive: positive control RS-50 failed"},
		{name: "defined RS-50 fails", acceptToken: true, defineRS50: func(_ context.Context, c *C) { c.Fail("control says no") }, want: StatusSkip, wantDetail: "control says no"},
		{name: "defined RS-50 passes", acceptToken: false, defineRS50: func(context.Context, *C) {}, want: StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var controls atomic.Int32
			srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.acceptToken && r.Header.Get("Authorization") == "Bearer good-token" {
					controls.Add(1)
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25"}}`))
					return
				}
				w.WriteHeader(http.StatusUnauthorized)
			}))
			reg := testRegistry(t)
			if tt.defineRS50 != nil {
				if err := reg.define(ControlID, NeedsToken, tt.defineRS50); err != nil {
					t.Fatal(err)
				}
			}
			run := newTestRun(t, Config{URL: srv.URL, Token: "good-token"}, reg)
			for i := 0; i < 2; i++ { // the control is memoized
				res := runCheck(t, run, "T-MUST", NeedsToken, func(ctx context.Context, c *C) { c.ValidToken(ctx) })
				if res.Status != tt.want || !strings.Contains(res.Detail, tt.wantDetail) {
					t.Fatalf("run %d: got %s %q, want %s containing %q", i, res.Status, res.Detail, tt.want, tt.wantDetail)
				}
			}
			if tt.defineRS50 == nil && tt.acceptToken && controls.Load() != 1 {
				t.Errorf("positive control ran %d times, want once", controls.Load())
			}
		})
	}
}

func TestTryDo_rateLimited(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		needs      Needs
		want       Status
		wantHits   int32
	}{
		{name: "short Retry-After is retried once", retryAfter: "0", want: StatusPass, wantHits: 2},
		{name: "long Retry-After skips", retryAfter: "60", want: StatusSkip, wantHits: 1},
		{name: "no Retry-After skips", retryAfter: "", want: StatusSkip, wantHits: 1},
		{name: "rate-limit check sees the 429", retryAfter: "60", needs: NeedsRateLimit, want: StatusPass, wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) == 1 {
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.WriteHeader(http.StatusOK)
			}))
			run := newTestRun(t, Config{URL: srv.URL, RateLimit: &RateLimit{Requests: 1, Per: 1}}, testRegistry(t))
			res := runCheck(t, run, "T-MUST", tt.needs, func(ctx context.Context, c *C) { c.Do(ctx, Request{}) })
			if res.Status != tt.want {
				t.Fatalf("status = %s (%q), want %s", res.Status, res.Detail, tt.want)
			}
			if tt.want == StatusSkip && !strings.Contains(res.Detail, "rate-limited the probe (429)") {
				t.Errorf("detail = %q", res.Detail)
			}
			if hits.Load() != tt.wantHits {
				t.Errorf("server saw %d requests, want %d", hits.Load(), tt.wantHits)
			}
		})
	}
}

func TestExecute_concurrent(t *testing.T) {
	tt := newTestTarget(t, nil)
	run := newTestRun(t, Config{URL: tt.resource, Minter: LocalMinter(tt.as)}, testRegistry(t))
	results := make(chan Result, 8)
	for i := 0; i < 8; i++ {
		go func() {
			results <- runCheck(t, run, "T-MUST", NeedsToken, func(ctx context.Context, c *C) {
				c.Discover(ctx)
				resp := c.Do(ctx, withAuth(c.BaselineRequest(), c.ValidToken(ctx)))
				c.Expect(resp).To(HaveStatus(http.StatusOK))
			})
		}()
	}
	for i := 0; i < 8; i++ {
		if res := <-results; res.Status != StatusPass {
			t.Errorf("status %s: %s", res.Status, res.Detail)
		}
	}
}

func withAuth(r Request, token string) Request {
	r.Authorization = Bearer(token)
	return r
}
