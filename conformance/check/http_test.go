package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSend_neverFollowsRedirects(t *testing.T) {
	var other hitLog
	elsewhere := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.add(r) }))
	target := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	run := newTestRun(t, Config{URL: target.URL + "/mcp"}, nil)
	resp, _, err := run.send(t.Context(), Request{Authorization: Bearer("secret-token-value")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusTemporaryRedirect {
		t.Errorf("status = %d, want the 307 itself", resp.Status)
	}
	if paths, _, _ := other.snapshot(); len(paths) != 0 {
		t.Errorf("redirect was followed: other origin saw %v", paths)
	}
}

func TestSend_allowList(t *testing.T) {
	var meta hitLog
	metaSrv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		meta.add(r)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"resource":"x","authorization_servers":["https://as.invalid/tenant"]}`)
	}))
	var tgt hitLog
	target := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tgt.add(r)
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata="%s/prm"`, metaSrv.URL))
		w.WriteHeader(http.StatusUnauthorized)
	}))
	run := newTestRun(t, Config{URL: target.URL + "/mcp", Headers: http.Header{"X-Secret": {"s3cret"}}}, nil)
	ctx := t.Context()

	// Before the target advertised it, the metadata host is off limits.
	if _, _, err := run.send(ctx, Request{Method: http.MethodGet, URL: metaSrv.URL + "/prm"}); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("unadvertised URL: err = %v, want ErrNotAllowed", err)
	}
	if paths, _, _ := meta.snapshot(); len(paths) != 0 {
		t.Fatalf("refused request was sent anyway: %v", paths)
	}
	// The target advertises it in its challenge.
	if _, _, err := run.send(ctx, Request{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run.send(ctx, Request{Method: http.MethodGet, URL: metaSrv.URL + "/prm", Authorization: Bearer("tok")}); !errors.Is(err, ErrCredentialsOffOrigin) {
		t.Fatalf("credentials to metadata host: err = %v, want ErrCredentialsOffOrigin", err)
	}
	if _, _, err := run.send(ctx, Request{Method: http.MethodGet, URL: metaSrv.URL + "/prm"}); err != nil {
		t.Fatalf("advertised URL refused: %v", err)
	}
	// Other paths on the metadata host stay off limits.
	if _, _, err := run.send(ctx, Request{Method: http.MethodGet, URL: metaSrv.URL + "/admin"}); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("other path on metadata host: err = %v, want ErrNotAllowed", err)
	}
	// The PRM's authorization server metadata URLs were learned.
	for _, u := range ASMetadataURLs("https://as.invalid/tenant") {
		if _, ok := run.allowedKind(mustParse(t, u)); !ok {
			t.Errorf("%s not on the allow-list after reading the PRM", u)
		}
	}
	_, _, th := tgt.snapshot()
	if got := th[0].Get("X-Secret"); got != "s3cret" {
		t.Errorf("target did not get Config.Headers: %q", got)
	}
	_, _, mh := meta.snapshot()
	for _, h := range mh {
		if h.Get("X-Secret") != "" || h.Get("Authorization") != "" {
			t.Errorf("metadata host received target-only headers: %v", h)
		}
	}
}

func TestSend_duplicateAuthorizationLines(t *testing.T) {
	var hits hitLog
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.add(r) }))
	run := newTestRun(t, Config{URL: srv.URL}, nil)
	want := []string{"Bearer first", "Bearer second"}
	if _, _, err := run.send(t.Context(), Request{Authorization: want}); err != nil {
		t.Fatal(err)
	}
	_, auth, _ := hits.snapshot()
	if diff := cmp.Diff(want, auth[0]); diff != "" {
		t.Errorf("Authorization field lines received (-want +got):\n%s", diff)
	}
}

func TestSend_bodyCap(t *testing.T) {
	tests := []struct {
		name          string
		size          int
		wantTruncated bool
	}{
		{name: "exactly the cap", size: MaxBodyBytes},
		{name: "over the cap", size: MaxBodyBytes + 10, wantTruncated: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(strings.Repeat("a", tt.size)))
			}))
			run := newTestRun(t, Config{URL: srv.URL}, nil)
			resp, _, err := run.send(t.Context(), Request{Method: http.MethodGet})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Truncated != tt.wantTruncated || len(resp.Body) != min(tt.size, MaxBodyBytes) {
				t.Errorf("Truncated = %v, len = %d", resp.Truncated, len(resp.Body))
			}
		})
	}
}

