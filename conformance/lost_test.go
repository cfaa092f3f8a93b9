package conformance

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// TestExecute_targetLostMidRun: a correct server that stops in the middle of a run (here
// after 150 requests) makes the checks that needed it afterwards SKIP as inconclusive with
// the reason, never FAIL on "connection refused" (a server killed mid-run used to get 21
// FAILs); the report says why (TargetLost) and the exit code is 2, as for a target that
// was never reachable.
func TestExecute_targetLostMidRun(t *testing.T) {
	as := mockas.Start(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h, err := fixtures.NewHandler(fixtures.Options{Issuer: as.Issuer()}, "http://"+ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	var stop sync.Once
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second}
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 150 {
			stop.Do(func() { go srv.Close() })
		}
		h.ServeHTTP(w, r)
	})
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	r, err := Execute(testContext(t), Target{URL: "http://" + ln.Addr().String() + "/mcp", MockAS: as}, Options{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if r.TargetLost == "" {
		t.Error("TargetLost is empty, want the first connection error after the server stopped")
	}
	lost := 0
	for _, res := range r.Results {
		if res.Status == check.StatusFail {
			t.Errorf("%s FAILS on a correct server that stopped: %s", res.ID, firstLine(res.Detail))
		}
		if res.Status == check.StatusSkip && strings.Contains(res.Detail, "the target stopped accepting connections") {
			lost++
		}
	}
	if lost == 0 {
		t.Error("no check was skipped for the lost target")
	}
	code, reasons := r.ExitSummary(false)
	if code != 2 || !strings.Contains(strings.Join(reasons, "; "), "the target stopped accepting connections during the run") {
		t.Errorf("exit %d (%v), want 2 naming the lost target", code, reasons)
	}
	t.Logf("%d requests answered; %d checks inconclusive; %s", n.Load(), lost, strings.Join(reasons, "; "))
}