func TestSend_timeout(t *testing.T) {
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers before the client gives up
	}))
	run := newTestRun(t, Config{URL: srv.URL, Timeout: 50 * time.Millisecond}, nil)
	_, _, err := run.send(t.Context(), Request{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestSend_requestBudget(t *testing.T) {
	srv := loopbackServer(t, http.NotFoundHandler())
	run := newTestRun(t, Config{URL: srv.URL}, nil)
	run.maxRequests = 2
	for i := 0; i < 2; i++ {
		if _, _, err := run.send(t.Context(), Request{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := run.send(t.Context(), Request{}); !errors.Is(err, ErrRequestBudget) {
		t.Errorf("third request: err = %v, want ErrRequestBudget", err)
	}
	if run.RequestCount() != 2 {
		t.Errorf("RequestCount = %d, want 2", run.RequestCount())
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"0", 0, true},
		{"2", 2 * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestSend_checkAllowance: a declared rate limit above the run's budget used to make RS-60
// FAIL a correct server with "request budget exhausted"; the check now has its own
// allowance, and other checks still have only the run's budget.
func TestSend_checkAllowance(t *testing.T) {
	srv := loopbackServer(t, http.NotFoundHandler())
	run := newTestRun(t, Config{URL: srv.URL, RateLimit: &RateLimit{Requests: 2, Per: time.Minute}}, nil)
	var before int
	res := runCheck(t, run, "RS-60", NeedsRateLimit, func(ctx context.Context, c *C) {
		run.mu.Lock()
		before = run.requests
		run.maxRequests = run.charged + 2 // whatever ran before, two left in the run's budget
		run.mu.Unlock()
		c.AllowRequests(5)
		for range 7 { // 5 from the allowance, then 2 from the run's budget
			c.Do(ctx, Request{})
		}
		if _, err := c.TryDo(ctx, Request{}); !errors.Is(err, ErrRequestBudget) {
			c.Fail("eighth request: err = %v, want ErrRequestBudget", err)
		}
	})
	if res.Status != StatusPass {
		t.Fatalf("check with an allowance: %s %s", res.Status, res.Detail)
	}
	if n := run.RequestCount() - before; n != 7 {
		t.Errorf("the check sent %d requests, want 7", n)
	}
	if err := (RateLimit{Requests: 4999, Per: time.Second}).Validate(); err != nil {
		t.Errorf("4999/1s: %v", err)
	}
	if err := (RateLimit{Requests: 5000, Per: time.Second}).Validate(); err == nil || !strings.Contains(err.Error(), "10002") {
		t.Errorf("5000/1s: %v, want a usage error naming the 10002 requests it would take", err)
	}
}

// TestSend_perOriginBudget: a PRM listing 3,000 authorization servers on another origin used
// to let the run spend its whole budget there.
func TestSend_perOriginBudget(t *testing.T) {
	var hits atomic.Int64
	other := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	var servers []string
	for i := range 3000 {
		servers = append(servers, fmt.Sprintf("%s/tenant%d", other.URL, i))
	}
	prm, _ := json.Marshal(map[string]any{"resource": "x", "authorization_servers": servers})
	target := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(prm)
	}))
	run := newTestRun(t, Config{URL: target.URL + "/mcp"}, nil)
	if _, _, err := run.send(t.Context(), Request{Method: http.MethodGet, URL: target.URL + "/.well-known/oauth-protected-resource"}); err != nil {
		t.Fatal(err)
	}
	var refused int
	for _, as := range servers {
		for _, u := range ASMetadataURLs(as) {
			if _, _, err := run.send(t.Context(), Request{Method: http.MethodGet, URL: u}); errors.Is(err, ErrOriginBudget) {
				refused++
			} else if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
		}
	}
	if n := hits.Load(); n != MaxRequestsPerOtherOrigin {
		t.Errorf("%d requests reached the other origin, want %d", n, MaxRequestsPerOtherOrigin)
	}
	if refused == 0 || run.RequestCount() > MaxRequestsPerOtherOrigin+1 {
		t.Errorf("refused %d, run sent %d", refused, run.RequestCount())
	}
	if _, _, err := run.send(t.Context(), Request{Method: http.MethodGet}); err != nil {
		t.Errorf("the target is still reachable: %v", err)
	}
}
